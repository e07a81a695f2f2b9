"""Errors the assessment engine raises.  Every message is meant for people (Simplified Chinese,
the UI language); the web layer shows it as is and the CLI prints it as ``error: …``."""

from __future__ import annotations


class AssessmentError(Exception):
    """Base class: something the user asked for cannot be done; nothing was changed."""

    #: HTTP status the web layer answers with.
    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ChecklistInvalid(AssessmentError):
    """A standard in the store is unusable (its points do not add up, a criterion is malformed)."""

    status_code = 500


class AnswerInvalid(AssessmentError):
    """An answer, adjustment or evidence item is malformed or out of range (or names an unknown criterion)."""


class EvidenceRejected(AnswerInvalid):
    """An uploaded file is too large (413), not of an allowed type (415) or empty (400)."""

    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.status_code = status_code


class VersionConflict(AssessmentError):
    """Someone else saved the assessment since the user loaded it."""

    status_code = 409


class InvalidState(AssessmentError):
    """The assessment is not in a state that allows this (e.g. already signed off)."""

    status_code = 409


class NotAllowed(AssessmentError):
    """The user may not see or change this."""

    status_code = 403


class NotFound(AssessmentError):
    """No such community, assessment, standard or evidence."""

    status_code = 404

"""Errors the assessment engine raises (``kg.errors.DomainError``): a message for people and the
HTTP status the web layer answers with; the CLI prints it as ``error: …``.  Messages are msgids
of the web app's catalogue (``assessment.po``) with named parameters, marked with ``N_``."""

from __future__ import annotations

from kg.errors import N_, DomainError

__all__ = ["N_", "AssessmentError", "ChecklistInvalid", "AnswerInvalid", "EvidenceRejected", "VersionConflict",
           "InvalidState", "NotAllowed", "NotFound"]


class AssessmentError(DomainError):
    """Base class: something the user asked for cannot be done; nothing was changed."""

    code = "assessment_error"


class ChecklistInvalid(AssessmentError):
    """A standard in the store is unusable (its points do not add up, a criterion is malformed)."""

    status, code = 500, "checklist_invalid"


class AnswerInvalid(AssessmentError):
    """An answer, adjustment or evidence item is malformed or out of range (or names an unknown criterion)."""

    code = "answer_invalid"


class EvidenceRejected(AnswerInvalid):
    """An uploaded file is too large (413), not of an allowed type (415) or empty (400)."""

    code = "evidence_rejected"


class VersionConflict(AssessmentError):
    """Someone else saved the assessment since the user loaded it."""

    status, code = 409, "version_conflict"


class InvalidState(AssessmentError):
    """The assessment is not in a state that allows this (e.g. already signed off)."""

    status, code = 409, "invalid_state"


class NotAllowed(AssessmentError):
    """The user may not see or change this."""

    status, code = 403, "not_allowed"


class NotFound(AssessmentError):
    """No such community, assessment, standard or evidence."""

    status, code = 404, "not_found"

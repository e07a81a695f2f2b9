"""Errors the assessment engine raises (``kg.errors.DomainError``): a message for people and the
HTTP status the web layer answers with; the CLI prints it as ``error: …``.  Messages are msgids
of the web app's catalogue (``assessment.po``) with named parameters, marked with ``N_``::

    raise AnswerInvalid(N_("社区名称须为 1–%(max)s 个字符"), max=NAME_MAX)

A parameter may itself be a ``Message`` (``what=Message(N_("日期"))``): it is translated too.
Several problems found at once are reported together with ``Joined`` (each one translated)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kg.errors import N_, DomainError, Message, translate

__all__ = [
    "N_",
    "AnswerInvalid",
    "AssessmentError",
    "ChecklistInvalid",
    "EvidenceRejected",
    "InvalidState",
    "Joined",
    "Message",
    "NotAllowed",
    "NotFound",
    "VersionConflict",
    "translated",
]

#: How many problems one error lists before "……".
JOINED_MAX = 10


def translated(value: Any) -> str:
    """A message (or a ``Joined`` list of them) in the request's language; other values as text.
    Parameters that are messages themselves are translated first."""
    if isinstance(value, Joined):
        return value.translated()
    if isinstance(value, Message):
        params = {k: translated(v) if isinstance(v, Message) else v for k, v in value.params.items()}
        out = translate(value.message_id, params)
        return str(value) if out is None else out
    return str(value)


class Joined(Message):
    """Several messages reported as one (every bad answer of a form at once), at most
    ``JOINED_MAX`` of them, each translated when shown."""

    parts: list[Message]
    more: bool

    def __new__(cls, parts: Iterable[Message]) -> Joined:
        every = list(parts)
        shown, more = every[:JOINED_MAX], len(every) > JOINED_MAX
        self = str.__new__(cls, "；".join(map(str, shown)) + ("……" if more else ""))
        self.message_id, self.params, self.parts, self.more = str(self), {}, shown, more
        return self

    def translated(self) -> str:
        separator = translate(N_("；"), {}) or "；"
        ellipsis = (translate(N_("……"), {}) or "……") if self.more else ""
        return separator.join(translated(p) for p in self.parts) + ellipsis


class AssessmentError(DomainError):
    """Base class: something the user asked for cannot be done; nothing was changed."""

    code = "assessment_error"

    def translated(self) -> str:
        return translated(self.message)


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
    """Someone else saved the assessment since the user loaded it.  ``by`` (the display name
    of who saved it), ``at`` (when, stored UTC text) and ``version`` (the version now) let the
    web page say who and when in the reader's time zone."""

    status, code = 409, "version_conflict"
    by: str = ""
    at: str = ""
    version: int = 0


class InvalidState(AssessmentError):
    """The assessment is not in a state that allows this (e.g. already signed off)."""

    status, code = 409, "invalid_state"


class NotAllowed(AssessmentError):
    """The user may not see or change this."""

    status, code = 403, "not_allowed"


class NotFound(AssessmentError):
    """No such community, assessment, standard or evidence."""

    status, code = 404, "not_found"

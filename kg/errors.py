"""One error type for every domain package: a message for people and an HTTP status.

A ``DomainError`` carries a translatable message: its ``message_id`` is a msgid of the web app's
catalogue (Simplified Chinese, python-format with named parameters) and ``params`` fill it in.
``str(error)`` is the Simplified Chinese text (what the CLI prints); ``error.translated()`` is
the same message in the current request's language.  ``status`` is the HTTP status the web app
answers with; ``retry_after`` (seconds) is sent for errors that mean "try again later".

Mark messages for the catalogue with ``N_`` so that extraction finds them::

    raise NotFound(N_("没有社区 %(id)s"), id=community_id)

The web app registers one handler for ``DomainError`` (``web.errors``) that renders the error
page, a form error or JSON; the CLI prints ``error: <message>`` and exits 1.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message id for the translation catalogue (translated where it is shown)."""
    return message


def translate(message_id: str, params: dict[str, Any]) -> str | None:
    """The message in the current request's language, or None outside a request."""
    try:
        from flask import has_request_context

        if not has_request_context():
            return None
        from flask_babel import gettext

        return gettext(message_id, **params)
    except (ImportError, RuntimeError, KeyError, TypeError, ValueError):
        return None


def _format(message_id: str, params: dict[str, Any]) -> str:
    try:
        return message_id % params if params else message_id
    except (KeyError, TypeError, ValueError):
        return message_id


class Message(str):
    """A message for people: the ``str`` is the Simplified Chinese text; ``message_id`` and
    ``params`` let the web layer show it in the request's language."""

    message_id: str
    params: dict[str, Any]

    def __new__(cls, message_id: str, **params: Any) -> Message:
        self = super().__new__(cls, _format(message_id, params))
        self.message_id, self.params = message_id, params
        return self

    @property
    def template(self) -> str:
        return self.message_id

    def translated(self) -> str:
        out = translate(self.message_id, self.params)
        return str(self) if out is None else out


class DomainError(Exception):
    """Something a person asked for cannot be done; nothing was changed."""

    status: int = 400
    code: str = "invalid"
    retry_after: int | None = None

    def __init__(self, message: str, *, status: int | None = None, **params: Any):
        msg = message if isinstance(message, Message) else Message(message, **params)
        super().__init__(str(msg))
        self.message: Message = msg
        if status is not None:
            self.status = status

    @property
    def message_id(self) -> str:
        return self.message.message_id

    @property
    def params(self) -> dict[str, Any]:
        return self.message.params

    @property
    def status_code(self) -> int:
        return self.status

    def __str__(self) -> str:
        return str(self.message)

    def translated(self) -> str:
        """The message in the request's language (Simplified Chinese outside a request)."""
        return self.message.translated()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.status, "kind": self.code, "message": self.translated()}


class Invalid(DomainError):
    status, code = 400, "invalid"


class NotAllowed(DomainError):
    status, code = 403, "not_allowed"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class TooLarge(DomainError):
    status, code = 413, "too_large"


class Unavailable(DomainError):
    """A service the request needs cannot be reached now (the graph database, the model)."""

    status, code, retry_after = 503, "unavailable", 10


__all__ = [
    "N_",
    "Conflict",
    "DomainError",
    "Invalid",
    "Message",
    "NotAllowed",
    "NotFound",
    "TooLarge",
    "Unavailable",
    "translate",
]

"""Errors the training engine raises.  Each message is meant for the trainee or staff member
(Simplified Chinese); ``code`` is a stable English key for programs and tests.

Messages are msgids of the web app's catalogue (``web/translations/*/LC_MESSAGES/training.po``):
``str()`` gives the Simplified Chinese text, ``translated()`` the same message in the request's
language (see ``web.accounts.AccountError``)."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for the translation catalogue (translated where it is shown)."""
    return message


def _translate(template: str, params: dict) -> str | None:
    try:
        from flask_babel import gettext

        return gettext(template, **params)
    except (ImportError, RuntimeError, KeyError, TypeError, ValueError):
        return None


class Message(str):
    """A message for people: the ``str`` is the Simplified Chinese text; ``template`` (a msgid,
    python-format) and ``params`` let the web layer show it in the request's language."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        self = super().__new__(cls, template % params if params else template)
        self.template, self.params = template, params
        return self

    def translated(self) -> str:
        out = _translate(self.template, self.params)
        return str(self) if out is None else out


class TrainingError(Exception):
    code = "training_error"
    status = 400

    def __init__(self, message: str, *, params: dict | None = None, **details):
        """``message``: a msgid (python-format when ``params`` are given); ``details``: data for
        programs (not shown)."""
        msg = message if isinstance(message, Message) else Message(message, **(params or {}))
        super().__init__(str(msg))
        self.message = msg
        self.details = details

    def __str__(self) -> str:
        return str(self.message)

    def translated(self) -> str:
        """The message in the request's language."""
        return self.message.translated()


class NotFound(TrainingError):
    code = "not_found"
    status = 404


class NotAllowed(TrainingError):
    """The user may not do this (not enrolled, someone else's attempt, wrong role)."""
    code = "not_allowed"
    status = 403


class Locked(TrainingError):
    """The module or exam is not open yet: earlier steps are not complete."""
    code = "locked"
    status = 409


class AttemptLimitReached(TrainingError):
    code = "attempt_limit"
    status = 409


class CoolingDown(TrainingError):
    code = "cooling_down"
    status = 409


class TimeLimitExceeded(TrainingError):
    """An answer or submission arrived after the attempt's time limit; it was not accepted."""
    code = "time_limit"
    status = 409


class QuestionNotInAttempt(TrainingError):
    code = "question_not_in_attempt"
    status = 400


class InvalidAnswer(TrainingError):
    code = "invalid_answer"
    status = 400


class AttemptClosed(TrainingError):
    code = "attempt_closed"
    status = 409


class NothingToPractise(TrainingError):
    code = "nothing_to_practise"
    status = 409

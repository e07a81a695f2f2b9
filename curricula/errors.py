"""Errors the training engine raises.  Each message is meant for the trainee or staff member
(Simplified Chinese); ``code`` is a stable English key for programs and tests.

Messages are msgids of the web app's catalogue (``web/translations/*/LC_MESSAGES/training.po``):
``str()`` gives the Simplified Chinese text, ``translated()`` the same message in the request's
language (``kg.errors.DomainError``)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from kg.errors import N_, DomainError, Message, translate

__all__ = [
    "N_",
    "AttemptClosed",
    "AttemptLimitReached",
    "CoolingDown",
    "InvalidAnswer",
    "Locked",
    "Message",
    "Moment",
    "NotAllowed",
    "NotFound",
    "NothingToPractise",
    "QuestionNotInAttempt",
    "TimeLimitExceeded",
    "TrainingError",
    "localised",
]


class Moment(str):
    """A time in a message.  As text it is UTC (``2025-03-01 08:00 UTC``, what the command line
    prints); on a page it is shown in the app's time zone (``CEM_TIMEZONE``, see ``localised``)."""

    when: datetime

    def __new__(cls, when: datetime) -> Moment:
        self = super().__new__(cls, f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        self.when = when
        return self

    def in_zone(self, zone: tzinfo) -> str:
        return f"{self.when.astimezone(zone):%Y-%m-%d %H:%M}"


def _display_zone() -> tzinfo | None:
    """The time zone of the app serving the current request (its ``CEM_TIMEZONE``), if any."""
    try:
        from flask import current_app, has_app_context

        if has_app_context():
            return current_app.extensions["cem_settings"].zone
    except (ImportError, KeyError, AttributeError, RuntimeError):
        pass
    return None


def localised(message: Message) -> str:
    """A message in the request's language, its times (``Moment``) in the app's time zone."""
    zone = _display_zone()
    params = {k: (v.in_zone(zone) if isinstance(v, Moment) and zone is not None else v)
              for k, v in message.params.items()}
    out = translate(message.message_id, params)
    return str(message) if out is None else out


class TrainingError(DomainError):
    code = "training_error"
    status = 400

    def __init__(self, message: str, *, params: dict | None = None, **details):
        """``message``: a msgid (python-format when ``params`` are given; a time is passed as a
        ``Moment``); ``details``: data for programs (not shown)."""
        super().__init__(message, **(params or {}))
        self.details = details

    def translated(self) -> str:
        return localised(self.message)


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

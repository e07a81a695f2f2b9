"""Errors the training engine raises.  Each message is meant for the trainee or staff member
(Simplified Chinese); ``code`` is a stable English key for programs and tests.

Messages are msgids of the web app's catalogue (``web/translations/*/LC_MESSAGES/training.po``):
``str()`` gives the Simplified Chinese text, ``translated()`` the same message in the request's
language (``kg.errors.DomainError``)."""

from __future__ import annotations


from kg.errors import N_, DomainError, Message

__all__ = ["N_", "Message", "TrainingError", "NotFound", "NotAllowed", "Locked", "AttemptLimitReached", "CoolingDown",
           "TimeLimitExceeded", "QuestionNotInAttempt", "InvalidAnswer", "AttemptClosed", "NothingToPractise"]


class TrainingError(DomainError):
    code = "training_error"
    status = 400

    def __init__(self, message: str, *, params: dict | None = None, **details):
        """``message``: a msgid (python-format when ``params`` are given); ``details``: data for
        programs (not shown)."""
        super().__init__(message, **(params or {}))
        self.details = details


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

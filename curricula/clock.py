"""Time for the training engine.

Every engine function takes ``now`` (a timezone-aware datetime); callers that have no opinion
pass ``SystemClock().now()``.  Tests inject a ``FixedClock`` and move it forward.  Times are
stored as ISO-8601 UTC strings of one fixed shape (``2025-03-01T08:00:00.000000Z``), so that
string order is time order in both stores.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move (thread-safe)."""

    def __init__(self, start: datetime | str | None = None):
        self._lock = threading.Lock()
        if isinstance(start, str):
            start = parse(start)
        self._now = aware(start or datetime(2025, 3, 1, 8, 0, tzinfo=UTC))

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime | str) -> None:
        with self._lock:
            self._now = aware(parse(when) if isinstance(when, str) else when)

    def advance(self, **delta) -> datetime:
        with self._lock:
            self._now = self._now + timedelta(**delta)
            return self._now


def aware(dt: datetime) -> datetime:
    """A datetime in UTC; naive datetimes are taken as UTC."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def iso(dt: datetime) -> str:
    return aware(dt).strftime(ISO_FORMAT)


def parse(text: str) -> datetime:
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return aware(datetime.fromisoformat(text))


def add_years(dt: datetime, years: int) -> datetime:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return dt.replace(year=dt.year + years)
    except ValueError:
        return dt.replace(year=dt.year + years, day=28)


def now_or_system(now: datetime | None) -> datetime:
    return aware(now) if now is not None else SystemClock().now()

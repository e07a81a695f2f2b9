"""Recurring requirements become reminders with due dates.

A criterion with ``recurrence_months`` (risk assessment every 6 months, the leadership body's
yearly meeting, the yearly report through the national system, yearly funding, the yearly
publicity days) is due ``recurrence_months`` after the last time the community did it.  The
last time is the latest of: the ``last_done`` date on its answers and the dates of "date"
evidence attached to that criterion, across all the community's assessments.

Status: ``overdue`` (due date passed), ``due_soon`` (within ``SOON_DAYS``), ``ok``, or
``unknown`` (never recorded: do it and record the date).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import cast

from assessments.checklist import Checklist, Criterion
from assessments.errors import N_
from kg.store.base import GraphStore

SOON_DAYS = 30
#: Simplified Chinese labels (msgids: pages show them translated).
STATUS_LABELS = {"overdue": N_("已逾期"), "due_soon": N_("即将到期"), "ok": N_("按期"), "unknown": N_("尚无记录")}
_ORDER = {"overdue": 0, "unknown": 1, "due_soon": 2, "ok": 3}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter: Aug 31 + 6 = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Reminder:
    criterion: Criterion
    last_done: date | None
    due: date | None
    status: str
    days_left: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        return {"criterion": self.criterion.id, "number": self.criterion.number, "name": self.criterion.name,
                "every_months": self.criterion.recurrence_months,
                "last_done": self.last_done.isoformat() if self.last_done else None,
                "due": self.due.isoformat() if self.due else None, "status": self.status,
                "days_left": self.days_left}


def reminders(store: GraphStore, checklist: Checklist, community_id: str, *, today: date | None = None,
              soon_days: int = SOON_DAYS) -> list[Reminder]:
    """The community's recurring requirements with their due dates, most urgent first."""
    today = today or date.today()
    recurring = checklist.recurring
    if not recurring:
        return []
    last: dict[str, date] = {}
    for row in store.run_read("assessment_done_dates", community=community_id):
        try:
            day = date.fromisoformat(str(row["date"]))
        except ValueError:
            continue
        cid = row["criterion"]
        if cid not in last or day > last[cid]:
            last[cid] = day
    out = []
    for c in recurring:
        done = last.get(c.id)
        if done is None:
            out.append(Reminder(c, None, None, "unknown", None))
            continue
        due = add_months(done, cast(int, c.recurrence_months))  # set: the criterion is recurring
        days = (due - today).days
        status = "overdue" if days < 0 else ("due_soon" if days <= soon_days else "ok")
        out.append(Reminder(c, done, due, status, days))
    out.sort(key=lambda r: (_ORDER[r.status], r.due or today, r.criterion.number))
    return out


__all__ = ["SOON_DAYS", "Reminder", "add_months", "reminders"]

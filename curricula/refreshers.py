"""Refreshers: reminders before a certificate expires, and spaced practice of missed questions.

Spaced practice.  A question the trainee answers wrongly in a quiz becomes a practice item
(``ANSWERED_WRONG`` from the user to the question) that comes back 1 day later.  In practice
mode, each right answer spaces it further -- the next return after 3, then 7 days -- and two
right answers in a row retire it; a wrong answer brings it back the next day and starts the
count of right answers again.  Practice mode asks only the items that are due.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from curricula import attempts as store_attempts
from curricula.attempts import PRACTICE, Attempt
from curricula.bank import load_questions
from curricula.clock import iso, parse
from curricula.errors import N_, Moment, NotFound, NothingToPractise
from curricula.scoring import encode_order
from kg.store.base import GraphStore

INTERVALS_DAYS = (1, 3, 7)
RIGHT_TO_RETIRE = 2
PRACTICE_SIZE = 10
REMINDER_DAYS = 90
REPORT_WINDOWS = (90, 30)


@dataclass(frozen=True)
class PracticeItem:
    question: str
    missed_at: datetime
    due_at: datetime
    step: int
    streak: int
    reviews: int
    retired: bool

    def due(self, now: datetime) -> bool:
        return not self.retired and self.due_at <= now

    @classmethod
    def from_properties(cls, question: str, p: dict) -> PracticeItem:
        return cls(question, parse(p["missed_at"]), parse(p["due_at"]), int(p.get("step") or 0),
                   int(p.get("streak") or 0), int(p.get("reviews") or 0), bool(p.get("retired", False)))


def after_miss(now: datetime, item: PracticeItem | None = None) -> dict:
    """The item's state after a wrong answer in a quiz: back tomorrow, right answers count again."""
    return {"missed_at": iso(now), "due_at": iso(now + timedelta(days=INTERVALS_DAYS[0])), "step": 0, "streak": 0,
            "reviews": item.reviews if item else 0, "retired": False}


def after_review(item: PracticeItem, right: bool, now: datetime) -> dict:
    """The item's state after it was asked in practice mode."""
    reviews = item.reviews + 1
    if not right:
        return {"missed_at": iso(now), "due_at": iso(now + timedelta(days=INTERVALS_DAYS[0])), "step": item.step,
                "streak": 0, "reviews": reviews, "retired": False}
    streak = item.streak + 1
    step = min(item.step + 1, len(INTERVALS_DAYS) - 1)
    state = {"due_at": iso(now + timedelta(days=INTERVALS_DAYS[step])), "step": step, "streak": streak,
             "reviews": reviews, "retired": streak >= RIGHT_TO_RETIRE}
    if state["retired"]:
        state["retired_at"] = iso(now)
    return state


def practice_items(store: GraphStore, user: str, question: str | None = None) -> list[PracticeItem]:
    rows = store.run_read("training_wrong_items", user=user, question=question)
    items = [PracticeItem.from_properties(r["question"], r["properties"]) for r in rows]
    items.sort(key=lambda i: (i.due_at, i.question))
    return items


def spaced_update(store: GraphStore, user: str, question: str, *, right: bool, mode: str, now: datetime) -> dict | None:
    """The new state of the trainee's practice item for ``question`` after an answer (None:
    nothing changes -- a right answer outside practice mode)."""
    if mode != PRACTICE:
        if right:
            return None
        current = practice_items(store, user, question)
        return after_miss(now, current[0] if current else None)
    current = practice_items(store, user, question)
    if not current:
        return None if right else after_miss(now)
    return after_review(current[0], right, now)


def due_items(store: GraphStore, user: str, *, now: datetime) -> list[PracticeItem]:
    return [i for i in practice_items(store, user) if i.due(now)]


def next_due(store: GraphStore, user: str, *, now: datetime) -> datetime | None:
    upcoming = [i.due_at for i in practice_items(store, user) if not i.retired and i.due_at > now]
    return min(upcoming) if upcoming else None


def start_practice(store: GraphStore, user: str, *, now: datetime, size: int = PRACTICE_SIZE,
                   rng: random.Random | None = None) -> Attempt:
    """A practice round of the trainee's due items (an open round is resumed)."""
    from curricula.progress import require_user

    require_user(store, user)
    rng = rng or random.SystemRandom()
    previous = [a for a in store_attempts.user_attempts(store, user) if a.mode == PRACTICE]
    for a in previous:
        if a.is_open:
            return a
    items = due_items(store, user, now=now)[:size]
    questions = load_questions(store, [i.question for i in items])
    chosen = [i.question for i in items if i.question in questions]
    if not chosen:
        upcoming = next_due(store, user, now=now)
        if upcoming:
            raise NothingToPractise(N_("现在没有需要练习的错题（下一题将于 %(when)s 到期）"),
                                    params={"when": Moment(upcoming)}, next_due=upcoming)
        raise NothingToPractise(N_("现在没有需要练习的错题（目前没有答错的题目）"), next_due=upcoming)
    rng.shuffle(chosen)
    orders = []
    for q in chosen:
        order = list(range(len(questions[q].options)))
        if questions[q].kind != "true_false":
            rng.shuffle(order)
        orders.append(encode_order(order))
    number = len(previous) + 1
    props = {"quiz": "practice", "user": user, "mode": PRACTICE, "kind": "practice", "number": number,
             "started_at": iso(now), "status": store_attempts.OPEN, "questions": chosen, "orders": orders,
             "pass_mark": 1.0, "quiz_name": N_("错题练习")}
    attempt, _ = store_attempts.create_attempt(
        store, attempt=store_attempts.attempt_id(user, "practice", number, PRACTICE), user=user, quiz="practice",
        props=props)
    return attempt


# --- reminders -----------------------------------------------------------------------------

def reminders(store: GraphStore, user: str, *, now: datetime, days: int = REMINDER_DAYS) -> list[dict]:
    """The trainee's current certificates that expire within ``days`` days or have expired
    (not yet renewed): what the home page lists and counts in its badge."""
    from curricula.bank import load_course
    from curricula.certificates import user_certificates

    out: list[dict[str, Any]] = []
    for cert in user_certificates(store, user):
        if cert.superseded_by:
            continue
        if cert.expires_at - now <= timedelta(days=days):
            try:
                course = load_course(store, cert.course)
                name, refresher = course.name, course.refresher.id if course.refresher else None
            except NotFound:  # a course removed from the content still gets a reminder
                name, refresher = cert.course, None
            out.append({"certificate": cert, "course_name": name, "status": cert.status(now),
                        "days_left": cert.days_left(now), "refresher": refresher})
    out.sort(key=lambda r: r["certificate"].expires_at)
    return out

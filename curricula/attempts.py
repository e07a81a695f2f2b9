"""Attempts and answers in the graph store.

An ``Attempt`` node holds what was shown (``questions`` in order and, parallel to it,
``orders``: each question's option order as a string of authoring positions, e.g. ``"2031"``),
the time limit (``deadline``), and once submitted the result (``correct``, ``total``, ``score``,
``passed``, ``late``, ``correct_questions``).  Each answer is a ``QuizAnswer`` node whose id is
``<attempt>:<question>`` -- the idempotency key: a second submission of the same answer (double
click, retry after a timeout) finds the first and changes nothing.

Attempt ids are ``att.<digest of user and quiz>.<n>`` (``prc.`` for practice rounds), n counting
the trainee's attempts at that quiz: two concurrent "start" clicks create one attempt.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from curricula.clock import iso, parse
from kg.store.base import GraphStore

OPEN, SUBMITTED = "open", "submitted"
QUIZ, PRACTICE = "quiz", "practice"


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def attempt_id(user: str, quiz: str, number: int, mode: str = QUIZ) -> str:
    prefix = "prc" if mode == PRACTICE else "att"
    return f"{prefix}.{digest(user, quiz)}.{number}"


def answer_id(attempt: str, question: str) -> str:
    return f"{attempt}:{question}"


@dataclass
class Attempt:
    id: str
    quiz: str
    user: str
    mode: str
    kind: str
    number: int
    started_at: datetime
    questions: list[str]
    orders: list[str]
    status: str = OPEN
    course: str | None = None
    module: str | None = None
    deadline: datetime | None = None
    pass_mark: float | None = None
    quiz_name: str | None = None
    submitted_at: datetime | None = None
    late: bool = False
    correct: int | None = None
    total: int | None = None
    score: float | None = None
    passed: bool | None = None
    answered: int | None = None
    correct_questions: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    def order_of(self, question: str) -> str:
        return self.orders[self.questions.index(question)]

    def time_left(self, now: datetime) -> float | None:
        """Seconds left before the time limit (None without one)."""
        return None if self.deadline is None else max(0.0, (self.deadline - now).total_seconds())

    @classmethod
    def from_properties(cls, attempt: str, p: dict) -> Attempt:
        def when(key):
            return parse(p[key]) if p.get(key) else None

        return cls(id=attempt, quiz=p["quiz"], user=p["user"], mode=p.get("mode", QUIZ), kind=p.get("kind", ""),
                   number=int(p.get("number") or 0), started_at=parse(p["started_at"]),
                   questions=list(p.get("questions") or []), orders=list(p.get("orders") or []),
                   status=p.get("status", OPEN), course=p.get("course"), module=p.get("module"),
                   deadline=when("deadline"), pass_mark=p.get("pass_mark"), quiz_name=p.get("quiz_name"),
                   submitted_at=when("submitted_at"), late=bool(p.get("late", False)), correct=p.get("correct"),
                   total=p.get("total"), score=p.get("score"), passed=p.get("passed"), answered=p.get("answered"),
                   correct_questions=list(p.get("correct_questions") or []))


@dataclass
class RecordedAnswer:
    question: str
    chosen: list[int]  # authoring positions
    correct: bool
    answered_at: datetime

    @classmethod
    def from_properties(cls, p: dict) -> RecordedAnswer:
        return cls(p["question"], [int(c) for c in p.get("chosen") or []], bool(p.get("correct")),
                   parse(p["answered_at"]))


def create_attempt(store: GraphStore, *, attempt: str, user: str, quiz: str, props: dict) -> tuple[Attempt, bool]:
    """Create the attempt (or find the one a concurrent call created); True when created here."""
    rows = store.run_write("training_create_attempt", id=attempt, user=user, quiz=quiz,
                           props=props, request=uuid.uuid4().hex)
    if not rows:
        raise LookupError(f"no user {user}")
    return Attempt.from_properties(attempt, rows[0]["properties"]), bool(rows[0]["created"])


def get_attempt(store: GraphStore, attempt: str) -> Attempt | None:
    node = store.get_node(attempt)
    if node is None or node["label"] != "Attempt":
        return None
    return Attempt.from_properties(node["id"], node["properties"])


def user_attempts(store: GraphStore, user: str) -> list[Attempt]:
    rows = store.run_read("training_user_attempts", user=user)
    out = [Attempt.from_properties(r["id"], r["properties"]) for r in rows]
    out.sort(key=lambda a: (a.started_at, a.number, a.id))
    return out


def record_answer(store: GraphStore, attempt: Attempt, question: str, chosen: list[int], correct: bool,
                  now: datetime, spaced: dict | None) -> tuple[RecordedAnswer, bool] | None:
    """Record an answer once.  Returns (the recorded answer, created here) or None when the
    attempt is not open any more."""
    props = {"attempt": attempt.id, "question": question, "user": attempt.user, "chosen": list(chosen),
             "correct": bool(correct), "answered_at": iso(now), "mode": attempt.mode, "quiz": attempt.quiz}
    rows = store.run_write("training_record_answer", attempt=attempt.id, question=question, user=attempt.user,
                           id=answer_id(attempt.id, question), props=props, request=uuid.uuid4().hex,
                           now=iso(now), spaced=spaced)
    if not rows:
        return None
    return RecordedAnswer.from_properties(rows[0]["properties"]), bool(rows[0]["created"])


def recorded_answer(store: GraphStore, attempt: str, question: str) -> RecordedAnswer | None:
    node = store.get_node(answer_id(attempt, question))
    if node is None or node["label"] != "QuizAnswer":
        return None
    return RecordedAnswer.from_properties(node["properties"])


def attempt_answers(store: GraphStore, attempt: str) -> dict[str, RecordedAnswer]:
    rows = store.run_read("training_attempt_answers", attempt=attempt)
    return {r["properties"]["question"]: RecordedAnswer.from_properties(r["properties"]) for r in rows}


def finish_attempt(store: GraphStore, attempt: str, *, now: datetime, late: bool, required: int) -> Attempt | None:
    """Close and score an open attempt; None when it was already closed."""
    rows = store.run_write("training_finish_attempt", attempt=attempt, now=iso(now), late=bool(late),
                           required=int(required))
    return Attempt.from_properties(attempt, rows[0]["properties"]) if rows else None

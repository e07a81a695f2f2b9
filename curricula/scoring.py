"""Scoring: pure functions, no store.

* An item is right only when the chosen options are exactly the correct ones (a multiple-select
  item is all or nothing); an unanswered item is wrong.
* The score is the share of right items among the items of the attempt.
* A module knowledge check passes only when every item is right (the FEMA online-course rule:
  knowledge reviews are answered fully correctly before moving on); a final exam or refresher
  passes at its ``pass_mark`` (default 80 %, above FEMA EMI's 75 % floor; see README).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_PASS_MARK = 0.8
FEMA_FLOOR = 0.75
KNOWLEDGE_CHECK = "knowledge_check"


@dataclass(frozen=True)
class Key:
    """The answer key of one question."""

    question: str
    answer: frozenset[int]
    options: int


@dataclass(frozen=True)
class Score:
    correct: int
    total: int
    right: frozenset[str] = field(default_factory=frozenset)

    @property
    def fraction(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)


def is_correct(answer: Iterable[int], chosen: Iterable[int] | None) -> bool:
    if chosen is None:
        return False
    chosen = list(chosen)
    return bool(chosen) and len(set(chosen)) == len(chosen) and set(chosen) == set(answer)


def score(keys: Sequence[Key], chosen: Mapping[str, Sequence[int] | None]) -> Score:
    """Score the answers ``chosen`` (question id -> authoring positions) against ``keys``.
    Answers to questions that are not in ``keys`` are ignored."""
    right = frozenset(k.question for k in keys if is_correct(k.answer, chosen.get(k.question)))
    return Score(correct=len(right), total=len(keys), right=right)


def effective_pass_mark(kind: str, pass_mark: float | None) -> float:
    if kind == KNOWLEDGE_CHECK:
        return 1.0
    if pass_mark is None or not (0 < pass_mark <= 1):
        return DEFAULT_PASS_MARK
    return float(pass_mark)


def required_correct(total: int, pass_mark: float) -> int:
    """Fewest right items that reach ``pass_mark`` of ``total`` (exact for shares like 0.8)."""
    return max(1, math.ceil(round(pass_mark * total, 9))) if total else 1


def passes(kind: str, pass_mark: float | None, correct: int, total: int) -> bool:
    if total <= 0:
        return False
    return correct >= required_correct(total, effective_pass_mark(kind, pass_mark))


# --- shown order of options ----------------------------------------------------------------

def encode_order(order: Sequence[int]) -> str:
    return "".join(str(i) for i in order)


def decode_order(text: str) -> list[int]:
    return [int(c) for c in text]


def to_authoring(order: str, shown: Iterable[int]) -> list[int]:
    """Shown positions (what the trainee clicked) to authoring positions (what the key uses)."""
    positions = decode_order(order)
    return [positions[i] for i in shown]


def to_shown(order: str, authoring: Iterable[int]) -> list[int]:
    positions = decode_order(order)
    return sorted(positions.index(a) for a in authoring)

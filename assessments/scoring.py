"""Scoring: answers in, a result out (gate conditions, per-element and total scores, pass/fail).

Plain functions over a ``Checklist``; no store needed.  The rules (also in assessments/README.md):

* **binary** — met: full points; not met: 0.  A binary gate condition holds only when met.
* **graded** — met: full points; partly met: the criterion's ``partial_points`` if it sets them,
  otherwise **half** its points; not met: 0.  A graded gate holds only when fully met.
* **numeric** — a value against ``target``: **full points when value >= target, otherwise
  points × value / target** (proportional, never below 0).  A numeric gate condition holds when
  value >= target, or value > target when it sets ``target_above`` ("more than …": G1, resident
  satisfaction above 70 %).  Values must be >= 0, and <= 100 when the unit is "%".
* **scale** — an integer on the standard's scale (UNDRR preliminary: 0–3): points × value / max.
* An unanswered criterion scores 0 and an unanswered gate does not hold.
* Points are rounded to 2 decimals per criterion; totals are sums of the rounded points.
* A reviewer's adjustment replaces the self-assessed points (or whether a gate holds) in the
  effective result; both values are kept and shown.
* **Qualified** (可申报) = every gate condition holds **and** the total >= the pass mark (80 of
  100).  A standard without a pass mark (the UNDRR scorecard) reports no pass/fail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from assessments.checklist import Checklist, Criterion, Element
from assessments.errors import N_, AnswerInvalid, Joined, Message

MET, PARTLY, NOT_MET, UNANSWERED = "met", "partly", "not_met", "unanswered"
STATUS_LABELS = {MET: "符合", PARTLY: "部分符合", NOT_MET: "不符合", UNANSWERED: "未作答"}
NOTE_MAX = 2000
NUMERIC_MAX = 1e12

_TRUE = {"met", "yes", "y", "true", "1", "是", "符合", "已满足", "满足"}
_FALSE = {"not_met", "no", "n", "false", "0", "否", "不符合", "未满足", "不满足"}
_PARTLY = {"partly", "partial", "partly_met", "部分符合", "部分满足", "部分"}


@dataclass(frozen=True)
class Answer:
    """One criterion's answer: ``status`` (binary/graded) or ``value`` (numeric/scale)."""

    criterion_id: str
    status: str | None = None
    value: float | None = None
    note: str = ""
    last_done: str | None = None  # ISO date the recurring activity was last done

    @property
    def answered(self) -> bool:
        return self.status is not None or self.value is not None

    def stored(self) -> dict:
        """Properties as stored on the Answer node (None values are left out)."""
        out = {"status": self.status, "value": self.value, "note": self.note or None,
               "last_done": self.last_done}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Adjustment:
    """A reviewer's change to one criterion: new points (scored) or whether a gate holds."""

    criterion_id: str
    reason: str
    points: float | None = None
    held: bool | None = None
    reviewer: str = ""
    at: str = ""


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    answer: Answer | None
    status: str          # met / partly / not_met / unanswered (self-assessed)
    points: float        # self-assessed points (0 for gates)
    held: bool | None    # gates: whether the condition holds (self-assessed); None otherwise
    adjustment: Adjustment | None = None

    @property
    def max_points(self) -> float:
        return self.criterion.max_points

    @property
    def effective_points(self) -> float:
        if self.adjustment is not None and self.adjustment.points is not None:
            return self.adjustment.points
        return self.points

    @property
    def effective_held(self) -> bool | None:
        if self.adjustment is not None and self.adjustment.held is not None:
            return self.adjustment.held
        return self.held

    @property
    def fully_met(self) -> bool:
        if self.criterion.gate:
            return bool(self.effective_held)
        return self.effective_points >= self.max_points - 1e-9

    @property
    def recoverable(self) -> float:
        """Points still to gain (0 for gates: they carry none, but block qualification)."""
        return round(max(0.0, self.max_points - self.effective_points), 2)

    def as_dict(self) -> dict:
        c = self.criterion
        out = {"criterion": c.id, "number": c.number, "name": c.name, "element": c.element,
               "gate": c.gate, "scoring": c.scoring, "max_points": c.max_points, "status": self.status,
               "points": self.points, "effective_points": self.effective_points,
               "fully_met": self.fully_met}
        if c.gate:
            out["held"] = self.held
            out["effective_held"] = self.effective_held
        if self.answer is not None:
            out["answer"] = self.answer.stored()
        if self.adjustment is not None:
            out["adjustment"] = {k: v for k, v in self.adjustment.__dict__.items() if v not in (None, "")}
        return out


@dataclass(frozen=True)
class ElementScore:
    element: Element
    points: float       # effective
    self_points: float  # as self-assessed

    @property
    def max_points(self) -> float:
        return self.element.max_points

    @property
    def ratio(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    def as_dict(self) -> dict:
        return {"element": self.element.name, "points": self.points, "self_points": self.self_points,
                "max_points": self.max_points}


@dataclass(frozen=True)
class Result:
    checklist: Checklist
    criteria: tuple[CriterionScore, ...]
    elements: tuple[ElementScore, ...]
    total: float           # effective (with reviewer adjustments)
    self_total: float      # as self-assessed
    gates_met: bool        # effective
    self_gates_met: bool
    by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "by_id", {s.criterion.id: s for s in self.criteria})

    @property
    def max_total(self) -> float:
        return self.checklist.total_points

    @property
    def pass_mark(self) -> float | None:
        return self.checklist.pass_mark

    @property
    def score_passed(self) -> bool | None:
        """Total >= pass mark (None when the standard has no pass mark)."""
        if self.pass_mark is None:
            return None
        return self.total >= self.pass_mark - 1e-9

    @property
    def qualified(self) -> bool | None:
        """Every gate holds and the score passes (None when the standard has no pass mark)."""
        if self.pass_mark is None:
            return None
        return self.gates_met and bool(self.score_passed)

    @property
    def gates(self) -> tuple[CriterionScore, ...]:
        return tuple(s for s in self.criteria if s.criterion.gate)

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(s.criterion.id for s in self.criteria if s.status == UNANSWERED)

    @property
    def gaps(self) -> tuple[CriterionScore, ...]:
        """Every criterion not fully met (gates that do not hold included)."""
        return tuple(s for s in self.criteria if not s.fully_met)

    @property
    def answered_gaps(self) -> tuple[CriterionScore, ...]:
        """Criteria answered and not fully met (a blank draft has none: it is not yet known)."""
        return tuple(s for s in self.gaps if s.status != UNANSWERED)

    def summary(self) -> dict:
        """The few figures cached on the Assessment node (readiness view, lists)."""
        return {"total": self.total, "self_total": self.self_total, "gates_met": self.gates_met,
                "qualified": bool(self.qualified), "open_gaps": len(self.gaps),
                "answered": len(self.criteria) - len(self.unanswered), "unanswered": len(self.unanswered),
                "answered_gaps": len(self.answered_gaps)}

    def as_dict(self) -> dict:
        return {"standard": self.checklist.standard_id, "total": self.total, "self_total": self.self_total,
                "max_total": self.max_total, "pass_mark": self.pass_mark, "gates_met": self.gates_met,
                "self_gates_met": self.self_gates_met, "score_passed": self.score_passed,
                "qualified": self.qualified, "open_gaps": len(self.gaps),
                "unanswered": list(self.unanswered),
                "elements": [e.as_dict() for e in self.elements],
                "criteria": [s.as_dict() for s in self.criteria]}


# --- parsing answers ----------------------------------------------------------------------------

def _label(c: Criterion) -> str:
    """How messages name a criterion: its number and name."""
    return f"{c.number} {c.name}"


def _number(raw: Any, c: Criterion) -> float:
    if isinstance(raw, bool):
        raise AnswerInvalid(N_("%(criterion)s：请填写数值，不是是/否"), criterion=_label(c))
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        if text.endswith("%"):
            text = text[:-1]
        try:
            raw = float(text)
        except ValueError:
            raise AnswerInvalid(N_("%(criterion)s：%(value)s 不是数值"), criterion=_label(c), value=repr(raw[:40])) from None
    if not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise AnswerInvalid(N_("%(criterion)s：请填写有限的数值"), criterion=_label(c))
    return float(raw)


def _status(raw: Any, c: Criterion) -> str:
    if isinstance(raw, bool):
        return MET if raw else NOT_MET
    text = str(raw).strip().lower() if isinstance(raw, (str, int, float)) else None
    if text in _TRUE:
        return MET
    if text in _FALSE:
        return NOT_MET
    if text in _PARTLY:
        if c.scoring == "binary":
            raise AnswerInvalid(N_("%(criterion)s：此条只能回答“符合”或“不符合”"), criterion=_label(c))
        return PARTLY
    if c.scoring == "binary":
        raise AnswerInvalid(N_("%(criterion)s：无法识别的回答 %(value)s（可选：符合 / 不符合）"), criterion=_label(c),
                            value=repr(str(raw)[:40]))
    raise AnswerInvalid(N_("%(criterion)s：无法识别的回答 %(value)s（可选：符合 / 部分符合 / 不符合）"), criterion=_label(c),
                        value=repr(str(raw)[:40]))


def check_date(raw: Any, what: Message, *, today: date | None = None) -> str | None:
    """An ISO date (YYYY-MM-DD) not in the future, or None when empty; ``what`` names the field
    in messages."""
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        value = raw
    else:
        text = str(raw).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise AnswerInvalid(N_("%(what)s：日期格式应为 YYYY-MM-DD（收到 %(value)s）"), what=what, value=repr(text[:20]))
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise AnswerInvalid(N_("%(what)s：%(value)s 不是有效日期"), what=what, value=repr(text)) from None
    if value > (today or date.today()):
        raise AnswerInvalid(N_("%(what)s：日期 %(date)s 在将来"), what=what, date=value.isoformat())
    if value.year < 1990:
        raise AnswerInvalid(N_("%(what)s：日期 %(date)s 太早"), what=what, date=value.isoformat())
    return value.isoformat()


def parse_answer(checklist: Checklist, criterion_id: str, raw: Any, *, note: str | None = None,
                 last_done: Any = None, today: date | None = None) -> Answer | None:
    """Turn user input into an ``Answer``; ``None`` when the answer is left empty.

    ``raw`` is the status (binary/graded: met/partly/not_met, 是/否, 符合/部分符合/不符合, a bool) or
    the value (numeric: a number, "85%"; scale: an integer on the standard's scale).  A mapping
    ``{"status" or "value", "note", "last_done"}`` is accepted too.  Anything out of range or an
    unknown criterion id raises ``AnswerInvalid``.
    """
    c = checklist.criterion(criterion_id)
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"status", "value", "answer", "note", "last_done"}
        if unknown:
            raise AnswerInvalid(N_("%(criterion)s：未知字段 %(fields)s"), criterion=_label(c),
                                fields=", ".join(sorted(map(str, unknown))))
        note = raw.get("note", note)
        last_done = raw.get("last_done", last_done)
        raw = next((raw[k] for k in ("answer", "status", "value") if raw.get(k) not in (None, "")), None)
    note = (note or "").strip() if isinstance(note, str) or note is None else str(note)
    if len(note) > NOTE_MAX:
        raise AnswerInvalid(N_("%(criterion)s：说明不能超过 %(max)s 字"), criterion=_label(c), max=NOTE_MAX)
    last_done = check_date(last_done, Message(N_("%(criterion)s 的上次完成日期"), criterion=_label(c)), today=today)
    if last_done and not c.recurrence_months:
        last_done = None  # only recurring requirements track a date
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if note or last_done:
            return Answer(c.id, note=note, last_done=last_done)
        return None
    if c.scoring in ("binary", "graded"):
        return Answer(c.id, status=_status(raw, c), note=note, last_done=last_done)
    value = _number(raw, c)
    if c.scoring == "numeric":
        if value < 0:
            raise AnswerInvalid(N_("%(criterion)s：数值不能为负（收到 %(value)s）"), criterion=_label(c), value=f"{value:g}")
        if c.unit == "%" and value > 100:
            raise AnswerInvalid(N_("%(criterion)s：百分比须在 0–100 之间（收到 %(value)s）"), criterion=_label(c),
                                value=f"{value:g}")
        if value > NUMERIC_MAX:
            raise AnswerInvalid(N_("%(criterion)s：数值过大（收到 %(value)s）"), criterion=_label(c), value=f"{value:g}")
        return Answer(c.id, value=value, note=note, last_done=last_done)
    low, high = checklist.scale
    if value != int(value) or not low <= value <= high:
        raise AnswerInvalid(N_("%(criterion)s：评分须是 %(low)s–%(high)s 之间的整数（收到 %(value)s）"), criterion=_label(c),
                            low=low, high=high, value=f"{value:g}")
    return Answer(c.id, value=float(int(value)), note=note, last_done=last_done)


def parse_answers(checklist: Checklist, raw: Mapping[str, Any], *, today: date | None = None) -> dict[str, Answer | None]:
    """Parse many answers at once (keys are criterion ids or numbers); all are checked before any
    is returned, so one bad value rejects the lot."""
    out: dict[str, Answer | None] = {}
    errors: list[Message] = []
    for key, value in raw.items():
        cid = key
        if key not in checklist.by_id:
            found = checklist.by_number(str(key))
            cid = found.id if found else key
        try:
            out[checklist.criterion(cid).id] = parse_answer(checklist, cid, value, today=today)
        except AnswerInvalid as exc:
            errors.append(exc.message)
    if errors:
        raise AnswerInvalid(Joined(errors))
    return out


# --- scoring ------------------------------------------------------------------------------------

def score_criterion(checklist: Checklist, c: Criterion, answer: Answer | None) -> tuple[str, float, bool | None]:
    """(status, points, held) for one criterion; see the module docstring for the rules."""
    if answer is None or not answer.answered:
        return UNANSWERED, 0.0, (False if c.gate else None)
    if c.scoring in ("binary", "graded"):
        status = answer.status
        if status == MET:
            points = c.points
        elif status == PARTLY and c.scoring == "graded":
            points = c.partial
        else:
            status, points = (NOT_MET if status != PARTLY else PARTLY), 0.0
    elif c.scoring == "numeric":
        target = cast(float, c.target)  # a numeric criterion has one (checked when the checklist is built)
        value = max(0.0, float(cast(float, answer.value)))
        # `target_above` ("more than the target") decides whether a gate holds; for scored
        # criteria the proportional formula makes the boundary immaterial.
        met = value > target if (c.target_above and c.gate) else value >= target
        points = c.points if value >= target else c.points * value / target
        status = MET if met else (NOT_MET if value <= 0 else PARTLY)
    else:  # scale
        low, high = checklist.scale
        value = min(max(float(cast(float, answer.value)), low), high)
        points = c.points * (value - low) / (high - low)
        status = MET if value >= high else (NOT_MET if value <= low else PARTLY)
    if c.gate:
        return status, 0.0, status == MET
    return status, round(points, 2), None


def score(checklist: Checklist, answers: Mapping[str, Answer | None],
          adjustments: Mapping[str, Adjustment] | None = None) -> Result:
    """Score a set of answers (keyed by criterion id) against the checklist."""
    adjustments = adjustments or {}
    for cid in list(answers) + list(adjustments):
        checklist.criterion(cid)  # unknown ids are refused, never ignored
    scores = []
    for c in checklist.criteria:
        answer = answers.get(c.id)
        status, points, held = score_criterion(checklist, c, answer)
        adj = adjustments.get(c.id)
        scores.append(CriterionScore(c, answer, status, points, held, adj))
    by_id = {s.criterion.id: s for s in scores}
    elements = []
    for el in checklist.elements:
        pts = round(sum(by_id[c.id].effective_points for c in el.criteria), 2)
        self_pts = round(sum(by_id[c.id].points for c in el.criteria), 2)
        elements.append(ElementScore(el, pts, self_pts))
    gates = [s for s in scores if s.criterion.gate]
    return Result(
        checklist=checklist, criteria=tuple(scores), elements=tuple(elements),
        total=round(sum(s.effective_points for s in scores), 2),
        self_total=round(sum(s.points for s in scores), 2),
        gates_met=all(s.effective_held for s in gates),
        self_gates_met=all(s.held for s in gates),
    )


def check_adjustment(checklist: Checklist, criterion_id: str, *, points: Any = None, held: Any = None,
                     reason: str | None = None) -> tuple[Criterion, float | None, bool | None, str]:
    """Validate a reviewer's adjustment: a reason is required; points within 0..max for scored
    criteria; held (yes/no) for gate conditions."""
    c = checklist.criterion(criterion_id)
    reason = (reason or "").strip()
    if not reason:
        raise AnswerInvalid(N_("%(criterion)s：调整评分须写明理由"), criterion=_label(c))
    if len(reason) > NOTE_MAX:
        raise AnswerInvalid(N_("%(criterion)s：理由不能超过 %(max)s 字"), criterion=_label(c), max=NOTE_MAX)
    if c.gate:
        if held in (None, ""):
            raise AnswerInvalid(N_("%(criterion)s：基本条件须判定为“符合”或“不符合”"), criterion=_label(c))
        return c, None, _status(held, c) == MET, reason
    if points in (None, ""):
        raise AnswerInvalid(N_("%(criterion)s：请填写调整后的分值"), criterion=_label(c))
    value = _number(points, c)
    if not 0 <= value <= c.points:
        raise AnswerInvalid(N_("%(criterion)s：调整后的分值须在 0–%(max)s 之间（收到 %(value)s）"), criterion=_label(c),
                            max=f"{c.points:g}", value=f"{value:g}")
    return c, round(value, 2), None, reason

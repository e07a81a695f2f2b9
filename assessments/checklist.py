"""The checklist of a standard, as the engine uses it: gate conditions and scored criteria grouped
by element (一级指标).

A checklist is read from the store (``load_checklist``) or from content records
(``checklist_from_content``).  Either way it is checked before use: a standard whose scored
criteria do not add up to its ``total_points`` (or that has a malformed criterion) is refused
with ``ChecklistInvalid`` — the same rule ``cem check`` applies to the content files, enforced
again here because a store can be written by other means (``cem import``, an old load).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from assessments.errors import N_, AnswerInvalid, ChecklistInvalid, Message, NotFound
from kg.store.base import RESERVED_PROPERTIES, GraphStore

#: The national demonstration-community standard (the default checklist).
DEFAULT_STANDARD = "standard.demo-community-2020"
SCORING_KINDS = ("binary", "graded", "numeric", "scale")
DEFAULT_SCALE = (0, 3)
_TOLERANCE = 1e-6


def natural_key(number: str) -> tuple:
    """Sort key for criterion numbers: "G1" < "G2", "1.3a" < "1.3b" < "1.4" < "2.1" < "10.1"."""
    parts = re.findall(r"\d+|[A-Za-z]+", number or "")
    # Gate conditions ("G1") come first; then numbers in numeric order, letters after numbers.
    key: list = [0 if parts and parts[0].isalpha() and parts[0].upper() == "G" else 1]
    for part in parts:
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part.lower()))
    return tuple(key)


def parse_scale(text: str | None) -> tuple[int, int]:
    """``"0-3"`` -> (0, 3).  The default is the UNDRR preliminary scale 0–3."""
    if not text:
        return DEFAULT_SCALE
    m = re.fullmatch(r"\s*(\d+)\s*[-–~]\s*(\d+)\s*", str(text))
    if not m or int(m.group(1)) >= int(m.group(2)):
        raise ChecklistInvalid(N_("无法识别的评分量表 %(scale)s（应写作 0-3 这样的形式）"), scale=repr(text))
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class Criterion:
    id: str
    number: str
    name: str
    element: str
    points: float
    gate: bool = False
    scoring: str = "graded"
    target: float | None = None
    target_above: bool = False
    partial_points: float | None = None
    unit: str | None = None
    recurrence_months: int | None = None
    requirement: str = ""
    verification: str = ""
    description: str = ""
    provenance: str = ""
    source_gap: str = ""
    #: The text could not be checked against the official text in force (see ``source_gap``);
    #: ``sources_tried`` lists the addresses searched for it.
    unverified: bool = False
    sources_tried: tuple[str, ...] = ()

    @property
    def partial(self) -> float:
        """Points for "partly met" on a graded criterion: its own ``partial_points`` or half."""
        return self.partial_points if self.partial_points is not None else self.points / 2

    @property
    def max_points(self) -> float:
        return 0.0 if self.gate else self.points

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if v not in (None, "")}
        if not self.unverified:
            out.pop("unverified")
        if self.sources_tried:
            out["sources_tried"] = list(self.sources_tried)
        else:
            out.pop("sources_tried")
        return out


@dataclass(frozen=True)
class Element:
    """A first-level indicator (一级指标) and its scored criteria."""

    name: str
    criteria: tuple[Criterion, ...]

    @property
    def max_points(self) -> float:
        return round(sum(c.points for c in self.criteria), 6)

    @property
    def short_name(self) -> str:
        """"1 组织管理" -> "组织管理"; "Essential 01 为增强…" -> "为增强…"."""
        return re.sub(r"^(?:Essential\s+)?\d+\s*", "", self.name).strip() or self.name


@dataclass(frozen=True)
class Checklist:
    standard_id: str
    name: str
    total_points: float
    criteria: tuple[Criterion, ...]
    name_en: str = ""
    pass_mark: float | None = None
    scale: tuple[int, int] = DEFAULT_SCALE
    description: str = ""
    by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "by_id", {c.id: c for c in self.criteria})

    @property
    def gates(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.gate)

    @property
    def scored(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.gate)

    @cached_property
    def elements(self) -> tuple[Element, ...]:
        groups: dict[str, list[Criterion]] = {}
        for c in self.scored:
            groups.setdefault(c.element, []).append(c)
        ordered = sorted(groups.items(), key=lambda kv: natural_key(kv[1][0].number))
        return tuple(Element(name, tuple(items)) for name, items in ordered)

    @property
    def unverified(self) -> tuple[Criterion, ...]:
        """Criteria whose text could not be checked against the official text in force."""
        return tuple(c for c in self.criteria if c.unverified)

    @property
    def recurring(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.recurrence_months)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; an id not in this standard is refused (tampered forms)."""
        found = self.by_id.get(criterion_id) if isinstance(criterion_id, str) else None
        if found is None:
            raise AnswerInvalid(N_("条目 %(criterion)s 不属于标准 %(standard)s"), criterion=repr(str(criterion_id)[:80]),
                                standard=self.standard_id)
        return found

    def by_number(self, number: str) -> Criterion | None:
        for c in self.criteria:
            if c.number == number:
                return c
        return None


# --- building and checking --------------------------------------------------------------------

def _float(value, what: Message) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ChecklistInvalid(N_("%(what)s：不是数字（%(value)s）"), what=what, value=repr(value))
    return float(value)


def _criterion(props: dict, standard_id: str) -> Criterion:
    cid = props.get("id", "?")
    what = Message(N_("条目 %(id)s"), id=cid)
    scoring = props.get("scoring") or "graded"
    if scoring not in SCORING_KINDS:
        raise ChecklistInvalid(N_("%(what)s：未知的计分方式 %(scoring)s"), what=what, scoring=repr(scoring))
    if props.get("standard") not in (None, standard_id):
        raise ChecklistInvalid(N_("%(what)s：属于 %(other)s，不是 %(standard)s"), what=what,
                               other=props.get("standard"), standard=standard_id)
    points = _float(props.get("points"), Message(N_("条目 %(id)s 的分值"), id=cid))
    gate = bool(props.get("gate", False))
    if gate and points != 0:
        raise ChecklistInvalid(N_("%(what)s：基本条件不计分，分值应为 0"), what=what)
    if not gate and points <= 0:
        raise ChecklistInvalid(N_("%(what)s：计分条目的分值须大于 0"), what=what)
    target = props.get("target")
    if scoring == "numeric":
        target = _float(target, Message(N_("条目 %(id)s 的目标值"), id=cid))
        if target <= 0:
            raise ChecklistInvalid(N_("%(what)s：目标值须大于 0"), what=what)
    partial = props.get("partial_points")
    if partial is not None:
        partial = _float(partial, Message(N_("条目 %(id)s 的部分符合分值"), id=cid))
        if not 0 < partial < points:
            raise ChecklistInvalid(N_("%(what)s：部分符合的分值须大于 0 且小于满分"), what=what)
    recurrence = props.get("recurrence_months")
    return Criterion(
        id=cid, number=str(props.get("number") or cid), name=props.get("name") or cid,
        element=props.get("element") or "", points=points, gate=gate, scoring=scoring,
        target=float(target) if target is not None else None,
        target_above=bool(props.get("target_above", False)), partial_points=partial,
        unit=props.get("unit"), recurrence_months=int(recurrence) if recurrence else None,
        requirement=props.get("requirement") or "", verification=props.get("verification") or "",
        description=props.get("description") or "", provenance=props.get("provenance") or "",
        source_gap=props.get("source_gap") or "",
        unverified=bool(props.get("unverified", False)),
        sources_tried=tuple(str(s) for s in (props.get("sources_tried") or ())),
    )


def build_checklist(standard: dict, criteria: list[dict]) -> Checklist:
    """Build and check a checklist from plain property dicts (``id`` included)."""
    sid: str = standard["id"]
    if not criteria:
        raise ChecklistInvalid(N_("标准 %(standard)s 没有任何条目"), standard=sid)
    items = sorted((_criterion(p, sid) for p in criteria), key=lambda c: natural_key(c.number))
    seen: set[str] = set()
    for c in items:
        if c.number in seen:
            raise ChecklistInvalid(N_("标准 %(standard)s 中条目编号 %(number)s 重复"), standard=sid, number=c.number)
        seen.add(c.number)
    total = _float(standard.get("total_points"), Message(N_("标准 %(standard)s 的总分"), standard=sid))
    added = round(sum(c.points for c in items if not c.gate), 6)
    if abs(added - total) > _TOLERANCE:
        raise ChecklistInvalid(N_("标准 %(standard)s 的计分条目合计 %(added)s 分，与总分 %(total)s 分不符，拒绝使用"),
                               standard=sid, added=f"{added:g}", total=f"{total:g}")
    pass_mark = standard.get("pass_mark")
    if pass_mark is not None:
        pass_mark = _float(pass_mark, Message(N_("标准 %(standard)s 的合格线"), standard=sid))
        if not 0 <= pass_mark <= total:
            raise ChecklistInvalid(N_("标准 %(standard)s 的合格线 %(mark)s 不在 0–%(total)s 之间"), standard=sid,
                                   mark=f"{pass_mark:g}", total=f"{total:g}")
    return Checklist(
        standard_id=sid, name=standard.get("name") or sid, name_en=standard.get("name_en") or "",
        total_points=total, pass_mark=pass_mark, scale=parse_scale(standard.get("scale")),
        description=standard.get("description") or "", criteria=tuple(items),
    )


def _clean(props: dict | None) -> dict:
    return {k: v for k, v in (props or {}).items() if k not in RESERVED_PROPERTIES or k == "id"}


def load_checklist(store: GraphStore, standard_id: str = DEFAULT_STANDARD) -> Checklist:
    """Read a standard and its criteria from the store and check them (see module docstring)."""
    rows = store.run_read("assessment_checklist", id=standard_id)
    if not rows:
        raise NotFound(N_("图中没有标准 %(standard)s（先运行 cem load 载入清单）"), standard=standard_id)
    row = rows[0]
    standard = dict(_clean(row["standard"]), id=row["id"])
    criteria = [_clean(p) for p in row["criteria"] if p]
    return build_checklist(standard, criteria)


def list_standards(store: GraphStore) -> list[dict]:
    return store.run_read("assessment_standards")


def checklist_from_content(content, standard_id: str = DEFAULT_STANDARD) -> Checklist:
    """Build a checklist from ``kg.content.loader.read_content()`` records (no store needed)."""
    standard = next((n for n in content.nodes if n.label == "Standard" and n.id == standard_id), None)
    if standard is None:
        raise NotFound(N_("内容中没有标准 %(standard)s"), standard=standard_id)
    member = {r.start for r in content.relationships if r.type == "PART_OF_STANDARD" and r.end == standard_id}
    criteria = [dict(n.properties, id=n.id) for n in content.nodes if n.label == "Criterion" and n.id in member]
    return build_checklist(dict(standard.properties, id=standard_id), criteria)

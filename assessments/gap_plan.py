"""The gap plan: for every criterion not fully met, concrete actions drawn from the graph.

From each gap criterion's links:

* ``REQUIRES`` → **Plan**: write or update the plan, and make sure each duty the plan ASSIGNS
  has someone in the community to hold it (``Organization-[:HAS_DUTY]->Duty``);
* ``REQUIRES`` → **Organization**: set up / designate the body and hand out its duties;
* ``REQUIRES`` → **Duty**: assign the duty to its holders;
* ``REQUIRES`` → **Facility**: set up or improve the facility (its requirements, who runs it);
* ``REQUIRES`` → **Hazard**: find and remedy that hazard (the duties that ADDRESS it);
* ``SATISFIED_BY`` → **Course/Module**: train people in it;
* a criterion with no links: work through its requirement and gather the evidence it names.

Duties are listed only where a community- or grid-level body can hold them (a county bureau's
duty is not the community's to assign), with those holders as "to whom"; facilities also bring
the duties that USE them.  Lessons learned ``ABOUT`` the same hazards, plans, facilities or
duties are attached to show why it matters.

**Owners** — each action proposes who should carry it out, at the community's own level (it is
the community's plan): the community- and grid-level bodies reached by the action's links
(holding its duties: +1 each; running its facility: +2; the body an organization to set up is
part of: +3 -- a body is never proposed to set itself up), the best first; failing those, the community-level holders of the duty to create
a demonstration community (``duty.demo-community-creation``); failing that, the street/town
office the community belongs to (its ``area``).  The community can choose another owner when it
tracks the action (``assessments.actions``).  What each action must show is the served
criteria's requirement and what the check looks at (their ``verification``).

**Ordering** — points recoverable per effort.  Effort per action kind (a rough number of
working days' worth; see ``EFFORT``): duty 1, training module 2, requirement 2, organization 3,
plan 3, hazard 4, training course 4, facility 5.  A gap's *density* is its recoverable points
divided by the total effort of its actions; an action's *priority* is the sum of the densities
of the gaps it serves (an action that helps several gaps ranks higher).  Actions serving a gate
condition come first whatever their priority (a failed gate blocks qualification outright);
ties go to the smaller effort.  Gaps are listed gates first, then by density.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from assessments.errors import N_, Message
from assessments.reports import csv_cell
from assessments.scoring import STATUS_LABELS, CriterionScore, Result
from kg.store.base import GraphStore

EFFORT = {"duty": 1, "module": 2, "requirement": 2, "organization": 3, "plan": 3, "hazard": 4, "course": 4,
          "facility": 5}
#: Simplified Chinese labels (msgids: pages show them translated).
KIND_LABELS = {"duty": N_("落实职责"), "module": N_("培训（模块）"), "course": N_("培训（课程）"),
               "organization": N_("组织机构"), "plan": N_("预案"), "hazard": N_("风险隐患治理"),
               "facility": N_("设施与物资"), "requirement": N_("对照整改")}
COMMUNITY_LEVELS = ("community", "grid")
#: Levels whose bodies may run a facility the community relies on (a county operator is not shown).
LOCAL_LEVELS = ("community", "grid", "town")
#: The duty to create a demonstration community: its community-level holders own what nothing else assigns.
CREATION_DUTY = "duty.demo-community-creation"
LESSONS_PER_ITEM = 3
_LABEL_KIND = {"Plan": "plan", "Organization": "organization", "Duty": "duty", "Facility": "facility",
               "Hazard": "hazard", "Course": "course", "Module": "module"}


@dataclass
class Assignment:
    duty: str
    name: str
    holders: list[tuple[str, str]]  # (organization id, name)
    relevance: int = 0


@dataclass
class Lesson:
    id: str
    name: str
    lesson: str


@dataclass
class Owner:
    """A proposed owner of an action: an organization and why it is proposed."""

    id: str
    name: str
    level: str
    why: list[Message] = field(default_factory=list)
    weight: int = 0


@dataclass
class Action:
    key: str
    kind: str
    target: str
    target_name: str
    title: str
    effort: int
    gaps: list[str] = field(default_factory=list)          # criterion ids served
    assignments: list[Assignment] = field(default_factory=list)
    operators: list[tuple[str, str]] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)  # the facility's legal basis (not the community's task)
    lessons: list[Lesson] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)      # proposed owners, best first
    points: float = 0.0       # recoverable points of the gaps served
    priority: float = 0.0     # sum of the served gaps' points-per-effort
    serves_gate: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def owner(self) -> Owner | None:
        return self.owners[0] if self.owners else None

    def as_dict(self) -> dict:
        return {"key": self.key, "kind": self.kind, "target": self.target, "target_name": self.target_name,
                "title": self.title, "effort": self.effort, "points": self.points,
                "priority": round(self.priority, 4), "serves_gate": self.serves_gate, "gaps": self.gaps,
                "assignments": [{"duty": a.duty, "name": a.name, "holders": [h[0] for h in a.holders]}
                                for a in self.assignments],
                "operators": [o[0] for o in self.operators], "requirements": self.requirements,
                "owner": self.owner.id if self.owner else None,
                "lessons": [{"id": lesson.id, "name": lesson.name} for lesson in self.lessons]}


@dataclass
class Gap:
    score: CriterionScore
    actions: list[str]          # action keys
    effort: int
    lessons: list[Lesson]

    @property
    def criterion(self):
        return self.score.criterion

    @property
    def recoverable(self) -> float:
        return self.score.recoverable

    @property
    def density(self) -> float:
        return self.recoverable / self.effort if self.effort else 0.0

    def as_dict(self) -> dict:
        c = self.criterion
        return {"criterion": c.id, "number": c.number, "name": c.name, "gate": c.gate,
                "status": self.score.status, "points": self.score.effective_points, "max_points": c.max_points,
                "recoverable": self.recoverable, "effort": self.effort, "density": round(self.density, 4),
                "actions": self.actions, "lessons": [lesson.id for lesson in self.lessons]}


@dataclass
class GapPlan:
    assessment_id: str | None
    standard_id: str
    gaps: list[Gap]
    actions: list[Action]

    @property
    def by_key(self) -> dict[str, Action]:
        return {a.key: a for a in self.actions}

    @property
    def recoverable(self) -> float:
        return round(sum(g.recoverable for g in self.gaps), 2)

    def as_dict(self) -> dict:
        return {"assessment": self.assessment_id, "standard": self.standard_id, "recoverable": self.recoverable,
                "gaps": [g.as_dict() for g in self.gaps], "actions": [a.as_dict() for a in self.actions]}

    def to_csv(self) -> str:
        """One row per action, in priority order (UTF-8 text; Excel wants it saved with a BOM)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["序号", "行动", "类型", "对象编号", "建议负责", "工作量", "可恢复分值", "优先度", "涉及基本条件",
                    "相关条目", "职责与承担者", "负责运行的机构", "相关教训"])
        numbers = {g.criterion.id: g.criterion.number for g in self.gaps}
        for i, a in enumerate(self.actions, 1):
            w.writerow([csv_cell(x) for x in (
                i, a.title, a.kind_label, a.target, a.owner.name if a.owner else "", a.effort, f"{a.points:g}",
                f"{a.priority:.3f}", "是" if a.serves_gate else "否", " ".join(numbers.get(g, g) for g in a.gaps),
                "；".join(f"{x.name}（{'、'.join(h[1] for h in x.holders)}）" for x in a.assignments),
                "、".join(o[1] for o in a.operators), "；".join(lesson.name for lesson in a.lessons))])
        return buf.getvalue()

    def to_markdown(self, title: str = "差距整改计划") -> str:
        numbers = {g.criterion.id: f"{g.criterion.number} {g.criterion.name}" for g in self.gaps}
        out = [f"# {_md(title)}", "", f"未完全达标的条目 {len(self.gaps)} 项，可恢复 {self.recoverable:g} 分；"
               f"整改行动 {len(self.actions)} 项，按“可恢复分值 ÷ 工作量”排序（涉及基本条件的行动在前）。", "",
               "## 整改行动", ""]
        for i, a in enumerate(self.actions, 1):
            gate = "（涉及基本条件）" if a.serves_gate else ""
            out.append(f"### {i}. {_md(a.title)}{gate}")
            out.append("")
            out.append(f"- 类型：{a.kind_label}；工作量 {a.effort}；可恢复 {a.points:g} 分；优先度 {a.priority:.3f}")
            if a.owner:
                out.append(f"- 建议负责：{_md(a.owner.name)}")
            out.append(f"- 相关条目：{'；'.join(_md(numbers.get(g, g)) for g in a.gaps)}")
            for r in a.requirements:
                out.append(f"- 要求：{_md(r)}")
            if a.operators:
                out.append(f"- 负责运行：{'、'.join(_md(o[1]) for o in a.operators)}")
            if a.assignments:
                out.append("- 职责与承担者：")
                for x in a.assignments:
                    out.append(f"  - {_md(x.name)} → {'、'.join(_md(h[1]) for h in x.holders)}")
            for lesson in a.lessons:
                out.append(f"- 教训：{_md(lesson.name)}——{_md(lesson.lesson)}")
            out.append("")
        out += ["## 差距条目", "", "| 条目 | 现状 | 得分 | 可恢复 | 行动 |", "| --- | --- | --- | --- | --- |"]
        index = {a.key: i for i, a in enumerate(self.actions, 1)}
        for g in self.gaps:
            c = g.criterion
            got = ("不满足" if c.gate else f"{g.score.effective_points:g}/{c.max_points:g}")
            out.append(f"| {_md(c.number)} {_md(c.name)} | {STATUS_LABELS.get(g.score.status, g.score.status)} | {got} | "
                       f"{g.recoverable:g} | {', '.join(str(index[k]) for k in g.actions)} |")
        return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Plain text made safe inside Markdown (no markup, no table breaks)."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;") \
        .replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("`", "\\`")


TITLES = {"plan": N_("编制或修订《%(name)s》，明确各项职责由谁承担"), "organization": N_("明确%(name)s的设立和职责分工"),
          "duty": N_("落实职责：%(name)s"), "facility": N_("建设或完善%(name)s"), "hazard": N_("排查治理%(name)s风险隐患"),
          "course": N_("组织相关人员学习“%(name)s”"), "module": N_("组织相关人员学习“%(name)s”"),
          "requirement": N_("做到“%(name)s”并留存核查材料")}


def action_title(kind: str, name: str) -> Message:
    """The action as a task (a message: its words are translated, the name is content)."""
    return Message(TITLES[kind], name=name)


def gap_plan(store: GraphStore, result: Result, *, assessment_id: str | None = None,
             community: dict | None = None) -> GapPlan:
    """Build the gap plan for a scored result (a handful of read queries, whatever the number of
    gaps).  ``community`` (its properties with ``id``; ``area`` is its street/town office) lets
    actions that no community-level body can own fall back to the community's own street."""
    gap_scores = list(result.gaps)
    ids = [s.criterion.id for s in gap_scores]
    reqs = store.run_read("gap_requirements", ids=ids) if ids else []
    targets: dict[str, dict] = {}
    by_criterion: dict[str, list[str]] = defaultdict(list)
    for row in reqs:
        labels = [label for label in row["labels"] if label in _LABEL_KIND]
        if not labels:
            continue
        kind = _LABEL_KIND[labels[0]]
        targets.setdefault(row["id"], dict(row, kind_of=kind))
        if row["id"] not in by_criterion[row["criterion"]]:
            by_criterion[row["criterion"]].append(row["id"])
    duty_targets = [t for t, r in targets.items() if r["kind_of"] in ("plan", "organization", "duty", "hazard",
                                                                      "facility")]
    duty_rows = store.run_read("gap_duties", ids=duty_targets + [CREATION_DUTY]) if duty_targets else \
        store.run_read("gap_duties", ids=[CREATION_DUTY])
    facility_targets = [t for t, r in targets.items() if r["kind_of"] == "facility"]
    operator_rows = store.run_read("gap_operators", ids=facility_targets) if facility_targets else []
    org_targets = [t for t, r in targets.items() if r["kind_of"] == "organization"]
    parent_rows = store.run_read("gap_parents", ids=org_targets) if org_targets else []

    # duties per target, with their community-level holders
    duties: dict[str, dict[str, Assignment]] = defaultdict(dict)
    duty_links: dict[str, set[str]] = defaultdict(set)  # duty -> targets it touches
    creators: list[tuple[str, str, str]] = []           # community-level holders of the creation duty
    for row in duty_rows:
        t, d = row["target"], row["duty"]
        if t == CREATION_DUTY and t not in targets:
            if row["holder"] and row["level"] in COMMUNITY_LEVELS:
                creators.append((row["holder"], row["holder_name"] or row["holder"], row["level"]))
            continue
        direct = targets[t]["kind_of"] == "duty"
        entry = duties[t].setdefault(d, Assignment(d, row["name"] or d, []))
        duty_links[d].add(t)
        if row["holder"] and (direct or row["level"] in COMMUNITY_LEVELS):
            holder = (row["holder"], row["holder_name"] or row["holder"])
            if holder not in entry.holders:
                entry.holders.append(holder)
    levels = {row["holder"]: row["level"] for row in duty_rows if row["holder"]}
    operators: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in operator_rows:
        if row["level"] in LOCAL_LEVELS:  # a county body running the facility is not the community's to task
            operators[row["target"]].append((row["id"], row["name"] or row["id"]))
            levels[row["id"]] = row["level"]
    parents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in parent_rows:
        if row["level"] in COMMUNITY_LEVELS:
            parents[row["target"]].append((row["id"], row["name"] or row["id"]))
            levels[row["id"]] = row["level"]

    lesson_targets = list(targets) + sorted({d for t in duties.values() for d, a in t.items() if a.holders})
    lesson_rows = store.run_read("gap_lessons", ids=lesson_targets) if lesson_targets else []
    lessons_about: dict[str, list[Lesson]] = defaultdict(list)
    lesson_by_id: dict[str, Lesson] = {}
    for row in lesson_rows:
        lesson = lesson_by_id.setdefault(row["id"], Lesson(row["id"], row["name"] or row["id"], row["lesson"] or ""))
        lessons_about[row["target"]].append(lesson)

    actions: dict[str, Action] = {}
    gaps: list[Gap] = []
    for s in gap_scores:
        c = s.criterion
        keys = []
        for t in by_criterion.get(c.id, []):
            info = targets[t]
            kind = info["kind_of"]
            key = f"{kind}:{t}"
            action = actions.get(key)
            if action is None:
                action = Action(key, kind, t, info["name"] or t, action_title(kind, info["name"] or t), EFFORT[kind])
                if kind == "facility":
                    action.requirements = list(info.get("requirements") or [])[:8]
                    action.operators = operators.get(t, [])
                action.assignments = [a for a in duties.get(t, {}).values() if a.holders]
                actions[key] = action
            action.gaps.append(c.id)
            keys.append(key)
        if not keys:
            key = f"requirement:{c.id}"
            actions[key] = Action(key, "requirement", c.id, c.name, action_title("requirement", c.name),
                                  EFFORT["requirement"], gaps=[c.id])
            keys.append(key)
        effort = sum(actions[k].effort for k in keys)
        gaps.append(Gap(s, keys, effort, []))

    gap_targets = {g.criterion.id: set(by_criterion.get(g.criterion.id, [])) for g in gaps}
    for g in gaps:
        for key in g.actions:
            a = actions[key]
            a.points = round(a.points + g.recoverable, 2)
            a.priority += g.density
            a.serves_gate = a.serves_gate or g.criterion.gate
    for a in actions.values():
        related = set().union(*(gap_targets[c] for c in a.gaps)) if a.gaps else set()
        for x in a.assignments:
            x.relevance = len(duty_links.get(x.duty, set()) & related) + sum(
                1 for h in x.holders if h[0] in related)
        a.assignments.sort(key=lambda x: (-x.relevance, x.duty))
        nodes = {a.target} | {x.duty for x in a.assignments}
        a.lessons = _rank_lessons(lessons_about, nodes)
        a.owners = _owners(a, levels, parents.get(a.target, []), creators, community)
    for g in gaps:
        nodes = set(gap_targets[g.criterion.id])
        for key in g.actions:
            nodes |= {x.duty for x in actions[key].assignments}
        g.lessons = _rank_lessons(lessons_about, nodes)

    ordered = sorted(actions.values(), key=lambda a: (not a.serves_gate, -round(a.priority, 9), a.effort, a.key))
    gaps.sort(key=lambda g: (not g.criterion.gate, -round(g.density, 9), -g.recoverable, g.criterion.number))
    return GapPlan(assessment_id, result.checklist.standard_id, gaps, ordered)


def _owners(action: Action, levels: dict[str, str], parents: list[tuple[str, str]],
            creators: list[tuple[str, str, str]], community: dict | None) -> list[Owner]:
    """Who should carry out the action, best first (see the module docstring)."""
    found: dict[str, Owner] = {}

    def add(org: str, name: str, weight: int, why: Message) -> None:
        level = levels.get(org, "")
        if level not in COMMUNITY_LEVELS:
            return
        owner = found.setdefault(org, Owner(org, name, level))
        owner.weight += weight
        if why not in owner.why:
            owner.why.append(why)

    for parent, name in parents:
        add(parent, name, 3, Message(N_("%(name)s隶属于它"), name=action.target_name))
    if action.kind == "organization":  # a body does not set itself up: only what it is part of
        action_holders: list[Assignment] = []
    else:
        action_holders = action.assignments
    for org, name in action.operators:
        add(org, name, 2, Message(N_("负责运行%(name)s"), name=action.target_name))
    for x in action_holders:
        for org, name in x.holders:
            add(org, name, 1, Message(N_("承担职责：%(duty)s"), duty=x.name))
    owners = sorted(found.values(), key=lambda o: (-o.weight, COMMUNITY_LEVELS.index(o.level), o.id))
    if owners:
        return owners
    owners = [Owner(org, name, level, [Message(N_("承担示范社区创建职责"))]) for org, name, level in creators]
    if owners:
        return sorted(owners, key=lambda o: (COMMUNITY_LEVELS.index(o.level), o.id))
    area = (community or {}).get("area")
    if area:
        return [Owner(area, (community or {}).get("area_name") or area, "town",
                      [Message(N_("社区所属的街道（乡镇），社区层面没有对应的承担者"))])]
    return []


def _rank_lessons(about: dict[str, list[Lesson]], nodes: set[str]) -> list[Lesson]:
    count: dict[str, int] = defaultdict(int)
    found: dict[str, Lesson] = {}
    for n in nodes:
        for lesson in about.get(n, ()):
            count[lesson.id] += 1
            found[lesson.id] = lesson
    ranked = sorted(found, key=lambda i: (-count[i], i))
    return [found[i] for i in ranked[:LESSONS_PER_ITEM]]


__all__ = ["EFFORT", "KIND_LABELS", "Action", "Assignment", "Gap", "GapPlan", "Lesson", "Owner", "gap_plan"]

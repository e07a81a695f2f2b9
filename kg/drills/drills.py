"""Drills (应急演练) and their after-action reviews in the HSEEP AAR/IP shape.

A ``Drill`` records the plan version it exercises, the scenario (hazards, time, place), its kind
(tabletop 桌面推演, functional 功能演练, full-scale 实战演练), objectives, participants (counts of
residents, volunteers and units, and named people) and the date.

Its ``AfterActionReview`` (one per drill, ``<drill>:aar``) holds, per objective, strengths and
areas for improvement with their analysis (``DrillFinding`` nodes).  Each area for improvement
becomes, through the existing lessons workspace (``kg.lessons.workspace``):

* a **lesson learned** (observation / discussion = the analysis / lesson / recommendation), ABOUT
  the drill's hazards, citing the review itself (a ``Source`` of kind report, ``src.aar.<drill>``),
  linked FROM_DRILL the drill and LESSON_FOR_PLAN the community plan;
* a **corrective action** with its owner (an organization) and due date (``add_action``).

The workspace's checks apply: the record-shape check refuses a malformed lesson before anything
is written; the near-duplicate check finds earlier lessons the improvement repeats — when one of
them came from another drill of the same community the finding is flagged (REPEATS, "the same
problem in two drills"); and ``add_lesson``'s recurrence check links RECURRENCE_OF an old lesson
whose corrective action was already done.  A plan version saved afterwards names the drills it
was revised after and the corrective actions it carries out (``kg.plans.service.save_edits``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from kg.access import Viewer, community_record, require_community_reader
from kg.errors import N_, Conflict, Invalid, NotAllowed, NotFound
from kg.lessons.workspace import add_action, add_lesson, check_lesson
from kg.store.base import ID_RE, RESERVED_PROPERTIES, GraphStore

KINDS = {"tabletop": N_("桌面推演"), "functional": N_("功能演练"), "full_scale": N_("实战演练")}
FINDING_KINDS = {"strength": N_("做得好的"), "improvement": N_("需要改进的")}
STATUS_LABELS = {"planned": N_("计划中"), "held": N_("已举行，待评估"), "reviewed": N_("已评估")}
OBJECTIVES_MAX = 10
TEXT_MAX = 200
COUNT_MAX = 100_000
PEOPLE_MAX = 200
DEFAULT_PHASE = "phase.response"


def iso(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _clean(props: Mapping) -> dict:
    return {k: v for k, v in props.items() if k not in RESERVED_PROPERTIES or k == "id"}


@dataclass
class Drill:
    id: str
    community: str
    name: str
    kind: str
    held_on: str
    objectives: list[str]
    props: dict = field(default_factory=dict)

    @classmethod
    def of(cls, props: Mapping) -> Drill:
        props = _clean(props)
        return cls(id=props["id"], community=props["community"], name=props["name"], kind=props["kind"],
                   held_on=props["held_on"], objectives=list(props.get("objectives") or []), props=dict(props))

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def reviewed(self) -> bool:
        return bool(self.props.get("reviewed_at"))

    def status(self, today: date) -> str:
        if self.reviewed:
            return "reviewed"
        return "held" if self.held_on <= today.isoformat() else "planned"

    @property
    def with_residents(self) -> bool:
        return int(self.props.get("residents") or 0) > 0


# --- who may do what -------------------------------------------------------------------------------

def _require_editor(viewer: Viewer, community_id: str) -> None:
    if not (viewer.is_admin or viewer.member_of(community_id)):
        raise NotAllowed(N_("只有本社区的用户可以记录和评估本社区的演练"))


# --- drills ----------------------------------------------------------------------------------------

def _text(value: Any, what: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = " ".join(str(value if value is not None else "").split())
    if required and not text:
        raise Invalid(N_("请填写%(what)s"), what=what)
    if len(text) > limit:
        raise Invalid(N_("%(what)s不能超过 %(max)s 字"), what=what, max=limit)
    return text


def _count(value: Any, what: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(N_("%(what)s须为整数"), what=what) from None
    if not 0 <= number <= COUNT_MAX:
        raise Invalid(N_("%(what)s须在 0–%(max)s 之间"), what=what, max=COUNT_MAX)
    return number


def _names(values: Iterable[Any], what: str) -> list[str]:
    names = [_text(v, what, required=False, limit=40) for v in values or []]
    names = [n for n in dict.fromkeys(names) if n]
    if len(names) > PEOPLE_MAX:
        raise Invalid(N_("%(what)s不能超过 %(max)s 项"), what=what, max=PEOPLE_MAX)
    return names


def create_drill(store: GraphStore, viewer: Viewer, community_id: str, *, name: str, kind: str, held_on: Any,
                 hazards: list[str], objectives: list[str], scenario: str = "", scenario_time: str = "",
                 place: str = "", residents: Any = 0, volunteers: Any = 0, units: Any = 0,
                 people: Iterable[str] = (), unit_names: Iterable[str] = (), plan_version: str | None = None,
                 now: datetime) -> Drill:
    """Record a drill (planned or held).  ``plan_version``: the version it exercises (default: the
    version in force)."""
    community = community_record(store, community_id)
    _require_editor(viewer, community_id)
    name = _text(name, "演练名称", limit=60)
    if kind not in KINDS:
        raise Invalid(N_("演练形式须为桌面推演、功能演练或实战演练"))
    try:
        day = held_on if isinstance(held_on, date) else date.fromisoformat(str(held_on))
    except ValueError:
        raise Invalid(N_("演练日期须为 YYYY-MM-DD 格式的日期")) from None
    objectives = [_text(o, "演练目标") for o in objectives or [] if str(o or "").strip()]
    if not 1 <= len(objectives) <= OBJECTIVES_MAX:
        raise Invalid(N_("请写明 1–%(max)s 个演练目标"), max=OBJECTIVES_MAX)
    hazards = list(dict.fromkeys(h for h in hazards or [] if h))
    if not hazards:
        raise Invalid(N_("请选择演练情景的灾害"))
    labels = store.labels_of(hazards)
    bad = [h for h in hazards if labels.get(h) != "Hazard"]
    if bad:
        raise Invalid(N_("图中没有灾害 %(id)s"), id=str(bad[0])[:80])
    from kg.plans import service as plans

    plan = plans.get_plan(store, community_id)
    if plan_version is None:
        if plan is None or plan.in_force_version is None:
            raise Invalid(N_("本社区还没有现行有效的应急预案：演练要检验的是预案，请先让一个预案版本生效"))
        plan_version = plans.version_id(plan.id, plan.in_force_version)
    node = store.get_node(plan_version) if isinstance(plan_version, str) and ID_RE.match(plan_version) else None
    if node is None or node["label"] != "PlanVersion" or node["properties"].get("community") != community_id:
        raise Invalid(N_("本社区的预案没有这个版本"))
    drill_id = f"drill.{secrets.token_hex(6)}"
    props = {"community": community_id, "community_name": community.get("name", community_id), "name": name,
             "kind": kind, "held_on": day.isoformat(), "objectives": objectives, "hazards": hazards,
             "scenario": _text(scenario, "演练情景", required=False, limit=1000),
             "scenario_time": _text(scenario_time, "情景时间", required=False, limit=60),
             "place": _text(place, "演练地点", required=False, limit=100),
             "residents": _count(residents, "参加居民人数"), "volunteers": _count(volunteers, "参加志愿者人数"),
             "units": _count(units, "参加单位数"), "people": _names(people, "参加人员"),
             "unit_names": _names(unit_names, "参加单位"), "plan_version": plan_version,
             "plan_number": int(node["properties"]["number"]), "created_by": viewer.id or "", "created_at": iso(now)}
    store.upsert_nodes("Drill", [{"id": drill_id, "properties": props}])
    store.upsert_relationships([{"type": "DRILL_OF", "start": drill_id, "end": community_id},
                                {"type": "EXERCISES", "start": drill_id, "end": plan_version}]
                               + [{"type": "DRILL_HAZARD", "start": drill_id, "end": h} for h in hazards])
    return Drill.of(dict(props, id=drill_id))


def get_drill(store: GraphStore, drill_id: str) -> Drill:
    node = store.get_node(drill_id) if isinstance(drill_id, str) and ID_RE.match(drill_id) else None
    if node is None or node["label"] != "Drill":
        raise NotFound(N_("没有这次演练"))
    return Drill.of(dict(node["properties"], id=node["id"]))


def drill_for(store: GraphStore, viewer: Viewer, drill_id: str) -> Drill:
    drill = get_drill(store, drill_id)
    require_community_reader(store, viewer, drill.community)
    return drill


def list_drills(store: GraphStore, communities: list[str] | None) -> list[Drill]:
    return [Drill.of(r["drill"]) for r in store.run_read("drill_list", communities=communities)]


def drills_for(store: GraphStore, viewer: Viewer, community_id: str) -> list[Drill]:
    community_record(store, community_id)
    require_community_reader(store, viewer, community_id)
    return list_drills(store, [community_id])


# --- the after-action review ------------------------------------------------------------------------

@dataclass
class FindingInput:
    """One strength or area for improvement, as the reviewer writes it."""

    objective: int  # index into the drill's objectives
    kind: str  # strength / improvement
    title: str  # one issue (the lesson's title)
    observation: str
    analysis: str = ""  # why it happened (the lesson's discussion)
    lesson: str = ""
    recommendation: str = ""
    owner: str = ""  # Organization id of the corrective action's owner
    due_date: str = ""
    action: str = ""  # the corrective action's name (default: the recommendation)
    phase: str = DEFAULT_PHASE


@dataclass
class SavedFinding:
    id: str
    kind: str
    title: str
    lesson: str | None = None
    action: str | None = None
    repeats: list[dict] = field(default_factory=list)  # {id, name, similarity, drill}
    recurrence_of: list[str] = field(default_factory=list)


@dataclass
class Review:
    id: str
    drill: Drill
    findings: list[SavedFinding]


def _lesson_fields(drill: Drill, f: FindingInput, source_id: str) -> dict:
    return {"name": f.title, "observation": f.observation, "discussion": f.analysis, "lesson": f.lesson,
            "recommendation": f.recommendation, "act_by": [f.owner] if f.owner else [], "phase": f.phase,
            "hazards": list(drill.get("hazards") or []), "source": source_id, "incident": "",
            "locator": f"演练目标 {f.objective + 1}：{drill.objectives[f.objective]}"[:300]}


def check_findings(drill: Drill, findings: list[FindingInput], *, today: date) -> dict[int, dict[str, list[str]]]:
    """Problems per finding (index -> field -> messages); empty when every finding can be saved."""
    problems: dict[int, dict[str, list[str]]] = {}
    for n, f in enumerate(findings):
        p: dict[str, list[str]] = {}
        if not 0 <= f.objective < len(drill.objectives):
            p.setdefault("objective", []).append("请选择演练目标。")
        if f.kind not in FINDING_KINDS:
            p.setdefault("kind", []).append("须为做得好的或需要改进的。")
        if not f.title.strip():
            p.setdefault("title", []).append("必填。")
        if not f.observation.strip():
            p.setdefault("observation", []).append("必填。")
        if f.kind == "improvement":
            if not f.analysis.strip():
                p.setdefault("analysis", []).append("需要改进的事项要写明原因分析。")
            fields = _lesson_fields(drill, f, "src.x") if 0 <= f.objective < len(drill.objectives) else {}
            for key, messages in (check_lesson(fields) if fields else {}).items():
                if key not in ("source",):
                    p.setdefault({"name": "title", "discussion": "analysis", "act_by": "owner"}.get(key, key),
                                 []).extend(messages)
            try:
                due = date.fromisoformat(f.due_date)
                if due < today:
                    p.setdefault("due_date", []).append("完成期限不能早于今天。")
            except ValueError:
                p.setdefault("due_date", []).append("完成期限须为 YYYY-MM-DD 格式的日期。")
        if p:
            problems[n] = p
    return problems


def review_drill(store: GraphStore, engine, viewer: Viewer, drill_id: str, findings: list[FindingInput], *,
                 summary: str = "", now: datetime) -> Review:
    """Write the drill's after-action review; each area for improvement becomes a lesson learned
    and a corrective action.  Every finding is checked before anything is written."""
    drill = get_drill(store, drill_id)
    _require_editor(viewer, drill.community)
    today = now.date()
    if drill.held_on > today.isoformat():
        raise Invalid(N_("演练还没有举行（%(day)s），举行后才能评估"), day=drill.held_on)
    review_id = f"{drill.id}:aar"
    if drill.reviewed or store.get_node(review_id) is not None:
        raise Conflict(N_("这次演练已经评估过了"))
    if not findings:
        raise Invalid(N_("请至少写一条做得好的或需要改进的事项"))
    problems = check_findings(drill, findings, today=today)
    if problems:
        first = next(iter(problems.items()))
        field_name, messages = next(iter(first[1].items()))
        raise Invalid(N_("第 %(n)s 条：%(field)s：%(problem)s"), n=first[0] + 1, field=field_name,
                      problem=" ".join(messages))
    owners = store.labels_of([f.owner for f in findings if f.kind == "improvement"])
    for f in findings:
        if f.kind == "improvement" and owners.get(f.owner) != "Organization":
            raise Invalid(N_("没有组织 %(id)s"), id=f.owner)
    summary = _text(summary, "评估小结", required=False, limit=1000)
    from kg.plans import service as plans
    from kg.search.assist import near_duplicates

    at = iso(now)
    source_id = f"src.aar.{drill.id.split('.', 1)[1]}"
    store.upsert_nodes("Source", [{"id": source_id, "properties": {
        "name": f"{drill.get('community_name', drill.community)}“{drill.name}”演练评估报告（AAR/IP）",
        "issuer": drill.get("community_name", drill.community), "kind": "report", "date": drill.held_on,
        "identifier": f"{drill.held_on} {drill.name} 演练评估报告"}}])
    store.upsert_nodes("AfterActionReview", [{"id": review_id, "properties": {
        "community": drill.community, "drill": drill.id, "summary": summary, "created_by": viewer.id or "",
        "created_at": at, "source": source_id}}])
    store.upsert_relationships([{"type": "REVIEW_OF", "start": review_id, "end": drill.id}])
    plan = plans.get_plan(store, drill.community)
    saved: list[SavedFinding] = []
    for n, f in enumerate(findings):
        finding_id = f"{review_id}:{n + 1}"
        props = {"community": drill.community, "review": review_id, "drill": drill.id, "objective": f.objective,
                 "objective_text": drill.objectives[f.objective], "kind": f.kind, "name": f.title.strip(),
                 "observation": f.observation.strip(), "analysis": f.analysis.strip(),
                 "recommendation": f.recommendation.strip(), "created_at": at}
        out = SavedFinding(finding_id, f.kind, f.title.strip())
        rels: list[dict] = [{"type": "FINDING_OF", "start": finding_id, "end": review_id}]
        if f.kind == "improvement":
            fields = _lesson_fields(drill, f, source_id)
            duplicates = near_duplicates(engine, fields)
            added = add_lesson(store, engine, fields, actor=viewer.id or "")
            action_id = add_action(store, added.id, name=(f.action or f.recommendation)[:200], owner=f.owner,
                                   due_date=f.due_date, actor=viewer.id or "")
            drills_of = _drills_of_lessons(store, [d.id for d in duplicates])
            out.lesson, out.action = added.id, action_id
            out.recurrence_of = [s.id for s in added.recurrence_of]
            out.repeats = [{"id": d.id, "name": d.name, "similarity": round(d.similarity, 4),
                            "drill": drills_of.get(d.id)} for d in duplicates]
            props.update(lesson=added.id, action=action_id, owner=f.owner, due_date=f.due_date,
                         repeats=[d["id"] for d in out.repeats],
                         repeats_drill=[d["drill"] for d in out.repeats if d["drill"] and d["drill"] != drill.id])
            rels += [{"type": "LEARNED_AS", "start": finding_id, "end": added.id},
                     {"type": "FROM_DRILL", "start": added.id, "end": drill.id}]
            rels += [{"type": "REPEATS", "start": finding_id, "end": d["id"],
                      "properties": {"similarity": d["similarity"]}} for d in out.repeats]
            if plan is not None:
                rels.append({"type": "LESSON_FOR_PLAN", "start": added.id, "end": plan.id})
        store.upsert_nodes("DrillFinding", [{"id": finding_id, "properties": props}])
        store.upsert_relationships(rels)
        saved.append(out)
    drill_props = dict(drill.props, reviewed_at=at, reviewed_by=viewer.id or "", review=review_id)
    drill_props.pop("id", None)
    store.upsert_nodes("Drill", [{"id": drill.id, "properties": drill_props}])
    return Review(review_id, get_drill(store, drill.id), saved)


def _drills_of_lessons(store: GraphStore, lessons: list[str]) -> dict[str, str]:
    if not lessons:
        return {}
    return {r["lesson"]: r["drill"] for r in store.run_read("drill_of_lessons", lessons=lessons)}


def review_of(store: GraphStore, drill: Drill) -> dict | None:
    """The review with its findings (and each improvement's lesson and corrective action)."""
    node = store.get_node(f"{drill.id}:aar")
    if node is None:
        return None
    findings = sorted((_clean(r["finding"]) for r in store.run_read("drill_findings", review=node["id"])),
                      key=lambda f: int(str(f["id"]).rsplit(":", 1)[1]))
    actions = {r["id"]: r for r in store.run_read("drill_actions", ids=[f["action"] for f in findings if f.get("action")])}
    for f in findings:
        if f.get("action"):
            f["action_record"] = actions.get(f["action"])
    return {"id": node["id"], **_clean(node["properties"]), "findings": findings}


def repeated_findings(store: GraphStore, community_id: str) -> list[dict]:
    """Areas for improvement of this community that repeat a lesson from another of its drills."""
    return [_clean(r["finding"]) for r in store.run_read("drill_repeated_findings", community=community_id)]


__all__ = [
    "FINDING_KINDS",
    "KINDS",
    "STATUS_LABELS",
    "Drill",
    "FindingInput",
    "Review",
    "SavedFinding",
    "check_findings",
    "create_drill",
    "drill_for",
    "drills_for",
    "get_drill",
    "list_drills",
    "repeated_findings",
    "review_drill",
    "review_of",
]

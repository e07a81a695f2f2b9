"""A community's plan and its versions: draft it from the graph, edit it (each save is a new
version: who, when, what changed), put one version in force, revise it after a drill.

* ``CommunityPlan`` ``<community>:plan`` — ``latest_version`` guards concurrent saves (a save
  names the version it was edited from; another save in between refuses it), ``in_force_version``;
* ``PlanVersion`` ``<community>:plan:v<n>`` — the document (JSON), ``state`` (draft, in_force,
  superseded), ``created_by``/``created_at``, the editor's ``note`` and the computed ``changes``,
  the drills it was revised after and the corrective actions it carries out (REVISED_AFTER,
  CARRIES_OUT), DRAWS_ON the graph nodes and CITES the sources its paragraphs came from.

Community users edit their own community's plan; the reviewers of its area read it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kg.access import Viewer, require_community_reader
from kg.errors import N_, Conflict, Invalid, NotAllowed, NotFound
from kg.plans import check as plan_check
from kg.plans.document import LIST_MAX, PLACE_KINDS, TEXT_MAX, Contact, Document, Place, changes
from kg.plans.draft import draft
from kg.plans.records import CommunityRecords
from kg.store.base import ID_RE, RESERVED_PROPERTIES, GraphStore

DRAFT, IN_FORCE, SUPERSEDED = "draft", "in_force", "superseded"
STATE_LABELS = {DRAFT: N_("草稿"), IN_FORCE: N_("现行有效"), SUPERSEDED: N_("已废止")}
NOTE_MAX = 300
NAME_MAX = 40


def iso(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plan_id(community_id: str) -> str:
    return f"{community_id}:plan"


def version_id(plan: str, number: int) -> str:
    return f"{plan}:v{int(number)}"


def _clean(props: Mapping) -> dict:
    return {k: v for k, v in props.items() if k not in RESERVED_PROPERTIES or k == "id"}


@dataclass
class PlanRecord:
    id: str
    community: str
    name: str
    latest_version: int
    in_force_version: int | None
    props: dict = field(default_factory=dict)

    @classmethod
    def of(cls, props: Mapping) -> PlanRecord:
        props = _clean(props)
        return cls(id=props["id"], community=props["community"], name=props.get("name", ""),
                   latest_version=int(props.get("latest_version") or 0),
                   in_force_version=int(props["in_force_version"]) if props.get("in_force_version") else None,
                   props=dict(props))


@dataclass
class VersionMeta:
    id: str
    number: int
    state: str
    created_by: str
    created_at: str
    note: str = ""
    changes: list[str] = field(default_factory=list)
    base: int | None = None
    hazards: list[str] = field(default_factory=list)
    in_force_at: str | None = None
    superseded_at: str | None = None
    check_passes: bool = False
    revised_after: list[str] = field(default_factory=list)
    carries_out: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, row: Mapping) -> VersionMeta:
        return cls(id=row["id"], number=int(row["number"]), state=row.get("state") or DRAFT,
                   created_by=row.get("created_by") or "", created_at=row.get("created_at") or "",
                   note=row.get("note") or "", changes=list(row.get("changes") or []),
                   base=int(row["base"]) if row.get("base") else None, hazards=list(row.get("hazards") or []),
                   in_force_at=row.get("in_force_at"), superseded_at=row.get("superseded_at"),
                   check_passes=bool(row.get("check_passes")), revised_after=list(row.get("revised_after") or []),
                   carries_out=list(row.get("carries_out") or []))

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


@dataclass
class PlanVersion:
    meta: VersionMeta
    document: Document
    plan: PlanRecord


# --- who may do what -----------------------------------------------------------------------------

def _require_editor(viewer: Viewer, community_id: str) -> None:
    if not (viewer.is_admin or viewer.member_of(community_id)):
        raise NotAllowed(N_("只有本社区的用户可以编辑本社区的应急预案"))


def may_edit(viewer: Viewer, community_id: str) -> bool:
    return viewer.is_admin or viewer.member_of(community_id)


# --- reading -------------------------------------------------------------------------------------

def get_plan(store: GraphStore, community_id: str) -> PlanRecord | None:
    node = store.get_node(plan_id(community_id)) if isinstance(community_id, str) and ID_RE.match(community_id) else None
    if node is None or node["label"] != "CommunityPlan":
        return None
    return PlanRecord.of(dict(node["properties"], id=node["id"]))


def plan_for(store: GraphStore, viewer: Viewer, community_id: str) -> PlanRecord | None:
    require_community_reader(store, viewer, community_id)
    return get_plan(store, community_id)


def versions(store: GraphStore, plan: PlanRecord) -> list[VersionMeta]:
    return [VersionMeta.of(r) for r in store.run_read("plan_versions", plan=plan.id)]


def load_version(store: GraphStore, plan: PlanRecord, number: int | None = None) -> PlanVersion:
    """A version (the latest when ``number`` is None)."""
    number = plan.latest_version if number is None else int(number)
    node = store.get_node(version_id(plan.id, number))
    if node is None or node["label"] != "PlanVersion":
        raise NotFound(N_("预案没有第 %(n)s 版"), n=number)
    props = dict(node["properties"], id=node["id"])
    return PlanVersion(VersionMeta.of(props), Document.from_json(props["document"]), plan)


def in_force(store: GraphStore, community_id: str) -> PlanVersion | None:
    plan = get_plan(store, community_id)
    if plan is None or plan.in_force_version is None:
        return None
    return load_version(store, plan, plan.in_force_version)


# --- writing -------------------------------------------------------------------------------------

def start_plan(store: GraphStore, viewer: Viewer, community_id: str, hazards: list[str] | None, *, now: datetime,
               records: CommunityRecords | None = None) -> PlanVersion:
    """Draft the community's plan from the graph (version 1), or a new version drafted afresh for
    other hazards when the plan exists (what the editor wrote is kept where it still applies)."""
    _require_editor(viewer, community_id)
    doc = draft(store, community_id, hazards, records=records)
    plan = get_plan(store, community_id)
    if plan is None:
        store.upsert_nodes("CommunityPlan", [{"id": plan_id(community_id), "properties": {
            "community": community_id, "name": doc.title, "latest_version": 0, "created_at": iso(now),
            "created_by": viewer.id or ""}}])
        store.upsert_relationships([{"type": "PLAN_OF", "start": plan_id(community_id), "end": community_id}])
        plan = get_plan(store, community_id)
        assert plan is not None
        return _save(store, viewer, plan, doc, base=None, expected=0, note="由知识图谱起草", now=now)
    latest = load_version(store, plan)
    merged = carry_over(latest.document, doc)
    return _save(store, viewer, plan, merged, base=latest.meta.number, expected=plan.latest_version,
                 note="按所选灾害重新起草", now=now)


def carry_over(old: Document, new: Document) -> Document:
    """Keep what the editor wrote (edited paragraphs, members, lists) in a fresh draft."""
    edited = {p.key: p for p in old.all_paragraphs() if p.origin == "edited"}
    for p in new.paragraphs:
        if p.key in edited:
            p.text, p.origin, p.drafted = edited[p.key].text, "edited", p.text
    for g in new.groups:
        o = old.group(g.key)
        if o is not None:
            g.leader = o.leader
            g.members = list(dict.fromkeys(o.members + g.members))
            if o.description.origin == "edited":
                g.description.text, g.description.origin = o.description.text, "edited"
    new.channels = old.channels or new.channels
    new.places = old.places or new.places
    new.supplies = old.supplies or new.supplies
    new.contacts = [c for c in old.contacts if c.phone or c.name] or new.contacts
    return new


def _save(store: GraphStore, viewer: Viewer, plan: PlanRecord, doc: Document, *, base: int | None, expected: int,
          note: str, now: datetime, revised_after: Iterable[str] = (), carries_out: Iterable[str] = ()) -> PlanVersion:
    previous = load_version(store, plan, base).document if base else None
    number = expected + 1
    vid = version_id(plan.id, number)
    at = iso(now)
    findings = plan_check.check(doc)
    revised_after, carries_out = list(dict.fromkeys(revised_after)), list(dict.fromkeys(carries_out))
    props: dict[str, Any] = {
        "community": plan.community, "plan": plan.id, "number": number, "state": DRAFT, "document": doc.to_json(),
        "created_by": viewer.id or "", "created_at": at, "note": note, "changes": changes(previous, doc),
        "hazards": doc.hazard_ids(), "check_passes": not findings, "check_findings": len(findings),
        "check_codes": sorted({f.code for f in findings}), "check_criteria": sorted({f.criterion for f in findings}),
        "revised_after": revised_after, "carries_out": carries_out}
    if base:
        props["base"] = base
    rows = store.run_write("plan_save_version", plan=plan.id, expected=int(expected), id=vid, props=props, at=at,
                           by=viewer.id or "")
    if not rows:
        fresh = get_plan(store, plan.community)
        raise Conflict(N_("预案已被他人保存为第 %(n)s 版，你的修改没有保存：请打开最新版本后重新修改"),
                       n=fresh.latest_version if fresh else "?")
    found = store.labels_of(sorted(doc.nodes()))
    links: list[dict[str, Any]] = [{"type": "FACES", "start": vid, "end": h} for h in doc.hazard_ids()]
    links += [{"type": "DRAWS_ON", "start": vid, "end": n} for n, label in sorted(found.items())
              if label in ("Plan", "Duty", "Facility", "Organization")]
    cited = doc.citations()
    sources = store.labels_of(sorted(cited))
    links += [{"type": "CITES", "start": vid, "end": s, "properties": {"locator": "；".join(cited[s])[:300] or None}}
              for s in sorted(cited) if sources.get(s) == "Source"]
    links += [{"type": "REVISED_AFTER", "start": vid, "end": d} for d in revised_after]
    links += [{"type": "CARRIES_OUT", "start": vid, "end": a} for a in carries_out]
    store.upsert_relationships(links)
    return load_version(store, get_plan(store, plan.community) or plan, number)


def save_edits(store: GraphStore, viewer: Viewer, community_id: str, edits: Mapping[str, Any], *, base: int,
               note: str, now: datetime, revised_after: Iterable[str] = (), carries_out: Iterable[str] = ()) -> PlanVersion:
    """Save the editor's changes to version ``base`` as a new version (refused when another
    version was saved since ``base`` was loaded)."""
    _require_editor(viewer, community_id)
    plan = get_plan(store, community_id)
    if plan is None:
        raise NotFound(N_("本社区还没有应急预案"))
    note = " ".join(str(note or "").split())
    if not note:
        raise Invalid(N_("请说明这次修改了什么（修订说明）"))
    if len(note) > NOTE_MAX:
        raise Invalid(N_("修订说明不能超过 %(max)s 字"), max=NOTE_MAX)
    try:
        base = int(base)
    except (TypeError, ValueError):
        raise Invalid(N_("缺少或无效的版本号，请刷新页面后重试")) from None
    if base != plan.latest_version:
        raise Conflict(N_("预案已被他人保存为第 %(n)s 版，你的修改没有保存：请打开最新版本后重新修改"),
                       n=plan.latest_version)
    _check_links(store, community_id, revised_after, carries_out)
    doc = apply_edits(load_version(store, plan, base).document, edits)
    return _save(store, viewer, plan, doc, base=base, expected=base, note=note, now=now,
                 revised_after=revised_after, carries_out=carries_out)


def _check_links(store: GraphStore, community_id: str, drills: Iterable[str], actions: Iterable[str]) -> None:
    wanted = list(drills) + list(actions)
    if any(not isinstance(i, str) or not ID_RE.match(i) for i in wanted):
        raise Invalid(N_("演练或整改措施编号无效"))
    nodes = store.get_nodes(wanted)
    for d in drills:
        n = nodes.get(d)
        if n is None or n["label"] != "Drill" or n["properties"].get("community") != community_id:
            raise Invalid(N_("本社区没有演练 %(id)s"), id=d)
    for a in actions:
        n = nodes.get(a)
        if n is None or n["label"] != "CorrectiveAction":
            raise Invalid(N_("没有整改措施 %(id)s"), id=a)


def put_in_force(store: GraphStore, viewer: Viewer, community_id: str, number: int, *, expected: int,
                 now: datetime) -> PlanVersion:
    _require_editor(viewer, community_id)
    plan = get_plan(store, community_id)
    if plan is None:
        raise NotFound(N_("本社区还没有应急预案"))
    version = load_version(store, plan, number)
    rows = store.run_write("plan_put_in_force", plan=plan.id, expected=int(expected), version=version.meta.id,
                           at=iso(now), by=viewer.id or "")
    if not rows:
        fresh = get_plan(store, community_id)
        raise Conflict(N_("预案已被他人保存为第 %(n)s 版，请刷新页面后再操作"), n=fresh.latest_version if fresh else "?")
    return load_version(store, get_plan(store, community_id) or plan, number)


# --- edits ---------------------------------------------------------------------------------------

def _text(value: Any, what: str, limit: int = TEXT_MAX) -> str:
    text = str(value if value is not None else "").strip()
    if len(text) > limit:
        raise Invalid(N_("%(what)s不能超过 %(max)s 字"), what=what, max=limit)
    return text


def apply_edits(doc: Document, edits: Mapping[str, Any]) -> Document:
    """A copy of ``doc`` with the edits: ``paragraphs`` {key: text}, ``groups`` {key: {leader,
    members}}, ``channels``/``supplies`` [text], ``places`` [Place], ``contacts`` [Contact].
    Unknown paragraph or group keys are refused."""
    doc = Document.from_json(doc.to_json())
    paragraphs = {p.key: p for p in doc.all_paragraphs()}
    for key, text in (edits.get("paragraphs") or {}).items():
        p = paragraphs.get(key)
        if p is None:
            raise Invalid(N_("预案中没有段落 %(key)s"), key=str(key)[:80])
        text = _text(text, p.heading or key)
        if text != p.text:
            if p.origin != "edited":
                p.drafted = p.text
            p.text, p.origin = text, "edited"
    for key, change in (edits.get("groups") or {}).items():
        g = doc.group(key)
        if g is None:
            raise Invalid(N_("预案中没有工作组 %(key)s"), key=str(key)[:80])
        if "leader" in change:
            g.leader = _text(change["leader"], g.name, NAME_MAX)
        if "members" in change:
            members = [_text(m, g.name, NAME_MAX) for m in change["members"]]
            if len(members) > LIST_MAX:
                raise Invalid(N_("%(what)s不能超过 %(max)s 项"), what=g.name, max=LIST_MAX)
            g.members = [m for m in members if m]
    for name in ("channels", "supplies"):
        if name in edits:
            items = [_text(x, name, 200) for x in edits[name]]
            if len(items) > LIST_MAX:
                raise Invalid(N_("%(what)s不能超过 %(max)s 项"), what=name, max=LIST_MAX)
            setattr(doc, name, [x for x in items if x])
    if "places" in edits:
        doc.places = list(edits["places"])[:LIST_MAX]
    if "contacts" in edits:
        doc.contacts = list(edits["contacts"])[:LIST_MAX]
    return doc


SEPARATOR_RE = re.compile(r"\s*[|｜]\s*")
KIND_BY_NAME = {name: key for key, name in PLACE_KINDS.items()} | {k: k for k in PLACE_KINDS}


def parse_places(text: str) -> list[Place]:
    """One place a line: ``种类 | 名称 | 位置 | 可安置人数 | 管理人`` (种类: 避难场所, 疏散路线, 集合点,
    医疗救护点, 应急指挥场所); a bad line is refused with its number."""
    out = []
    for n, line in enumerate(str(text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = SEPARATOR_RE.split(line.strip()) + [""] * 5
        kind = KIND_BY_NAME.get(parts[0])
        if kind is None:
            raise Invalid(N_("场所第 %(line)s 行：种类须为 避难场所、疏散路线、集合点、医疗救护点 或 应急指挥场所"), line=n)
        if not parts[1]:
            raise Invalid(N_("场所第 %(line)s 行：缺少名称"), line=n)
        capacity = None
        if parts[3]:
            if not parts[3].isdigit() or int(parts[3]) > 1_000_000:
                raise Invalid(N_("场所第 %(line)s 行：可安置人数须为整数"), line=n)
            capacity = int(parts[3])
        out.append(Place(kind=kind, name=parts[1][:80], location=parts[2][:200], capacity=capacity,
                         manager=parts[4][:NAME_MAX]))
    return out


def format_places(places: list[Place]) -> str:
    return "\n".join(" | ".join([PLACE_KINDS.get(p.kind, p.kind), p.name, p.location or "",
                                 str(p.capacity) if p.capacity else "", p.manager or ""]).rstrip(" |")
                     for p in places)


def parse_contacts(text: str) -> list[Contact]:
    """One contact a line: ``职务或角色 | 姓名 | 电话``."""
    out = []
    for n, line in enumerate(str(text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = SEPARATOR_RE.split(line.strip()) + ["", ""]
        if not parts[0]:
            raise Invalid(N_("联系人第 %(line)s 行：缺少职务或角色"), line=n)
        phone = parts[2]
        if phone and not re.fullmatch(r"[0-9+\-() ]{3,30}", phone):
            raise Invalid(N_("联系人第 %(line)s 行：电话号码格式不正确"), line=n)
        out.append(Contact(role=parts[0][:NAME_MAX], name=parts[1][:NAME_MAX], phone=phone))
    return out


def format_contacts(contacts: list[Contact]) -> str:
    return "\n".join(" | ".join([c.role, c.name, c.phone]).rstrip(" |") for c in contacts)


def lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def list_plans(store: GraphStore, communities: list[str] | None) -> list[PlanRecord]:
    return [PlanRecord.of(r["plan"]) for r in store.run_read("plan_list", communities=communities)]


def document_json(version: PlanVersion) -> dict:
    return {"version": version.meta.__dict__, "document": json.loads(version.document.to_json()),
            "check": [f.as_dict() for f in plan_check.check(version.document)]}


__all__ = [
    "DRAFT",
    "IN_FORCE",
    "STATE_LABELS",
    "SUPERSEDED",
    "PlanRecord",
    "PlanVersion",
    "VersionMeta",
    "apply_edits",
    "carry_over",
    "document_json",
    "format_contacts",
    "format_places",
    "get_plan",
    "in_force",
    "lines",
    "list_plans",
    "load_version",
    "may_edit",
    "parse_contacts",
    "parse_places",
    "plan_for",
    "plan_id",
    "put_in_force",
    "save_edits",
    "start_plan",
    "version_id",
    "versions",
]

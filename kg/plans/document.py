"""The plan document: sections of paragraphs, each paragraph with the graph nodes and sources it
came from; the work groups with their members and their duties per phase; the lists a plan keeps
(warning channels, places, supplies, contacts).  Stored as JSON text on a ``PlanVersion``.

A paragraph's ``origin`` says where its text is from: ``graph`` (drafted from the knowledge
graph, unchanged), ``records`` (drafted from the community's own records), ``edited`` (changed
or written by the community; ``drafted`` keeps the drafted text beside it)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.errors import N_

FORMAT = 1
PHASES = ("phase.source-governance", "phase.preparedness", "phase.response", "phase.recovery")
#: Kinds of places a plan lists (the standard's 3.4: shelters, evacuation routes, medical
#: facilities and the command post; assembly points from the community map).
PLACE_KINDS = {"shelter": N_("避难场所"), "route": N_("疏散路线"), "assembly": N_("集合点"),
               "medical": N_("医疗救护点"), "command": N_("应急指挥场所")}
TEXT_MAX = 2000
LIST_MAX = 200


@dataclass
class Citation:
    id: str
    locator: str | None = None
    name: str | None = None


@dataclass
class Paragraph:
    key: str
    text: str
    nodes: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    origin: str = "graph"
    drafted: str | None = None
    heading: str | None = None

    @classmethod
    def of(cls, data: dict) -> Paragraph:
        return cls(key=data["key"], text=data.get("text", ""), nodes=list(data.get("nodes") or []),
                   sources=[Citation(**c) for c in data.get("sources") or []], origin=data.get("origin", "graph"),
                   drafted=data.get("drafted"), heading=data.get("heading"))


@dataclass
class DutyItem:
    duty: str
    name: str
    text: str
    holders: list[str]
    holder_names: list[str]
    sources: list[Citation]
    hazards: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, data: dict) -> DutyItem:
        return cls(duty=data["duty"], name=data["name"], text=data.get("text", ""),
                   holders=list(data.get("holders") or []), holder_names=list(data.get("holder_names") or []),
                   sources=[Citation(**c) for c in data.get("sources") or []], hazards=list(data.get("hazards") or []))


@dataclass
class WorkGroup:
    key: str
    name: str
    description: Paragraph
    leader: str = ""
    members: list[str] = field(default_factory=list)
    member_refs: list[str] = field(default_factory=list)  # ids of the community's people (workspace records)
    duties: dict[str, list[DutyItem]] = field(default_factory=dict)  # phase id -> duties

    @classmethod
    def of(cls, data: dict) -> WorkGroup:
        return cls(key=data["key"], name=data["name"], description=Paragraph.of(data["description"]),
                   leader=data.get("leader", ""), members=list(data.get("members") or []),
                   member_refs=list(data.get("member_refs") or []),
                   duties={phase: [DutyItem.of(d) for d in items] for phase, items in (data.get("duties") or {}).items()})

    def duty_count(self) -> int:
        return sum(len(v) for v in self.duties.values())


@dataclass
class Place:
    kind: str
    name: str
    location: str = ""
    capacity: int | None = None
    manager: str = ""
    ref: str | None = None  # the workspace record (shelter, map feature) it came from

    @classmethod
    def of(cls, data: dict) -> Place:
        capacity = data.get("capacity")
        return cls(kind=str(data["kind"]), name=str(data["name"]), location=str(data.get("location") or ""),
                   capacity=int(capacity) if capacity is not None else None, manager=str(data.get("manager") or ""),
                   ref=data.get("ref"))


@dataclass
class Contact:
    role: str
    name: str = ""
    phone: str = ""


@dataclass
class Document:
    community: str
    community_name: str
    title: str
    hazards: list[dict]  # {id, name}
    paragraphs: list[Paragraph]  # every free paragraph, in order; keys start with their section
    groups: list[WorkGroup]
    channels: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    supplies: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    vulnerable: dict[str, Any] = field(default_factory=dict)  # counts only, never personal data
    other_duties: list[DutyItem] = field(default_factory=list)
    drawn_from: dict[str, Any] = field(default_factory=dict)  # plans, risk assessment …

    # --- access ------------------------------------------------------------------------------
    def paragraph(self, key: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.key == key), None)

    def section(self, prefix: str) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.key == prefix or p.key.startswith(prefix + ".")]

    def group(self, key: str) -> WorkGroup | None:
        return next((g for g in self.groups if g.key == key), None)

    def all_paragraphs(self) -> list[Paragraph]:
        return self.paragraphs + [g.description for g in self.groups]

    def hazard_ids(self) -> list[str]:
        return [h["id"] for h in self.hazards]

    def nodes(self) -> set[str]:
        """Every graph node the document draws on (for DRAWS_ON links)."""
        out = set(self.hazard_ids())
        for p in self.all_paragraphs():
            out.update(p.nodes)
        for g in self.groups:
            for items in g.duties.values():
                for d in items:
                    out.add(d.duty)
                    out.update(d.holders)
        for d in self.other_duties:
            out.add(d.duty)
        return out

    def citations(self) -> dict[str, list[str]]:
        """Source id -> the locators cited (for CITES links)."""
        out: dict[str, list[str]] = {}

        def add(c: Citation):
            locators = out.setdefault(c.id, [])
            if c.locator and c.locator not in locators:
                locators.append(c.locator)

        for p in self.all_paragraphs():
            for c in p.sources:
                add(c)
        for g in self.groups:
            for items in g.duties.values():
                for d in items:
                    for c in d.sources:
                        add(c)
        return out

    # --- JSON --------------------------------------------------------------------------------
    def to_json(self) -> str:
        data = asdict(self)
        data["format"] = FORMAT
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Document:
        data = json.loads(text)
        return cls(community=data["community"], community_name=data.get("community_name", ""),
                   title=data.get("title", ""), hazards=list(data.get("hazards") or []),
                   paragraphs=[Paragraph.of(p) for p in data.get("paragraphs") or []],
                   groups=[WorkGroup.of(g) for g in data.get("groups") or []],
                   channels=list(data.get("channels") or []),
                   places=[Place.of(p) for p in data.get("places") or []],
                   supplies=list(data.get("supplies") or []),
                   contacts=[Contact(**c) for c in data.get("contacts") or []],
                   vulnerable=dict(data.get("vulnerable") or {}),
                   other_duties=[DutyItem.of(d) for d in data.get("other_duties") or []],
                   drawn_from=dict(data.get("drawn_from") or {}))


def changes(old: Document | None, new: Document) -> list[str]:
    """What changed from ``old`` to ``new``, one line per change (Simplified Chinese, for the
    version table)."""
    if old is None:
        return ["初稿（由知识图谱生成）"]
    out: list[str] = []
    if old.hazard_ids() != new.hazard_ids():
        out.append("灾害种类：" + "、".join(h["name"] for h in new.hazards))
    before = {p.key: p for p in old.all_paragraphs()}
    for p in new.all_paragraphs():
        o = before.get(p.key)
        if o is None:
            out.append(f"新增段落：{p.heading or p.key}")
        elif o.text != p.text:
            out.append(f"修改段落：{p.heading or p.key}")
    for p in old.all_paragraphs():
        if p.key not in {q.key for q in new.all_paragraphs()}:
            out.append(f"删除段落：{p.heading or p.key}")
    for g in new.groups:
        earlier = old.group(g.key)
        if earlier is None or earlier.leader != g.leader or earlier.members != g.members:
            out.append(f"{g.name}人员：组长 {g.leader or '（未定）'}，成员 {len(g.members)} 人")
    for what, a, b in (("预警渠道", old.channels, new.channels), ("避难场所和路线", old.places, new.places),
                       ("应急物资", old.supplies, new.supplies), ("联系人", old.contacts, new.contacts)):
        if a != b:
            out.append(f"{what}：{len(b)} 项")
    return out or ["无内容变化"]


__all__ = [
    "FORMAT",
    "PHASES",
    "PLACE_KINDS",
    "Citation",
    "Contact",
    "Document",
    "DutyItem",
    "Paragraph",
    "Place",
    "WorkGroup",
    "changes",
]

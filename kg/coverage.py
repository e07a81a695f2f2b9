"""Coverage of the hazards: how many duties, plans, lessons, course modules and checklist
criteria reach each hazard, and which hazards (or families) are reached by none."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg.store.base import GraphStore

COLUMNS = ("duties", "plans", "lessons", "modules", "criteria")
_KIND = {("ADDRESSES", "Duty"): "duties", ("COVERS", "Plan"): "plans", ("ABOUT", "LessonLearned"): "lessons",
         ("REQUIRES", "Criterion"): "criteria"}


@dataclass
class HazardCoverage:
    id: str
    name: str
    name_en: str
    level: str
    category: str
    family: str | None
    reached: dict[str, set] = field(default_factory=lambda: {c: set() for c in COLUMNS})

    def count(self, column: str) -> int:
        return len(self.reached[column])


def hazard_coverage(store: GraphStore) -> dict[str, HazardCoverage]:
    out: dict[str, HazardCoverage] = {}
    for row in store.run_read("hazard_coverage"):
        cov = out.get(row["id"])
        if cov is None:
            cov = out[row["id"]] = HazardCoverage(row["id"], row["name"], row.get("name_en") or "",
                                                  row.get("level") or "hazard", row.get("category") or "",
                                                  row.get("family"))
        if row.get("rel"):
            labels = [label for label in row["labels"] if label != "Node"]
            kind = _KIND.get((row["rel"], labels[0] if labels else ""))
            if kind:
                cov.reached[kind].update(row["sources"])
    for row in store.run_read("modules_teaching_hazards"):
        if row["hazard"] in out:
            out[row["hazard"]].reached["modules"].add(row["module"])
    return out


def family_lessons(coverage: dict[str, HazardCoverage]) -> dict[str, set]:
    """Lessons reaching each hazard family (directly or through its hazards)."""
    lessons: dict[str, set] = defaultdict(set)
    for cov in coverage.values():
        if cov.level == "family":
            lessons[cov.id] |= cov.reached["lessons"]
        elif cov.family:
            lessons[cov.family] |= cov.reached["lessons"]
    return lessons


def gaps(coverage: dict[str, HazardCoverage]) -> dict[str, list[str]]:
    """Hazards (level hazard) reached by no duty / no plan, and families with < 3 lessons."""
    hazards = [c for c in coverage.values() if c.level != "family"]
    fam = family_lessons(coverage)
    return {
        "no_duty": sorted(c.id for c in hazards if not c.count("duties")),
        "no_plan": sorted(c.id for c in hazards if not c.count("plans")),
        "no_lesson": sorted(c.id for c in hazards if not c.count("lessons")),
        "family_under_3_lessons": sorted(f for f, c in coverage.items() if c.level == "family" and len(fam[f]) < 3),
    }


# --- first responders (the seed article's 12 groups) -------------------------------------------

#: The groups the seed article names for first-responder (第一响应人) training, in its order and
#: wording (src.seed-article, 整合基层应急管理综合性队伍体系 · 其次).  Course nodes name the groups
#: they are written for in their list property ``audience``, using exactly these strings.
FIRST_RESPONDER_GROUPS = (
    "基层应急管理工作人员", "公安民警和警务辅助人员", "交通运输行业驾驶人员", "码头作业人员",
    "建筑管理人员", "导游", "大型商场和民用航空业相关人员", "游泳场馆和浴场救生人员",
    "文娱场所安保人员", "社区物业从业人员", "灾害信息员", "应急志愿者",
)
#: A group counts as covered when a course of this kind (a role track) names it.
COVERING_COURSE_KIND = "track"


@dataclass
class GroupCoverage:
    group: str
    tracks: list[str] = field(default_factory=list)       # role tracks written for the group
    other_courses: list[str] = field(default_factory=list)  # core or refresher courses naming it

    @property
    def covered(self) -> bool:
        return bool(self.tracks)


def first_responder_coverage(store: GraphStore) -> tuple[list[GroupCoverage], list[tuple[str, str]]]:
    """Each seed group with the courses that name it in ``audience``; and (course, value) pairs
    for audience values that are not one of the seed groups (a misspelt group reaches nobody)."""
    groups = {g: GroupCoverage(g) for g in FIRST_RESPONDER_GROUPS}
    unknown: list[tuple[str, str]] = []
    for row in store.run_read("course_audiences"):
        audience = row.get("audience") or []
        if isinstance(audience, str):
            audience = [audience]
        for value in audience:
            target = groups.get(value)
            if target is None:
                unknown.append((row["id"], value))
            elif row.get("kind") == COVERING_COURSE_KIND:
                target.tracks.append(row["id"])
            else:
                target.other_courses.append(row["id"])
    return [groups[g] for g in FIRST_RESPONDER_GROUPS], sorted(unknown)


def duties_per_phase(store: GraphStore) -> list[dict]:
    """``[{phase, name, order, duties}]`` in process order."""
    return store.run_read("duties_per_phase")


#: The phase whose duties the seed article lists under 善后恢复, and the minimum the content keeps.
RECOVERY_PHASE = "phase.recovery"
RECOVERY_MINIMUM = 35


# --- provenance of the cited sources -----------------------------------------------------------

def source_provenance(store: GraphStore) -> dict[str, dict]:
    """Per kind (official / mirror / none): the count, the share in percent and the source ids."""
    from kg.content.rules import PROVENANCE_KINDS, provenance_kind, provenance_shares

    kinds = {row["id"]: provenance_kind(row) for row in store.run_read("provenance_sources")}
    shares = provenance_shares(kinds.values())
    for kind in PROVENANCE_KINDS:
        shares[kind]["ids"] = sorted(i for i, k in kinds.items() if k == kind)
    return shares

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
            labels = [l for l in row["labels"] if l != "Node"]
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

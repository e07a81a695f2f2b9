"""Test helpers for the assessment area: the bundled content (read once), loaded into a store in
part or whole, and a synthetic standard for hand-worked scoring examples."""

from __future__ import annotations

from functools import lru_cache

from assessments.checklist import build_checklist
from kg.content.loader import read_content

CHECKLIST_LABELS = ("Standard", "Criterion")


@lru_cache(maxsize=1)
def bundled_content():
    """All bundled content files.  Links to ids other helpers have not written yet are reported as
    problems by `cem check`; the records that are complete are still usable here."""
    content = read_content()
    ids = {n.id for n in content.nodes}
    assert "standard.demo-community-2020" in ids, "assessments/data is missing"
    return content


def load_content_subset(store, labels=None) -> dict:
    """Load the bundled nodes of ``labels`` (all when None) and the relationships between them."""
    content = bundled_content()
    nodes = [n for n in content.nodes if labels is None or n.label in labels]
    ids = {n.id for n in nodes}
    by_label: dict[str, list] = {}
    for n in nodes:
        by_label.setdefault(n.label, []).append({"id": n.id, "properties": n.properties})
    for label, rows in sorted(by_label.items()):
        store.upsert_nodes(label, rows, replace=True)
    rels = [{"type": r.type, "start": r.start, "end": r.end, "properties": r.properties}
            for r in content.relationships if r.start in ids and r.end in ids]
    store.upsert_relationships(rels, replace=True)
    return {"nodes": len(nodes), "relationships": len(rels)}


def load_checklists(store) -> dict:
    return load_content_subset(store, CHECKLIST_LABELS)


def add_area(store, org_id: str = "org.street-a", name: str = "甲街道办事处", part_of: str | None = None) -> str:
    store.upsert_nodes("Organization", [{"id": org_id, "properties": {"name": name, "name_en": org_id,
                                                                      "kind": "office", "level": "town"}}])
    if part_of:
        store.upsert_relationships([{"type": "PART_OF", "start": org_id, "end": part_of}])
    return org_id


def small_standard(**overrides):
    """A hand-made standard: two gates and scored criteria adding up to 100, pass mark 80.

    | id    | kind    | points | notes                          |
    | g1    | numeric | gate   | target 70, must be above       |
    | g2    | binary  | gate   |                                |
    | c1    | binary  | 10     |                                |
    | c2    | graded  | 20     | partly = 10 (half)             |
    | c3    | graded  | 20     | partly = 5 (partial_points)    |
    | c4    | numeric | 20     | target 100 (%)                 |
    | c5    | numeric | 10     | target 100000 (yuan)           |
    | c6    | binary  | 20     |                                |
    """
    standard = {"id": "standard.small", "name": "小标准", "total_points": 100, "pass_mark": 80}
    standard.update(overrides)
    crit = [
        {"id": "crit.s.g1", "number": "G1", "name": "满意率", "element": "0 基本条件", "points": 0, "gate": True,
         "scoring": "numeric", "target": 70, "target_above": True, "unit": "%", "standard": "standard.small"},
        {"id": "crit.s.g2", "number": "G2", "name": "无较大事故", "element": "0 基本条件", "points": 0, "gate": True,
         "scoring": "binary", "standard": "standard.small"},
        {"id": "crit.s.c1", "number": "1.1", "name": "机构", "element": "1 组织", "points": 10, "scoring": "binary"},
        {"id": "crit.s.c2", "number": "1.2", "name": "制度", "element": "1 组织", "points": 20, "scoring": "graded"},
        {"id": "crit.s.c3", "number": "2.1", "name": "预案", "element": "2 预案", "points": 20, "scoring": "graded",
         "partial_points": 5},
        {"id": "crit.s.c4", "number": "2.2", "name": "网格覆盖", "element": "2 预案", "points": 20,
         "scoring": "numeric", "target": 100, "unit": "%"},
        {"id": "crit.s.c5", "number": "3.1", "name": "经费", "element": "3 保障", "points": 10, "scoring": "numeric",
         "target": 100000, "unit": "元/年", "recurrence_months": 12},
        {"id": "crit.s.c6", "number": "3.2", "name": "物资", "element": "3 保障", "points": 20, "scoring": "binary"},
    ]
    return build_checklist(standard, crit)


def load_all_with_training_stand_ins(store) -> dict:
    """The whole bundled graph; where the training content (another area) does not define a
    course or module that a criterion links to (SATISFIED_BY), a stand-in node takes its place
    so that the links are there."""
    from importlib import resources

    import yaml

    counts = load_content_subset(store)
    present = {n.id for n in bundled_content().nodes}
    path = resources.files("assessments") / "data" / "criteria-2020.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    missing, links = {}, []
    for item in items:
        for link in item.get("links") or []:
            if link.get("type") == "SATISFIED_BY" and link.get("to"):
                links.append({"type": "SATISFIED_BY", "start": item["id"], "end": link["to"]})
                if link["to"] not in present:
                    missing[link["to"]] = "Course" if link["to"].startswith("course.") else "Module"
    for node_id, label in missing.items():
        props = {"name": f"替代{node_id}", "name_en": node_id}
        props.update({"kind": "core"} if label == "Course" else {"order": 1})
        store.upsert_nodes(label, [{"id": node_id, "properties": props}])
    if missing:
        store.upsert_relationships(links)
    return counts

"""Quality rules over the whole content graph (run by ``cem check`` after per-file validation)."""

from __future__ import annotations

from collections import defaultdict

from kg.content.loader import Content, Problem, normalise_name


def check_rules(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    nodes = {n.id: n for n in content.nodes}
    out_types: dict[str, set[tuple[str, str]]] = defaultdict(set)  # id -> {(type, other label)}
    in_types: dict[str, set[tuple[str, str]]] = defaultdict(set)
    degree: dict[str, int] = defaultdict(int)
    for rel in content.relationships:
        out_types[rel.start].add((rel.type, nodes[rel.end].label))
        in_types[rel.end].add((rel.type, nodes[rel.start].label))
        degree[rel.start] += 1
        degree[rel.end] += 1

    def need(node, ok: bool, field: str, message: str):
        if not ok:
            problems.append(Problem(node.file, node.line, field, message))

    for node in content.nodes:
        need(node, degree[node.id] > 0, "id", f"orphan node {node.id!r}: it has no relationship")
        outs, ins = out_types[node.id], in_types[node.id]
        if node.label == "Duty":
            need(node, ("HAS_DUTY", "Organization") in ins, "links", "a duty needs an organization that holds it (HAS_DUTY from an Organization)")
            need(node, ("IN_PHASE", "Phase") in outs, "links", "a duty needs a phase (IN_PHASE)")
            need(node, ("ADDRESSES", "Hazard") in outs or ("ASSIGNS", "Plan") in ins,
                 "links", "a duty needs a hazard it addresses (ADDRESSES) or a plan that assigns it")
        elif node.label == "LessonLearned":
            need(node, ("FROM_INCIDENT", "Incident") in outs, "links", "a lesson needs its incident (FROM_INCIDENT)")
            need(node, ("IN_PHASE", "Phase") in outs, "links", "a lesson needs a phase (IN_PHASE)")
            need(node, ("ABOUT", "Hazard") in outs, "links", "a lesson needs at least one hazard (ABOUT a Hazard)")
            need(node, ("CITES", "Source") in outs, "sources", "a lesson needs a source")
        elif node.label == "Incident":
            need(node, ("CITES", "Source") in outs, "sources", "an incident needs a source")
        elif node.label == "Hazard" and node.properties.get("level", "hazard") == "hazard":
            need(node, ("SUBTYPE_OF", "Hazard") in outs, "links", "a hazard belongs to a hazard family (SUBTYPE_OF)")

        elif node.label == "Question":
            need(node, ("ASSESSES", "Objective") in outs, "links", "a question assesses an objective (ASSESSES)")
        elif node.label == "Unit":
            need(node, ("HAS_UNIT", "Module") in ins, "links", "a unit belongs to a module (HAS_UNIT from a Module)")
        elif node.label == "Criterion":
            need(node, ("PART_OF_STANDARD", "Standard") in outs, "links", "a criterion belongs to a standard (PART_OF_STANDARD)")
            need(node, node.properties.get("standard") in nodes and nodes[node.properties["standard"]].label == "Standard",
                 "standard", f"unknown standard {node.properties.get('standard')!r}")

    problems.extend(_standard_totals(content, nodes))
    by_name: dict[tuple[str, str], list] = defaultdict(list)
    for node in content.nodes:
        if node.label == "Source":
            continue
        by_name[(node.label, normalise_name(node.properties.get("name", "")))].append(node)
    for (label, _), same in by_name.items():
        for dup in same[1:]:
            first = same[0]
            problems.append(Problem(dup.file, dup.line, "name",
                                    f"near-duplicate {label} name {dup.properties.get('name')!r} "
                                    f"(same as {first.id!r} at {first.file}:{first.line})"))
    return problems


def _standard_totals(content: Content, nodes: dict) -> list[Problem]:
    """A standard's scored criteria must add up to exactly its total points."""
    totals: dict[str | None, float] = defaultdict(float)  # by standard id
    for node in content.nodes:
        if node.label == "Criterion" and not node.properties.get("gate"):
            totals[node.properties.get("standard")] += float(node.properties.get("points", 0))
    out = []
    for node in content.nodes:
        if node.label != "Standard":
            continue
        total = round(totals.get(node.id, 0.0), 6)
        expected = float(node.properties["total_points"])
        if abs(total - expected) > 1e-6:
            out.append(Problem(node.file, node.line, "total_points",
                               f"the criteria of {node.id} add up to {total:g} points, not {expected:g}"))
    return out


# --- provenance (warnings: printed by `cem check`, never a failure) ----------------------------

PROVENANCE_KINDS = ("official", "mirror", "none")


def provenance_kind(properties: dict) -> str:
    """How a Source can be reached: ``official`` (an address at the publisher), ``mirror`` (an
    address at a site that only copied the document) or ``none`` (no address, only an
    identifier such as a document number)."""
    if not properties.get("url"):
        return "none"
    return "mirror" if properties.get("mirror") else "official"


def provenance_warnings(content: Content) -> list[Problem]:
    """A warning for every source that has no address, or whose address is only a mirror."""
    warnings = []
    for node in content.nodes:
        if node.label != "Source":
            continue
        kind = provenance_kind(node.properties)
        if kind == "none":
            warnings.append(Problem(node.file, node.line, "url",
                                    f"source {node.id!r} has no address: find the publisher's copy "
                                    "(npc.gov.cn, gov.cn, mem.gov.cn, a provincial 应急管理厅, the investigating authority)"))
        elif kind == "mirror":
            warnings.append(Problem(node.file, node.line, "mirror",
                                    f"source {node.id!r} points at a mirror ({node.properties['url']}): "
                                    "replace it with the publisher's copy when one is found"))
    return sorted(warnings)


def provenance_shares(kinds) -> dict[str, dict]:
    """Counts and shares (percent, one decimal) of each provenance kind."""
    kinds = list(kinds)
    total = len(kinds)
    out = {}
    for kind in PROVENANCE_KINDS:
        n = sum(1 for k in kinds if k == kind)
        out[kind] = {"count": n, "share": round(100.0 * n / total, 1) if total else 0.0}
    return out

"""Graph browsing for one viewer: label pages, a node with its neighbours, neighbourhoods.

Plain functions over an ``Access`` (``kg.access``: the store and the viewer); everything they
return has passed the access policy — labels, records, and the nodes a path passes through.
"""

from __future__ import annotations

import math
from collections import defaultdict

from kg.access import Access
from kg.store import InvalidRecord

#: A property to filter each label's list by.
FACETS = {"Hazard": "category", "Organization": "kind", "Course": "kind", "Question": "kind", "Quiz": "kind",
          "Criterion": "standard", "Assessment": "status", "Source": "kind", "Facility": "kind", "Plan": "kind",
          "Duty": "phase", "CorrectiveAction": "status"}
#: Properties shown first, in this order; the rest follow alphabetically.
PROPERTY_ORDER = ("name", "name_en", "category", "kind", "description", "summary", "date", "place")
PER_PAGE = 25
NEIGHBOUR_LIMIT = 300


def ordered_properties(access: Access, properties: dict) -> list[tuple[str, object]]:
    props = access.public_properties(properties)
    first = [(k, props[k]) for k in PROPERTY_ORDER if k in props]
    rest = sorted((k, v) for k, v in props.items() if k not in PROPERTY_ORDER)
    return first + rest


def _scope(access: Access, label: str) -> list[str] | None:
    """The community ids a label's records are limited to for this viewer (None: no limit)."""
    from kg.access import rule_for

    rule = rule_for(label)
    if rule is None or rule.scope != "community" or access.viewer.is_admin:
        return None
    communities = access.communities()
    return sorted(communities) if communities is not None else None


# --- label pages ----------------------------------------------------------------------------
def label_slice(access: Access, label: str, *, q: str | None = None, value: str | None = None,
                skip: int = 0, limit: int = PER_PAGE) -> tuple[list[dict], int, str]:
    """``limit`` visible nodes of a label from ``skip`` (ordered by id), how many match, and
    the property the ``value`` filter applies to."""
    if not access.may_see_label(label):
        return [], 0, FACETS.get(label, "kind")
    store = access.store
    prop = FACETS.get(label, "kind")
    params = {"q": (q or "").strip().lower() or None, "prop": prop, "value": value if value else None,
              "scope": _scope(access, label)}
    total_rows = store.run_read_for("browse_label_count", label, **params)
    total = int(total_rows[0]["n"]) if total_rows else 0
    rows = store.run_read_for("browse_label_page", label, skip=int(skip), limit=int(limit), **params)
    items = [{"id": r["id"], "label": label,
              "properties": {k: r[k] for k in ("name", "name_en") if r.get(k) is not None}, "facet": r.get("facet")}
             for r in rows]
    return items, total, prop


def label_page(access: Access, label: str, *, q: str | None = None, value: str | None = None,
               page: int = 1, per_page: int = PER_PAGE) -> dict:
    """One page of a label's visible nodes: ``{"items", "total", "page", "pages", "facet"}``."""
    items, total, prop = label_slice(access, label, q=q, value=value, skip=(page - 1) * per_page, limit=per_page)
    return {"items": items, "total": total, "page": page, "pages": max(1, math.ceil(total / per_page)),
            "facet": prop}


def facet_values(access: Access, label: str) -> tuple[str, list[tuple[object, int]]]:
    prop = FACETS.get(label, "kind")
    if not access.may_see_label(label):
        return prop, []
    rows = access.store.run_read_for("browse_facet_values", label, prop=prop, scope=_scope(access, label))
    return prop, [(r["value"], int(r["n"])) for r in rows if isinstance(r["value"], (str, int, float, bool))]


def label_counts(access: Access, counts: dict[str, int] | None = None) -> list[tuple[str, int]]:
    """(label, how many this viewer may see) for every label they may browse."""
    counts = access.store.counts()["labels"] if counts is None else counts
    out = []
    for label in sorted(access.labels):
        scope = _scope(access, label)
        if scope is None:
            out.append((label, counts.get(label, 0)))
        else:
            rows = access.store.run_read_for("browse_label_count", label, q=None, prop="kind", value=None, scope=scope)
            out.append((label, int(rows[0]["n"]) if rows else 0))
    return out


# --- a node and its neighbours ---------------------------------------------------------------
def node_detail(access: Access, node: dict) -> dict:
    """Properties, cited sources (with locators) and visible neighbours grouped by relationship
    type and direction, for a node the viewer may see."""
    neighbours = access.store.neighbours(node["id"], depth=1, limit=NEIGHBOUR_LIMIT)
    sources, groups = [], defaultdict(list)
    hidden = 0
    for other in neighbours:
        if not access.can_see(other):
            hidden += 1
            continue
        rel = other["path"][0]
        outgoing = rel["start"] == node["id"]
        if rel["type"] == "CITES" and outgoing and other["label"] == "Source":
            sources.append({"node": other, "locator": rel["properties"].get("locator")})
            continue
        groups[(rel["type"], "out" if outgoing else "in")].append({"node": other, "rel": rel["properties"]})
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1] != "out", kv[0][0]))
    return {"node": node, "properties": ordered_properties(access, node["properties"]), "sources": sources,
            "groups": [{"type": t, "direction": d, "items": items} for (t, d), items in ordered],
            "hidden_neighbours": hidden}


def neighbourhood(access: Access, node: dict, *, depth: int = 1, limit: int = NEIGHBOUR_LIMIT) -> dict:
    """Visible nodes and edges within ``depth`` (1 or 2) hops, leaving out paths that pass
    through anything the viewer may not see: ``{"nodes": [...], "edges": [...], "truncated"}``."""
    if depth not in (1, 2):
        raise InvalidRecord("depth must be 1 or 2")
    rows = access.store.neighbours(node["id"], depth=depth, limit=limit)
    seen_rows = {r["id"]: r for r in rows}
    through = {rel[k] for r in rows for rel in r["path"] for k in ("start", "end")} - seen_rows.keys() - {node["id"]}
    allowed = {r["id"] for r in rows if access.can_see(r)} | {node["id"]}
    if through:
        allowed |= access.visible_ids(through)
        labels = access.store.labels_of(through)
    else:
        labels = {}
    nodes = {node["id"]: node}
    edges: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        ids = {rel[k] for rel in row["path"] for k in ("start", "end")}
        if not ids <= allowed:
            continue
        nodes.setdefault(row["id"], row)
        for rel in row["path"]:
            edges.setdefault((rel["type"], rel["start"], rel["end"]), rel)
    for rel in edges.values():  # intermediate nodes of 2-hop paths beyond the limit
        for key in ("start", "end"):
            if rel[key] not in nodes:
                nodes[rel[key]] = {"id": rel[key], "label": labels.get(rel[key]), "properties": {}}
    return {"nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": len(rows) >= limit}


__all__ = ["label_page", "label_slice", "facet_values", "label_counts", "node_detail", "neighbourhood",
           "ordered_properties", "FACETS", "PER_PAGE", "NEIGHBOUR_LIMIT"]

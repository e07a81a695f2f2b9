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
#: The graph view shows at most this many nodes for two hops; beyond it, the second hop's nodes
#: of a label are drawn as one cluster node that opens on a click (``expand``).
VIEW_CAP = 60


def node_detail(access: Access, node: dict) -> dict:
    """Properties, cited sources (with locators) and visible neighbours grouped by relationship
    type and direction, for a node the viewer may see."""
    sources, groups = [], defaultdict(list)
    hidden = 0
    for link in access.store.links(node["id"]):
        other = link["node"]
        if not access.can_see(other):
            hidden += 1
            continue
        outgoing = link["start"] == node["id"]
        if link["type"] == "CITES" and outgoing and other["label"] == "Source":
            sources.append({"node": other, "locator": link["rel"].get("locator")})
            continue
        groups[(link["type"], "out" if outgoing else "in")].append({"node": other, "rel": link["rel"]})
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1] != "out", kv[0][0]))
    for _key, items in ordered:
        items.sort(key=lambda i: i["node"]["id"])
    sources.sort(key=lambda s: s["node"]["id"])
    return {"node": node, "properties": ordered_properties(access, node["properties"]), "sources": sources,
            "groups": [{"type": t, "direction": d, "items": items} for (t, d), items in ordered],
            "hidden_neighbours": hidden}


def neighbourhood(access: Access, node: dict, *, depth: int = 1, expand: str | None = None,
                  cap: int = VIEW_CAP) -> dict:
    """What the graph view draws: visible nodes and edges within ``depth`` (1 or 2) hops — a
    second-hop node only through a visible first-hop node.  The first hop is always whole; when
    the two hops hold more than ``cap`` nodes, the second hop's nodes are grouped by label and
    the largest groups become clusters (``{"label", "count"}``) unless their label is ``expand``.
    Both hops are read without the relationships' properties (the view draws type and ends).
    Returns ``{"nodes", "edges", "clusters", "truncated"}``."""
    if depth not in (1, 2):
        raise InvalidRecord("depth must be 1 or 2")
    root = node["id"]
    nodes: dict[str, dict] = {root: node}
    edges: dict[tuple[str, str, str], dict] = {}
    for link in access.store.edges_of([root], root):
        if access.can_see(link["node"]):
            nodes.setdefault(link["node"]["id"], link["node"])
            edges.setdefault((link["type"], link["start"], link["end"]), link)
    clusters: list[dict] = []
    if depth == 2:
        first = [i for i in nodes if i != root]
        # The second hop in two reads: its nodes in brief (the policy's fields only) to choose
        # what to draw, then the relationships among the drawn nodes with their names; reading
        # every relationship of the first hop with both ends' names cost three times as much.
        by_label: dict[str, list[str]] = defaultdict(list)
        for other in access.store.second_hop(first, root):
            if other["id"] not in nodes and access.can_see(other):
                by_label[other["label"] or ""].append(other["id"])
        room = cap - len(nodes)
        shown: set[str] = set(by_label.get(expand or "", ()))
        room -= len(shown)
        for label, ids in sorted(by_label.items(), key=lambda kv: (len(kv[1]), kv[0])):
            if label == expand:
                continue
            if len(ids) <= room:
                shown.update(ids)
                room -= len(ids)
            else:
                clusters.append({"label": label, "count": len(ids)})
        drawn: dict[str, dict] = {}
        for link in access.store.edges_among(first, shown.union(first)):
            if link["node"]["id"] in shown:
                drawn.setdefault(link["node"]["id"], link["node"])
            edges.setdefault((link["type"], link["start"], link["end"]), link)
        for node_id in sorted(shown):
            if node_id in drawn:  # not deleted between the two reads
                nodes[node_id] = drawn[node_id]
    return {"nodes": list(nodes.values()),
            "edges": [{"type": t, "start": a, "end": b} for (t, a, b) in edges],
            "clusters": sorted(clusters, key=lambda c: (-c["count"], c["label"])), "truncated": bool(clusters)}


__all__ = [
    "FACETS",
    "PER_PAGE",
    "VIEW_CAP",
    "facet_values",
    "label_counts",
    "label_page",
    "label_slice",
    "neighbourhood",
    "node_detail",
    "ordered_properties",
]

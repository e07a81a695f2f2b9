"""Graph browsing: which labels a user may see, label pages, node details and neighbourhoods.

Visibility is an allow-list: knowledge labels for every signed-in user; assessment and quiz
records for reviewers and admins too; never accounts, the audit log or a trainee's records.  A
label an area adds later stays hidden until it is added here.  Plain functions taking a store.
"""

from __future__ import annotations

import math
from collections import defaultdict

from kg.store import GraphStore, InvalidRecord
from kg.store.base import ID_RE

#: Curated knowledge any signed-in user may browse.
KNOWLEDGE_LABELS = ("Hazard", "Duty", "Organization", "Plan", "Facility", "Phase", "Incident", "LessonLearned",
                    "Source", "Course", "Module", "Unit", "Objective", "Standard", "Criterion")
#: Also for reviewers and admins: quiz items (they hold answers), communities and the corrective
#: actions taken on lessons.
STAFF_LABELS = ("Question", "Quiz", "Community", "CorrectiveAction")
#: Self-assessment records: only admins browse them here.  Everyone else reads them through the
#: self-assessment pages, which keep its rules (a community its own; a reviewer the submitted
#: assessments of communities in their area, never drafts).
ADMIN_LABELS = ("Assessment", "Answer", "Evidence", "Review")
#: Never browsable (personal data): kept here for the home page's public counts.
PRIVATE_LABELS = frozenset({"User", "AuditEvent", "Attempt", "QuizAnswer", "Certificate", "SkillSignoff"})
#: Properties never shown (secrets, search internals).
HIDDEN_PROPERTIES = frozenset({"password_hash", "api_token_hashes", "auth_version", "embedding", "search_text",
                               "embedding_model", "search_vector"})
#: A property to filter each label's list by.
FACETS = {"Hazard": "category", "Organization": "kind", "Course": "kind", "Question": "kind", "Quiz": "kind",
          "Criterion": "standard", "Assessment": "status", "Source": "kind", "Facility": "kind", "Plan": "kind",
          "Duty": "phase", "CorrectiveAction": "status"}
#: Properties shown first, in this order; the rest follow alphabetically.
PROPERTY_ORDER = ("name", "name_en", "category", "kind", "description", "summary", "date", "place")
PER_PAGE = 25
NEIGHBOUR_LIMIT = 300


def visible_labels(schema, user) -> frozenset[str]:
    """Labels this user may browse (empty for an anonymous user)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    labels = set(KNOWLEDGE_LABELS)
    if getattr(user, "is_staff", False):
        labels |= set(STAFF_LABELS)
    if user.has_role("admin"):
        labels |= set(ADMIN_LABELS)
    return frozenset(label for label in labels if label in schema.labels)


def public_properties(properties: dict) -> dict:
    return {k: v for k, v in properties.items() if k not in HIDDEN_PROPERTIES}


def ordered_properties(properties: dict) -> list[tuple[str, object]]:
    props = public_properties(properties)
    first = [(k, props[k]) for k in PROPERTY_ORDER if k in props]
    rest = sorted((k, v) for k, v in props.items() if k not in PROPERTY_ORDER)
    return first + rest


def valid_id(node_id: object) -> bool:
    return isinstance(node_id, str) and bool(ID_RE.match(node_id))


def get_visible_node(store: GraphStore, node_id: str, visible: frozenset[str]) -> dict | None:
    """The node, or None when it does not exist or the user may not see its label."""
    if not valid_id(node_id):
        return None
    node = store.get_node(node_id)
    if node is None or node["label"] not in visible:
        return None
    return node


# --- label pages ----------------------------------------------------------------------------
def label_slice(store: GraphStore, label: str, *, q: str | None = None, value: str | None = None,
                skip: int = 0, limit: int = PER_PAGE) -> tuple[list[dict], int, str]:
    """``limit`` nodes of a label from ``skip`` (ordered by id), the total that match, and the
    property the ``value`` filter applies to."""
    store.schema.label(label)
    prop = FACETS.get(label, "kind")
    params = {"label": label, "q": (q or "").strip().lower() or None, "prop": prop,
              "value": value if value else None}
    total_rows = store.run_read("browse_label_count", **params)
    total = int(total_rows[0]["n"]) if total_rows else 0
    rows = store.run_read("browse_label_page", skip=int(skip), limit=int(limit), **params)
    items = [{"id": r["id"], "label": label,
              "properties": {k: r[k] for k in ("name", "name_en") if r.get(k) is not None}, "facet": r.get("facet")}
             for r in rows]
    return items, total, prop


def label_page(store: GraphStore, label: str, *, q: str | None = None, value: str | None = None,
               page: int = 1, per_page: int = PER_PAGE) -> dict:
    """One page of a label's nodes: ``{"items", "total", "page", "pages", "facet"}``."""
    items, total, prop = label_slice(store, label, q=q, value=value, skip=(page - 1) * per_page, limit=per_page)
    return {"items": items, "total": total, "page": page, "pages": max(1, math.ceil(total / per_page)),
            "facet": prop}


def facet_values(store: GraphStore, label: str) -> tuple[str, list[tuple[object, int]]]:
    prop = FACETS.get(label, "kind")
    rows = store.run_read("browse_facet_values", label=label, prop=prop)
    return prop, [(r["value"], int(r["n"])) for r in rows if isinstance(r["value"], (str, int, float, bool))]


def label_counts(store: GraphStore, visible: frozenset[str]) -> list[tuple[str, int]]:
    counts = store.counts()["labels"]
    return [(label, counts.get(label, 0)) for label in sorted(visible)]


# --- a node and its neighbours ---------------------------------------------------------------
def node_detail(store: GraphStore, node: dict, visible: frozenset[str]) -> dict:
    """Properties, cited sources (with locators) and neighbours grouped by relationship type
    and direction, for one node the user may see."""
    neighbours = store.neighbours(node["id"], depth=1, limit=NEIGHBOUR_LIMIT)
    sources, groups = [], defaultdict(list)
    for other in neighbours:
        if other["label"] not in visible:
            continue
        rel = other["path"][0]
        outgoing = rel["start"] == node["id"]
        if rel["type"] == "CITES" and outgoing and other["label"] == "Source":
            sources.append({"node": other, "locator": rel["properties"].get("locator")})
            continue
        groups[(rel["type"], "out" if outgoing else "in")].append({"node": other, "rel": rel["properties"]})
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1] != "out", kv[0][0]))
    return {"node": node, "properties": ordered_properties(node["properties"]), "sources": sources,
            "groups": [{"type": t, "direction": d, "items": items} for (t, d), items in ordered],
            "hidden_neighbours": sum(1 for n in neighbours if n["label"] not in visible)}


def neighbourhood(store: GraphStore, node: dict, visible: frozenset[str], *, depth: int = 1,
                  limit: int = NEIGHBOUR_LIMIT) -> dict:
    """Nodes and edges within ``depth`` (1 or 2) hops, leaving out what the user may not see and
    paths that pass through it: ``{"nodes": [...], "edges": [...], "truncated": bool}``."""
    if depth not in (1, 2):
        raise InvalidRecord("depth must be 1 or 2")
    rows = store.neighbours(node["id"], depth=depth, limit=limit)
    labels = {node["id"]: node["label"]}
    labels.update({r["id"]: r["label"] for r in rows})
    unknown = {rel[k] for r in rows for rel in r["path"] for k in ("start", "end")} - labels.keys()
    if unknown:
        labels.update(store.labels_of(unknown))
    nodes = {node["id"]: node}
    edges: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        ids = {rel[k] for rel in row["path"] for k in ("start", "end")}
        if any(labels.get(i) not in visible for i in ids):
            continue
        nodes.setdefault(row["id"], row)
        for rel in row["path"]:
            edges.setdefault((rel["type"], rel["start"], rel["end"]), rel)
    for rel in edges.values():  # intermediate nodes of 2-hop paths beyond the limit
        for key in ("start", "end"):
            if rel[key] not in nodes:
                nodes[rel[key]] = {"id": rel[key], "label": labels.get(rel[key]), "properties": {}}
    return {"nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": len(rows) >= limit}


__all__ = ["visible_labels", "get_visible_node", "label_page", "label_slice", "facet_values", "label_counts", "node_detail",
           "neighbourhood", "public_properties", "ordered_properties", "KNOWLEDGE_LABELS", "STAFF_LABELS", "ADMIN_LABELS",
           "PRIVATE_LABELS", "HIDDEN_PROPERTIES", "FACETS"]

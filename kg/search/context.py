"""The graph context of a search hit — "so what do I do".

A lesson: its incident, recommendation, the organizations it concerns or asks to act, the duties
they hold for its hazards, the plans covering it and the training modules that teach it.
A duty: who holds it, its phase, hazards, facilities and the plans that assign it.
Anything else: its neighbours, grouped by relationship.
"""

from __future__ import annotations

from collections import defaultdict

from kg.access import rule_for
from kg.store.base import GraphStore

LIMIT = 8


def _ids(items) -> list[str]:
    return [i["id"] for i in items]


def lesson_context(store: GraphStore, lesson_id: str) -> dict | None:
    rows = store.run_read("search_context_lesson", id=lesson_id)
    if not rows:
        return None
    row = rows[0]
    orgs = _ids(row["act"]) + _ids(row["concerned"])
    duties = store.run_read("search_context_lesson_duties", id=lesson_id, orgs=orgs, limit=LIMIT)
    plans = list(row["plans"])
    if len(plans) < LIMIT and row["hazards"]:
        known = set(_ids(plans))
        for p in store.run_read("search_context_plans_for", hazards=_ids(row["hazards"]), limit=LIMIT):
            if p["id"] not in known:
                plans.append({"id": p["id"], "name": p["name"]})
                known.add(p["id"])
    taught = _ids(row["hazards"]) + _ids(duties) + _ids(plans) + [lesson_id]
    modules = [{"id": m["id"], "name": m["name"]}
               for m in store.run_read("search_context_modules_for", ids=taught, limit=LIMIT)]
    return {
        "kind": "lesson",
        "recommendation": row["recommendation"],
        "lesson": row["lesson"],
        "incident": (row["incidents"] or [None])[0],
        "phases": row["phases"],
        "hazards": row["hazards"],
        "facilities": row["facilities"],
        "act": row["act"],
        "concerned": [o for o in row["concerned"] if o["id"] not in set(_ids(row["act"]))],
        "duties": [{"id": d["id"], "name": d["name"], "holders": d["holders"], "named": bool(d["named"])}
                   for d in duties],
        "plans": plans[:LIMIT],
        "modules": modules,
    }


def duty_context(store: GraphStore, duty_id: str) -> dict | None:
    rows = store.run_read("search_context_duty", id=duty_id)
    if not rows:
        return None
    row = rows[0]
    modules = [{"id": m["id"], "name": m["name"]}
               for m in store.run_read("search_context_modules_for", ids=[duty_id], limit=LIMIT)]
    return {"kind": "duty", "description": row["description"], "deadline": row["deadline"],
            "holders": row["holders"], "phases": row["phases"], "hazards": row["hazards"],
            "facilities": row["facilities"], "plans": row["plans"], "modules": modules}


def neighbour_context(store: GraphStore, node_id: str) -> dict:
    """The node's neighbours grouped by relationship and direction, leaving out sources and
    every label the access policy keeps private (accounts, trainees' records …).  Readers still
    pass the answer through their viewer's ``Access.prune``, which applies the full policy."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for n in store.neighbours(node_id, depth=1, limit=120):
        rule = rule_for(n["label"])
        if n["label"] in (None, "Source") or rule is None or rule.private:
            continue
        rel = n["path"][0]
        direction = "out" if rel["start"] == node_id else "in"
        key = f"{rel['type']}:{direction}"
        if len(groups[key]) < LIMIT:
            groups[key].append({"id": n["id"], "label": n["label"],
                                "name": n["properties"].get("name", n["id"])})
    return {"kind": "neighbours", "groups": dict(groups)}


def graph_context(store: GraphStore, node_id: str, label: str | None = None) -> dict | None:
    if label is None:
        node = store.get_node(node_id)
        if node is None:
            return None
        label = node["label"]
    if label == "LessonLearned":
        return lesson_context(store, node_id)
    if label == "Duty":
        return duty_context(store, node_id)
    return neighbour_context(store, node_id)

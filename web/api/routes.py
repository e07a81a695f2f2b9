from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from web.api import bp
from web.extensions import get_store
from web.graph import service
from web.security import login_required
from web.shell import int_arg

MAX_QUERY = 100


def _error(code: int, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = code
    return response


def _node_json(node: dict) -> dict:
    return {"id": node["id"], "label": node["label"], "properties": service.public_properties(node["properties"])}


def _visible():
    store = get_store()
    return store, service.visible_labels(store.schema, current_user)


@bp.get("/nodes/<node_id>")
@login_required
def node(node_id):
    store, visible = _visible()
    found = service.get_visible_node(store, node_id, visible)
    if found is None:
        return _error(404, f"no node {node_id!r}")
    return jsonify(_node_json(found))


@bp.get("/nodes/<node_id>/neighbours")
@login_required
def neighbours(node_id):
    store, visible = _visible()
    depth = int_arg("depth", 1, 1, 3)
    limit = int_arg("limit", 100, 1, 500)
    types = request.args.getlist("type")
    for t in types:
        if t not in store.schema.relationships:
            return _error(400, f"unknown relationship type {t[:60]!r}")
    found = service.get_visible_node(store, node_id, visible)
    if found is None:
        return _error(404, f"no node {node_id!r}")
    rows = store.neighbours(node_id, depth=depth, rel_types=types or None, labels=sorted(visible), limit=limit)
    labels = {row["id"]: row["label"] for row in rows}
    through = {rel[k] for row in rows for rel in row["path"] for k in ("start", "end")} - labels.keys() - {node_id}
    labels.update(store.labels_of(through) if through else {})
    items = []
    for row in rows:
        passes = {rel[k] for rel in row["path"] for k in ("start", "end")} - {node_id}
        if any(labels.get(i) not in visible for i in passes):
            continue  # a path through something this user may not see
        items.append(dict(_node_json(row), distance=row["distance"],
                          path=[{"type": r["type"], "start": r["start"], "end": r["end"],
                                 "properties": r["properties"]} for r in row["path"]]))
    return jsonify(id=node_id, depth=depth, neighbours=items)


@bp.get("/labels/<label>")
@login_required
def label(label):
    store, visible = _visible()
    if label not in visible:
        return _error(404, f"no label {label[:60]!r}")
    q = request.args.get("q", "")
    value = request.args.get("value", "")
    if len(q) > MAX_QUERY or len(value) > MAX_QUERY:
        return _error(400, "q and value take at most 100 characters")
    skip = int_arg("skip", 0, 0, 1_000_000)
    limit = int_arg("limit", 50, 1, 200)
    items, total, prop = service.label_slice(store, label, q=q, value=value or None, skip=skip, limit=limit)
    return jsonify(label=label, total=total, skip=skip, limit=limit, facet=prop,
                   items=[{"id": i["id"], "label": label, "properties": i["properties"]} for i in items])

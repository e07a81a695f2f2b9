"""The read-only JSON API (``/api/v1``): what the graph browser shows the same user, through the
same access policy."""

from __future__ import annotations

from flask import jsonify, request

from kg import browse
from kg.store import QueryTimeout
from web.api import bp
from web.errors import error_response
from web.extensions import get_access, get_settings
from web.security import login_required, within_limit
from web.shell import int_arg

MAX_QUERY = 100
#: What one neighbours request may ask for: (depth, result size, seconds) for everybody but admins,
#: and for admins.  A hub three hops out is most of the graph; the cap keeps one request from
#: holding the store for seconds while other requests wait.
NEIGHBOURS_LIMITS = {"user": (2, 200, 1.0), "admin": (3, 500, 5.0)}
#: Two hops deep, one request reads a large part of the graph: everybody but admins may make
#: ``CEM_API_WIDE_LIMIT`` of them per this many seconds (counted in the store, for every worker).
WIDE_WINDOW = 60


def _error(code: int, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = code
    return response


def _node_json(access, node: dict) -> dict:
    return {"id": node["id"], "label": node["label"], "properties": access.public_properties(node["properties"])}


@bp.get("/nodes/<node_id>")
@login_required
def node(node_id):
    access = get_access()
    found = access.get(node_id)
    if found is None:
        return _error(404, f"no node {node_id[:200]!r}")
    return jsonify(_node_json(access, found))


@bp.get("/nodes/<node_id>/neighbours")
@login_required
def neighbours(node_id):
    access = get_access()
    max_depth, max_limit, seconds = NEIGHBOURS_LIMITS["admin" if access.viewer.is_admin else "user"]
    depth = int_arg("depth", 1, 1, max_depth)
    limit = int_arg("limit", 100, 1, max_limit)
    if depth >= 2 and not access.viewer.is_admin:
        per_minute = get_settings().api_wide_limit
        wait = within_limit("api-wide", f"u:{access.viewer.id}", per_minute, WIDE_WINDOW)
        if wait:
            return error_response(429, f"at most {per_minute} neighbours requests two hops deep per minute: "
                                       f"try again in {wait} s", retry_after=wait)
    types = request.args.getlist("type")
    for t in types:
        if t not in access.store.schema.relationships:
            return _error(400, f"unknown relationship type {t[:60]!r}")
    found = access.get(node_id)
    if found is None:
        return _error(404, f"no node {node_id[:200]!r}")
    try:
        rows = access.store.neighbours(node_id, depth=depth, rel_types=types or None, labels=sorted(access.labels),
                                       limit=limit, timeout=seconds)
    except QueryTimeout:
        return _error(422, f"the neighbourhood is too large to list within {seconds:g} s: ask for a smaller "
                           "depth, fewer relationship types or a lower limit")
    through = {rel[k] for row in rows for rel in row["path"] for k in ("start", "end")} - {node_id}
    allowed = access.visible_ids(through | {row["id"] for row in rows})
    items = []
    for row in rows:
        passes = {rel[k] for rel in row["path"] for k in ("start", "end")} - {node_id}
        if row["id"] not in allowed or not passes <= allowed:
            continue  # a record, or a path through something, this user may not see
        items.append(dict(_node_json(access, row), distance=row["distance"],
                          path=[{"type": r["type"], "start": r["start"], "end": r["end"],
                                 "properties": r["properties"]} for r in row["path"]]))
    return jsonify(id=node_id, depth=depth, neighbours=items)


@bp.get("/labels/<label>")
@login_required
def label(label):
    access = get_access()
    if not access.may_see_label(label):
        return _error(404, f"no label {label[:60]!r}")
    q = request.args.get("q", "")
    value = request.args.get("value", "")
    if len(q) > MAX_QUERY or len(value) > MAX_QUERY:
        return _error(400, "q and value take at most 100 characters")
    skip = int_arg("skip", 0, 0, 1_000_000)
    limit = int_arg("limit", 50, 1, 200)
    items, total, prop = browse.label_slice(access, label, q=q, value=value or None, skip=skip, limit=limit)
    return jsonify(label=label, total=total, skip=skip, limit=limit, facet=prop,
                   items=[{"id": i["id"], "label": label, "properties": i["properties"]} for i in items])

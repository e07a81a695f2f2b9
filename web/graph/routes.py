"""Graph browsing pages (any signed-in user; reviewers and admins see more labels) and the
community overview (a community user: their own community only; reviewers and admins: all)."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import abort, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from flask_login import current_user

from web.extensions import get_store
from web.graph import bp, service
from web.graph.cache import graph_cache
from web.graph.names import label_name, rel_name
from web.i18n import current_lang, display_name
from web.security import login_required, require_community, roles_required
from web.shell import int_arg, render_page

MAX_QUERY = 100


def _visible():
    store = get_store()
    return store, service.visible_labels(store.schema, current_user)


@bp.get("/graph/")
@login_required
def index():
    store, visible = _visible()
    return render_template("graph/index.html", labels=service.label_counts(store, visible))


@bp.get("/graph/<label>")
@login_required
def label(label):
    store, visible = _visible()
    if label not in visible:
        abort(404)
    q = request.args.get("q", "")
    value = request.args.get("value", "")
    if len(q) > MAX_QUERY or len(value) > MAX_QUERY:
        abort(400)
    page = int_arg("page", 1, 1, 100_000)
    result = service.label_page(store, label, q=q, value=value or None, page=page)
    prop, values = service.facet_values(store, label)
    args = {k: v for k, v in (("q", q), ("value", value)) if v}
    return render_template("graph/label.html", label=label, result=result, q=q, value=value, facet=prop,
                           values=values, args=dict(args, label=label))


@bp.get("/node/<node_id>")
@login_required
def node(node_id):
    store, visible = _visible()
    if not service.valid_id(node_id):
        abort(404)
    page = render_page(("node", node_id, visible), "graph/node.html", lambda: _node_body(store, node_id, visible))
    if page is None:
        abort(404)
    return page


def _node_body(store, node_id, visible) -> dict | None:
    """The node page's title, breadcrumbs and rendered body (None: no such visible node)."""
    found = service.get_visible_node(store, node_id, visible)
    if found is None:
        return None
    detail = service.node_detail(store, found, visible)
    # Names and links are worked out here rather than in the template: each call from a
    # template costs more than the same call here.
    labels = {}

    def ref(node):
        label = node["label"]
        if label not in labels:
            labels[label] = label_name(label)
        return {"url": "/node/" + quote(node["id"], safe=""), "name": display_name(node), "label": label,
                "kind": labels[label], "id": node["id"]}

    me = ref(found)
    sources = [dict(ref(s["node"]), locator=s["locator"]) for s in detail["sources"]]
    groups = [{"title": rel_name(g["type"], g["direction"]), "type": g["type"],
               "arrow": "→" if g["direction"] == "out" else "←",
               "items": [dict(ref(i["node"]), locator=i["rel"].get("locator")) for i in g["items"]]}
              for g in detail["groups"]]
    body = render_template("graph/_node_body.html", me=me, properties=detail["properties"], sources=sources,
                           groups=groups)
    return {"me": me, "label_url": url_for("graph.label", label=found["label"]), "body": Markup(body)}


@bp.get("/node/<node_id>/neighbourhood.json")
@login_required
def neighbourhood(node_id):
    """The node's 1- or 2-hop neighbourhood as Cytoscape.js elements."""
    store, visible = _visible()
    depth = int_arg("depth", 1, 1, 2)
    if not service.valid_id(node_id):
        return jsonify(error={"code": 404, "message": "not found"}), 404
    body = graph_cache().get_or_make(("json", node_id, depth, current_lang(), visible),
                                     lambda: _neighbourhood(store, node_id, visible, depth))
    if body is None:
        return jsonify(error={"code": 404, "message": "not found"}), 404
    return current_app.response_class(body, mimetype="application/json")


def _neighbourhood(store, node_id, visible, depth) -> str | None:
    found = service.get_visible_node(store, node_id, visible)
    if found is None:
        return None
    graph = service.neighbourhood(store, found, visible, depth=depth)
    kinds = {label: label_name(label) for label in {n["label"] for n in graph["nodes"]}}
    nodes = [{"data": {"id": n["id"], "label": n["label"], "name": display_name(n) or n["id"],
                       "kind": kinds[n["label"]], "url": "/node/" + quote(n["id"], safe=""),
                       "root": n["id"] == found["id"]}} for n in graph["nodes"]]
    edges = [{"data": {"id": f"{e['type']}:{e['start']}->{e['end']}", "source": e["start"], "target": e["end"],
                       "type": e["type"], "name": rel_name(e["type"])}} for e in graph["edges"]]
    # kept serialised: a two-hop view can be large, and serialising it is most of the work
    return json.dumps({"root": found["id"], "depth": depth, "truncated": graph["truncated"],
                       "elements": {"nodes": nodes, "edges": edges}}, ensure_ascii=False, separators=(",", ":"))


@bp.get("/community/<community_id>")
@roles_required("community", "reviewer")
def community(community_id):
    require_community(community_id)
    store = get_store()
    found = store.get_node(community_id) if service.valid_id(community_id) else None
    if found is None or found["label"] != "Community":
        abort(404)
    visible = service.visible_labels(store.schema, current_user)
    neighbours = [n for n in store.neighbours(community_id, depth=1, limit=200) if n["label"] in visible]
    return render_template("graph/community.html", community=found,
                           properties=service.ordered_properties(found["properties"]), neighbours=neighbours)

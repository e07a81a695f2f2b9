"""Graph browsing pages (any signed-in user; what each sees is the access policy's).  The
community overview moved to the community workspace (web/community, same URL and rule)."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import abort, current_app, jsonify, render_template, request, url_for

from kg import browse
from web.extensions import get_access
from web.graph import bp
from web.graph.names import label_name, rel_name
from web.i18n import display_name
from web.security import login_required
from web.shell import int_arg

MAX_QUERY = 100


@bp.get("/graph/")
@login_required
def index():
    return render_template("graph/index.html", labels=browse.label_counts(get_access()))


@bp.get("/graph/<label>")
@login_required
def label(label):
    access = get_access()
    if not access.may_see_label(label):
        abort(404)
    q = request.args.get("q", "")
    value = request.args.get("value", "")
    if len(q) > MAX_QUERY or len(value) > MAX_QUERY:
        abort(400)
    page = int_arg("page", 1, 1, 100_000)
    result = browse.label_page(access, label, q=q, value=value or None, page=page)
    prop, values = browse.facet_values(access, label)
    args = {k: v for k, v in (("q", q), ("value", value)) if v}
    return render_template("graph/label.html", label=label, result=result, q=q, value=value, facet=prop,
                           values=values, args=dict(args, label=label))


def node_url_maker():
    """A function id -> the node page's URL (``url_for`` worked out once per request)."""
    template = url_for("graph.node", node_id="__NODE_ID__")
    return lambda node_id: template.replace("__NODE_ID__", quote(node_id, safe=""))


def _ref(node: dict, kinds: dict, url) -> dict:
    label = node["label"]
    if label not in kinds:
        kinds[label] = label_name(label)
    return {"url": url(node["id"]), "name": display_name(node), "label": label, "kind": kinds[label],
            "id": node["id"]}


@bp.get("/node/<node_id>")
@login_required
def node(node_id):
    access = get_access()
    found = access.get(node_id)
    if found is None:
        abort(404)
    detail = browse.node_detail(access, found)
    kinds: dict = {}
    url = node_url_maker()
    me = _ref(found, kinds, url)
    sources = [dict(_ref(s["node"], kinds, url), locator=s["locator"]) for s in detail["sources"]]
    groups = [{"title": rel_name(g["type"], g["direction"]), "type": g["type"],
               "arrow": "→" if g["direction"] == "out" else "←",
               "items": [dict(_ref(i["node"], kinds, url), locator=i["rel"].get("locator")) for i in g["items"]]}
              for g in detail["groups"]]
    return render_template("graph/node.html", me=me, label_url=url_for("graph.label", label=found["label"]),
                           properties=detail["properties"], sources=sources, groups=groups)


@bp.get("/node/<node_id>/neighbourhood.json")
@login_required
def neighbourhood(node_id):
    """The node's 1- or 2-hop neighbourhood as Cytoscape.js elements; a large second hop comes
    as one cluster node per label (``?expand=<label>`` opens one)."""
    access = get_access()
    depth = int_arg("depth", 1, 1, 2)
    expand = request.args.get("expand") or None
    if expand is not None and expand not in access.store.schema.labels:
        return jsonify(error={"code": 400, "message": "expand: a label"}), 400
    found = access.get(node_id)
    if found is None:
        return jsonify(error={"code": 404, "message": "not found"}), 404
    graph = browse.neighbourhood(access, found, depth=depth, expand=expand)
    kinds = {label: label_name(label) for label in {n["label"] for n in graph["nodes"]}
             | {c["label"] for c in graph["clusters"]}}
    url = node_url_maker()
    nodes = [{"data": {"id": n["id"], "label": n["label"], "name": display_name(n) or n["id"],
                       "kind": kinds[n["label"]], "url": url(n["id"]), "root": n["id"] == found["id"]}}
             for n in graph["nodes"]]
    edges = [{"data": {"id": f"{e['type']}:{e['start']}->{e['end']}", "source": e["start"], "target": e["end"],
                       "type": e["type"], "name": rel_name(e["type"])}} for e in graph["edges"]]
    for c in graph["clusters"]:
        cid = "cluster:" + c["label"]
        nodes.append({"data": {"id": cid, "label": c["label"], "kind": kinds[c["label"]], "cluster": True,
                               "count": c["count"], "name": f"{kinds[c['label']]} ×{c['count']}",
                               "expand": c["label"]}})
        edges.append({"data": {"id": f"cluster:{found['id']}->{cid}", "source": found["id"], "target": cid,
                               "type": "CLUSTER", "name": ""}})
    body = json.dumps({"root": found["id"], "depth": depth, "truncated": graph["truncated"],
                       "elements": {"nodes": nodes, "edges": edges}}, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, mimetype="application/json")

"""Graph browsing pages (any signed-in user; what each sees is the access policy's) and the
community overview (its own users, the reviewers of its area, admins)."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import abort, current_app, jsonify, render_template, request, url_for

from kg import browse
from web.extensions import get_access
from web.graph import bp
from web.graph.names import label_name, property_names, rel_name
from web.i18n import CONTENT_LANG, _, content, current_lang, display_name, is_chinese
from web.security import login_required, require_community, roles_required
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


def _ref(node: dict, kinds: dict, url, english: bool = False) -> dict:
    """A node as a page links to it; ``lang`` is set when an English page shows its Chinese name."""
    label = node["label"]
    if label not in kinds:
        kinds[label] = label_name(label)
    name = display_name(node)
    lang = html = None
    if english and is_chinese(name):  # a Chinese name, or an English one quoting a Chinese term
        if node["properties"].get("name_en"):
            html = content(name)
        else:
            lang = CONTENT_LANG
    return {"url": url(node["id"]), "name": name, "html": html, "label": label, "kind": kinds[label], "id": node["id"],
            "lang": lang}


#: A text at least this long that is Chinese only says so on an English page.
LONG_TEXT = 20
LINK_PROPERTIES = ("url", "mirror")


def _property_rows(properties: list[tuple[str, object]], english: bool) -> list[dict]:
    """Properties as a node page lists them: the property's name in the page's language, the
    value (a list as items), ``lang`` for Chinese text on an English page, ``zh_only`` for longer
    such texts, ``link`` for web addresses.  The name the heading already shows is left out."""
    names = property_names()
    skip = "name_en" if english else "name"
    yes, no = _("是"), _("否")
    rows = []
    for key, value in properties:
        if key == skip:
            continue
        if isinstance(value, bool):
            value = yes if value else no
        values = value if isinstance(value, (list, tuple)) else None
        chinese = english and (any(is_chinese(v) for v in values) if values is not None else is_chinese(value))
        rows.append({"key": key, "name": names.get(key, key), "value": value, "values": values,
                     "lang": CONTENT_LANG if chinese else None,
                     "zh_only": chinese and len(str(value)) >= LONG_TEXT,
                     "link": key in LINK_PROPERTIES and isinstance(value, str) and value.startswith(("https://", "http://"))})
    return rows


class _Sources:
    """The page's one numbered list of sources: the node's own citations first, then each
    (source, locator) a relationship cites, numbered in order of first use."""

    def __init__(self):
        self.entries: dict[tuple, dict] = {}

    def cite(self, source_id: str | None, locator: str | None, node: dict | None = None) -> dict:
        key = (source_id, locator or None)
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = {"n": len(self.entries) + 1, "id": source_id, "node": node,
                                         "locator": locator or None}
        return entry

    def finish(self, access, kinds: dict, url, english: bool) -> list[dict]:
        """Name every source (one read for those the page has not met yet) and return the list."""
        missing = sorted({e["id"] for e in self.entries.values() if e["id"] and e["node"] is None})
        found = access.store.get_nodes(missing) if missing else {}
        see = _("来源 %(n)s")
        for e in self.entries.values():
            node = e.pop("node") or found.get(e["id"])
            if node is not None and access.can_see(node):
                e.update(_ref(node, kinds, url, english))
            else:
                e.update(name=e["id"] or "", html=None, url=None, lang=None)
            loc = e["locator"]
            e["locator_lang"] = CONTENT_LANG if english and is_chinese(loc) else None
            e["label_text"] = see.replace("%(n)s", str(e["n"]))
        return list(self.entries.values())


@bp.get("/node/<node_id>")
@login_required
def node(node_id):
    access = get_access()
    found = access.get(node_id)
    if found is None:
        abort(404)
    detail = browse.node_detail(access, found)
    english = current_lang() == "en"
    kinds: dict = {}
    url = node_url_maker()
    me = _ref(found, kinds, url, english)
    cited = _Sources()
    for s in detail["sources"]:
        cited.cite(s["node"]["id"], s["locator"], s["node"])
    groups = []
    for g in detail["groups"]:
        items = []
        for i in g["items"]:
            item = _ref(i["node"], kinds, url, english)
            rel = i["rel"]
            source, locator = rel.get("source"), rel.get("locator")
            item["ref"] = cited.cite(source, locator) if source or locator else None
            note = rel.get("note")
            item["note"] = note
            item["note_lang"] = CONTENT_LANG if english and is_chinese(note) else None
            items.append(item)
        groups.append({"title": rel_name(g["type"], g["direction"]), "type": g["type"], "items": items})
    sources = cited.finish(access, kinds, url, english)
    return render_template("graph/node.html", me=me, label_url=url_for("graph.label", label=found["label"]),
                           properties=_property_rows(detail["properties"], english), sources=sources, groups=groups)


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


@bp.get("/community/<community_id>")
@roles_required("community", "reviewer")
def community(community_id):
    require_community(community_id)
    access = get_access()
    found = access.get(community_id)
    if found is None or found["label"] != "Community":
        abort(404)
    neighbours = access.visible(access.store.neighbours(community_id, depth=1, limit=200))
    english = current_lang() == "en"
    kinds: dict = {}
    url = node_url_maker()
    properties = _property_rows(browse.ordered_properties(access, found["properties"]), english)
    for row in properties:  # the street or town office: by its name, linked
        area = access.get(row["value"]) if row["key"] == "area" and isinstance(row["value"], str) else None
        if area is not None:
            ref = _ref(area, kinds, url, english)
            row.update(value=ref["name"], lang=ref["lang"], href=ref["url"])
    return render_template("graph/community.html", community=found, properties=properties,
                           neighbours=[_ref(n, kinds, url, english) for n in neighbours])

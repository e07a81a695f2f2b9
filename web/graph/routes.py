"""Graph browsing pages (any signed-in user; what each sees is the access policy's).  The
community overview moved to the community workspace (web/community, same URL and rule)."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from urllib.parse import quote

from flask import abort, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup

from kg import browse
from web.extensions import get_access
from web.graph import bp
from web.graph.names import label_name, property_names, rel_name, value_names
from web.i18n import CONTENT_LANG, _, content, current_lang, display_name, is_chinese
from web.security import login_required
from web.shell import int_arg, link

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


#: Ids that need no quoting in a URL (almost all: ``hazard.earthquake``).
PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]+")


def node_url_maker():
    """A function id -> the node page's URL (``url_for`` worked out once per request)."""
    template = url_for("graph.node", node_id="__NODE_ID__")
    prefix, _, suffix = template.partition("__NODE_ID__")
    plain = PLAIN_ID.fullmatch
    return lambda node_id: prefix + (node_id if plain(node_id) else quote(node_id, safe="")) + suffix


LANG_ATTRIBUTE = Markup(' lang="zh-CN"')


def _ref(node: dict, kinds: dict, url, english: bool = False) -> dict:
    """A node as a page links to it: ``name`` in the page's language (``name_en`` on an English
    page where there is one); ``lang`` (and ``lang_attr``, the attribute ready to print) when an
    English page shows a Chinese name; ``html`` when an English name quotes a Chinese term."""
    label = node["label"]
    if label not in kinds:
        kinds[label] = label_name(label)
    props = node["properties"]
    english_name = props.get("name_en") if english else None
    name = str(english_name or props.get("name") or props.get("name_en") or node["id"])
    lang = html = None
    if english and is_chinese(name):  # a Chinese name, or an English one quoting a Chinese term
        if english_name:
            html = content(name)
        else:
            lang = CONTENT_LANG
    return {"url": url(node["id"]), "name": name, "html": html, "text": html or name, "label": label,
            "kind": kinds[label], "id": node["id"], "lang": lang, "lang_attr": LANG_ATTRIBUTE if lang else ""}


#: A text at least this long that is Chinese only says so on an English page.
LONG_TEXT = 20
LINK_PROPERTIES = ("url", "mirror")


def _property_rows(properties: list[tuple[str, object]], english: bool) -> list[dict]:
    """Properties as a node page lists them: the property's name in the page's language, the
    value (a list as items), ``lang`` for Chinese text on an English page, ``zh_only`` for longer
    such texts, ``link`` for web addresses.  The name the heading already shows is left out."""
    names = property_names()
    coded = value_names()
    skip = "name_en" if english else "name"
    yes, no = _("是"), _("否")
    rows = []
    for key, value in properties:
        if key == skip:
            continue
        if isinstance(value, bool):
            value = yes if value else no
        elif key in coded and isinstance(value, str):
            value = coded[key].get(value, value)
        values = value if isinstance(value, (list, tuple)) else None
        chinese = english and (any(is_chinese(v) for v in values) if values is not None else is_chinese(value))
        rows.append({"key": key, "name": names.get(key, key), "value": value, "values": values,
                     "lang": CONTENT_LANG if chinese else None,
                     "zh_only": chinese and len(str(value)) >= LONG_TEXT,
                     "link": key in LINK_PROPERTIES and isinstance(value, str) and value.startswith(("https://", "http://"))})
    return rows


class _Sources:
    """The page's one list of sources, each document once with the places in it that are cited
    (its locators), numbered: the node's own citations first, then what its relationships cite,
    in order of first use.  A link shows the number of its citation (``[n]``, linked to it)."""

    def __init__(self):
        self.documents: dict[str | None, dict] = {}
        self.marks: list[tuple[dict, dict]] = []  # (link, the place it cites)

    def cite(self, source_id: str | None, locator: str | None, node: dict | None = None) -> dict:
        document = self.documents.get(source_id)
        if document is None:
            document = self.documents[source_id] = {"id": source_id, "node": node, "places": {}}
        places = document["places"]
        locator = locator or None
        place = places.get(locator)
        if place is None:
            place = places[locator] = {"locator": locator}
        return place

    def mark(self, item: dict, source_id: str | None, locator: str | None) -> None:
        """Give ``item`` (a link) the mark of its citation once the numbers are known."""
        self.marks.append((item, self.cite(source_id, locator)))

    def finish(self, access, kinds: dict, url, english: bool) -> list[dict]:
        """Number the citations, name every document (one read for those the page has not met
        yet), fill in the links' marks; returns the documents with their ``places``."""
        missing = sorted(d["id"] for d in self.documents.values() if d["id"] and d["node"] is None)
        found = {}
        if missing:
            for row in access.store.run_read_for("view_names", "Source", ids=missing):
                found[row["id"]] = {"id": row["id"], "label": "Source", "properties": {
                    k: row[k] for k in ("name", "name_en", "community") if row.get(k) is not None}}
        see_before, _n, see_after = html_escape(_("来源 %(n)s")).partition("%(n)s")
        whole = html_escape(_("全文"))
        n = 0
        documents = []
        for document in self.documents.values():
            node = document.pop("node") or found.get(document["id"])
            if node is not None and access.can_see(node):
                document.update(_ref(node, kinds, url, english))
            else:
                document.update(name=document["id"] or "", html=None, text=document["id"] or "", url=None, lang=None,
                                lang_attr="")
            places = list(document["places"].values())
            lines = []
            for place in places:
                n += 1
                locator = place["locator"]
                attr = LANG_ATTRIBUTE if english and is_chinese(locator) else ""
                place["n"] = n
                lines.append(f'<li id="source-{n}"><span class="ref-number">[{n}]</span> <span class="locator"{attr}>'
                             f'{html_escape(locator) if locator else whole}</span></li>')
                place["mark"] = Markup(f'<sup class="ref"><a href="#source-{n}" '
                                       f'aria-label="{see_before}{n}{see_after}">[{n}]</a></sup>')
            document["places"] = places
            document["places_html"] = Markup("".join(lines))  # each part escaped above
            documents.append(document)
        for item, place in self.marks:
            item["mark"] = place["mark"]
        return documents


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
            item["mark"] = item["note"] = ""
            if rel:
                source, locator, note = rel.get("source"), rel.get("locator"), rel.get("note")
                if source or locator:
                    cited.mark(item, source, locator)
                if note:
                    item["note"] = note
                    item["note_attr"] = LANG_ATTRIBUTE if english and is_chinese(note) else ""
            items.append(item)
        labels = {item["label"] for item in items}
        one = items[0] if len(labels) == 1 else None  # a group of one kind shows the kind once, in its heading
        groups.append({"title": rel_name(g["type"], g["direction"]), "type": g["type"], "items": items,
                       "label": one["label"] if one else None, "kind": one["kind"] if one else None})
    sources = cited.finish(access, kinds, url, english)
    return render_template("graph/node.html", me=me, label_url=link("graph.label", label=found["label"]),
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
    rel_names = {t: rel_name(t) for t in {e["type"] for e in graph["edges"]}}  # once per type, not per edge
    nodes = [{"data": {"id": n["id"], "label": n["label"], "name": display_name(n) or n["id"],
                       "kind": kinds[n["label"]], "url": url(n["id"]), "root": n["id"] == found["id"]}}
             for n in graph["nodes"]]
    edges = [{"data": {"id": f"{e['type']}:{e['start']}->{e['end']}", "source": e["start"], "target": e["end"],
                       "type": e["type"], "name": rel_names[e["type"]]}} for e in graph["edges"]]
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

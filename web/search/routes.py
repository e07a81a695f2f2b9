"""Search: the page and the JSON endpoint share one service call, so they return the same hits.

Every answer passes the access policy (``kg.access``): the labels searched, the hits, and each
hit's graph context — a reader never sees a record their role may not see.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache
from flask import current_app, jsonify, render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kg.search.embedder import EmbedderError
from kg.search.engine import Filters, SearchEngine, SearchError, SearchResult
from web.extensions import get_access, get_settings, get_store
from web.graph.names import label_name, localize_names
from web.i18n import _, content_lang, current_lang, display_name, text_lang
from web.search import bp
from web.search.forms import SearchForm
from web.security import roles_required

MAX_LIMIT = 50
OPTION_LABELS = ("Phase", "Hazard", "Organization")
_options_lock = threading.Lock()


def engine() -> SearchEngine:
    """One engine per app (its model loads on the first semantic search).  While the server's
    background index build runs (``cem serve``), semantic searches answer on keywords and say so."""
    found = current_app.extensions.get("cem_search")
    if found is None or found.store is not get_store():
        found = current_app.extensions["cem_search"] = SearchEngine(
            get_store(), readiness=current_app.extensions.get("cem_index_job"))
    return found


def index_status() -> dict | None:
    """The background index build's progress (None when this server runs none)."""
    job = current_app.extensions.get("cem_index_job")
    return job.as_dict() if job is not None else None


def search_scope() -> tuple[list[str], dict[str, set[str]]]:
    """The engine's labels this user may search, and for the community-scoped ones (the hazard
    ledger) the ids of the records it may see (``Access.search_scope``)."""
    return get_access().search_scope(engine().all_labels)


def visible_result(result: SearchResult) -> SearchResult:
    """The result with hits and context entries this user may not see removed."""
    access = get_access()
    allowed = access.visible_ids(h.id for h in result.hits)
    result.hits = [h for h in result.hits if h.id in allowed]
    for hit in result.hits:
        if hit.context is not None:
            hit.context = access.prune(hit.context)
            if hit.context.get("kind") == "neighbours":
                hit.context["groups"] = {k: v for k, v in hit.context.get("groups", {}).items() if v}
    return result


def filter_options() -> dict[str, list[SelectChoice]]:
    """Choices for the phase, hazard and organization filters, re-read from the store at most
    every ``CEM_GRAPH_CACHE_SECONDS`` (new hazards and organizations appear without a restart);
    names in the request's language (a Chinese-only name on an English page carries ``lang``)."""
    seconds = get_settings().graph_cache_seconds
    cache = current_app.extensions.get("cem_search_options")
    if cache is None:
        cache = current_app.extensions["cem_search_options"] = TTLCache(maxsize=4, ttl=max(seconds, 0.001))
    key = ("options", id(get_store()))
    with _options_lock:
        found = cache.get(key) if seconds > 0 else None
    if found is None:
        found = {}
        for label in OPTION_LABELS:
            nodes = get_store().nodes_by_label(label, limit=5000)
            if label == "Hazard":
                nodes.sort(key=lambda n: (n["properties"].get("family") or n["id"]))
            found[label] = [(n["id"], n) for n in nodes]
        with _options_lock:
            cache[key] = found
    return {label: [_choice(node_id, node) for node_id, node in items] for label, items in found.items()}


def _choice(node_id: str, node: dict) -> SelectChoice:
    lang = content_lang(node)
    return SelectChoice(node_id, display_name(node), render_kw={"lang": lang} if lang else {})


def run_search(args, *, k: int, context: bool):
    """Validate request arguments and search; returns (form, result or None, notice)."""
    form = SearchForm(args)
    labels, scoped = search_scope()
    form.label.choices = [SelectChoice(label, label_name(label)) for label in labels]
    options = filter_options()
    for name in ("phase", "hazard", "organization"):
        getattr(form, name).choices = [SelectChoice("", _("全部")), *options[name.capitalize()]]
    if not args.get("q") or not form.validate():
        return form, None, None
    filters = Filters(form.label.data or labels, form.phase.data or None, form.hazard.data or None,
                      form.organization.data or None, form.year.data)
    method, notice = form.method.data, None
    try:
        result = engine().search(form.q.data, method=method, filters=filters, k=k, context=context, scoped=scoped)
    except EmbedderError as exc:
        current_app.logger.error("search: the embedding model is unavailable: %s", exc)
        result = engine().search(form.q.data, method="keyword", filters=filters, k=k, context=context, scoped=scoped)
        notice = _("语义模型暂不可用，已改用关键词检索。")
    result = visible_result(result)
    localize_names(get_store(), result.hits)
    return form, result, notice


@bp.get("/search")
@roles_required()
def index():
    try:
        form, result, notice = run_search(request.args, k=20, context=True)
    except SearchError as exc:
        form, result, notice = SearchForm(request.args), None, exc.translated()
    return render_template("search/index.html", form=form, result=result, notice=notice,
                           searched=bool(request.args.get("q")), index=index_status())


@bp.get("/api/v1/search")
@roles_required()
def api_search():
    """JSON: the same hits as the page (and as `cem search --json`)."""
    try:
        limit = int(request.args.get("limit", 10))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        return _error(400, _("limit：须为 1 到 %(max)s 之间的整数", max=MAX_LIMIT))
    context = request.args.get("context", "1") not in ("0", "false", "no")
    try:
        form, result, notice = run_search(request.args, k=limit, context=context)
    except SearchError as exc:
        return _error(400, exc.translated())
    if result is None:
        problems = {name: [str(e) for e in errors] for name, errors in form.errors.items()} or {"q": [_("必填")]}
        return _error(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()))
    body = result.as_dict(lang="en" if current_lang() == "en" else "zh")
    if notice:
        body["notice"] = notice
    return jsonify(body)


def _error(code: int, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = code
    return response


def _ask(scenario: str, role: str | None) -> dict:
    from kg.search.assist import ask

    return get_access().prune(ask(engine(), scenario, role=role, k=5))


@bp.get("/api/v1/search/status")
@roles_required()
def api_status():
    """JSON: whether search is fully ready, and the background index build's progress."""
    status = index_status()
    return jsonify(ready=status is None or bool(status["vectors_ready"]), index=status)


@bp.get("/api/v1/search/situation")
@roles_required()
def api_situation():
    """JSON: a situation described in free text -> lessons, the role's duties, plans, hazards."""
    scenario = (request.args.get("q") or "").strip()
    if not scenario or len(scenario) > 1000:
        return _error(400, _("q：请描述情景（1 到 1000 个字符）"))
    try:
        return jsonify(_ask(scenario, request.args.get("role") or None))
    except SearchError as exc:
        return _error(400, exc.translated())
    except EmbedderError as exc:
        current_app.logger.error("situation: the embedding model is unavailable: %s", exc)
        return _error(503, _("语义模型暂不可用，请稍后再试。"))


@bp.get("/api/v1/search/similar/<lesson_id>")
@roles_required()
def api_similar(lesson_id):
    """JSON: the lessons most similar to a lesson (both visible to the user)."""
    from kg.search.assist import similar_lessons

    access = get_access()
    node = access.get(lesson_id)
    if node is None or node["label"] != "LessonLearned":
        return _error(404, _("没有经验教训 %(id)s", id=lesson_id[:200]))
    similar = similar_lessons(engine(), lesson_id, k=5)
    allowed = access.visible_ids(s.id for s in similar)
    return jsonify(id=lesson_id, similar=[s.as_dict() for s in similar if s.id in allowed])


def role_groups() -> tuple[list[dict], str | None]:
    """The situation page's roles, grouped (community, street, units, responders, county: the
    search engine's ``kg.search.roles``), each name in the request's language (a Chinese-only name
    on an English page marked with ``lang``), and the signed-in user's default role."""
    from kg.search.roles import role_choices

    user = current_user._get_current_object()
    choices = role_choices(get_store(), user.id if user.is_authenticated else None, tuple(user.roles or ()))
    english = current_lang() == "en"
    groups = []
    for group in choices["groups"]:
        options = [{"id": o["id"], "name": (o.get("name_en") if english and o.get("name_en") else o["name"]),
                    "lang": text_lang(o["name"]) if not (english and o.get("name_en")) else None}
                   for o in group["options"]]
        groups.append({"name": group["name_en"] if english else group["name"], "options": options})
    return groups, choices["default"]


@bp.get("/search/situation")
@roles_required()
def situation():
    """A situation described in free text, answered in groups.  The role list is grouped and,
    until the person chooses, set to their own organization (or their role's usual group)."""
    scenario = (request.args.get("q") or "").strip()[:1000]
    roles, default = role_groups()
    role = (request.args.get("role") or "") if "role" in request.args else (default or "")
    answer, notice = None, None
    if scenario:
        try:
            answer = _ask(scenario, role or None)
            localize_names(get_store(), answer)
        except SearchError as exc:
            notice = exc.translated()
        except EmbedderError:
            notice = _("语义模型暂不可用，请稍后再试。")
    return render_template("search/situation.html", scenario=scenario, role=role, roles=roles, answer=answer,
                           notice=notice)

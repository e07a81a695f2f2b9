"""Search: the page and the JSON endpoint share one service call, so they return the same hits."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from wtforms.fields.choices import SelectChoice
from flask_login import current_user

from kg.search.engine import LABEL_NAMES, Filters, SearchEngine, SearchError
from web.extensions import get_store
from web.graph import service as graph_service
from web.search import bp
from web.search.forms import SearchForm
from web.security import roles_required

MAX_LIMIT = 50


def engine() -> SearchEngine:
    """One engine per app (its model loads on the first semantic search)."""
    found = current_app.extensions.get("cem_search")
    if found is None or found.store is not get_store():
        found = current_app.extensions["cem_search"] = SearchEngine(get_store())
    return found


def searchable_labels(store) -> list[str]:
    visible = graph_service.visible_labels(store.schema, current_user)
    return [label for label in engine().labels if label in visible]


def run_search(args, *, k: int, context: bool):
    """Validate request arguments and search; returns (form, result or None, notice)."""
    from kg.search.embedder import EmbedderError

    store = get_store()
    form = SearchForm(args)
    labels = searchable_labels(store)
    form.label.choices = [SelectChoice(l, LABEL_NAMES.get(l, l)) for l in labels]
    options = _options(store)
    for name in ("phase", "hazard", "organization"):
        getattr(form, name).choices = [SelectChoice("", "全部")] + [SelectChoice(v, t) for v, t in
                                                                     options[name.capitalize()]]
    if not args.get("q") or not form.validate():
        return form, None, None
    filters = Filters(form.label.data or labels, form.phase.data or None, form.hazard.data or None,
                      form.organization.data or None, form.year.data)
    method, notice = form.method.data, None
    try:
        result = engine().search(form.q.data, method=method, filters=filters, k=k, context=context)
    except EmbedderError as exc:
        current_app.logger.error("search: the embedding model is unavailable: %s", exc)
        result = engine().search(form.q.data, method="keyword", filters=filters, k=k, context=context)
        notice = "语义模型暂不可用，已改用关键词检索。"
    return form, result, notice


def _options(store) -> dict[str, list[tuple[str, str]]]:
    cache = current_app.extensions.setdefault("cem_search_options", {})
    key = id(store)
    if key not in cache:
        out = {}
        for label in ("Phase", "Hazard", "Organization"):
            nodes = store.nodes_by_label(label, limit=5000)
            if label == "Hazard":
                nodes.sort(key=lambda n: (n["properties"].get("family") or n["id"]))
            out[label] = [(n["id"], n["properties"].get("name", n["id"])) for n in nodes]
        cache.clear()
        cache[key] = out
    return cache[key]


@bp.get("/search")
@roles_required()
def index():
    try:
        form, result, notice = run_search(request.args, k=20, context=True)
    except SearchError as exc:
        form, result, notice = SearchForm(request.args), None, str(exc)
    return render_template("search/index.html", form=form, result=result, notice=notice,
                           searched=bool(request.args.get("q")))


@bp.get("/api/v1/search")
@roles_required()
def api_search():
    """JSON: the same hits as the page (and as `cem search --json`)."""
    try:
        limit = int(request.args.get("limit", 10))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        return _error(400, f"limit: 1 to {MAX_LIMIT}")
    context = request.args.get("context", "1") not in ("0", "false", "no")
    try:
        form, result, notice = run_search(request.args, k=limit, context=context)
    except SearchError as exc:
        return _error(400, str(exc))
    if result is None:
        problems = {name: [str(e) for e in errors] for name, errors in form.errors.items()} or {"q": ["required"]}
        return _error(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()))
    body = result.as_dict()
    if notice:
        body["notice"] = notice
    return jsonify(body)


def _error(code: int, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = code
    return response


@bp.get("/api/v1/search/situation")
@roles_required()
def api_situation():
    """JSON: a situation described in free text -> lessons, the role's duties, plans, hazards."""
    from kg.search.assist import ask
    from kg.search.embedder import EmbedderError

    scenario = (request.args.get("q") or "").strip()
    if not scenario or len(scenario) > 1000:
        return _error(400, "q: describe the situation (1 to 1000 characters)")
    try:
        return jsonify(ask(engine(), scenario, role=request.args.get("role") or None, k=5))
    except SearchError as exc:
        return _error(400, str(exc))
    except EmbedderError as exc:
        return _error(503, f"the embedding model is unavailable: {exc}")


@bp.get("/api/v1/search/similar/<lesson_id>")
@roles_required()
def api_similar(lesson_id):
    """JSON: the lessons most similar to a lesson."""
    from kg.search.assist import similar_lessons

    node = get_store().get_node(lesson_id) if len(lesson_id) <= 200 else None
    if node is None or node["label"] != "LessonLearned":
        return _error(404, f"no lesson {lesson_id[:200]!r}")
    return jsonify(id=lesson_id, similar=[s.as_dict() for s in similar_lessons(engine(), lesson_id, k=5)])


@bp.get("/search/situation")
@roles_required()
def situation():
    """A situation described in free text, answered in groups."""
    from kg.search.assist import ask
    from kg.search.embedder import EmbedderError

    scenario = (request.args.get("q") or "").strip()[:1000]
    role = request.args.get("role") or ""
    roles = _options(get_store())["Organization"]
    answer, notice = None, None
    if scenario:
        try:
            answer = ask(engine(), scenario, role=role or None, k=5)
        except SearchError as exc:
            notice = str(exc)
        except EmbedderError:
            notice = "语义模型暂不可用，请稍后再试。"
    return render_template("search/situation.html", scenario=scenario, role=role, roles=roles, answer=answer,
                           notice=notice)

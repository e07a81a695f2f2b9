"""Public pages: the start page and the health check."""

from __future__ import annotations

import threading

from cachetools import TTLCache
from flask import current_app, jsonify, render_template
from flask_login import current_user

from kg.access import KNOWLEDGE, rule_for
from kg.store import StoreError
from web.extensions import get_access, get_settings, get_store
from web.main import bp
from web.security import public

_counts_lock = threading.Lock()


def knowledge_counts() -> dict[str, int]:
    """Counts of the curated knowledge labels (never of personal records), reused for
    ``CEM_GRAPH_CACHE_SECONDS``."""
    seconds = get_settings().graph_cache_seconds
    cache = current_app.extensions.get("cem_counts")
    if cache is None:
        cache = current_app.extensions["cem_counts"] = TTLCache(maxsize=1, ttl=max(seconds, 0.001))
    with _counts_lock:
        found = cache.get("counts") if seconds > 0 else None
    if found is None:
        counts = get_store().counts()["labels"]
        found = {label: n for label, n in counts.items() if rule_for(label) is KNOWLEDGE}
        with _counts_lock:
            cache["counts"] = found
    return found


@bp.get("/healthz")
@public
def healthz():
    """``{"status": "ok"|"unavailable", "store": "embedded"|"neo4j"}``; admins also get the
    store's location and the failure's detail."""
    store = get_store()
    health = store.health()
    body = {"status": "ok" if health.ok else "unavailable", "store": store.kind}
    if current_user.is_authenticated and current_user.has_role("admin"):
        body.update(location=health.location, detail=health.detail)
    return jsonify(body), (200 if health.ok else 503)


@bp.get("/")
@public
def index():
    try:
        counts = knowledge_counts()
    except StoreError:
        return render_template("index.html", counts={}, error=True), 503
    visible = get_access().labels if current_user.is_authenticated else frozenset()
    return render_template("index.html", counts=counts, visible=visible, error=False)

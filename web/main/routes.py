"""Public pages: the home page with graph counts, and the health check."""

from __future__ import annotations

from flask import jsonify, render_template

from kg.store import StoreError
from web.extensions import get_store
from web.main import bp


@bp.get("/healthz")
def healthz():
    store = get_store()
    health = store.health()
    return jsonify(health.as_dict()), (200 if health.ok else 503)


@bp.get("/")
def index():
    store = get_store()
    try:
        counts = store.counts()
        error = None
    except StoreError as exc:
        counts, error = {"labels": {}, "relationships": {}}, str(exc)
    labels = [(label, store.schema.labels[label].description, n) for label, n in counts["labels"].items()]
    return render_template("index.html", labels=labels, relationships=counts["relationships"],
                           store_kind=store.kind, error=error), (200 if error is None else 503)

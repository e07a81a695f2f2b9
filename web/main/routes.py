"""Public pages: the home page (counts for everyone, links by role when signed in) and the
health check."""

from __future__ import annotations

from flask import jsonify, render_template

from kg.store import StoreError
from web.extensions import get_store
from web.graph.cache import graph_cache
from web.graph.service import PRIVATE_LABELS
from web.main import bp
from web.security import public
from web.shell import render_page


@bp.get("/healthz")
@public
def healthz():
    store = get_store()
    health = store.health()
    return jsonify(health.as_dict()), (200 if health.ok else 503)


@bp.get("/")
@public
def index():
    store = get_store()
    try:
        counts = graph_cache().get_or_make(("counts",), store.counts)
    except StoreError as exc:
        return render_template("index.html", labels=[], relationships={}, store_kind=store.kind, error=str(exc)), 503

    def context():  # only when the kept page is missing or stale
        labels = [(label, store.schema.labels[label].description, n) for label, n in counts["labels"].items()
                  if label not in PRIVATE_LABELS]
        return dict(labels=labels, relationships=counts["relationships"], store_kind=store.kind, error=None)

    return render_page(("home",), "index.html", context)

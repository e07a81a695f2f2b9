"""The read-only JSON API (``/api/v1``), described by ``web/static/openapi.yaml``.  Signed-in
users (session cookie) and programs (``Authorization: Bearer <token>``) see what the graph
browser shows them."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import routes  # noqa: E402,F401

"""The web app: ``create_app(config=None)`` builds it with one graph store per process."""

from __future__ import annotations

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=None,  # CEM_SECRET_KEY, else kept in the data directory (web/security.py)
        STORE=None,  # an open GraphStore; opened from CEM_STORE when not given
        JSON_AS_ASCII=False,
    )
    app.config.from_prefixed_env("CEM")
    if config:
        app.config.update(config)

    from web.extensions import init_store

    init_store(app)

    from web.shell import init_platform

    init_platform(app)  # languages, sign-in, CSRF, security headers, error pages, navigation
    register_areas(app)
    return app


#: Each area is a blueprint package exposing `bp` and, optionally, `init_app(app)`.  A package
#: that does not exist yet is not registered; one that exists but fails to import is an error.
AREA_BLUEPRINTS = ("web.main", "web.auth", "web.admin", "web.graph", "web.api", "web.search",
                   "web.lessons", "web.training", "web.assessment")


def register_areas(app: Flask) -> None:
    import importlib
    import importlib.util

    for name in AREA_BLUEPRINTS:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "init_app"):
            module.init_app(app)
        app.register_blueprint(module.bp)


__all__ = ["create_app"]

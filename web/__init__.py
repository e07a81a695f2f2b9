"""The web app: ``create_app(config=None)`` builds it with one graph store per process."""

from __future__ import annotations

import secrets

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),
        STORE=None,  # an open GraphStore; opened from CEM_STORE when not given
        JSON_AS_ASCII=False,
    )
    app.config.from_prefixed_env("CEM")
    if config:
        app.config.update(config)

    from web.extensions import init_store

    init_store(app)

    from web.main import bp as main_bp

    app.register_blueprint(main_bp)
    return app


__all__ = ["create_app"]

"""The web app: ``create_app(settings=None, *, store=None)``.

Called bare (as a WSGI server calls ``web.wsgi:app``) it reads the settings from the environment
(``kg.settings``) and opens the store they name; ``cem serve`` and the tests pass their own.
The settings, the store and the clock live in ``app.extensions`` (never in ``app.config``).
"""

from __future__ import annotations

import atexit
import logging

from flask import Flask

from kg.settings import Settings, get_settings, unknown_variables
from kg.store import GraphStore

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None, clock=None) -> Flask:
    """Build the app.  ``settings``: default the process's (from the environment); ``store``:
    default the one the settings name (closed at exit); ``clock``: anything with ``now()``
    returning an aware datetime (default the system clock; tests pass a fixed one)."""
    from curricula.clock import SystemClock
    from web.extensions import init_extensions

    settings = settings if settings is not None else get_settings()
    for name in unknown_variables():
        log.warning("%s is not a setting and is ignored (see the README's table of settings)", name)
    app = Flask(__name__)
    if store is None:
        from kg.store import open_store

        store = open_store(settings)
        atexit.register(store.close)
    init_extensions(app, settings=settings, store=store, clock=clock or SystemClock())

    from web.platform import init_platform

    init_platform(app)  # proxies, languages, sign-in, CSRF, rate limits, headers, errors, navigation
    _register_areas(app)
    return app


def _register_areas(app: Flask) -> None:
    """Every area is a blueprint package with ``bp`` and, optionally, ``init_app(app)``; they are
    imported explicitly, so a misspelt or broken area is an import error at start-up."""
    from web import (
        admin,
        api,
        application,
        assessment,
        auth,
        community,
        drills,
        graph,
        lessons,
        main,
        plans,
        search,
        setup,
        survey,
        training,
    )

    for area in (main, auth, admin, graph, api, search, lessons, training, assessment, community, application, plans,
                 drills, survey, setup):
        init = getattr(area, "init_app", None)
        if init is not None:
            init(app)
        app.register_blueprint(area.bp)


__all__ = ["create_app"]

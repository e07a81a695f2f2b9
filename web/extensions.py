"""What the app holds for every request: its settings, the store, the clock, and the access
policy for the signed-in user (worked out once per request)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g

if TYPE_CHECKING:
    from kg.access import Access
    from kg.settings import Settings
    from kg.store import GraphStore


def init_extensions(app: Flask, *, settings: Settings, store: GraphStore, clock: Any) -> None:
    app.extensions["cem_settings"] = settings
    app.extensions["cem_store"] = store
    app.extensions["cem_clock"] = clock


def get_store() -> GraphStore:
    return current_app.extensions["cem_store"]


def get_settings() -> Settings:
    return current_app.extensions["cem_settings"]


def now() -> datetime:
    """The current time from the app's clock (aware, UTC)."""
    return current_app.extensions["cem_clock"].now()


def get_access() -> Access:
    """The access policy for the request's user (``kg.access``), built once per request."""
    try:
        return g._cem_access
    except AttributeError:
        pass
    from flask_login import current_user

    from kg.access import access_for

    g._cem_access = access = access_for(get_store(), current_user._get_current_object())
    return access


__all__ = ["get_access", "get_settings", "get_store", "init_extensions", "now"]

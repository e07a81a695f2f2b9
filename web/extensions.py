"""One store per process, attached to the app."""

from __future__ import annotations

import atexit

from flask import Flask, current_app


def init_store(app: Flask) -> None:
    if app.config.get("STORE") is None:
        from kg.store import open_store

        store = open_store()
        app.config["STORE"] = store
        atexit.register(store.close)
    app.extensions["cem_store"] = app.config["STORE"]


def get_store():
    return current_app.extensions["cem_store"]

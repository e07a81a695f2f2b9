"""Small helpers the community pages and API share: the actor, the cipher, the clock's date,
CSV answers, and CSRF for API writes made with the session cookie."""

from __future__ import annotations

import csv
import io

from flask import Response, current_app, request
from flask_login import current_user

from kg.community.crypto import cipher_for
from kg.community.ledger import Actor
from kg.community.model import local_date
from web.extensions import get_access, get_settings, now


def actor() -> Actor:
    return Actor(get_access(), current_user.display_name or current_user.username or "")


def cipher():
    return cipher_for(get_settings())


def today():
    return local_date(now(), get_settings().zone)


def data_dir() -> str:
    return str(get_settings().data_dir)


def photo_limit() -> int:
    return get_settings().photo_max_bytes


def search_embedder():
    """The search model when this process has it loaded (a new ledger case gets its vector at
    once), else None (keyword terms now, the vector at the next index build: a report never
    waits for the model to load)."""
    from kg.search.embedder import embedder_ready, load_embedder

    return load_embedder() if embedder_ready() else None


def uploaded(name: str) -> list[bytes]:
    """The uploaded files of a multipart field (empty file inputs skipped)."""
    return [f.read(photo_limit() + 1) for f in request.files.getlist(name) if f and f.filename]


def csv_response(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with a BOM correctly
    csv.writer(out).writerows(rows)
    return current_app.response_class(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={filename}"})


def check_api_csrf() -> None:
    """API writes with a bearer token need no CSRF token; with the session cookie (the phone's
    outbox) they carry X-CSRFToken."""
    if getattr(current_user, "via_token", False):
        return
    from flask_wtf.csrf import CSRFError, ValidationError, validate_csrf

    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
    except ValidationError as exc:  # the same answer as a form's (reason: csrf), which the outbox retries on
        raise CSRFError(exc.args[0] if exc.args else None) from None

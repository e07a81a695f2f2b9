"""Audit a write done in the current request: the signed-in user (or ``anonymous``) and the
client address, through ``kg.audit``::

    from web import audit
    audit.record("assessment.submit", assessment_id, details="12 answers")
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from kg.audit import record_event
from web.extensions import get_store


def record(action: str, target_id: str | None = "", details: str = "") -> str:
    actor = current_user.id if current_user.is_authenticated else "anonymous"
    return record_event(get_store(), actor, action, target_id, details, remote=(request.remote_addr or "")[:64])


__all__ = ["record"]

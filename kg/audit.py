"""The audit log: one ``AuditEvent`` node per write — who, what, when, from where.

``record_event(store, actor, action, target_id, details, remote="cli")`` writes one event (the
web app's ``web.audit.record`` fills in the signed-in user and the client address).  Properties: ``action``, ``actor`` (a User id, or ``anonymous`` /
``cli``), ``target`` (an id, may be empty), ``details`` (at most 2000 characters), ``at`` (UTC,
ISO 8601 with microseconds, sortable as text), ``remote_addr``.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from kg.store import GraphStore

LABEL = "AuditEvent"
DETAILS_MAX = 2000
ACTION_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


def _now() -> datetime:
    return datetime.now(UTC)


def record_event(store: GraphStore, actor: str, action: str, target_id: str | None = "", details: str = "",
                 *, remote: str = "") -> str:
    """Write one audit event; returns its id."""
    if not isinstance(action, str) or not ACTION_RE.match(action):
        raise ValueError(f"bad audit action {action!r} (lower-case words joined by . _ -)")
    at = _now()
    event_id = f"audit.{at.strftime('%Y%m%dT%H%M%S%fZ')}.{secrets.token_hex(4)}"
    store.upsert_nodes(LABEL, [{"id": event_id, "properties": {
        "action": action, "actor": str(actor or "anonymous")[:200], "target": str(target_id or "")[:200],
        "details": str(details or "")[:DETAILS_MAX], "at": at.isoformat().replace("+00:00", "Z"),
        "remote_addr": str(remote or "")[:64]}}])
    return event_id


def events(store: GraphStore, *, actor: str | None = None, action: str | None = None,
           skip: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    """A page of events, newest first, optionally for one actor and/or action; and the total."""
    params = {"actor": actor or None, "action": action or None}
    rows = store.run_read("audit_events_page", skip=int(skip), limit=int(limit), **params)
    total = store.run_read("audit_events_count", **params)
    return [dict(r) for r in rows], (int(total[0]["n"]) if total else 0)


__all__ = ["events", "record_event"]

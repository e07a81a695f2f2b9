"""The first-run set-up token (as Jenkins and Jupyter do it).

While no active admin exists, ``cem serve`` issues a random token and prints the set-up URL
``/setup/<token>``; the page there lets a person create the first admin.  The store keeps only
the token's SHA-256 hash (node ``SetupToken`` id ``setup.token``), so every web worker checks the
same token and a copy of the database does not reveal it.  ``take`` uses it once — atomically,
also across workers — and ``finish`` deletes it; an admin created any other way
(``cem user add --role admin``) makes the set-up page refuse and removes the token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from kg.accounts.model import stamp, utc_now
from kg.accounts.users import count_admins
from kg.store import GraphStore

TOKEN_ID = "setup.token"
LABEL = "SetupToken"
#: A printed set-up URL works this long (a new one is printed at every start while no admin exists).
VALID_HOURS = 24


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def needs_setup(store: GraphStore) -> bool:
    """True while no active admin exists."""
    return count_admins(store) == 0


def issue(store: GraphStore, *, now: datetime | None = None, hours: int = VALID_HOURS) -> str:
    """A new set-up token (any earlier one stops working); returns the token itself, which is
    stored nowhere."""
    now = now or utc_now()
    token = secrets.token_urlsafe(24)
    store.upsert_nodes(LABEL, [{"id": TOKEN_ID, "properties": {
        "token_hash": _hash(token), "created_at": stamp(now), "expires_at": stamp(now + timedelta(hours=hours))}}],
        replace=True)
    return token


def is_valid(store: GraphStore, token: str, *, now: datetime | None = None) -> bool:
    """Whether ``token`` is the current, unused, unexpired set-up token."""
    if not isinstance(token, str) or not 16 <= len(token) <= 100:
        return False
    rows = store.run_read("ops_setup_token_check", id=TOKEN_ID, token_hash=_hash(token), now=stamp(now))
    return bool(rows and rows[0]["ok"])


def take(store: GraphStore, token: str, *, now: datetime | None = None) -> bool:
    """Use the token: True for exactly one caller with the right token (then it stops working)."""
    if not isinstance(token, str) or not 16 <= len(token) <= 100:
        return False
    rows = store.run_write("ops_setup_token_take", id=TOKEN_ID, token_hash=_hash(token), now=stamp(now))
    return bool(rows and rows[0]["ok"])


def release(store: GraphStore, token: str) -> None:
    """Give a taken token back (creating the admin failed on the way)."""
    store.run_write("ops_setup_token_release", id=TOKEN_ID, token_hash=_hash(token))


def finish(store: GraphStore) -> None:
    """Delete the set-up token (the first admin exists)."""
    store.delete_node(TOKEN_ID)


__all__ = ["TOKEN_ID", "VALID_HOURS", "finish", "is_valid", "issue", "needs_setup", "release", "take"]

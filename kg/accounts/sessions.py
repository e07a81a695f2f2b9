"""Sign-in sessions kept in the store, so that signing out ends a session everywhere.

``start`` creates a ``LoginSession`` node (id ``session.<sha256 of the secret>``) and returns the
secret for the session cookie; the store never holds the secret itself.  ``resolve`` turns the
secret back into the account on every request: the session must exist, be unexpired and carry
the account's current ``auth_version`` (a password change or a disable bumps it), and the
account must be active.  ``end`` deletes the session (sign-out).

Reading the session and its account is one query; ``resolve`` reuses a read for at most
``max_age`` seconds (``CEM_USER_CACHE_SECONDS``).  Every account or session change made through
``kg.accounts`` in this process drops the reused reads at once; a change made by another process
(another web worker, ``cem user``) is seen within ``max_age``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import weakref
from datetime import datetime, timedelta

from cachetools import TTLCache

from kg.accounts.model import Account, from_properties, stamp, utc_now
from kg.store import GraphStore
from kg.store.base import RESERVED_PROPERTIES

CACHE_ENTRIES = 10_000


def _session_id(secret: str) -> str:
    return "session." + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:40]


class _Reads:
    """Recent session reads of one store: secret -> (expiry, account), or None for "no such
    session" (expiry is checked against the clock on every use)."""

    def __init__(self, max_age: float):
        self.max_age = max_age
        self.entries: TTLCache = TTLCache(maxsize=CACHE_ENTRIES, ttl=max_age)
        self.generation = 0
        self.lock = threading.Lock()


_reads: weakref.WeakKeyDictionary[GraphStore, _Reads] = weakref.WeakKeyDictionary()
_reads_lock = threading.Lock()


def _cache(store: GraphStore, max_age: float) -> _Reads:
    with _reads_lock:
        cache = _reads.get(store)
        if cache is None or cache.max_age != max_age:
            cache = _reads[store] = _Reads(max_age)
        return cache


def forget_cached(store: GraphStore) -> None:
    """Drop reused session reads for this store (after any account or session write)."""
    with _reads_lock:
        cache = _reads.get(store)
    if cache is not None:
        with cache.lock:
            cache.generation += 1
            cache.entries.clear()


def start(store: GraphStore, account: Account, *, hours: int, now: datetime | None = None) -> str:
    """A new session for ``account``; returns the secret for the cookie.  Expired sessions of
    every account are deleted on the way."""
    now = now or utc_now()
    secret = secrets.token_urlsafe(32)
    store.run_writes([
        ("accounts_sessions_delete_expired", {"now": stamp(now)}),
        ("accounts_session_create", {"id": _session_id(secret), "props": {
            "user": account.id, "auth_version": account.auth_version, "created_at": stamp(now),
            "expires_at": stamp(now + timedelta(hours=hours))}}),
    ])
    forget_cached(store)
    return secret


def _read(store: GraphStore, secret: str) -> tuple[str, Account] | None:
    """(the session's expiry, its account) when the session exists and still belongs to the
    account as it is now (same ``auth_version``, active)."""
    rows = store.run_read("accounts_session_with_user", id=_session_id(secret))
    if not rows:
        return None
    session, user = rows[0]["session"], rows[0]["user"]
    account = from_properties(rows[0]["user_id"], {k: v for k, v in user.items() if k not in RESERVED_PROPERTIES})
    if int(session.get("auth_version") or 0) != account.auth_version or not account.active:
        return None
    return str(session.get("expires_at", "")), account


def _unexpired(found: tuple[str, Account] | None, now: datetime) -> Account | None:
    if found is None or found[0] <= stamp(now):
        return None
    return found[1]


def resolve(store: GraphStore, secret: str, *, max_age: float = 0.0, now: datetime | None = None) -> Account | None:
    """The signed-in account of a session secret, or None (no such session, expired, ended by a
    password change or a disable, or the account is disabled)."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        return None
    now = now or utc_now()
    if max_age <= 0:
        return _unexpired(_read(store, secret), now)
    cache = _cache(store, max_age)
    with cache.lock:
        if secret in cache.entries:
            return _unexpired(cache.entries[secret], now)
        generation = cache.generation
    found = _read(store, secret)
    with cache.lock:
        if cache.generation == generation:  # no write in between: the read is still true
            cache.entries[secret] = found
    return _unexpired(found, now)


def end(store: GraphStore, secret: str) -> bool:
    """Delete the session (sign-out); True when there was one."""
    if not isinstance(secret, str) or not secret:
        return False
    rows = store.run_write("accounts_session_delete", id=_session_id(secret))
    forget_cached(store)
    return bool(rows and rows[0]["deleted"])


def end_all(store: GraphStore, account_id: str) -> int:
    """End every session of an account."""
    rows = store.run_write("accounts_sessions_delete_for_user", user=account_id, before=None)
    forget_cached(store)
    return int(rows[0]["deleted"]) if rows else 0


__all__ = ["end", "end_all", "forget_cached", "resolve", "start"]

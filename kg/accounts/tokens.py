"""API tokens: named, expiring, revocable one at a time.

A token is ``cem_<id>.<secret>``; the store keeps an ``ApiToken`` node (id ``token.<id>``) with
the SHA-256 of the secret, its name, owner and expiry — never the secret, which is shown once.
A token carries the account's ``auth_version`` at issue: a password change, an admin's reset,
and disabling or enabling the account bump it, which ends every older token (and
``kg.accounts.users`` deletes them).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from kg.accounts.model import Account, AccountError, AccountNotFound, from_properties, stamp, utc_now
from kg.accounts.users import require
from kg.errors import N_
from kg.store import GraphStore
from kg.store.base import RESERVED_PROPERTIES

PREFIX = "cem_"
MAX_TOKENS = 10
NAME_MAX = 60
#: Lifetimes offered (days); the default is the first.
LIFETIMES = (90, 30, 365)
TOKEN_RE = re.compile(r"^cem_([A-Za-z0-9]{16})\.([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    created_at: str
    expires_at: str

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= stamp(now)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(store: GraphStore, username: str, name: str, *, days: int = LIFETIMES[0],
          now: datetime | None = None) -> tuple[str, TokenInfo]:
    """A new token (the full string, shown once) and what is stored about it.  At most
    ``MAX_TOKENS`` are kept per account; the oldest go first."""
    account = require(store, username)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError(N_("令牌名称须为 1–%(max)s 个字符"), max=NAME_MAX)
    if days not in LIFETIMES:
        raise AccountError(N_("有效期须为 %(choices)s 天之一"), choices="、".join(map(str, LIFETIMES)))
    now = now or utc_now()
    public = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789") for _ in range(16))
    secret = secrets.token_urlsafe(32)
    info = TokenInfo(id=f"token.{public}", name=name, created_at=stamp(now),
                     expires_at=stamp(now + timedelta(days=days)))
    store.run_writes([
        ("accounts_token_create", {"id": info.id, "props": {
            "user": account.id, "name": name, "secret_hash": _digest(secret), "created_at": info.created_at,
            "expires_at": info.expires_at, "auth_version": account.auth_version}}),
        ("accounts_tokens_trim", {"user": account.id, "keep": MAX_TOKENS}),
    ])
    return f"{PREFIX}{public}.{secret}", info


def list_tokens(store: GraphStore, username: str) -> list[TokenInfo]:
    account = require(store, username)
    return [TokenInfo(id=r["id"], name=r["name"], created_at=r["created_at"], expires_at=r["expires_at"])
            for r in store.run_read("accounts_tokens_of_user", user=account.id)]


def revoke(store: GraphStore, username: str, token_id: str) -> None:
    """Delete one of the account's tokens (another account's token is "not found")."""
    account = require(store, username)
    rows = store.run_write("accounts_token_delete", id=str(token_id)[:80], user=account.id)
    if not rows or not rows[0]["deleted"]:
        raise AccountNotFound(N_("没有这个令牌"))


def revoke_all(store: GraphStore, username: str) -> int:
    account = require(store, username)
    rows = store.run_write("accounts_tokens_delete_for_user", user=account.id)
    return int(rows[0]["deleted"]) if rows else 0


def account_for_token(store: GraphStore, token: str, now: datetime | None = None) -> Account | None:
    """The active account a valid, unexpired token belongs to, or None."""
    match = TOKEN_RE.match(token) if isinstance(token, str) else None
    if not match:
        return None
    rows = store.run_read("accounts_token_with_user", id=f"token.{match.group(1)}")
    if not rows:
        return None
    row = rows[0]
    stored = row["token"]
    if not hmac.compare_digest(_digest(match.group(2)), str(stored.get("secret_hash", ""))):
        return None
    if str(stored.get("expires_at", "")) <= stamp(now):
        return None
    account = from_properties(row["user_id"], {k: v for k, v in row["user"].items() if k not in RESERVED_PROPERTIES})
    if int(stored.get("auth_version", -1)) != account.auth_version:
        return None  # issued before a password change, a disable or an enable
    return account if account.active else None


__all__ = [
    "LIFETIMES",
    "MAX_TOKENS",
    "NAME_MAX",
    "PREFIX",
    "TokenInfo",
    "account_for_token",
    "issue",
    "list_tokens",
    "revoke",
    "revoke_all",
]

"""User accounts, stored as ``User`` nodes through the GraphStore.

A user's node id is ``user.<username>``.  Properties: ``username``, ``display_name``,
``password_hash`` (argon2id), ``roles`` (a list of ``trainee``, ``community``, ``reviewer``,
``admin``), ``community`` (a Community id, for the community role), ``organization`` (an
Organization id, optional), ``active``, ``locale`` (``zh_Hans_CN`` or ``en``, optional),
``created_at``, ``auth_version`` (bumped when the password changes or the account is disabled,
which ends the user's other sessions) and ``api_token_hashes`` (SHA-256 of the secret part of
each API token; the token itself is shown once and never stored).

Every function takes the store first and raises ``AccountError`` (a message meant for people)
for bad input; nothing is written when it does.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kg.store import GraphStore, StoreError

LABEL = "User"
ROLES = ("trainee", "community", "reviewer", "instructor", "admin")  # instructor: training sign-offs
LOCALES = ("zh_Hans_CN", "en")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
DISPLAY_NAME_MAX = 80
MAX_TOKENS = 5
TOKEN_SEPARATOR = ":"

#: The password hasher (argon2id, library defaults).  Tests may swap in a cheaper one.
HASHER = PasswordHasher()
_dummy_hash: str | None = None


def N_(message: str) -> str:
    """Marks a message for the translation catalogue (translated when shown, see AccountError)."""
    return message


class AccountError(ValueError):
    """Bad input for an account operation; the message is meant for people.

    ``str(exc)`` is the Simplified Chinese message; ``exc.translated()`` is the same message in
    the request's language (the template is a msgid of the web app's catalogue)."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)

    def translated(self) -> str:
        try:
            from flask_babel import gettext

            return gettext(self.template, **self.params)
        except (RuntimeError, KeyError):
            return str(self)


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    created_at: str
    community: str | None = None
    organization: str | None = None
    locale: str | None = None
    auth_version: int = 0
    password_hash: str = field(default="", repr=False)
    api_token_hashes: tuple[str, ...] = field(default=(), repr=False)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def public_dict(self) -> dict:
        """What may be shown or exported (no secrets)."""
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "roles": list(self.roles), "community": self.community, "organization": self.organization,
                "active": self.active, "locale": self.locale, "created_at": self.created_at,
                "api_tokens": len(self.api_token_hashes)}


def user_id(username: str) -> str:
    return f"user.{username}"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _from_node(node: dict) -> Account:
    p = node["properties"]
    return Account(
        id=node["id"], username=p.get("username", node["id"].removeprefix("user.")),
        display_name=p.get("display_name") or p.get("username", ""),
        roles=tuple(r for r in (p.get("roles") or []) if r in ROLES),
        active=bool(p.get("active", False)), created_at=p.get("created_at", ""),
        community=p.get("community") or None, organization=p.get("organization") or None,
        locale=p.get("locale") or None, auth_version=int(p.get("auth_version") or 0),
        password_hash=p.get("password_hash") or "", api_token_hashes=tuple(p.get("api_token_hashes") or ()),
    )


def _to_properties(a: Account) -> dict:
    return {"username": a.username, "display_name": a.display_name, "roles": list(a.roles),
            "active": a.active, "created_at": a.created_at, "auth_version": a.auth_version,
            "password_hash": a.password_hash, "api_token_hashes": list(a.api_token_hashes),
            "community": a.community, "organization": a.organization, "locale": a.locale}


# --- validation ---------------------------------------------------------------------------
def check_username(username: object) -> str:
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise AccountError(N_("用户名须为 2–40 个小写字母、数字或 . _ -，以字母或数字开头"))
    return username


def check_password(password: object) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountError(N_("密码长度须为 %(min)s–%(max)s 个字符"), min=PASSWORD_MIN, max=PASSWORD_MAX)
    if password.strip() == "":
        raise AccountError(N_("密码不能全为空白"))
    return password


def check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    roles = tuple(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(N_("未知角色：%(roles)s"), roles=", ".join(map(str, unknown)))
    return tuple(r for r in ROLES if r in roles)


def _check_display_name(name: object, fallback: str) -> str:
    if name is None or name == "":
        return fallback
    if not isinstance(name, str) or len(name) > DISPLAY_NAME_MAX or not name.strip():
        raise AccountError(N_("显示名称须为 1–%(max)s 个字符"), max=DISPLAY_NAME_MAX)
    return name.strip()


def _check_locale(locale: object) -> str | None:
    if locale in (None, ""):
        return None
    if locale not in LOCALES:
        raise AccountError(N_("未知语言：%(locale)s"), locale=str(locale))
    return str(locale)


def _check_target(store: GraphStore, node_id: str | None, label: str, what: str) -> str | None:
    if not node_id:
        return None
    node = store.get_node(node_id) if isinstance(node_id, str) and len(node_id) <= 200 else None
    if node is None or node["label"] != label:
        raise AccountError(what, id=str(node_id)[:200])
    return node_id


def hash_password(password: str) -> str:
    return HASHER.hash(check_password(password))


# --- reads ----------------------------------------------------------------------------------
def get_user(store: GraphStore, username_or_id: str) -> Account | None:
    """The account for a username or a ``user.`` id, or None."""
    if not isinstance(username_or_id, str) or not username_or_id:
        return None
    node_id = username_or_id if username_or_id.startswith("user.") else user_id(username_or_id)
    if len(node_id) > 200:
        return None
    node = store.get_node(node_id)
    if node is None or node["label"] != LABEL:
        return None
    return _from_node(node)


class _SessionAccounts:
    """Accounts as recently read for sign-in sessions, per store (see ``session_user``)."""

    def __init__(self):
        self.entries: dict[str, tuple[float, Account | None]] = {}
        self.generation = 0  # bumped by every forget: a read that started before it is not kept
        self.lock = threading.Lock()


_session_accounts: "weakref.WeakKeyDictionary[GraphStore, _SessionAccounts]" = weakref.WeakKeyDictionary()
_session_accounts_lock = threading.Lock()
SESSION_CACHE_MAX = 10_000


def _session_cache(store: GraphStore) -> _SessionAccounts:
    cache = _session_accounts.get(store)
    if cache is None:
        with _session_accounts_lock:
            cache = _session_accounts.setdefault(store, _SessionAccounts())
    return cache


def session_user(store: GraphStore, username: str, max_age: float) -> Account | None:
    """``get_user`` for loading the signed-in user on each request, reusing a read at most
    ``max_age`` seconds old (0: always read).

    Every change made through this module in this process replaces the reused read at once, so
    disabling an account, a password change or new roles take effect on the next request.  A
    change made by another process (several web workers on one Neo4j database, ``cem user``
    against a shared server) is seen within ``max_age`` seconds.
    """
    if max_age <= 0:
        return get_user(store, username)
    cache = _session_cache(store)
    now = time.monotonic()
    hit = cache.entries.get(username)
    if hit is not None and now - hit[0] < max_age:
        return hit[1]
    generation = cache.generation
    account = get_user(store, username)
    with cache.lock:
        if cache.generation == generation:  # no write in between
            if len(cache.entries) >= SESSION_CACHE_MAX:
                cache.entries.clear()
            cache.entries[username] = (now, account)
    return account


def forget_session_user(store: GraphStore, username: str | None = None) -> None:
    """Drop reused reads (one user's, or all) so the next request reads the store."""
    cache = _session_accounts.get(store)
    if cache is None:
        return
    with cache.lock:
        cache.generation += 1
        if username is None:
            cache.entries.clear()
        else:
            cache.entries.pop(username, None)


def list_users(store: GraphStore, *, skip: int = 0, limit: int = 500) -> list[Account]:
    return [_from_node(n) for n in store.nodes_by_label(LABEL, skip=skip, limit=limit)]


def count_admins(store: GraphStore) -> int:
    rows = store.run_read("count_active_admins")
    return int(rows[0]["n"]) if rows else 0


def _require(store: GraphStore, username: str) -> Account:
    account = get_user(store, username)
    if account is None:
        raise AccountError(N_("用户不存在：%(username)s"), username=str(username)[:60])
    return account


def _save(store: GraphStore, account: Account) -> Account:
    try:
        store.upsert_nodes(LABEL, [{"id": account.id, "properties": _to_properties(account)}], replace=True)
    finally:
        forget_session_user(store, account.username)
    return account


def _link(store: GraphStore, account: Account, rel_type: str, old: str | None, new: str | None) -> None:
    if old and old != new:
        store.delete_relationship(rel_type, account.id, old)
    if new and new != old:
        store.upsert_relationships([{"type": rel_type, "start": account.id, "end": new}])


# --- writes ---------------------------------------------------------------------------------
def create_user(store: GraphStore, username: str, password: str, *, roles: Iterable[str] = ("trainee",),
                display_name: str | None = None, community: str | None = None,
                organization: str | None = None, locale: str | None = None, active: bool = True) -> Account:
    """Create an account; refuses a username that is taken."""
    username = check_username(username)
    roles = check_roles(roles)
    if not roles:
        raise AccountError(N_("至少选择一个角色"))
    display_name = _check_display_name(display_name, username)
    locale = _check_locale(locale)
    community = _check_target(store, community, "Community", N_("社区不存在：%(id)s"))
    organization = _check_target(store, organization, "Organization", N_("组织不存在：%(id)s"))
    if "community" in roles and not community:
        raise AccountError(N_("社区角色须指定所属社区"))
    if get_user(store, username) is not None or store.get_node(user_id(username)) is not None:
        raise AccountError(N_("用户名已被使用：%(username)s"), username=username)
    account = Account(id=user_id(username), username=username, display_name=display_name, roles=roles,
                      active=bool(active), created_at=_now(), community=community, organization=organization,
                      locale=locale, password_hash=hash_password(password))
    _save(store, account)
    _link(store, account, "BELONGS_TO", None, community)
    _link(store, account, "MEMBER_OF", None, organization)
    return account


def authenticate(store: GraphStore, username: str, password: str) -> Account | None:
    """The active account whose password matches, or None.  Takes about as long for an unknown
    user as for a wrong password; upgrades the stored hash when the hasher's settings changed."""
    global _dummy_hash
    if not isinstance(password, str) or not 0 < len(password) <= PASSWORD_MAX:
        return None
    account = get_user(store, username) if isinstance(username, str) and USERNAME_RE.match(username) else None
    if account is None or not account.password_hash:
        if _dummy_hash is None:
            _dummy_hash = HASHER.hash(secrets.token_hex(16))
        try:
            HASHER.verify(_dummy_hash, password)
        except VerificationError:
            pass
        return None
    try:
        HASHER.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not account.active:
        return None
    if HASHER.check_needs_rehash(account.password_hash):
        account = _save(store, _replace(account, password_hash=HASHER.hash(password)))
    return account


def _replace(account: Account, **changes) -> Account:
    from dataclasses import replace

    return replace(account, **changes)


def set_roles(store: GraphStore, username: str, roles: Iterable[str], *, community: str | None = None) -> Account:
    """Replace a user's roles; ``community`` (a Community id) is required with the community role
    and cleared without it.  The last active admin cannot lose the admin role."""
    account = _require(store, username)
    roles = check_roles(roles)
    community = _check_target(store, community, "Community", N_("社区不存在：%(id)s")) if "community" in roles else None
    if "community" in roles and not community:
        raise AccountError(N_("社区角色须指定所属社区"))
    if "admin" in account.roles and "admin" not in roles and account.active and count_admins(store) <= 1:
        raise AccountError(N_("不能移除最后一位管理员的管理员角色"))
    updated = _save(store, _replace(account, roles=roles, community=community))
    _link(store, account, "BELONGS_TO", account.community, community)
    return updated


def set_organization(store: GraphStore, username: str, organization: str | None) -> Account:
    account = _require(store, username)
    organization = _check_target(store, organization, "Organization", N_("组织不存在：%(id)s"))
    updated = _save(store, _replace(account, organization=organization))
    _link(store, account, "MEMBER_OF", account.organization, organization)
    return updated


def set_active(store: GraphStore, username: str, active: bool) -> Account:
    account = _require(store, username)
    if not active and "admin" in account.roles and account.active and count_admins(store) <= 1:
        raise AccountError(N_("不能停用最后一位管理员"))
    version = account.auth_version + (0 if active else 1)
    return _save(store, _replace(account, active=bool(active), auth_version=version))


def disable(store: GraphStore, username: str) -> Account:
    """Disable an account (it can no longer sign in; its sessions and API tokens stop working)."""
    return set_active(store, username, False)


def enable(store: GraphStore, username: str) -> Account:
    return set_active(store, username, True)


def set_password(store: GraphStore, username: str, password: str) -> Account:
    """Set a new password (ends the user's other sessions)."""
    account = _require(store, username)
    return _save(store, _replace(account, password_hash=hash_password(password),
                                 auth_version=account.auth_version + 1))


def change_password(store: GraphStore, username: str, current: str, new: str) -> Account:
    """A user's own password change: the current password must match."""
    if authenticate(store, username, current) is None:
        raise AccountError(N_("当前密码不正确"))
    return set_password(store, username, new)


def update_profile(store: GraphStore, username: str, *, display_name: str | None = None,
                   locale: str | None = None) -> Account:
    account = _require(store, username)
    return _save(store, _replace(account, display_name=_check_display_name(display_name, account.display_name),
                                 locale=_check_locale(locale)))


# --- API tokens -----------------------------------------------------------------------------
def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(store: GraphStore, username: str) -> str:
    """A new API token ``<username>:<secret>`` (shown once; only its hash is stored).  At most
    ``MAX_TOKENS`` are kept; the oldest is dropped."""
    account = _require(store, username)
    secret = secrets.token_urlsafe(32)
    hashes = (account.api_token_hashes + (_token_digest(secret),))[-MAX_TOKENS:]
    _save(store, _replace(account, api_token_hashes=hashes))
    return f"{account.username}{TOKEN_SEPARATOR}{secret}"


def revoke_tokens(store: GraphStore, username: str) -> Account:
    account = _require(store, username)
    return _save(store, _replace(account, api_token_hashes=()))


def user_for_token(store: GraphStore, token: str) -> Account | None:
    """The active account an API token belongs to, or None."""
    if not isinstance(token, str) or len(token) > 200 or TOKEN_SEPARATOR not in token:
        return None
    username, _, secret = token.rpartition(TOKEN_SEPARATOR)
    if not USERNAME_RE.match(username) or not secret:
        return None
    try:
        account = get_user(store, username)
    except StoreError:
        raise
    if account is None or not account.active:
        return None
    digest = _token_digest(secret)
    if any(hmac.compare_digest(digest, h) for h in account.api_token_hashes):
        return account
    return None


__all__ = [
    "ROLES", "LOCALES", "Account", "AccountError", "user_id", "get_user", "session_user",
    "forget_session_user", "list_users", "create_user",
    "authenticate", "set_roles", "set_organization", "disable", "enable", "set_active", "set_password",
    "change_password", "update_profile", "issue_token", "revoke_tokens", "user_for_token", "count_admins",
    "check_username", "check_password", "check_roles", "hash_password",
]

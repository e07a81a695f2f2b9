"""User accounts, stored as ``User`` nodes (id ``user.<username>``).

Every write is one targeted query that sets only what it changes (never a saved snapshot of the
whole account), so concurrent changes cannot undo each other: a disable that races a profile
update or a token issue stays a disable.  Disabling, enabling and password changes bump
``auth_version`` and delete the account's sign-in sessions and API tokens in the same
transaction.  Functions take the store first, raise ``AccountError`` (a message for people) for
bad input and write nothing when they do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kg.accounts import passwords
from kg.accounts.model import (
    LABEL,
    PASSWORD_MAX,
    USERNAME_RE,
    Account,
    AccountConflict,
    AccountError,
    AccountNotFound,
    check_display_name,
    check_locale,
    check_roles,
    check_username,
    from_properties,
    stamp,
    user_id,
)
from kg.errors import N_
from kg.store import ConstraintViolation, GraphStore
from kg.store.base import ID_RE


def _changed(store: GraphStore) -> None:
    from kg.accounts.sessions import forget_cached

    forget_cached(store)


# --- reads ----------------------------------------------------------------------------------
def get_user(store: GraphStore, username_or_id: str) -> Account | None:
    """The account for a username or a ``user.`` id, or None."""
    if not isinstance(username_or_id, str) or not username_or_id:
        return None
    node_id = username_or_id if username_or_id.startswith("user.") else user_id(username_or_id)
    if not ID_RE.match(node_id):
        return None
    node = store.get_node(node_id)
    if node is None or node["label"] != LABEL:
        return None
    return from_properties(node["id"], node["properties"])


def list_users(store: GraphStore, *, skip: int = 0, limit: int = 500) -> list[Account]:
    return [from_properties(n["id"], n["properties"]) for n in store.nodes_by_label(LABEL, skip=skip, limit=limit)]


def count_admins(store: GraphStore) -> int:
    rows = store.run_read("count_active_admins")
    return int(rows[0]["n"]) if rows else 0


def require(store: GraphStore, username: str) -> Account:
    account = get_user(store, username)
    if account is None:
        raise AccountNotFound(N_("用户不存在：%(username)s"), username=str(username)[:60])
    return account


def _check_target(store: GraphStore, node_id: str | None, label: str, message: str) -> str | None:
    if not node_id:
        return None
    node = store.get_node(node_id) if isinstance(node_id, str) and ID_RE.match(node_id) else None
    if node is None or node["label"] != label:
        raise AccountError(message, id=str(node_id)[:200])
    return node_id


def _relink(store: GraphStore, account_id: str, rel_type: str, old: str | None, new: str | None) -> None:
    if old and old != new:
        store.delete_relationship(rel_type, account_id, old)
    if new and new != old:
        store.upsert_relationships([{"type": rel_type, "start": account_id, "end": new}])


def _end_sessions_and_tokens(account_id: str) -> list[tuple[str, dict]]:
    """Delete the sessions and tokens made before the account's current ``auth_version`` (they
    no longer work anyway: both carry the version they were made with)."""
    return [("accounts_sessions_delete_stale", {"user": account_id}),
            ("accounts_tokens_delete_stale", {"user": account_id})]


# --- writes ---------------------------------------------------------------------------------
def create_user(store: GraphStore, username: str, password: str, *, roles: Iterable[str] = ("trainee",),
                display_name: str | None = None, community: str | None = None,
                organization: str | None = None, locale: str | None = None, active: bool = True,
                now: datetime | None = None) -> Account:
    """Create an account; refuses a username that is taken (also when two try at once)."""
    username = check_username(username)
    roles = check_roles(roles)
    if not roles:
        raise AccountError(N_("至少选择一个角色"))
    display_name = check_display_name(display_name, username)
    locale = check_locale(locale)
    community = _check_target(store, community, "Community", N_("社区不存在：%(id)s"))
    organization = _check_target(store, organization, "Organization", N_("组织不存在：%(id)s"))
    if "community" in roles and not community:
        raise AccountError(N_("社区角色须指定所属社区"))
    if store.get_node(user_id(username)) is not None:
        raise AccountConflict(N_("用户名已被使用：%(username)s"), username=username)
    created = stamp(now)
    account = Account(id=user_id(username), username=username, display_name=display_name, roles=roles,
                      active=bool(active), created_at=created, updated_at=created, community=community,
                      organization=organization, locale=locale, password_hash=passwords.hash_password(password))
    props = {k: v for k, v in {
        "username": account.username, "display_name": account.display_name, "roles": list(account.roles),
        "active": account.active, "created_at": account.created_at, "updated_at": account.updated_at,
        "auth_version": 0, "password_hash": account.password_hash, "community": account.community,
        "organization": account.organization, "locale": account.locale}.items() if v is not None}
    try:
        store.run_write("accounts_create_user", id=account.id, props=props)
    except ConstraintViolation:
        raise AccountConflict(N_("用户名已被使用：%(username)s"), username=username) from None
    _relink(store, account.id, "BELONGS_TO", None, community)
    _relink(store, account.id, "MEMBER_OF", None, organization)
    return account


def authenticate(store: GraphStore, username: str, password: str) -> Account | None:
    """The active account whose password matches, or None.  Takes about as long for an unknown
    user as for a wrong password; upgrades the stored hash when the hasher's settings changed."""
    if not isinstance(password, str) or not 0 < len(password) <= PASSWORD_MAX:
        return None
    account = get_user(store, username) if isinstance(username, str) and USERNAME_RE.match(username) else None
    if account is None or not account.password_hash:
        passwords.verify_nothing(password)
        return None
    if not passwords.verify(account.password_hash, password) or not account.active:
        return None
    if passwords.needs_rehash(account.password_hash):
        store.run_write("accounts_rehash_password", id=account.id, old=account.password_hash,
                        new=passwords.rehash(password))
        _changed(store)
    return account


def set_roles(store: GraphStore, username: str, roles: Iterable[str], *, community: str | None = None,
              now: datetime | None = None) -> Account:
    """Replace a user's roles; ``community`` (a Community id) is required with the community role
    and cleared without it.  The last active admin cannot lose the admin role."""
    account = require(store, username)
    roles = check_roles(roles)
    if not roles:
        raise AccountError(N_("至少选择一个角色"))
    community = (_check_target(store, community, "Community", N_("社区不存在：%(id)s"))
                 if "community" in roles else None)
    if "community" in roles and not community:
        raise AccountError(N_("社区角色须指定所属社区"))
    rows = store.run_write("accounts_set_roles", id=account.id, roles=list(roles), community=community,
                           keeps_admin="admin" in roles, now=stamp(now))
    _changed(store)
    if not rows:
        raise AccountError(N_("不能移除最后一位管理员的管理员角色"))
    _relink(store, account.id, "BELONGS_TO", account.community, community)
    return require(store, username)


def set_organization(store: GraphStore, username: str, organization: str | None,
                     now: datetime | None = None) -> Account:
    account = require(store, username)
    organization = _check_target(store, organization, "Organization", N_("组织不存在：%(id)s"))
    store.run_write("accounts_update_user", id=account.id, props={"organization": organization,
                                                                  "updated_at": stamp(now)})
    _changed(store)
    _relink(store, account.id, "MEMBER_OF", account.organization, organization)
    return require(store, username)


def set_active(store: GraphStore, username: str, active: bool, now: datetime | None = None) -> Account:
    """Enable or disable an account.  Either way its sessions and API tokens end."""
    account = require(store, username)
    results = store.run_writes([("accounts_set_active", {"id": account.id, "active": bool(active),
                                                         "now": stamp(now)})] + _end_sessions_and_tokens(account.id))
    _changed(store)
    if not results[0]:
        raise AccountError(N_("不能停用最后一位管理员"))
    return require(store, username)


def disable(store: GraphStore, username: str) -> Account:
    """Disable an account (it can no longer sign in; its sessions and API tokens end)."""
    return set_active(store, username, False)


def enable(store: GraphStore, username: str) -> Account:
    """Enable a disabled account (old sessions and tokens stay ended)."""
    return set_active(store, username, True)


def set_password(store: GraphStore, username: str, password: str, now: datetime | None = None) -> Account:
    """Set a new password; every session and API token of the account ends."""
    account = require(store, username)
    new_hash = passwords.hash_password(password)
    store.run_writes([("accounts_set_password", {"id": account.id, "hash": new_hash, "now": stamp(now)})]
                     + _end_sessions_and_tokens(account.id))
    _changed(store)
    return require(store, username)


def change_password(store: GraphStore, username: str, current: str, new: str) -> Account:
    """A user's own password change: the current password must match."""
    if authenticate(store, username, current) is None:
        raise AccountError(N_("当前密码不正确"))
    return set_password(store, username, new)


def update_profile(store: GraphStore, username: str, *, display_name: str | None = None,
                   locale: str | None = None, now: datetime | None = None) -> Account:
    """Set the display name and language (only these)."""
    account = require(store, username)
    props = {"display_name": check_display_name(display_name, account.display_name),
             "locale": check_locale(locale) or "", "updated_at": stamp(now)}
    store.run_write("accounts_update_user", id=account.id, props=props)
    _changed(store)
    return require(store, username)


__all__ = [
    "authenticate",
    "change_password",
    "count_admins",
    "create_user",
    "disable",
    "enable",
    "get_user",
    "list_users",
    "require",
    "set_active",
    "set_organization",
    "set_password",
    "set_roles",
    "update_profile",
]

"""Accounts: what an account is, the checks on its fields, and the error for bad input."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kg.errors import N_, Conflict, Invalid, NotAllowed, NotFound

LABEL = "User"
ROLES = ("trainee", "community", "reviewer", "instructor", "admin")  # instructor: training sign-offs
LOCALES = ("zh_Hans_CN", "en")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
DISPLAY_NAME_MAX = 80


class AccountError(Invalid):
    """Bad input for an account operation; nothing was written."""

    code = "account_invalid"


class AccountNotFound(AccountError, NotFound):
    code = "account_not_found"


class AccountConflict(AccountError, Conflict):
    code = "account_conflict"


class AccountNotAllowed(AccountError, NotAllowed):
    code = "account_not_allowed"


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
    updated_at: str | None = None
    password_hash: str = field(default="", repr=False)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def public_dict(self) -> dict:
        """What may be shown or exported (no secrets)."""
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "roles": list(self.roles), "community": self.community, "organization": self.organization,
                "active": self.active, "locale": self.locale, "created_at": self.created_at,
                "updated_at": self.updated_at}


def user_id(username: str) -> str:
    return f"user.{username}"


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(when: datetime | None = None) -> str:
    """A UTC time as stored on accounts: ``2026-12-06T08:00:00Z`` (sortable as text)."""
    when = when or utc_now()
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def from_properties(node_id: str, p: dict) -> Account:
    return Account(
        id=node_id, username=p.get("username", node_id.removeprefix("user.")),
        display_name=p.get("display_name") or p.get("username", ""),
        roles=tuple(r for r in (p.get("roles") or []) if r in ROLES),
        active=bool(p.get("active", False)), created_at=p.get("created_at", ""),
        community=p.get("community") or None, organization=p.get("organization") or None,
        locale=p.get("locale") or None, auth_version=int(p.get("auth_version") or 0),
        updated_at=p.get("updated_at") or None, password_hash=p.get("password_hash") or "",
    )


# --- checks ---------------------------------------------------------------------------------
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


def check_display_name(name: object, fallback: str) -> str:
    if name is None or name == "":
        return fallback
    if not isinstance(name, str) or len(name) > DISPLAY_NAME_MAX or not name.strip():
        raise AccountError(N_("显示名称须为 1–%(max)s 个字符"), max=DISPLAY_NAME_MAX)
    return name.strip()


def check_locale(locale: object) -> str | None:
    if locale in (None, ""):
        return None
    if locale not in LOCALES:
        raise AccountError(N_("未知语言：%(locale)s"), locale=str(locale))
    return str(locale)


__all__ = [
    "DISPLAY_NAME_MAX",
    "LABEL",
    "LOCALES",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "ROLES",
    "USERNAME_RE",
    "Account",
    "AccountConflict",
    "AccountError",
    "AccountNotAllowed",
    "AccountNotFound",
    "check_display_name",
    "check_locale",
    "check_password",
    "check_roles",
    "check_username",
    "from_properties",
    "stamp",
    "user_id",
    "utc_now",
]

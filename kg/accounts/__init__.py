"""User accounts, sign-in sessions and API tokens — used by the web app and the CLIs alike.

``kg.accounts.users`` (create, authenticate, roles, enable/disable, passwords, profile),
``kg.accounts.sessions`` (server-side sign-in sessions), ``kg.accounts.tokens`` (named,
expiring API tokens), ``kg.accounts.passwords`` (argon2id).  The names below are the package's
public interface.
"""

from kg.accounts.model import (DISPLAY_NAME_MAX, LOCALES, PASSWORD_MAX, PASSWORD_MIN, ROLES, USERNAME_RE, Account,
                               AccountConflict, AccountError, AccountNotAllowed, AccountNotFound, check_password,
                               check_roles, check_username, user_id)
from kg.accounts.users import (authenticate, change_password, count_admins, create_user, disable, enable,
                               get_user, list_users, set_active, set_organization, set_password, set_roles,
                               update_profile)

__all__ = ["DISPLAY_NAME_MAX", "LOCALES", "PASSWORD_MAX", "PASSWORD_MIN", "ROLES", "USERNAME_RE", "Account",
           "AccountConflict", "AccountError", "AccountNotAllowed", "AccountNotFound", "check_password",
           "check_roles", "check_username", "user_id", "authenticate", "change_password", "count_admins",
           "create_user", "disable", "enable", "get_user", "list_users", "set_active", "set_organization",
           "set_password", "set_roles", "update_profile"]

"""``cem user add/list/set-role/set-password/disable/enable`` — accounts from the command line.

Every change is written to the audit log with the actor ``cli``.
"""

from __future__ import annotations

import json
import sys

import click

from kg import accounts, audit
from kg.cli import fail, opened_store, store_option
from kg.i18n_cli import _


def _password(from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            fail(_("标准输入中没有密码"))
        return value
    return click.prompt(_("输入密码"), hide_input=True, confirmation_prompt=_("再输入一次密码"))


@click.group("user")
def user_group() -> None:
    """Manage user accounts (the first admin is created here)."""


def _change_account(location, action: str, change, *args):
    """Apply one account change, audit it as done from the CLI, and return the account."""
    with opened_store(location) as store:
        try:
            account = change(store, *args)
        except accounts.AccountError as exc:
            fail(exc)
        audit.record_event(store, "cli", action, account.id, remote="cli")
    return account


@user_group.command("add")
@store_option
@click.argument("username")
@click.option("--role", "roles", multiple=True, type=click.Choice(accounts.ROLES), default=("trainee",),
              show_default=True, help="A role; repeat for several.")
@click.option("--name", "display_name", default=None, help="Display name (default: the username).")
@click.option("--community", default=None, help="Community id (required with --role community).")
@click.option("--organization", default=None, help="Organization id the user works for (optional).")
@click.option("--locale", type=click.Choice(accounts.LOCALES), default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def add(location, username, roles, display_name, community, organization, locale, password_stdin):
    """Create an account, e.g. `cem user add alice --role admin`."""
    try:
        accounts.check_username(username)
    except accounts.AccountError as exc:
        fail(exc)
    password = _password(password_stdin)
    with opened_store(location) as store:
        try:
            account = accounts.create_user(store, username, password, roles=roles, display_name=display_name,
                                           community=community, organization=organization, locale=locale)
        except accounts.AccountError as exc:
            fail(exc)
        audit.record_event(store, "cli", "user.create", account.id, f"roles={','.join(account.roles)}", remote="cli")
    click.echo(_("已创建 %(username)s（%(roles)s）", username=account.username, roles=", ".join(account.roles)))


@user_group.command("list")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(location, as_json):
    """List accounts."""
    with opened_store(location) as store:
        users = accounts.list_users(store, limit=100_000)
    if as_json:
        click.echo(json.dumps([u.public_dict() for u in users], ensure_ascii=False, indent=2))
        return
    if not users:
        click.echo(_("还没有账户（用 cem user add NAME --role admin 创建第一个管理员）"))
        return
    for u in users:
        state = _("账户启用") if u.active else _("账户已停用")
        extra = f" community={u.community}" if u.community else ""
        click.echo(f"{u.username:<24} {state:<9} {','.join(u.roles)}{extra}")


@user_group.command("set-role")
@store_option
@click.argument("username")
@click.argument("roles", nargs=-1, required=True, type=click.Choice(accounts.ROLES))
@click.option("--community", default=None, help="Community id (required with the community role).")
def set_role(location, username, roles, community):
    """Replace a user's roles, e.g. `cem user set-role bob reviewer trainee`."""
    with opened_store(location) as store:
        try:
            account = accounts.set_roles(store, username, roles, community=community)
        except accounts.AccountError as exc:
            fail(exc)
        audit.record_event(store, "cli", "user.set_roles", account.id,
                           f"roles={','.join(account.roles)}; community={account.community or ''}", remote="cli")
    click.echo(f"{account.username}: {', '.join(account.roles)}")


@user_group.command("set-password")
@store_option
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def set_password(location, username, password_stdin):
    """Reset a user's password (their sessions end)."""
    password = _password(password_stdin)
    account = _change_account(location, "user.password_reset", accounts.set_password, username, password)
    click.echo(_("已重置 %(username)s 的密码", username=account.username))


@user_group.command("disable")
@store_option
@click.argument("username")
def disable(location, username):
    """Disable an account (it can no longer sign in; its sessions and tokens stop working)."""
    account = _change_account(location, "user.disable", accounts.disable, username)
    click.echo(_("已停用 %(username)s", username=account.username))


@user_group.command("enable")
@store_option
@click.argument("username")
def enable(location, username):
    """Enable a disabled account again."""
    account = _change_account(location, "user.enable", accounts.enable, username)
    click.echo(_("已启用 %(username)s", username=account.username))


commands = [user_group]

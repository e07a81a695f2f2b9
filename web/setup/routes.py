"""The set-up page: a form for the first admin, behind the one-time token."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from kg import accounts
from kg.accounts import AccountError
from kg.ops import setup as first_run
from web import audit
from web.extensions import get_store, now
from web.i18n import _
from web.security import public, sign_in
from web.setup import bp
from web.setup.forms import FirstAdminForm


def _usable(token: str) -> bool:
    store = get_store()
    if not first_run.needs_setup(store):
        return False
    return first_run.is_valid(store, token, now=now())


@bp.route("/setup/<token>", methods=["GET", "POST"])
@public
def first_admin(token: str):
    if not _usable(token):
        abort(404)
    form = FirstAdminForm()
    status = 200
    if form.validate_on_submit():
        store = get_store()
        if not first_run.take(store, token, now=now()):
            abort(404)  # another request (in any worker) used it first
        try:
            account = accounts.create_user(store, form.username.data.strip().lower(), form.password.data,
                                           roles=("admin",), display_name=form.display_name.data or None,
                                           now=now())
        except AccountError as exc:
            first_run.release(store, token)
            form.username.errors = [*form.username.errors, exc.translated()]
            return render_template("setup/first_admin.html", form=form), 400
        except BaseException:
            first_run.release(store, token)
            raise
        first_run.finish(store)
        sign_in(account)
        audit.record("setup.first_admin", account.id)
        flash(_("管理员账户已创建，您已登录。请在“用户管理”中为其他人创建账户。"), "success")
        return redirect(url_for("main.index"))
    if form.is_submitted():
        status = 400
    return render_template("setup/first_admin.html", form=form), status

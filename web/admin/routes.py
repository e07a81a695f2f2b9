"""User administration and the audit log (admins only)."""

from __future__ import annotations

import math

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms.fields import SelectChoice

from kg import accounts
from kg.audit import events as audit_events
from web import audit
from web.admin import bp
from web.admin.forms import ActiveForm, AuditFilterForm, ResetPasswordForm, RolesForm, UserCreateForm
from web.extensions import get_store
from web.i18n import _, content_lang, display_name
from web.security import roles_required
from web.shell import int_arg

AUDIT_PER_PAGE = 50


def _community_choices():
    communities = get_store().nodes_by_label("Community", limit=2000)
    return [SelectChoice("", "—")] + [SelectChoice(c["id"], f"{display_name(c)} ({c['id']})",
                                                   {"lang": lang} if (lang := content_lang(c)) else {})
                                      for c in communities]


def _account_or_404(username: str) -> accounts.Account:
    account = accounts.get_user(get_store(), username)
    if account is None:
        abort(404)
    return account


@bp.get("/users")
@roles_required("admin")
def users():
    return render_template("admin/users.html", users=accounts.list_users(get_store(), limit=5000))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserCreateForm()
    form.community.choices = _community_choices()
    status = 200
    if form.validate_on_submit():
        try:
            account = accounts.create_user(
                get_store(), form.username.data, form.password.data, roles=form.roles.data,
                display_name=form.display_name.data or None, community=form.community.data or None,
                locale=form.locale.data or None)
        except accounts.AccountError as exc:
            form.form_errors.append(exc.translated())
            status = 400
        else:
            audit.record("user.create", account.id, f"roles={','.join(account.roles)}")
            flash(_("已创建账户 %(username)s。", username=account.username), "success")
            return redirect(url_for("admin.user", username=account.username))
    elif request.method == "POST":
        status = 400
    return render_template("admin/user_new.html", form=form), status


def _user_page(account, status=200, **forms):
    roles = forms.get("roles") or RolesForm(formdata=None, roles=list(account.roles), community=account.community or "")
    roles.community.choices = _community_choices()
    return render_template("admin/user.html", account=account, roles_form=roles,
                           active_form=forms.get("active") or ActiveForm(formdata=None, active=account.active),
                           password_form=forms.get("password") or ResetPasswordForm(formdata=None)), status


@bp.get("/users/<username>")
@roles_required("admin")
def user(username):
    return _user_page(_account_or_404(username))


@bp.post("/users/<username>/roles")
@roles_required("admin")
def user_roles(username):
    account = _account_or_404(username)
    form = RolesForm()
    form.community.choices = _community_choices()
    if not form.validate_on_submit():
        return _user_page(account, 400, roles=form)
    try:
        updated = accounts.set_roles(get_store(), username, form.roles.data, community=form.community.data or None)
    except accounts.AccountError as exc:
        form.form_errors.append(exc.translated())
        return _user_page(account, 400, roles=form)
    audit.record("user.set_roles", updated.id, f"roles={','.join(updated.roles)}; community={updated.community or ''}")
    flash(_("已保存角色。"), "success")
    return redirect(url_for("admin.user", username=username))


@bp.post("/users/<username>/active")
@roles_required("admin")
def user_active(username):
    account = _account_or_404(username)
    form = ActiveForm()
    if not form.validate_on_submit():
        return _user_page(account, 400, active=form)
    try:
        updated = accounts.set_active(get_store(), username, form.active.data)
    except accounts.AccountError as exc:
        form.form_errors.append(exc.translated())
        return _user_page(account, 400, active=form)
    audit.record("user.enable" if updated.active else "user.disable", updated.id)
    flash(_("账户已启用。") if updated.active else _("账户已停用。"), "success")
    return redirect(url_for("admin.user", username=username))


@bp.post("/users/<username>/password")
@roles_required("admin")
def user_password(username):
    account = _account_or_404(username)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _user_page(account, 400, password=form)
    try:
        accounts.set_password(get_store(), username, form.password.data)
    except accounts.AccountError as exc:
        form.password.errors.append(exc.translated())
        return _user_page(account, 400, password=form)
    audit.record("user.password_reset", account.id, "reset by an admin")
    flash(_("已重置密码，请将新密码告知用户。"), "success")
    return redirect(url_for("admin.user", username=username))


@bp.get("/audit", endpoint="audit")
@roles_required("admin")
def audit_log():
    form = AuditFilterForm(request.args)
    page = int_arg("page", 1, 1, 100_000)
    if request.args and not form.validate():
        return render_template("admin/audit.html", form=form, events=[], page=1, pages=1, total=0, args={}), 400
    args = {k: v for k, v in (("actor", form.actor.data), ("action", form.action.data)) if v}
    events, total = audit_events(get_store(), skip=(page - 1) * AUDIT_PER_PAGE, limit=AUDIT_PER_PAGE, **args)
    pages = max(1, math.ceil(total / AUDIT_PER_PAGE))
    return render_template("admin/audit.html", form=form, events=events, page=page, pages=pages, total=total,
                           args=args)


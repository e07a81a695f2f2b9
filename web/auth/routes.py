"""Sign-in, sign-out, self-registration and the account page (thin: validate, call
``kg.accounts``, audit, render)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from kg import accounts
from kg.accounts import tokens
from kg.audit import record_event
from web import audit
from web.auth import bp
from web.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    RevokeTokenForm,
    RevokeTokensForm,
    TokenForm,
)
from web.extensions import get_settings, get_store, now
from web.forms import safe_next
from web.i18n import _, refresh
from web.security import client_address, login_required, public, sign_in, sign_in_allowed, sign_in_succeeded, sign_out


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if current_user.is_authenticated:
            return redirect(safe_next(form.next.data) or url_for("main.index"))
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        wait = sign_in_allowed(username)  # counted before the password is checked
        if wait:
            minutes = max(1, (wait + 59) // 60)
            form.form_errors.append(_("登录失败次数过多，请 %(minutes)s 分钟后再试。", minutes=minutes))
            status = 429
        else:
            store = get_store()
            account = accounts.authenticate(store, username, form.password.data)
            if account is None:
                record_event(store, "anonymous", "auth.login_failed", accounts.user_id(username)
                             if accounts.USERNAME_RE.match(username) else "", remote=client_address())
                form.form_errors.append(_("用户名或密码不正确，或账户已停用。"))
                status = 401
            else:
                sign_in_succeeded(username)
                sign_in(account)
                audit.record("auth.login", account.id)
                flash(_("已登录。"), "success")
                return redirect(safe_next(form.next.data) or url_for("main.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated:
        audit.record("auth.logout", current_user.id)
    sign_out()
    flash(_("已退出登录。"), "success")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if not get_settings().self_registration:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            account = accounts.create_user(get_store(), form.username.data, form.password.data, roles=["trainee"],
                                           display_name=form.display_name.data or None, now=now())
        except accounts.AccountError as exc:
            form.username.errors.append(exc.translated())
            status = 400
        else:
            sign_in(account)
            audit.record("user.register", account.id, "self-registration as trainee")
            flash(_("注册成功，欢迎参加培训。"), "success")
            return redirect(url_for("main.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/register.html", form=form), status


def _account_page(status=200, **forms):
    store = get_store()
    account = accounts.get_user(store, current_user.username) or current_user.account
    profile = forms.get("profile") or ProfileForm(formdata=None, display_name=account.display_name,
                                                  locale=account.locale or "")
    return render_template("auth/account.html", account=account, profile=profile,
                           password=forms.get("password") or PasswordChangeForm(formdata=None),
                           token_form=forms.get("token") or TokenForm(formdata=None),
                           revoke_form=RevokeTokenForm(formdata=None), revoke_all_form=RevokeTokensForm(formdata=None),
                           tokens=tokens.list_tokens(store, account.username), now=now(),
                           new_token=forms.get("new_token")), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/profile")
@login_required
def profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _account_page(400, profile=form)
    try:
        accounts.update_profile(get_store(), current_user.username, display_name=form.display_name.data,
                                locale=form.locale.data or None, now=now())
    except accounts.AccountError as exc:
        form.display_name.errors.append(exc.translated())
        return _account_page(400, profile=form)
    if form.locale.data:
        session["lang"] = form.locale.data
    else:
        session.pop("lang", None)
    refresh()
    audit.record("user.profile", current_user.id)
    flash(_("已保存。"), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/password")
@login_required
def password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(400, password=form)
    store = get_store()
    try:
        account = accounts.change_password(store, current_user.username, form.current.data, form.password.data)
    except accounts.AccountError as exc:
        form.current.errors.append(exc.translated())
        return _account_page(400, password=form)
    audit.record("user.password", account.id, "changed by the user")
    sign_in(account)  # every session and token ended with the password change; keep this browser signed in
    flash(_("密码已修改，其他设备上的登录和全部 API 令牌已失效。"), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@login_required
def issue_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _account_page(400, token=form)
    try:
        token, info = tokens.issue(get_store(), current_user.username, form.name.data, days=int(form.days.data),
                                   now=now())
    except accounts.AccountError as exc:
        form.name.errors.append(exc.translated())
        return _account_page(400, token=form)
    audit.record("user.token_issue", current_user.id, f"{info.id} {info.name}")
    return _account_page(200, new_token=token)


@bp.post("/account/tokens/revoke")
@login_required
def revoke_token():
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        return _account_page(400)
    tokens.revoke(get_store(), current_user.username, form.token.data)  # another's token: 404
    audit.record("user.token_revoke", current_user.id, form.token.data)
    flash(_("已撤销该令牌。"), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens/revoke-all")
@login_required
def revoke_tokens():
    form = RevokeTokensForm()
    if not form.validate_on_submit():
        return _account_page(400)
    tokens.revoke_all(get_store(), current_user.username)
    audit.record("user.token_revoke_all", current_user.id)
    flash(_("已撤销全部 API 令牌。"), "success")
    return redirect(url_for("auth.account"))

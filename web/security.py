"""Sign-in, roles and the security settings every response gets.

Every view declares who may use it, with one of two decorators placed *under* the route
decorator::

    @bp.get("/lessons")
    @roles_required("reviewer")          # reviewers (and admins) only
    def lessons(): ...

    @bp.get("/about")
    @public                              # anyone, signed in or not
    def about(): ...

``roles_required()`` with no roles admits any signed-in user; with roles it admits a user holding
any of them, and admins always.  A view without either mark is refused (403) for everybody:
deny by default.  Anonymous users are sent to the sign-in page (HTML) or get a 401 JSON answer
(paths under ``/api/``); a signed-in user without the role gets the 403 page (or 403 JSON).

``current_user`` (Flask-Login) is a ``CurrentUser`` when signed in: ``has_role(r)``,
``roles``, ``community_id``, ``username``, ``display_name``, ``account`` (the ``Account``).
``can_access_community(community_id)`` / ``require_community(community_id)`` check the
community scope: admins and reviewers reach every community, a community user only their own.

API clients send ``Authorization: Bearer <username>:<secret>`` (a token from the account page);
tokens are accepted only under ``/api/``.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Callable

from flask import Flask, abort, current_app, jsonify, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf

from web import accounts
from web.extensions import get_store

log = logging.getLogger(__name__)

ACCESS_ATTR = "cem_access"
PUBLIC = "public"
STAFF_ROLES = ("reviewer", "admin")

csrf = CSRFProtect()
login_manager = LoginManager()


# --- the user object ------------------------------------------------------------------------
class CurrentUser(UserMixin):
    """A signed-in user, loaded from the store on every request."""

    def __init__(self, account: accounts.Account, via_token: bool = False):
        self.account = account
        self.via_token = via_token

    def get_id(self) -> str:
        return f"{self.account.username}|{self.account.auth_version}"

    @property
    def is_active(self) -> bool:
        return self.account.active

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def display_name(self) -> str:
        return self.account.display_name

    @property
    def roles(self) -> tuple[str, ...]:
        return self.account.roles

    @property
    def community_id(self) -> str | None:
        return self.account.community

    @property
    def locale(self) -> str | None:
        return self.account.locale

    def has_role(self, role: str) -> bool:
        return role in self.account.roles

    def has_any_role(self, *roles: str) -> bool:
        """True for an admin, or a user holding any of ``roles`` (any signed-in user if none)."""
        return not roles or "admin" in self.account.roles or any(r in self.account.roles for r in roles)

    @property
    def is_staff(self) -> bool:
        return any(r in self.account.roles for r in STAFF_ROLES)


class AnonymousUser(AnonymousUserMixin):
    id = None
    username = ""
    display_name = ""
    roles: tuple[str, ...] = ()
    community_id = None
    locale = None
    account = None
    via_token = False
    is_staff = False

    def has_role(self, role: str) -> bool:
        return False

    def has_any_role(self, *roles: str) -> bool:
        return False


@login_manager.user_loader
def _load_user(user_id: str):
    username, _, version = user_id.rpartition("|")
    account = accounts.session_user(get_store(), username,
                                    float(current_app.config.get("USER_CACHE_SECONDS", 2)))
    if account is None or not account.active or str(account.auth_version) != version:
        return None
    return CurrentUser(account)


@login_manager.request_loader
def _load_user_from_token(req):
    header = req.headers.get("Authorization", "")
    if not is_api_request() or not header.startswith("Bearer "):
        return None
    account = accounts.user_for_token(get_store(), header[7:].strip())
    return CurrentUser(account, via_token=True) if account else None


def sign_in(account: accounts.Account) -> None:
    """Start a session for ``account`` (a fresh session: nothing from before survives)."""
    from flask import session

    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(CurrentUser(account))


def sign_out() -> None:
    from flask import session

    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


# --- access marks ---------------------------------------------------------------------------
def is_api_request() -> bool:
    return request.path.startswith("/api/")


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone (signed in or not)."""
    setattr(view, ACCESS_ATTR, (PUBLIC,))
    return view


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Admit a signed-in user holding any of ``roles`` (admins always; any signed-in user when
    no roles are given)."""
    unknown = [r for r in roles if r not in accounts.ROLES]
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return unauthenticated()
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, ("roles", tuple(roles)))
        return wrapper

    return decorator


#: Any signed-in user.
login_required = roles_required()


def access_of(view: Callable | None) -> tuple | None:
    """The access mark of a view function: ``("public",)``, ``("roles", (...))`` or None."""
    return getattr(view, ACCESS_ATTR, None) if view is not None else None


def unauthenticated():
    if is_api_request():
        response = jsonify(error={"code": 401, "message": "authentication required"})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="cem"'
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def can_access_community(community_id: str | None, user=None) -> bool:
    """Admins and reviewers reach every community; a community user only their own."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False) or not community_id:
        return False
    if user.has_role("admin") or user.has_role("reviewer"):
        return True
    return user.has_role("community") and user.community_id == community_id


def require_community(community_id: str | None) -> None:
    """Abort (401 redirect / 403) unless the current user may reach this community."""
    if not current_user.is_authenticated:
        abort(unauthenticated())
    if not can_access_community(community_id):
        abort(403)


def _deny_unmarked_views():
    """Deny by default: a view that declares no access is refused to everybody."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    view = current_app.view_functions.get(endpoint)
    if access_of(view) is None:
        log.error("view %s declares no access (use @public or @roles_required): refused", endpoint)
        abort(403)
    return None


# --- sign-in throttling ---------------------------------------------------------------------
class LoginThrottle:
    """Failed sign-ins counted per account and per address in a sliding window (in memory, per
    process).  ``retry_after(account, address)`` is 0 when a try is allowed, else seconds."""

    def __init__(self, per_account: int = 5, per_address: int = 20, window: float = 900.0,
                 max_keys: int = 50_000):
        self.per_account, self.per_address, self.window, self.max_keys = per_account, per_address, window, max_keys
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.get(key)
        if q is None:
            return deque()
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            self._failures.pop(key, None)
        return q

    def retry_after(self, account: str, address: str) -> int:
        now = time.monotonic()
        with self._lock:
            waits = []
            for key, limit in ((f"u:{account}", self.per_account), (f"a:{address}", self.per_address)):
                q = self._recent(key, now)
                if len(q) >= limit:
                    waits.append(q[-limit] + self.window - now)
            return int(max(waits) + 1) if waits else 0

    def failed(self, account: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > self.max_keys:
                for key in list(self._failures)[: self.max_keys // 10]:
                    self._recent(key, now)
            for key in (f"u:{account}", f"a:{address}"):
                q = self._failures[key]
                q.append(now)
                while len(q) > max(self.per_account, self.per_address):
                    q.popleft()

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{account}", None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


def login_throttle() -> LoginThrottle:
    return current_app.extensions["cem_login_throttle"]


def remote_address() -> str:
    return (request.remote_addr or "unknown")[:64]


# --- cookies, secret key, headers -----------------------------------------------------------
class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (or when configured)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return request.is_secure
        except RuntimeError:
            return False


def secret_key_from_data_dir() -> str:
    """CEM_SECRET_KEY, else a key generated once and kept in the data directory."""
    from kg.config import data_dir

    path = Path(data_dir()) / "secret_key"
    try:
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    try:
        os.link(tmp, path)  # atomic, and never replaces a key another process just wrote
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def _security_headers(response):
    h = response.headers
    present = {key.lower() for key in h.keys()}
    h.extend([(k, v) for k, v in SECURITY_HEADERS if k.lower() not in present])  # a view's own header wins
    if request.is_secure and "strict-transport-security" not in present:
        h["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static" and (is_api_request() or current_user.is_authenticated):
        h["Cache-Control"] = "no-store"
        h.add("Vary", "Cookie")
    return response


_signed_csrf: dict[tuple[str, str], tuple[float, str]] = {}
SIGNED_CSRF_REUSE_SECONDS = 60.0


def page_csrf_token() -> str:
    """Flask-WTF's ``generate_csrf`` for a page's forms, reusing the signed form of this
    session's token for up to a minute (signing costs more than the rest of a kept page).  The
    token is the same kind ``generate_csrf`` gives, with a timestamp at most a minute older, and
    is checked the same way (``WTF_CSRF_TIME_LIMIT``)."""
    from flask import g, session

    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(field)
    if not isinstance(raw, str) or field in g or current_app.config.get("WTF_CSRF_SECRET_KEY"):
        return generate_csrf()
    key = (str(current_app.secret_key), raw)
    now = time.monotonic()
    hit = _signed_csrf.get(key)
    if hit is not None and now - hit[0] < SIGNED_CSRF_REUSE_SECONDS:
        setattr(g, field, hit[1])
        return hit[1]
    token = generate_csrf()
    if len(_signed_csrf) >= 10_000:
        _signed_csrf.clear()
    _signed_csrf[key] = (now, token)
    return token


def init_security(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = (secrets.token_hex(32) if app.config.get("TESTING")
                                    else secret_key_from_data_dir())
    defaults = Flask.default_config
    for key, value in (("SESSION_COOKIE_HTTPONLY", True), ("SESSION_COOKIE_SAMESITE", "Lax"),
                       ("SESSION_COOKIE_NAME", "cem_session"), ("PERMANENT_SESSION_LIFETIME", timedelta(hours=12)),
                       ("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)):
        if app.config.get(key) == defaults.get(key):  # not chosen by the deployment: ours
            app.config[key] = value
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    if app.config.get("SESSION_REFRESH_EACH_REQUEST") is True:  # Flask's default: re-sign the cookie every time
        app.config["SESSION_REFRESH_EACH_REQUEST"] = False  # sessions last 12 h from sign-in
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(unauthenticated)
    app.extensions["cem_login_throttle"] = LoginThrottle(
        per_account=int(app.config.get("LOGIN_LIMIT_ACCOUNT", 5)),
        per_address=int(app.config.get("LOGIN_LIMIT_ADDRESS", 20)),
        window=float(app.config.get("LOGIN_LIMIT_WINDOW", 900)))
    app.before_request(_deny_unmarked_views)
    app.after_request(_security_headers)


__all__ = [
    "public", "roles_required", "login_required", "access_of", "can_access_community", "require_community",
    "CurrentUser", "AnonymousUser", "sign_in", "sign_out", "LoginThrottle", "login_throttle", "remote_address",
    "current_user", "csrf", "init_security", "is_api_request", "unauthenticated",
]

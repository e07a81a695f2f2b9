"""Sign-in, roles, sign-in throttling and the security settings every response gets.

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
What a user may *see* (labels, records, communities) is the access policy's (``kg.access``,
``web.extensions.get_access()``).

Sessions live in the store (``kg.accounts.sessions``): the cookie holds a random session secret,
and signing out deletes the session, so a copied cookie stops working.  API clients send
``Authorization: Bearer cem_<id>.<secret>`` (a named, expiring token from the account page);
tokens are accepted only under ``/api/``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import Flask, abort, current_app, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from limits import RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter

from kg.accounts import ROLES, Account, sessions, tokens
from kg.ratelimit import GraphStoreStorage
from web.extensions import get_settings, get_store, now

log = logging.getLogger(__name__)

ACCESS_ATTR = "cem_access"
PUBLIC = "public"

csrf = CSRFProtect()


# --- the user object ------------------------------------------------------------------------
class CurrentUser(UserMixin):
    """A signed-in user: the account, and the session secret (None for an API token)."""

    def __init__(self, account: Account, session_secret: str | None = None):
        self.account = account
        self.session_secret = session_secret

    @property
    def via_token(self) -> bool:
        return self.session_secret is None

    def get_id(self) -> str:
        return self.session_secret or ""

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


class AnonymousUser(AnonymousUserMixin):
    id = None
    username = ""
    display_name = ""
    roles: tuple[str, ...] = ()
    community_id = None
    locale = None
    account = None
    via_token = False

    def has_role(self, role: str) -> bool:
        return False

    def has_any_role(self, *roles: str) -> bool:
        return False


def _load_user(secret: str):
    account = sessions.resolve(get_store(), secret, max_age=get_settings().user_cache_seconds, now=now())
    return CurrentUser(account, secret) if account is not None else None


def _load_user_from_token(req):
    header = req.headers.get("Authorization", "")
    if not is_api_request() or not header.startswith("Bearer "):
        return None
    account = tokens.account_for_token(get_store(), header[7:].strip(), now=now())
    return CurrentUser(account) if account else None


def sign_in(account: Account) -> None:
    """Start a new session for ``account`` (nothing from the visitor's earlier session survives
    but the chosen language)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    secret = sessions.start(get_store(), account, hours=get_settings().session_hours, now=now())
    login_user(CurrentUser(account, secret))


def sign_out() -> None:
    """End the session on the server (the cookie alone no longer signs anybody in)."""
    user = current_user._get_current_object()
    secret = getattr(user, "session_secret", None)
    if secret:
        sessions.end(get_store(), secret)
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
    unknown = [r for r in roles if r not in ROLES]
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


def require_community(community_id: str | None) -> None:
    """Abort (sign-in redirect / 403) unless the access policy lets the user reach this community."""
    from web.extensions import get_access

    if not current_user.is_authenticated:
        abort(unauthenticated())
    if not get_access().can_reach_community(community_id):
        abort(403)


def reachable_community(community_id: str) -> dict:
    """The Community node's properties with its id for a community page: 404 when there is no
    such community, else as ``require_community``."""
    from web.extensions import get_store

    node = get_store().get_node(community_id)
    if node is None or node["label"] != "Community":
        abort(404)
    require_community(community_id)
    return dict(node["properties"], id=community_id)


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
def limiter() -> FixedWindowRateLimiter:
    """The app's rate limiter (the ``limits`` library, Flask-Limiter's engine) over counters kept
    in the store, so every worker shares them."""
    return current_app.extensions["cem_limiter"]


def client_address() -> str:
    """The client's address (``request.remote_addr`` after ``ProxyFix`` with the configured number
    of trusted proxies)."""
    return (request.remote_addr or "unknown")[:64]


def sign_in_allowed(username: str) -> int:
    """Count a sign-in try for the account and for the client address *before* the password is
    checked; 0 when it may go ahead, else the seconds until the window ends.  The counters are
    shared by every worker (they live in the store)."""
    settings = get_settings()
    window = settings.login_limit_window
    strategy = limiter()
    waits = []
    for key, limit in ((f"u:{username}", settings.login_limit_account),
                       (f"a:{client_address()}", settings.login_limit_address)):
        item = RateLimitItemPerSecond(limit, window)
        if not strategy.hit(item, "sign-in", key):
            waits.append(seconds_left(item, "sign-in", key))
    return max(waits) if waits else 0


def seconds_left(item: RateLimitItemPerSecond, namespace: str, key: str) -> int:
    """Seconds until the window of ``key``'s count ends (at least 1): a refusal's Retry-After."""
    reset_at = limiter().get_window_stats(item, namespace, key).reset_time
    return max(1, int(reset_at - time.time()) + 1)


def within_limit(namespace: str, key: str, limit: int, window: int) -> int:
    """Count one request against ``limit`` per ``window`` seconds for ``key``; 0 when it may go
    ahead, else the seconds until the window ends.  A key already over its limit is refused after
    a read of its counter, without counting (no write for each refused request of a burst)."""
    strategy = limiter()
    item = RateLimitItemPerSecond(limit, window)
    if strategy.test(item, namespace, key) and strategy.hit(item, namespace, key):
        return 0
    return seconds_left(item, namespace, key)


def sign_in_succeeded(username: str) -> None:
    """A correct password ends the account's count (the address's count stays)."""
    settings = get_settings()
    limiter().clear(RateLimitItemPerSecond(settings.login_limit_account, settings.login_limit_window),
                    "sign-in", f"u:{username}")


# --- cookies and headers ---------------------------------------------------------------------
class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (or when configured)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return request.is_secure
        except RuntimeError:
            return False


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


_SECURITY_HEADER_NAMES = frozenset(k.lower() for k, _v in SECURITY_HEADERS)


def _security_headers(response):
    h = response.headers
    present = {key.lower() for key in h.keys()}
    if present & _SECURITY_HEADER_NAMES:  # a view's own header wins
        h.extend([(k, v) for k, v in SECURITY_HEADERS if k.lower() not in present])
    else:
        h.extend(SECURITY_HEADERS)
    if request.is_secure and "strict-transport-security" not in present:
        h["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static" and (is_api_request() or current_user.is_authenticated):
        h["Cache-Control"] = "no-store"
        h.add("Vary", "Cookie")
    return response


def init_security(app: Flask) -> None:
    from kg.settings import secret_key

    settings = app.extensions["cem_settings"]

    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="cem_session",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        SESSION_REFRESH_EACH_REQUEST=False,  # the cookie holds only the session's secret
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=settings.session_hours * 3600,
    )
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    login_manager = LoginManager()
    login_manager.init_app(app)
    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_token)
    login_manager.unauthorized_handler(unauthenticated)
    app.extensions["cem_limiter"] = FixedWindowRateLimiter(GraphStoreStorage(store=app.extensions["cem_store"]))
    app.before_request(_deny_unmarked_views)
    app.after_request(_security_headers)


__all__ = [
    "AnonymousUser",
    "CurrentUser",
    "access_of",
    "client_address",
    "csrf",
    "current_user",
    "init_security",
    "is_api_request",
    "limiter",
    "login_required",
    "public",
    "require_community",
    "roles_required",
    "seconds_left",
    "sign_in",
    "sign_in_allowed",
    "sign_in_succeeded",
    "sign_out",
    "unauthenticated",
    "within_limit",
]

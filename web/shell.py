"""The shell every page shares: navigation by role, breadcrumbs, flash messages, error pages.

Areas add their navigation in their blueprint's ``init_app(app)``::

    from web.shell import register_nav
    register_nav(app, "search.index", _l("搜索"), order=20, description=_l("检索经验教训与知识图谱"))

A link is shown only to users its view admits (its ``@public`` / ``@roles_required`` mark;
admins see role links only when the item names ``admin``), so navigation never offers a page
that answers 403.  Items with a ``description`` also appear as cards on the home page.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from typing import Callable

from flask import Flask, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.store import StoreError, StoreUnavailable
from web.i18n import _l, current_lang, lang_url
from web.security import PUBLIC, access_of, is_api_request, page_csrf_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: object
    order: int = 50
    roles: tuple[str, ...] | None = None  # None: follow the view's mark
    args: Callable | None = None  # user -> url_for keyword arguments
    description: object = None

    def visible_to(self, user) -> bool:
        view = current_app.view_functions.get(self.endpoint)
        mark = access_of(view)
        if mark is None:
            return False
        roles = self.roles if self.roles is not None else (() if mark[0] == PUBLIC else mark[1])
        if mark[0] == PUBLIC and self.roles is None:
            return True
        if not user.is_authenticated:
            return False
        if not roles:
            return True
        return any(user.has_role(r) for r in roles)

    def url(self, user) -> str | None:
        kwargs = self.args(user) if self.args else {}
        if kwargs is None:
            return None
        return url_for(self.endpoint, **kwargs)


def register_nav(app: Flask, endpoint: str, text, *, order: int = 50, roles: tuple[str, ...] | None = None,
                 args: Callable | None = None, description=None) -> None:
    items: list[NavItem] = app.extensions.setdefault("cem_nav", [])
    items[:] = [i for i in items if i.endpoint != endpoint]
    items.append(NavItem(endpoint, text, order, tuple(roles) if roles is not None else None, args, description))
    items.sort(key=lambda i: (i.order, i.endpoint))
    app.extensions.pop("cem_nav_cache", None)


def nav_items(user=None) -> list[tuple[NavItem, str]]:
    """(item, url) for every navigation item the user may open (worked out once per kind of
    user: sign-in state, roles and community)."""
    user = current_user._get_current_object() if user is None else user
    key = (bool(user.is_authenticated), tuple(user.roles), user.community_id, request.script_root)
    cache = current_app.extensions.setdefault("cem_nav_cache", {})
    found = cache.get(key)
    if found is None:
        found = []
        for item in current_app.extensions.get("cem_nav", []):
            if item.visible_to(user):
                url = item.url(user)
                if url:
                    found.append((item, url))
        if len(cache) < 10_000:
            cache[key] = found
    return found


def int_arg(name: str, default: int, lowest: int, highest: int) -> int:
    """An integer query argument; a wrong type or a value out of range is a 400, never a 500."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?[0-9]{1,12}", raw):
        abort(400)
    value = int(raw)
    if not lowest <= value <= highest:
        abort(400)
    return value


def link(endpoint: str, **values) -> str:
    """``url_for`` for links that do not change from request to request (static files and
    pages without arguments), worked out once per app and script root."""
    key = (endpoint, request.script_root, tuple(sorted(values.items())))
    cache = current_app.extensions.setdefault("cem_links", {})
    url = cache.get(key)
    if url is None:
        url = cache[key] = url_for(endpoint, **values)
    return url


# --- pages kept whole, with the per-person parts filled in on each request --------------------
_HOLE_NONCE = secrets.token_hex(8)  # per process: content cannot spell a hole
_HOLE_RE = re.compile("\ue000" + _HOLE_NONCE + r":([a-z_:]+)\ue001")


def _hole(name: str) -> Markup:
    return Markup(f"\ue000{_HOLE_NONCE}:{name}\ue001")


class _FrameViewer:
    """The signed-in user as a kept page sees them: sign-in state, roles and community (part of
    the page's key), with the per-person display name left as a hole."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return getattr(self._user, name)

    @property
    def display_name(self) -> Markup:
        return _hole("display_name")


def _fill(name: str, user) -> str:
    if name == "display_name":
        return str(escape(user.display_name))
    if name == "csrf":
        return str(escape(page_csrf_token()))
    if name.startswith("lang_url:"):
        lang = name.partition(":")[2]
        key = (request.method, request.script_root, request.path, request.query_string, lang)
        cache = current_app.extensions.setdefault("cem_lang_urls", {})
        url = cache.get(key)
        if url is None:
            if len(cache) >= 10_000:
                cache.clear()
            url = cache[key] = str(escape(lang_url(lang)))
        return url
    raise KeyError(name)


def render_page(key: tuple, template: str, make_context: Callable[[], dict | None]) -> str | None:
    """``render_template(template, **make_context())``, with the rendered page kept for
    ``GRAPH_CACHE_SECONDS`` and shared by everyone who sees the same frame (language, path,
    sign-in state, roles, community).  None when ``make_context`` returns None (not found).

    The parts of the shared frame that belong to one person (the display name, the sign-out
    form's CSRF token, the language switch link with this request's query) are holes filled in
    on each request.  Only for templates that show nothing else about the viewer than what
    ``viewer``/``current_user`` give here, and nothing from the query string but what ``key``
    holds.  A request with a flash message to show renders afresh.
    """
    from flask import session

    from web.graph.cache import graph_cache

    user = current_user._get_current_object()
    if "_flashes" in session:
        context = make_context()
        return None if context is None else render_template(template, **context)
    frame = (bool(user.is_authenticated), tuple(user.roles), user.community_id)
    full_key = ("page", template, key, current_lang(), request.script_root, request.path, frame)

    def make():
        context = make_context()
        if context is None:
            return None
        viewer = _FrameViewer(user)
        html = render_template(template, **dict(context, viewer=viewer, current_user=viewer,
                                                 csrf_token=lambda: _hole("csrf"),
                                                 lang_url=lambda lang: _hole("lang_url:" + lang)))
        return tuple(_HOLE_RE.split(html))  # text, hole, text, hole, ..., text

    parts = graph_cache().get_or_make(full_key, make)
    if parts is None:
        return None
    return "".join(part if i % 2 == 0 else _fill(part, user) for i, part in enumerate(parts))


# --- error pages ----------------------------------------------------------------------------
ERROR_TEXT = {
    400: (_l("请求有误"), _l("请求的内容不完整或格式不对。请返回上一页检查后重试。")),
    401: (_l("需要登录"), _l("请先登录。")),
    403: (_l("无权访问"), _l("您的账户没有打开此页面的权限。如需访问，请联系管理员。")),
    404: (_l("页面不存在"), _l("找不到您要的页面或条目，它可能已被删除，或链接有误。")),
    405: (_l("请求方式不允许"), _l("此页面不接受这种请求方式。")),
    413: (_l("内容过大"), _l("提交的内容超过了允许的大小。")),
    429: (_l("尝试次数过多"), _l("请求过于频繁，请稍后再试。")),
    500: (_l("服务器出错"), _l("处理请求时出现意外错误，已记录。请稍后再试。")),
    503: (_l("服务暂不可用"), _l("图数据库暂时无法访问，请稍后再试。")),
}


def error_response(code: int, message: str | None = None):
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500] if code >= 500 else ERROR_TEXT[400])
    if is_api_request():
        response = jsonify(error={"code": code, "message": str(message or title)})
        response.status_code = code
        if code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="cem"'
        return response
    try:
        return render_template("errors/error.html", code=code, title=title, text=message or text), code
    except Exception:  # noqa: BLE001 - the error page itself failed (e.g. the store is down)
        log.exception("error page %s could not be rendered", code)
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}


def _http_error(exc: HTTPException):
    code = exc.code or 500
    if code == 400 and isinstance(exc, CSRFError):
        return error_response(400, str(_l("表单已过期或缺少安全令牌，请刷新页面后重试。")))
    if exc.response is not None:  # abort(some_response)
        return exc.response
    return error_response(code)


def _store_error(exc: StoreError):
    log.error("store error on %s: %s", request.path, exc)
    if isinstance(exc, StoreUnavailable):
        return error_response(503)
    return error_response(503 if "unavailable" in str(exc).lower() else 500)


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unexpected error on %s", request.path, exc_info=exc)
    return error_response(500)


def init_shell(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(InternalServerError, lambda exc: error_response(500))
    if not app.config.get("PROPAGATE_EXCEPTIONS") and not app.testing:
        app.register_error_handler(Exception, _unexpected)
    from web.admin.forms import ROLE_NAMES

    app.jinja_env.globals.update(nav_items=nav_items, role_names=ROLE_NAMES, link=link)
    app.context_processor(lambda: {"viewer": current_user._get_current_object()})  # the user, resolved once


def init_platform(app: Flask) -> None:
    """Languages, security (sign-in, CSRF, headers, deny by default) and the shell."""
    from web.i18n import init_i18n
    from web.security import init_security

    init_i18n(app)
    init_security(app)
    init_shell(app)


__all__ = ["register_nav", "nav_items", "link", "render_page", "NavItem", "error_response", "init_platform", "int_arg", "ERROR_TEXT"]

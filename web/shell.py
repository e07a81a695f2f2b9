"""The shell every page shares: navigation by role and small request helpers.

Areas add their navigation in their blueprint's ``init_app(app)``::

    from web.shell import register_nav
    register_nav(app, "search.index", _l("搜索"), order=20, description=_l("检索经验教训与知识图谱"))

A link is shown only to users its view admits (its ``@public`` / ``@roles_required`` mark;
admins see role links only when the item names ``admin``), so navigation never offers a page
that answers 403.  Items with a ``description`` also appear as cards on the home page.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from cachetools import LRUCache
from flask import Flask, abort, current_app, request, url_for
from flask_login import current_user

from web.security import PUBLIC, access_of

NAV_CACHE_ENTRIES = 1000


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
        if mark[0] == PUBLIC and self.roles is None:
            return True
        if not user.is_authenticated:
            return False
        roles = self.roles if self.roles is not None else (() if mark[0] == PUBLIC else mark[1])
        if not roles:
            return True
        return any(user.has_role(r) for r in roles)

    def url(self, user) -> str | None:
        kwargs = self.args(user) if self.args else {}
        if kwargs is None:
            return None
        return url_for(self.endpoint, **kwargs)


class _Nav:
    def __init__(self):
        self.items: list[NavItem] = []
        self.cache: LRUCache = LRUCache(maxsize=NAV_CACHE_ENTRIES)
        self.lock = threading.Lock()


def _nav(app: Flask) -> _Nav:
    return app.extensions.setdefault("cem_nav", _Nav())


def register_nav(app: Flask, endpoint: str, text, *, order: int = 50, roles: tuple[str, ...] | None = None,
                 args: Callable | None = None, description=None) -> None:
    nav = _nav(app)
    with nav.lock:
        nav.items[:] = [i for i in nav.items if i.endpoint != endpoint]
        nav.items.append(NavItem(endpoint, text, order, tuple(roles) if roles is not None else None, args,
                                 description))
        nav.items.sort(key=lambda i: (i.order, i.endpoint))
        nav.cache.clear()


def nav_items(user=None) -> list[tuple[NavItem, str]]:
    """(item, url) for every navigation item the user may open (worked out once per kind of
    user: sign-in state, roles and community; the list depends on nothing else)."""
    user = current_user._get_current_object() if user is None else user
    key = (bool(user.is_authenticated), tuple(user.roles), user.community_id, request.script_root)
    nav = _nav(current_app)
    with nav.lock:
        found = nav.cache.get(key)
    if found is None:
        found = [(item, url) for item in nav.items if item.visible_to(user)
                 for url in [item.url(user)] if url]
        with nav.lock:
            nav.cache[key] = found
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


_links: LRUCache = LRUCache(maxsize=4096)
_links_lock = threading.Lock()


def link(endpoint: str, **values) -> str:
    """``url_for`` for links that are the same on every request (static files, pages without
    arguments), worked out once per script root and kept in a bounded cache."""
    key = (endpoint, request.script_root, tuple(sorted(values.items())))
    with _links_lock:
        url = _links.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        with _links_lock:
            _links[key] = url
    return url


def localtime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time (ISO text or a datetime) in the app's time zone (``CEM_TIMEZONE``);
    a date without a time, or text that is no time, is shown as it is."""
    from datetime import datetime

    from web.extensions import get_settings

    if value in (None, ""):
        return ""
    when = value
    if isinstance(value, str):
        if len(value) <= 10:
            return value
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(when, datetime):
        return str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(get_settings().zone).strftime(fmt)


def init_shell(app: Flask) -> None:
    from web.admin.forms import ROLE_NAMES

    app.jinja_env.globals.update(nav_items=nav_items, role_names=ROLE_NAMES, link=link)
    app.jinja_env.filters["localtime"] = localtime
    app.context_processor(lambda: {"viewer": current_user._get_current_object(),  # the user, resolved once
                                   "settings": app.extensions["cem_settings"]})


__all__ = ["NavItem", "init_shell", "int_arg", "link", "localtime", "nav_items", "register_nav"]

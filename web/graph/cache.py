"""A small time-limited cache for rendered graph views (node pages, the home page,
neighbourhood JSON).

Graph pages are read far more often than the curated graph changes, so a rendered node page is
kept for ``GRAPH_CACHE_SECONDS`` (default 5; 0 turns the cache off) per node, language and kind
of viewer (``web.shell.render_page``; the per-person parts are filled in on each request), as
are the home page and its counts.  An edit shows up at most that long after it was written.
Each web process has its own cache, bounded to ``max_entries``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Hashable


class TTLCache:
    def __init__(self, seconds: float, max_entries: int = 2000):
        self.seconds, self.max_entries = float(seconds), max_entries
        self._items: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], object]):
        if self.seconds <= 0:
            return make()
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] > now:
                self._items.move_to_end(key)
                return hit[1]
        value = make()  # outside the lock: two threads may both build a missing entry
        if value is None:  # "not found" is not kept: a node written a moment later shows at once
            return None
        with self._lock:
            self._items[key] = (now + self.seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def graph_cache() -> TTLCache:
    """The app's cache of rendered graph views (``GRAPH_CACHE_SECONDS``, default 5)."""
    from flask import current_app

    app = current_app._get_current_object()
    cache = app.extensions.get("cem_graph_cache")
    if cache is None:
        cache = app.extensions["cem_graph_cache"] = TTLCache(float(app.config.get("GRAPH_CACHE_SECONDS", 5)))
    return cache

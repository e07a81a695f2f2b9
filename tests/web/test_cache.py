"""The short-lived cache of rendered graph views: used while fresh, refreshed after it expires,
never shared between languages or between users who see different labels."""

from __future__ import annotations

import time

from tests.web.platform_fixtures import login, make_app
from web.graph.cache import TTLCache


def test_ttl_cache():
    cache = TTLCache(0.2, max_entries=2)
    calls = []

    def make(v):
        return lambda: calls.append(v) or v

    assert cache.get_or_make("a", make(1)) == 1 and cache.get_or_make("a", make(2)) == 1
    assert cache.get_or_make("missing", lambda: None) is None and cache.get_or_make("missing", make(3)) == 3
    cache.get_or_make("b", make(4))
    cache.get_or_make("c", make(5))  # over max_entries: the oldest ("a") goes
    assert cache.get_or_make("a", make(6)) == 6
    time.sleep(0.25)
    assert cache.get_or_make("c", make(7)) == 7
    assert TTLCache(0).get_or_make("x", make(8)) == 8 and TTLCache(0).get_or_make("x", make(9)) == 9


def test_node_pages_are_cached_briefly_per_language_and_visibility(seeded, monkeypatch):
    import types

    import web.graph.cache

    clock = [1000.0]
    monkeypatch.setattr(web.graph.cache, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    app = make_app(seeded, GRAPH_CACHE_SECONDS=5)
    trainee, reviewer = app.test_client(), app.test_client()
    login(trainee, "trainee")
    login(reviewer, "reviewer")
    assert "暴雨" in trainee.get("/node/hazard.rainstorm").get_data(as_text=True)
    assert "Rainstorm</h1>" not in trainee.get("/node/hazard.rainstorm").get_data(as_text=True)
    assert "Rainstorm</h1>" in trainee.get("/node/hazard.rainstorm?lang=en").get_data(as_text=True)
    assert "question.q1" in reviewer.get("/node/hazard.rainstorm").get_data(as_text=True)
    assert "question.q1" not in trainee.get("/node/hazard.rainstorm?lang=zh").get_data(as_text=True)
    seeded.upsert_nodes("Hazard", [{"id": "hazard.rainstorm", "properties": {
        "name": "暴雨（已更新）", "name_en": "Rainstorm", "category": "natural"}}])
    assert "暴雨（已更新）" not in trainee.get("/node/hazard.rainstorm").get_data(as_text=True)  # still cached
    clock[0] += 6
    assert "暴雨（已更新）" in trainee.get("/node/hazard.rainstorm").get_data(as_text=True)
    # a node written after a miss shows at once (misses are not kept)
    assert trainee.get("/node/hazard.new").status_code == 404
    seeded.upsert_nodes("Hazard", [{"id": "hazard.new", "properties": {"name": "新", "name_en": "New",
                                                                       "category": "natural"}}])
    assert trainee.get("/node/hazard.new").status_code == 200

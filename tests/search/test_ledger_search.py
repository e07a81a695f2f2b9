"""Hazard-ledger cases in search (both stores): indexed when reported, found by the readers of
their community and by nobody else — never even ranked for another community's users — and their
words never reach the lexicon that every reader's pinyin is read with."""

from __future__ import annotations

import pytest

from kg.access import Access
from kg.community import ledger
from kg.search.engine import Filters, SearchEngine
from tests.community.fixtures import NOW, actor, seed_community_graph, seed_community_users, viewer

CASE_A = {"hazard": "hazard.e-bike-fire", "place": "3号楼1单元楼道", "severity": "general",
          "description": "楼道内停放电动自行车并飞线充电，蜂窝煤炉也放在楼道，蜂窝煤堆在门口"}
CASE_B = {"hazard": "hazard.e-bike-fire", "place": "7号楼地下室", "severity": "general",
          "description": "地下室有人私拉电线给电动自行车充电"}
QUERY = "楼道 电动自行车 飞线充电"


@pytest.fixture
def ledger_world(store, tmp_path, embedder):
    seed_community_graph(store)
    seed_community_users(store)
    a, _ = ledger.report_case(store, actor(store, "grid-a"), "community.a", CASE_A, now=NOW,
                              data_dir=str(tmp_path), embedder=embedder)
    b, _ = ledger.report_case(store, actor(store, "editor-b"), "community.b", CASE_B, now=NOW,
                              data_dir=str(tmp_path))  # no model: keyword terms now, the vector later
    return store, SearchEngine(store, embedder), a.id, b.id


def found(store, engine, username, method, query=QUERY):
    labels, scoped = Access(store, viewer(store, username)).search_scope(engine.all_labels)
    result = engine.search(query, method=method, filters=Filters(labels), k=50, scoped=scoped)
    return {h.id: h for h in result.hits}


def test_a_reported_case_is_indexed_at_once(ledger_world):
    store, _, a, b = ledger_world
    docs = {d["id"]: d for d in store.search_documents("HazardCase")}
    assert docs[a]["has_vector"] and docs[a]["terms"] and "蜂窝煤" in docs[a]["text"]
    assert docs[b]["terms"] and not docs[b]["has_vector"]  # reported without the model loaded


@pytest.mark.parametrize("method", ["keyword", "dense", "hybrid"])
def test_each_community_finds_its_own_cases_only(ledger_world, method):
    store, engine, a, b = ledger_world
    mine = found(store, engine, "grid-a", method)
    assert a in mine and b not in mine
    assert mine[a].community == "community.a" and mine[a].name == "电动自行车火灾 · 3号楼1单元楼道"
    if method != "dense":  # b has no vector yet: keyword search finds it
        theirs = found(store, engine, "editor-b", method)
        assert b in theirs and a not in theirs
    admin = found(store, engine, "boss", method)
    assert a in admin and (b in admin or method == "dense")


def test_other_readers_never_get_cases_ranked(ledger_world):
    store, engine, a, b = ledger_world
    labels, scoped = Access(store, viewer(store, "other-trainee")).search_scope(engine.all_labels)
    assert "HazardCase" not in labels and not scoped
    labels, scoped = Access(store, viewer(store, "grid-a")).search_scope(engine.all_labels)
    assert "HazardCase" in labels and scoped == {"HazardCase": {a}}
    # a search that names no label searches what every reader sees whole: no case at all
    assert not {a, b} & {h.id for h in engine.search(QUERY, method="keyword", k=50).hits}
    # the ranking itself never holds another community's case (not only the page)
    raw = engine.rank(QUERY, "hybrid", labels=labels, ids=None, scoped=scoped)
    assert a in {r["id"] for r in raw["keyword"]} and b not in {r["id"] for rows in raw.values() for r in rows}


def test_case_words_stay_out_of_the_shared_lexicon(ledger_world):
    _, engine, _, _ = ledger_world
    # 蜂窝煤 (a dictionary word) occurs twice in community a's case only: the pinyin initials of
    # it must not be read as that word for anybody
    readings = engine.pinyin_readings("fwm 楼道")
    assert not any("蜂窝煤" in words for words in readings.values())


def test_reporting_a_case_keeps_the_cached_lexicon(ledger_world, tmp_path):
    """The lexicon is built from what every reader sees: a new case does not change it, so the
    next search must not pay for a rebuild; a shared record (a hazard) being re-indexed does."""
    from kg.search import lexicon
    from kg.search.index import index_nodes

    store = ledger_world[0]
    cached = lexicon.store_lexicon(store)
    ledger.report_case(store, actor(store, "grid-a"), "community.a", dict(CASE_A, place="5号楼楼顶"), now=NOW,
                       data_dir=str(tmp_path))
    assert lexicon.store_lexicon(store) is cached
    index_nodes(store, None, ["hazard.e-bike-fire"])
    assert lexicon.store_lexicon(store) is not cached

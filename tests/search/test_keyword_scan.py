"""The embedded store's keyword search scores small labels node by node (``text_bm25``) and asks
the BM25 index for large ones: both ways give the same ranking and scores, also for documents
changed since the index was built (which kglite folds in without a rebuild)."""

from __future__ import annotations

import pytest

from kg.content.load import load_content
from kg.search.engine import SearchEngine
from kg.search.index import build_index
from kg.search.text import query_text
from kg.store.embedded import EmbeddedStore

QUERIES = ["暴雨 地下车库 转移", "燃气泄漏 报告", "网格员 巡查", "地震 应急避难场所", "heat wave elderly"]


@pytest.fixture
def indexed(tmp_path, bundled_content):
    store = EmbeddedStore(tmp_path / "graph.kgl")
    store.init_schema()
    load_content(store, bundled_content)
    build_index(store, None)
    yield store
    store.close()


def ranking(store: EmbeddedStore, query: str, labels: list[str], share: int) -> list[tuple[str, str, float]]:
    store.KEYWORD_SCAN_SHARE = share  # 0: every label scored node by node; huge: every label from its index
    terms = SearchEngine(store, None).keyword_terms(query)
    hits = store.keyword_search(query_text(query), terms, labels=labels, k=30)
    return [(h["id"], h["label"], round(h["score"], 6)) for h in hits]


SEARCHED = ["LessonLearned", "Duty", "Plan", "Hazard", "Incident", "Facility", "Organization"]


@pytest.mark.parametrize("query", QUERIES)
def test_scoring_node_by_node_ranks_as_the_index_does(indexed, query):
    by_index = ranking(indexed, query, SEARCHED, 10**9)
    assert by_index, "the query finds something"
    assert ranking(indexed, query, SEARCHED, 0) == by_index


def test_the_share_decides_which_labels_are_scored_node_by_node(indexed, monkeypatch):
    counts = indexed.graph.node_type_counts()
    total = sum(counts.values())
    asked: list[str] = []
    original = indexed._read_live

    def spy(query, params, timeout=None):
        asked.append("index" if "queryNodes" in query else "scan" if "text_bm25" in query else "other")
        return original(query, params, timeout)

    monkeypatch.setattr(indexed, "_read_live", spy)
    indexed.KEYWORD_SCAN_SHARE = 16
    indexed.keyword_search("暴雨", "暴 雨 暴雨", labels=["Plan", "LessonLearned"], k=10)
    expected = ["scan" if counts[label] * 16 < total else "index" for label in ["Plan", "LessonLearned"]]
    assert asked == expected == ["scan", "index"]  # 16 plans and 147 lessons among ~800 nodes


def test_a_document_changed_since_the_index_was_built_ranks_the_same_both_ways(indexed):
    duty = indexed.get_node("duty.report-gas-leak")
    assert duty is not None
    indexed.upsert_nodes("Duty", [{"id": duty["id"], "properties": dict(duty["properties"],
                                                                       name="独一无二的测试词汇 窨井盖巡检")}])
    build_index(indexed, None)  # writes the new terms; one change does not rebuild the index
    query = "窨井盖巡检"
    by_index = ranking(indexed, query, ["Duty"], 10**9)
    assert by_index and by_index[0][0] == "duty.report-gas-leak"
    assert ranking(indexed, query, ["Duty"], 0) == by_index

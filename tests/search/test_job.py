"""The background index build (progress, keyword search first, degraded answers), incremental
indexing of given nodes, and labels made searchable by the schema's `text` lists — on both stores."""

import hashlib
import threading

import numpy as np

from kg.schema import LabelSpec, Schema, load_schema
from kg.search.embedder import Embedder
from kg.search.engine import DEGRADED_NOTICE, SearchEngine
from kg.search.index import build_index, index_nodes
from kg.search.job import IndexJob, run_index_job, start_index_job
from kg.search.text import NOT_SEARCHED, searchable_labels


class GatedEmbedder(Embedder):
    """A stand-in model (vectors from a hash of the text) held at a gate: embedding documents
    waits until the test opens it, so the test sees the build half done."""

    model_id, description, dimension = "test-gated", "hash vectors for the job test", 384

    def __init__(self):
        self.gate = threading.Event()
        self._queries = {}

    def _vector(self, text):
        rng = np.random.default_rng(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16))
        v = rng.normal(size=self.dimension).astype(np.float32)
        return v / np.linalg.norm(v)

    def _documents(self, texts):
        assert self.gate.wait(120), "the test never opened the gate"
        return np.stack([self._vector(t) for t in texts])

    def _query(self, text):
        return self._vector(text)


def test_search_works_on_keywords_while_the_vectors_are_built(store, bundled_content):
    from kg.content.load import load_content
    from kg.search.embedder import VectorCache

    store.init_schema()
    load_content(store, bundled_content)
    gated = GatedEmbedder()
    job = start_index_job(store, embedder=gated, cache=VectorCache(None))
    engine = SearchEngine(store, gated, readiness=job)
    for _ in range(600):
        if job.state == "vectors" and job.total:
            break
        threading.Event().wait(0.1)
    assert job.keyword_ready and not job.vectors_ready and job.total >= 500
    progress = job.as_dict()
    assert progress["state"] == "vectors" and progress["done"] < progress["total"] and progress["error"] is None
    result = engine.search("老旧小区燃气泄漏谁先处置", k=5)
    assert result.degraded and result.method == "keyword" and result.notice == DEGRADED_NOTICE
    assert result.as_dict()["notice"] == DEGRADED_NOTICE
    assert "duty.report-gas-leak" in [h.id for h in result.hits]
    gated.gate.set()
    assert job.wait(600) and job.state == "ready", job.as_dict()
    assert job.as_dict()["percent"] == 100.0
    ready = engine.search("老旧小区燃气泄漏谁先处置", k=5)
    assert not ready.degraded and ready.method == "hybrid" and ready.notice is None and ready.hits
    assert store.node_vectors(["duty.report-gas-leak"])["duty.report-gas-leak"]


def test_a_failed_build_is_reported_and_search_stays_on_keywords(store, bundled_content):
    from kg.content.load import load_content

    class Broken:
        model_id, dimension = "broken", 384

        def encode_documents(self, texts, **kwargs):
            raise RuntimeError("the model fell over")

    store.init_schema()
    load_content(store, bundled_content)
    job = run_index_job(IndexJob(), store, embedder=Broken())
    assert job.state == "failed" and "the model fell over" in job.error and job.keyword_ready is False
    result = SearchEngine(store, readiness=job).search("燃气泄漏", k=3)
    assert result.degraded and result.hits  # the keyword terms were written before the model ran


def test_nodes_written_later_are_indexed_alone(indexed_store, embedder, vector_cache):
    engine = SearchEngine(indexed_store, embedder)
    indexed_store.upsert_nodes("LessonLearned", [{"id": "lesson.test-later", "properties": {
        "name": "社区运动会午后高温多名老人头晕", "observation": "夏季社区运动会安排在午后，多名老人出现头晕乏力。",
        "lesson": "高温时段不宜组织户外集体活动。", "recommendation": "居委会把活动改在早晚并准备防暑物品。"}}])
    report = index_nodes(indexed_store, embedder, ["lesson.test-later", "no.such-node"], cache=vector_cache)
    assert report.labels == {"LessonLearned": 1} and report.written == 1 and report.terms_written == 1
    assert engine.search("社区运动会 老人头晕", k=3).hits[0].id == "lesson.test-later"
    assert "lesson.test-later" in [h.id for h in engine.search("午后运动会老人中暑", method="dense", k=5).hits]
    again = index_nodes(indexed_store, embedder, ["lesson.test-later"], cache=vector_cache)
    assert (again.written, again.terms_written, again.unchanged) == (0, 0, 1)
    keyword_only = index_nodes(indexed_store, None, ["duty.report-gas-leak"])
    assert keyword_only.written == 0 and keyword_only.model_id is None


def test_a_label_with_a_text_list_is_searchable(tmp_path, embedder, vector_cache):
    from kg.store.embedded import EmbeddedStore

    base = load_schema()
    schema = Schema(labels=dict(base.labels, LedgerCase=LabelSpec("LedgerCase", "a hazard-ledger case", ("id", "name"),
                                                                   text=("name", "detail"))),
                    relationships=dict(base.relationships))
    assert "LedgerCase" in searchable_labels(schema)
    assert not set(searchable_labels(schema)) & NOT_SEARCHED
    assert searchable_labels(base)[:3] == ["LessonLearned", "Duty", "Plan"]
    with EmbeddedStore(tmp_path / "ledger.kgl", schema=schema) as store:
        store.init_schema()
        store.upsert_nodes("LedgerCase", [{"id": "ledger.1", "properties": {
            "name": "三号楼楼道堆放纸箱", "detail": "网格员巡查发现三号楼二单元楼道堆放大量纸箱，已通知物业清理。"}}])
        report = build_index(store, embedder, cache=vector_cache)
        assert report.labels.get("LedgerCase") == 1
        hits = SearchEngine(store, embedder).search("楼道 纸箱", k=3).hits
        assert hits and hits[0].id == "ledger.1" and hits[0].label == "LedgerCase"

"""Hybrid search: dense vectors + BM25 keywords, fused by weighted reciprocal-rank fusion.

Each method ranks up to ``CANDIDATES`` nodes; the fused score of a node is
``w_dense / (k + rank_dense) + w_keyword / (k + rank_keyword)`` with weights tuned per query
language on the development set only (``tests/search_eval``; ``cem search-eval --tune`` reprints
the grid).  Filters (labels, phase, hazard or hazard family, organization, incident year) are
resolved to the set of node ids that pass, and both methods rank within that set.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from kg.search.embedder import Embedder, EmbedderLoading, embedder_loading, load_embedder
from kg.search.text import SEARCH_LABELS, language, query_terms, query_text
from kg.errors import Invalid
from kg.store.base import GraphStore, StoreError

METHODS = ("hybrid", "dense", "keyword")
CANDIDATES = 50
#: Weighted RRF per query language: (dense weight, keyword weight, k).  Tuned on the
#: development set only (tests/search_eval/dev_queries.jsonl, `cem search-eval --tune`) with the
#: default model: the best setting that keeps hybrid at or above the better single method on
#: both stores (their keyword scorers differ: kglite BM25 over CJK unigrams + bigrams, Neo4j's
#: cjk analyzer over bigrams).  English keyword matching only reaches the few English names in
#: the graph, so for English queries keywords only nudge the dense ranking.
FUSION = {"zh": (1.0, 0.5, 5), "en": (1.0, 1.25, 5)}

LABEL_NAMES = {"LessonLearned": "经验教训", "Duty": "职责", "Plan": "预案", "Hazard": "灾害风险",
               "Incident": "事件", "Facility": "设施与资源", "Organization": "组织与角色",
               "Module": "培训模块", "Unit": "培训单元", "Criterion": "评估指标"}


class SearchError(Invalid):
    """A search request is unusable (unknown filter value, empty query ...)."""


@dataclass
class Filters:
    labels: list[str] | None = None
    phase: str | None = None
    hazard: str | None = None
    organization: str | None = None
    year: int | None = None

    def active(self) -> bool:
        return any((self.phase, self.hazard, self.organization, self.year))

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass
class Hit:
    id: str
    label: str
    name: str
    score: float
    snippet: str = ""
    ranks: dict = field(default_factory=dict)  # method -> 1-based rank
    context: dict | None = None

    def as_dict(self) -> dict:
        out = {"id": self.id, "label": self.label, "label_name": LABEL_NAMES.get(self.label, self.label),
               "name": self.name, "score": round(self.score, 6), "snippet": self.snippet, "ranks": self.ranks}
        if self.context is not None:
            out["context"] = self.context
        return out


@dataclass
class SearchResult:
    query: str
    method: str
    language: str
    filters: Filters
    hits: list[Hit]
    model_id: str | None
    milliseconds: float

    def as_dict(self) -> dict:
        return {"query": self.query, "method": self.method, "language": self.language,
                "filters": self.filters.as_dict(), "model": self.model_id,
                "milliseconds": round(self.milliseconds, 1), "hits": [h.as_dict() for h in self.hits]}


def rrf(rankings: dict[str, list[str]], weights: dict[str, float], k: float) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion of ranked id lists."""
    scores: dict[str, float] = {}
    for method, ids in rankings.items():
        w = weights.get(method, 0.0)
        if not w:
            continue
        for rank, node_id in enumerate(ids, start=1):
            scores[node_id] = scores.get(node_id, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def snippet(properties: dict, query: str, width: int = 90) -> str:
    """A short passage of the node's text around the first query term found."""
    from kg.search.text import tokens

    text = " ".join(str(properties.get(p) or "") for p in ("description", "summary", "observation", "lesson",
                                                               "recommendation", "requirement", "body")
                    if properties.get(p))
    text = " ".join(text.split())
    if not text:
        return ""
    terms = sorted({t for t in tokens(query_text(query)) if len(t) > 1}, key=len, reverse=True)
    at = min((text.find(t) for t in terms if t in text), default=0)
    start = max(0, at - width // 3)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


class SearchEngine:
    """Search over one store.  ``embedder`` is loaded on first use of a dense method."""

    def __init__(self, store: GraphStore, embedder: Embedder | None = None, *, fusion: dict | None = None):
        self.store = store
        self._embedder = embedder
        self.fusion = dict(FUSION, **(fusion or {}))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    @property
    def labels(self) -> list[str]:
        return [l for l in SEARCH_LABELS if l in self.store.schema.labels]

    # --- filters ------------------------------------------------------------------------
    def resolve(self, label: str, value: str | None) -> str | None:
        """A node id from an id, a Chinese name or an English name (case-insensitive)."""
        if not value:
            return None
        value = value.strip()
        node = self.store.get_node(value)
        if node and node["label"] == label:
            return value
        wanted = value.casefold()
        for node in self.store.nodes_by_label(label, limit=5000):
            props = node["properties"]
            names = {str(props.get("name", "")).casefold(), str(props.get("name_en", "")).casefold(),
                     node["id"].split(".")[-1].casefold()}
            if wanted in names:
                return node["id"]
        raise SearchError(f"unknown {label.lower()} {value!r}")

    def allowed_ids(self, filters: Filters) -> set[str] | None:
        if not filters.active():
            return None
        sets: list[set[str]] = []
        if filters.phase:
            phase = self.resolve("Phase", filters.phase)
            sets.append({r["id"] for r in self.store.run_read("search_filter_phase", phase=phase)})
        if filters.hazard:
            hazard = self.resolve("Hazard", filters.hazard)
            rows = self.store.run_read("search_filter_hazard", hazard=hazard)
            sets.append(set(rows[0]["ids"]) if rows else set())
        if filters.organization:
            org = self.resolve("Organization", filters.organization)
            rows = self.store.run_read("search_filter_organization", organization=org)
            sets.append(set(rows[0]["ids"]) if rows else set())
        if filters.year:
            year = str(int(filters.year))
            rows = self.store.run_read("search_filter_year", year=year)
            sets.append(set(rows[0]["ids"]) if rows else set())
        allowed = set.intersection(*sets)
        allowed.discard(None)
        return allowed

    def _labels(self, filters: Filters) -> list[str]:
        if not filters.labels:
            return self.labels
        out = []
        for label in filters.labels:
            if label not in self.labels:
                raise SearchError(f"cannot search label {label!r}; searchable: {', '.join(self.labels)}")
            out.append(label)
        return out

    # --- ranking ------------------------------------------------------------------------
    def rank(self, query: str, method: str, *, labels: list[str], ids: set[str] | None,
             k: int = CANDIDATES) -> dict[str, list[dict]]:
        """Raw rankings per single method (``dense``, ``keyword``) for ``method``."""
        id_list = sorted(ids) if ids is not None else None
        out: dict[str, list[dict]] = {}
        if ids is not None and not ids:
            return {"dense": [], "keyword": []}
        # The query is embedded (in the model's worker process) while the keywords are ranked.
        finish = self.embedder.query_later(query) if method in ("dense", "hybrid") else None
        try:
            if method in ("keyword", "hybrid"):
                out["keyword"] = self.store.keyword_search(query_text(query), query_terms(query), labels=labels,
                                                           k=k, ids=id_list)
        finally:
            vector = finish() if finish is not None else None
        if vector is not None:
            out["dense"] = self.store.vector_search(vector.tolist(), labels=labels, k=k, ids=id_list)
        return out

    def search(self, query: str, *, method: str = "hybrid", filters: Filters | None = None, k: int = 10,
               context: bool = False, exclude: set[str] | None = None) -> SearchResult:
        started = time.perf_counter()
        query = (query or "").strip()
        if not query:
            raise SearchError("the query is empty")
        if len(query) > 2000:
            raise SearchError("the query is too long (at most 2000 characters)")
        if method not in METHODS:
            raise SearchError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
        if method != "keyword" and self._embedder is None and embedder_loading():
            raise EmbedderLoading("the embedding model is still loading: search by keywords meanwhile")
        filters = filters or Filters()
        labels = self._labels(filters)
        ids = self.allowed_ids(filters)
        lang = language(query)
        rankings = self.rank(query, method, labels=labels, ids=ids, k=max(CANDIDATES, k))
        label_of = {r["id"]: r["label"] for ranked in rankings.values() for r in ranked}
        ranks = {m: {r["id"]: i for i, r in enumerate(ranked, start=1)} for m, ranked in rankings.items()}
        if method == "hybrid":
            wd, wk, rrf_k = self.fusion[lang]
            fused = rrf({m: [r["id"] for r in ranked] for m, ranked in rankings.items()},
                        {"dense": wd, "keyword": wk}, rrf_k)
        else:
            fused = [(r["id"], r["score"]) for r in rankings[method]]
        if exclude:
            fused = [(i, s) for i, s in fused if i not in exclude]
        fused = fused[:k]
        nodes = self.store.get_nodes([i for i, _ in fused])
        hits = []
        for node_id, score in fused:
            node = nodes.get(node_id)
            if node is None:
                continue
            props = node["properties"]
            hits.append(Hit(node_id, label_of.get(node_id) or node["label"], str(props.get("name", node_id)),
                            float(score), snippet(props, query),
                            {m: r[node_id] for m, r in ranks.items() if node_id in r}))
        if context:
            from kg.search.context import graph_context

            for hit in hits:
                hit.context = graph_context(self.store, hit.id, hit.label)
        model_id = self._embedder.model_id if self._embedder is not None and method != "keyword" else None
        return SearchResult(query, method, lang, filters, hits, model_id, (time.perf_counter() - started) * 1000)

    def ranked_ids(self, query: str, method: str, *, k: int = 10, filters: Filters | None = None) -> list[str]:
        return [h.id for h in self.search(query, method=method, k=k, filters=filters).hits]


__all__ = ["SearchEngine", "Filters", "Hit", "SearchResult", "SearchError", "rrf", "METHODS", "FUSION",
           "StoreError"]

"""Hybrid search: dense vectors + BM25 keywords, fused (kg.search.fusion).

Each method ranks up to ``CANDIDATES`` nodes; the fusion chosen by held-out measurement
(docs/search.md, ``fusion.json``) combines them.  Keyword terms follow the index's
``KeywordScheme`` and the store's lexicon (domain phrases; English words expanded into Chinese
terms); an English query's Chinese rendering is embedded too and averaged with it.  Filters
(labels, phase, hazard or hazard family, organization, incident year) are resolved to the set of
node ids that pass, and both methods rank within that set.

While the vectors are not ready (a first index build still running) or the model cannot be
loaded, a dense or hybrid search answers with keywords only and says so (``degraded``,
``notice``).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from kg.access import community_scoped
from kg.errors import N_, Invalid
from kg.schema import load_schema
from kg.search.embedder import Embedder, EmbedderError, EmbedderLoading, embedder_loading, load_embedder
from kg.search.fusion import Candidates, load_default, uses_graph
from kg.search.index import KEYWORD_SCHEME
from kg.search.lexicon import LexiconSources, store_lexicon
from kg.search.pinyin import PER_KEY
from kg.search.text import EN_RE, KeywordScheme, language, normalise, query_terms, query_text, searchable_labels
from kg.store.base import GraphStore, StoreError

METHODS = ("hybrid", "dense", "keyword")
CANDIDATES = 50

DEGRADED_NOTICE = "语义索引尚未就绪，本次仅按关键词检索。"
MODEL_UNAVAILABLE_NOTICE = "语义模型暂不可用，本次仅按关键词检索。"


@dataclass(frozen=True)
class SearchSettings:
    """How queries are processed (the defaults are what held-out measurement chose)."""
    keyword_scheme: KeywordScheme = KEYWORD_SCHEME
    #: expand English words into Chinese terms for keyword search
    expand_english: bool = True
    #: also embed the Chinese rendering of an English query and average the two vectors
    translate_dense: bool = True
    #: translations per English span in that rendering
    rendering_per_span: int = 1
    #: read pinyin tokens (``ddc``, ``kongtiao``) as the text's Chinese words, for keywords and
    #: (the query rewritten with the likeliest word) for the embedding
    expand_pinyin: bool = True
    lexicon: LexiconSources = field(default_factory=LexiconSources)


#: A filter value that names no node, per label (msgids; English in search.po).
UNKNOWN = {"Phase": N_("未知阶段 %(value)s"), "Hazard": N_("未知灾害风险 %(value)s"),
           "Organization": N_("未知组织 %(value)s")}


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
    #: [start, end) of the matched query terms in ``snippet`` (for highlighting)
    highlights: list = field(default_factory=list)
    #: the community a community-scoped record (a ledger case) belongs to, for its page's address
    community: str | None = None

    def as_dict(self, lang: str = "zh") -> dict:
        """Plain data; ``label_name`` is what the schema calls the label in ``lang``."""
        out = {"id": self.id, "label": self.label, "label_name": load_schema().label_name(self.label, lang),
               "name": self.name, "score": round(self.score, 6), "snippet": self.snippet, "ranks": self.ranks,
               "highlights": [list(h) for h in self.highlights]}
        if self.community:
            out["community"] = self.community
        if self.context is not None:
            out["context"] = self.context
        return out


@dataclass
class SearchResult:
    query: str
    method: str              # the method that ran (keyword when a semantic search degraded)
    language: str
    filters: Filters
    hits: list[Hit]
    model_id: str | None
    milliseconds: float
    #: the method asked for ran as keyword search (vectors not ready, or the model unavailable)
    degraded: bool = False
    notice: str | None = None
    #: pinyin tokens of the query -> the Chinese words they were read as (``xhs`` -> [消火栓])
    pinyin: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self, lang: str = "zh") -> dict:
        """Plain data; the hits' label names in ``lang`` (the reader's language, not the query's)."""
        out = {"query": self.query, "method": self.method, "language": self.language,
               "filters": self.filters.as_dict(), "model": self.model_id,
               "milliseconds": round(self.milliseconds, 1), "degraded": self.degraded,
               "hits": [h.as_dict(lang) for h in self.hits]}
        if self.notice:
            out["notice"] = self.notice
        if self.pinyin:
            out["pinyin"] = self.pinyin
        return out


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


def snippet(properties: dict, query: str, *, terms: str | None = None, width: int = 120) -> tuple[str, list]:
    """``(snippet, highlights)``: whole sentences of the node's plain text around the query's
    terms (kg.search.snippets)."""
    from kg.search.snippets import snippet as make

    return make(properties, terms if terms is not None else query_terms(query), width=width)


class SearchEngine:
    """Search over one store.  ``embedder`` is loaded on first use of a dense method.

    ``readiness``: an object with a ``vectors_ready`` attribute (e.g. the web app's background
    ``IndexJob``); while it is false, dense and hybrid searches answer with keywords only."""

    def __init__(self, store: GraphStore, embedder: Embedder | None = None, *, fusion=None,
                 settings: SearchSettings | None = None, readiness=None):
        self.store = store
        self._embedder = embedder
        self.fusion = fusion if fusion is not None else load_default(store.backend)
        self.settings = settings or SearchSettings()
        self.readiness = readiness

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    @property
    def all_labels(self) -> list[str]:
        """Every searchable label, community-scoped records (the hazard ledger) included."""
        return searchable_labels(self.store.schema)

    @property
    def labels(self) -> list[str]:
        """The labels searched when a search names none: every searchable label whose records
        are not kept per community (those are searched only when asked for, with the ids the
        reader may see: ``search(scoped=...)``)."""
        return [label for label in self.all_labels if not community_scoped(label)]

    @property
    def lexicon(self):
        return store_lexicon(self.store, sources=self.settings.lexicon)

    @property
    def vectors_ready(self) -> bool:
        return self.readiness is None or bool(getattr(self.readiness, "vectors_ready", True))

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
        raise SearchError(UNKNOWN.get(label, N_("未知节点 %(value)s")), value=repr(value)[:200])

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
            if label not in self.all_labels:
                raise SearchError(N_("不能检索类别 %(label)s；可检索：%(labels)s"), label=repr(label)[:80],
                                  labels=", ".join(self.all_labels))
            out.append(label)
        return out

    # --- ranking ------------------------------------------------------------------------
    def keyword_terms(self, query: str) -> str:
        """The keyword terms a query sends (scheme, domain phrases, English expansion)."""
        settings = self.settings
        needs_lexicon = settings.keyword_scheme.phrases or (
            (settings.expand_english or settings.expand_pinyin) and EN_RE.search(normalise(query)))
        return query_terms(query, scheme=settings.keyword_scheme, lexicon=self.lexicon if needs_lexicon else None,
                           expand_english=settings.expand_english, expand_pinyin=settings.expand_pinyin)

    def _dense_texts(self, query: str) -> list[str]:
        texts = [query]
        if EN_RE.search(normalise(query)):
            if self.settings.expand_pinyin:
                rewritten = self.lexicon.pinyin.rewrite(query)
                if rewritten:
                    texts.append(rewritten)
            if self.settings.translate_dense:
                rendering = self.lexicon.pseudo_query(query_text(query), self.settings.rendering_per_span)
                if rendering and rendering != query:
                    texts.append(rendering)
        return texts

    def rank(self, query: str, method: str, *, labels: list[str], ids: set[str] | None,
             k: int = CANDIDATES, terms: str | None = None,
             scoped: dict[str, set[str]] | None = None) -> dict[str, list[dict]]:
        """Raw rankings per single method (``dense``, ``keyword``) for ``method``; ``terms``: the
        query's keyword terms when the caller has them already; ``scoped``: labels whose nodes are
        ranked only among the given ids (records the reader may see)."""
        groups = _store_groups(labels, ids, scoped)
        out: dict[str, list[dict]] = {}
        if not groups:
            return {"dense": [], "keyword": []}
        texts = self._dense_texts(query) if method in ("dense", "hybrid") else []
        # The query is embedded (in the model's worker process) while the keywords are ranked.
        finish = self.embedder.query_later(texts[0]) if texts else None
        try:
            if method in ("keyword", "hybrid"):
                words = terms if terms is not None else self.keyword_terms(query)
                out["keyword"] = _merged([self.store.keyword_search(query_text(query), words, labels=group, k=k, ids=only)
                                          for group, only in groups], k)
        finally:
            vector = finish() if finish is not None else None
        if vector is not None:
            for extra in texts[1:]:
                vector = vector + self.embedder.encode_query(extra)
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
            out["dense"] = _merged([self.store.vector_search(vector.tolist(), labels=group, k=k, ids=only)
                                    for group, only in groups], k)
        return out

    def hazards_of(self, ids: list[str]) -> dict[str, set[str]]:
        """Node id -> the hazards it is about / addresses / covers (a hazard: itself, its family)."""
        if not ids:
            return {}
        rows = self.store.run_read("search_hazards_of", ids=list(ids))
        labels = self.store.labels_of(ids)
        return {r["id"]: set(r["hazards"]) | ({r["id"]} if labels.get(r["id"]) == "Hazard" else set())
                for r in rows}

    def fuse(self, query: str, lang: str, rankings: dict[str, list[dict]], terms: str | None = None) -> list[tuple[str, float]]:
        """The hybrid ranking of one query's single-method rankings."""
        candidates = Candidates.of(query, lang, rankings, terms if terms is not None else self.keyword_terms(query))
        if uses_graph(self.fusion):
            candidates.hazards = self.hazards_of(candidates.ids)
        return candidates.ranked(self.fusion.scores(candidates))

    def search(self, query: str, *, method: str = "hybrid", filters: Filters | None = None, k: int = 10,
               context: bool = False, exclude: set[str] | None = None, within: set[str] | None = None,
               scoped: dict[str, set[str]] | None = None) -> SearchResult:
        """Search; ``within`` (node ids) narrows the search further, like a filter; ``scoped``
        (label -> ids, ``Access.search_scope``) ranks those labels' nodes only among the ids."""
        started = time.perf_counter()
        query = (query or "").strip()
        if not query:
            raise SearchError(N_("检索内容为空"))
        if len(query) > 2000:
            raise SearchError(N_("检索内容过长（不超过 %(limit)s 个字符）"), limit=2000)
        if method not in METHODS:
            raise SearchError(N_("未知检索方式 %(method)s；可选：%(methods)s"), method=repr(method)[:80],
                              methods=", ".join(METHODS))
        if method != "keyword" and self._embedder is None and embedder_loading():
            raise EmbedderLoading("the embedding model is still loading: search by keywords meanwhile")
        filters = filters or Filters()
        labels = self._labels(filters)
        ids = self.allowed_ids(filters)
        if within is not None:
            ids = set(within) if ids is None else ids & set(within)
        lang = language(query)
        terms = self.keyword_terms(query)
        ran, notice = method, None
        if method != "keyword" and not self.vectors_ready:
            ran, notice = "keyword", DEGRADED_NOTICE
        try:
            rankings = self.rank(query, ran, labels=labels, ids=ids, k=max(CANDIDATES, k), terms=terms, scoped=scoped)
        except EmbedderError:
            if method == "keyword":
                raise
            ran, notice = "keyword", MODEL_UNAVAILABLE_NOTICE
            rankings = self.rank(query, ran, labels=labels, ids=ids, k=max(CANDIDATES, k), terms=terms, scoped=scoped)
        label_of = {r["id"]: r["label"] for ranked in rankings.values() for r in ranked}
        ranks = {m: {r["id"]: i for i, r in enumerate(ranked, start=1)} for m, ranked in rankings.items()}
        if ran == "hybrid":
            fused = self.fuse(query, lang, rankings, terms)
        else:
            fused = [(r["id"], r["score"]) for r in rankings[ran]]
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
            text, marks = snippet(props, query, terms=terms)
            label = label_of.get(node_id) or node["label"]
            hits.append(Hit(node_id, label, hit_name(self.store.schema, label, props, node_id),
                            float(score), text, {m: r[node_id] for m, r in ranks.items() if node_id in r},
                            highlights=marks, community=props.get("community") if community_scoped(label) else None))
        if context:
            from kg.search.context import graph_context

            for hit in hits:
                hit.context = graph_context(self.store, hit.id, hit.label)
        model_id = self._embedder.model_id if self._embedder is not None and ran != "keyword" else None
        return SearchResult(query, ran, lang, filters, hits, model_id, (time.perf_counter() - started) * 1000,
                            degraded=ran != method, notice=notice, pinyin=self.pinyin_readings(query))

    def pinyin_readings(self, query: str) -> dict[str, list[str]]:
        """The query's pinyin tokens and the words search read them as (shown to the user)."""
        if not self.settings.expand_pinyin or not EN_RE.search(normalise(query)):
            return {}
        return {token: words[:PER_KEY] for token, words in self.lexicon.pinyin.readings(query)}

    def ranked_ids(self, query: str, method: str, *, k: int = 10, filters: Filters | None = None) -> list[str]:
        return [h.id for h in self.search(query, method=method, k=k, filters=filters).hits]


def hit_name(schema, label: str, props: dict, node_id: str) -> str:
    """What a hit is called: its name, else its first two text properties (a ledger case: the
    hazard and the place), else its id."""
    if props.get("name"):
        return str(props["name"])
    spec = schema.labels.get(label)
    parts = [str(props[f]) for f in (spec.text if spec else ())[:2] if props.get(f)]
    return " · ".join(parts) or node_id


def _store_groups(labels: list[str], ids: set[str] | None,
                  scoped: dict[str, set[str]] | None) -> list[tuple[list[str], list[str] | None]]:
    """The (labels, ids) the stores are asked with: the labels searched whole with the filters'
    ids, and the scoped labels with their readable ids (within the filters' ids).  Empty when
    nothing can match."""
    scoped = scoped or {}
    free = [label for label in labels if label not in scoped]
    out: list[tuple[list[str], list[str] | None]] = []
    if free and (ids is None or ids):
        out.append((free, sorted(ids) if ids is not None else None))
    restricted = [label for label in labels if label in scoped]
    if restricted:
        readable = set().union(*(scoped[label] for label in restricted))
        if ids is not None:
            readable &= ids
        if readable:
            out.append((restricted, sorted(readable)))
    return out


def _merged(rankings: list[list[dict]], k: int) -> list[dict]:
    """Several store rankings of one method as one (best score first)."""
    if len(rankings) == 1:
        return rankings[0]
    rows = [row for ranking in rankings for row in ranking]
    rows.sort(key=lambda r: (-r["score"], r["id"]))
    return rows[:k]


__all__ = [
    "METHODS",
    "Filters",
    "Hit",
    "SearchEngine",
    "SearchError",
    "SearchResult",
    "SearchSettings",
    "StoreError",
    "rrf",
]

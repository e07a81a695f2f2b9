"""Build or refresh the search index: text, keyword terms and vectors on every searchable node.

Two stages, so keyword search works within seconds of a start and never waits for the model:

1. **keyword terms** (``write_terms``) — the searchable text and its keyword terms (per the
   ``KeywordScheme`` and the store's lexicon) of every node whose stored text or terms differ
   from what they should be; no model involved;
2. **vectors** (``write_vectors``) — a node is re-embedded only when its embedded text or the
   model changed (``search_hash`` is a hash of both) or its vector is missing — e.g. after
   ``cem load`` replaced the node on a store that lost it.  Vectors already computed for the
   same text and model come from the vector cache instead of the model.

``build_index`` runs both over whole labels; ``index_nodes`` over given node ids (what other
areas call when they write a searchable record, so nothing waits for a full re-index).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.search.embedder import Embedder, VectorCache
from kg.search.text import KeywordScheme, content_hash, embedding_text, keyword_terms, searchable_text
from kg.search.text import searchable_labels as schema_searchable_labels
from kg.store.base import GraphStore

WRITE_BATCH = 256
#: The keyword scheme the index writes and the engine queries with (chosen by measurement on
#: held-out queries, docs/search.md): domain phrases as whole terms, names counted twice.
KEYWORD_SCHEME = KeywordScheme(phrases=True, field_weights=(("name", 2),))


@dataclass
class IndexReport:
    model_id: str | None
    dimension: int | None
    labels: dict[str, int] = field(default_factory=dict)  # label -> searchable nodes
    unchanged: int = 0
    terms_written: int = 0
    from_cache: int = 0
    embedded: int = 0
    written: int = 0
    embed_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.labels.values())

    @property
    def sentences_per_second(self) -> float | None:
        return self.embedded / self.embed_seconds if self.embedded and self.embed_seconds > 0 else None

    def summary(self) -> str:
        rate = self.sentences_per_second
        return (f"indexed {self.total} nodes ({', '.join(f'{label} {n}' for label, n in self.labels.items() if n)}): "
                f"{self.unchanged} unchanged, {self.terms_written} keyword terms written, "
                f"{self.from_cache} vectors from the cache, {self.embedded} embedded"
                + (f" ({rate:.1f} texts/s)" if rate else "")
                + (f" with {self.model_id}" if self.model_id else "") + f" in {self.seconds:.1f} s")


@dataclass
class Planned:
    label: str
    id: str
    text: str            # searchable text (stored as search_text)
    terms: str           # keyword terms (stored as search_terms)
    embedded: str        # the text the model embeds
    digest: str | None   # hash of (embedded text, model); None when no model is given
    needs_terms: bool
    needs_vector: bool


def searchable_labels(store: GraphStore, labels=None) -> list[str]:
    """The labels of ``store`` that are searched (optionally only those in ``labels``)."""
    found = schema_searchable_labels(store.schema)
    return [label for label in found if labels is None or label in labels]


def _neighbour_names(store: GraphStore, label: str, ids: set[str] | None) -> dict[str, list[str]]:
    rows = store.search_neighbour_names(label)
    return {r["id"]: sorted(n for n in r["names"] if n) for r in rows if ids is None or r["id"] in ids}


def plan_index(store: GraphStore, model_id: str | None, labels=None, *, force: bool = False,
               scheme: KeywordScheme = KEYWORD_SCHEME, lexicon=None, ids: Iterable[str] | None = None):
    """What needs (re)writing: ``([Planned], {label: searchable nodes}, unchanged)``.  With
    ``ids`` only those nodes are looked at."""
    wanted = set(ids) if ids is not None else None
    if lexicon is None and scheme.phrases:
        from kg.search.lexicon import LexiconSources, store_lexicon

        lexicon = store_lexicon(store, sources=LexiconSources(cedict=False, pinyin=False, aligned_words=False))
    todo, counts, unchanged = [], {}, 0
    for label in searchable_labels(store, labels):
        docs = store.search_documents(label, ids=sorted(wanted) if wanted is not None else None)
        neighbours = _neighbour_names(store, label, wanted) if scheme.neighbours else {}
        counts[label] = 0
        for doc in docs:
            props = doc["properties"]
            text = searchable_text(store.schema, label, props)
            if not text:
                continue
            counts[label] += 1
            embedded = embedding_text(store.schema, label, props) or text
            terms = keyword_terms(store.schema, label, props, scheme=scheme, lexicon=lexicon,
                                  neighbours=neighbours.get(doc["id"]))
            digest = content_hash(embedded, model_id) if model_id else None
            needs_terms = force or doc.get("text") != text or doc.get("terms") != terms
            needs_vector = model_id is not None and (force or doc["hash"] != digest or doc["model"] != model_id
                                                     or not doc["has_vector"])
            if not needs_terms and not needs_vector:
                unchanged += 1
                continue
            todo.append(Planned(label, doc["id"], text, terms, embedded, digest, needs_terms, needs_vector))
    return todo, counts, unchanged


def write_terms(store: GraphStore, todo: list[Planned]) -> int:
    """Stage 1: searchable text and keyword terms (no model); returns nodes written."""
    written = 0
    by_label: dict[str, list[dict]] = {}
    for p in todo:
        if p.needs_terms:
            by_label.setdefault(p.label, []).append({"id": p.id, "text": p.text, "terms": p.terms, "vector": None})
    for label, rows in by_label.items():
        for start in range(0, len(rows), WRITE_BATCH):
            written += store.write_search_documents(label, rows[start:start + WRITE_BATCH])
    if by_label:
        store.finish_search_index(list(by_label), None)
    return written


def write_vectors(store: GraphStore, embedder: Embedder, todo: list[Planned], *, cache: VectorCache | None = None,
                  batch_size: int = 16, report: IndexReport | None = None,
                  on_plan: Callable[[int], None] | None = None,
                  progress: Callable[[int], None] | None = None) -> IndexReport:
    """Stage 2: vectors for the planned nodes that need one (from the cache or the model)."""
    report = report or IndexReport(embedder.model_id, embedder.dimension)
    need = [p for p in todo if p.needs_vector]
    cache = cache or VectorCache(None)
    keys = {p.embedded: VectorCache.key(p.embedded, embedder.model_id) for p in need}
    cached = cache.get_many(keys.values())
    cached = {h: v for h, v in cached.items() if len(v) == embedder.dimension}
    missing = [text for text, key in keys.items() if key not in cached]
    report.from_cache += sum(1 for p in need if keys[p.embedded] in cached)
    if on_plan:
        on_plan(len(missing))
    by_label: dict[str, list[Planned]] = {}
    for p in need:
        by_label.setdefault(p.label, []).append(p)
    # Embed in chunks and write what is ready after each chunk, so a long build shows its
    # progress in the store too (search finds the nodes embedded so far).
    chunk = max(batch_size * 8, 64)
    starts = list(range(0, len(missing), chunk)) or [0]
    for start in starts:
        part = missing[start:start + chunk]
        if part:
            t0 = time.perf_counter()
            vectors = embedder.encode_documents(part, batch_size=batch_size, progress=progress)
            report.embed_seconds += time.perf_counter() - t0
            fresh = {keys[text]: vectors[i] for i, text in enumerate(part)}
            cache.put_many(fresh)
            cached.update(fresh)
            report.embedded += len(part)
        for label, items in by_label.items():
            ready = [p for p in items if keys[p.embedded] in cached]
            rows = [{"id": p.id, "text": p.text, "terms": p.terms, "hash": p.digest, "model": embedder.model_id,
                     "vector": cached[keys[p.embedded]].tolist()} for p in ready]
            for s in range(0, len(rows), WRITE_BATCH):
                report.written += store.write_search_documents(label, rows[s:s + WRITE_BATCH])
            by_label[label] = [p for p in items if keys[p.embedded] not in cached]
    store.finish_search_index(list(report.labels) or sorted({p.label for p in need}), embedder.dimension)
    return report


def build_index(store: GraphStore, embedder: Embedder | None, *, labels=None, cache: VectorCache | None = None,
                force: bool = False, batch_size: int = 16, scheme: KeywordScheme = KEYWORD_SCHEME,
                on_plan: Callable[[int], None] | None = None,
                progress: Callable[[int], None] | None = None,
                after_terms: Callable[[IndexReport], None] | None = None) -> IndexReport:
    """Bring the search index of ``store`` up to date: keyword terms first, then (with an
    ``embedder``) vectors.  ``on_plan(n)`` is told how many texts will be embedded, ``progress(k)``
    as they are, ``after_terms(report)`` once keyword search is ready."""
    from kg.search.lexicon import invalidate

    started = time.perf_counter()
    invalidate(store)
    model_id = embedder.model_id if embedder is not None else None
    report = IndexReport(model_id, embedder.dimension if embedder is not None else None)
    todo, report.labels, report.unchanged = plan_index(store, model_id, labels, force=force, scheme=scheme)
    report.terms_written = write_terms(store, todo)
    if after_terms:
        after_terms(report)
    if embedder is not None:
        write_vectors(store, embedder, todo, cache=cache, batch_size=batch_size, report=report, on_plan=on_plan,
                      progress=progress)
    elif not todo:
        store.finish_search_index(list(report.labels), None)
    report.seconds = time.perf_counter() - started
    return report


def index_nodes(store: GraphStore, embedder: Embedder | None, ids: Iterable[str], *,
                cache: VectorCache | None = None, scheme: KeywordScheme = KEYWORD_SCHEME) -> IndexReport:
    """(Re)index the given nodes only — call it after writing searchable records (a lesson, a
    ledger case, a drill review ...).  Nodes of labels that are not searched are ignored; nodes
    whose text did not change are left alone.  Without an ``embedder`` only keyword terms are
    written (the vectors follow at the next ``build_index``)."""
    started = time.perf_counter()
    ids = [i for i in dict.fromkeys(ids) if i]
    model_id = embedder.model_id if embedder is not None else None
    report = IndexReport(model_id, embedder.dimension if embedder is not None else None)
    if not ids:
        return report
    from kg.search.lexicon import feeds_lexicon, invalidate

    labels = sorted(set(store.labels_of(ids).values()))
    # The lexicon is built from the names and text of what every reader sees: a community's
    # records (a ledger case) leave it valid, so reporting one does not cost the next search a
    # rebuild.  Ids no longer in the store (a deleted record) invalidate it as before.
    shared = not labels or any(feeds_lexicon([label]) for label in labels)
    if shared:
        invalidate(store)
    todo, report.labels, report.unchanged = plan_index(store, model_id, labels, scheme=scheme, ids=ids)
    report.terms_written = write_terms(store, todo)
    if report.terms_written and shared:
        invalidate(store)
    if embedder is not None:
        write_vectors(store, embedder, todo, cache=cache, report=report)
    report.seconds = time.perf_counter() - started
    return report

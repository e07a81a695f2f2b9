"""Build or refresh the search index: text, keyword terms and vectors on every searchable node.

A node is re-embedded only when its searchable text or the model changed (the stored
``search_hash`` is a hash of both) or its vector is missing — e.g. after ``cem load`` replaced
the node on a store that lost it.  Vectors already computed for the same text and model come
from the vector cache instead of the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from kg.search.embedder import Embedder, VectorCache
from kg.search.text import SEARCH_LABELS, content_hash, document_terms, embedding_text, searchable_text
from kg.store.base import GraphStore

WRITE_BATCH = 256


@dataclass
class IndexReport:
    model_id: str
    dimension: int
    labels: dict[str, int] = field(default_factory=dict)  # label -> searchable nodes
    unchanged: int = 0
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
        return (f"indexed {self.total} nodes ({', '.join(f'{l} {n}' for l, n in self.labels.items() if n)}): "
                f"{self.unchanged} unchanged, {self.from_cache} from the vector cache, {self.embedded} embedded"
                + (f" ({rate:.1f} texts/s)" if rate else "") + f" with {self.model_id} in {self.seconds:.1f} s")


def searchable_labels(store: GraphStore, labels=None) -> list[str]:
    wanted = labels or SEARCH_LABELS
    return [l for l in wanted if l in store.schema.labels]


def plan_index(store: GraphStore, embedder: Embedder, labels=None, *, force: bool = False):
    """What needs (re)writing: ``[(label, id, text, embedded text, hash)]`` and per-label counts.
    The hash covers both texts and the model."""
    todo, counts, unchanged = [], {}, 0
    for label in searchable_labels(store, labels):
        docs = store.search_documents(label)
        counts[label] = 0
        for doc in docs:
            text = searchable_text(store.schema, label, doc["properties"])
            embedded = embedding_text(store.schema, label, doc["properties"]) or text
            if not text:
                continue
            counts[label] += 1
            digest = content_hash(f"{embedded}\x00{text}", embedder.model_id)
            if not force and doc["hash"] == digest and doc["model"] == embedder.model_id and doc["has_vector"]:
                unchanged += 1
                continue
            todo.append((label, doc["id"], text, embedded, digest))
    return todo, counts, unchanged


def build_index(store: GraphStore, embedder: Embedder, *, labels=None, cache: VectorCache | None = None,
                force: bool = False, batch_size: int = 16,
                on_plan: Callable[[int], None] | None = None,
                progress: Callable[[int], None] | None = None) -> IndexReport:
    """Bring the search index of ``store`` up to date; ``on_plan(n)`` is told how many texts will be
    embedded, ``progress(k)`` as they are."""
    started = time.perf_counter()
    report = IndexReport(embedder.model_id, embedder.dimension)
    todo, report.labels, report.unchanged = plan_index(store, embedder, labels, force=force)
    cache = cache or VectorCache(None)
    keys = {embedded: VectorCache.key(embedded, embedder.model_id) for _, _, _, embedded, _ in todo}
    cached = cache.get_many(keys.values())
    cached = {h: v for h, v in cached.items() if len(v) == embedder.dimension}
    missing = [text for text, key in keys.items() if key not in cached]
    report.from_cache = sum(1 for _, _, _, embedded, _ in todo if keys[embedded] in cached)
    if on_plan:
        on_plan(len(missing))
    if missing:
        t0 = time.perf_counter()
        vectors = embedder.encode_documents(missing, batch_size=batch_size, progress=progress)
        report.embed_seconds = time.perf_counter() - t0
        fresh = {keys[text]: vectors[i] for i, text in enumerate(missing)}
        cache.put_many(fresh)
        cached.update(fresh)
        report.embedded = len(missing)
    by_label: dict[str, list[dict]] = {}
    for label, node_id, text, embedded, digest in todo:
        by_label.setdefault(label, []).append({"id": node_id, "text": text, "terms": document_terms(text),
                                               "hash": digest, "model": embedder.model_id,
                                               "vector": cached[keys[embedded]].tolist()})
    for label, rows in by_label.items():
        for start in range(0, len(rows), WRITE_BATCH):
            report.written += store.write_search_documents(label, rows[start:start + WRITE_BATCH])
    store.finish_search_index(list(report.labels), embedder.dimension)
    report.seconds = time.perf_counter() - started
    return report

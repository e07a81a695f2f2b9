"""The embedded default store: kglite (a Rust graph engine with Cypher) in a local file.

Only one process may write to the file (kglite takes a writer lease).  Inside that process writes,
search and maintenance go through one lock; other reads run without it, in parallel, on an
immutable snapshot of the last committed state (kglite's "build, freeze, share, swap": a
``FrozenGraph`` shares the graph's data, O(1)), swapped for a fresh one under the lock after every
change — so a threaded web server's page reads never queue behind each other.  Every committed write
transaction is fsync'd to kglite's write-ahead log before the call returns (``durable="full"``),
so a killed process loses no committed batch; ``close()`` checkpoints the file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, cast

import kglite

from kg.schema import Schema
from kg.store.base import (
    ConstraintViolation,
    GraphStore,
    Health,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    query_text,
)

kglite.set_query_warning_policy("silent")


def _rows(result: object) -> list[dict]:
    """The rows of a query's answer (``cypher`` without ``to_df`` answers a ``ResultView``)."""
    return cast(kglite.ResultView, result).to_list()


class EmbeddedStore(GraphStore):
    kind = "embedded"
    backend = "embedded"

    def __init__(self, path: str | Path, schema: Schema | None = None, *,
                 durable: Literal["full", "normal", "off"] = "full"):
        super().__init__(schema)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self.graph = kglite.open(str(self.path), durable=durable)
        except kglite.WriterLeaseHeldError as exc:
            raise StoreUnavailable(
                f"{self.path} is open for writing in another process (the embedded store allows one "
                f"writer; use Neo4j for several processes): {exc}"
            ) from exc
        except kglite.KgError as exc:
            raise StoreUnavailable(f"cannot open the embedded store {self.path}: {exc}") from exc
        self._closed = False
        #: What lock-free reads see: the graph as of the last change (``_publish``).
        self._snapshot = self.graph.freeze()
        #: Committed write transactions since open (``cem serve`` checkpoints when it grows).
        self.writes = 0
        self._restrict_files()

    def _restrict_files(self) -> None:
        """The store's files (graph, log, lease) readable and writable by this user only."""
        try:
            for entry in os.scandir(self.path.parent):
                if entry.name.startswith(self.path.name) and entry.is_file() and entry.stat().st_mode & 0o077:
                    os.chmod(entry.path, 0o600)
        except OSError:
            pass

    @property
    def location(self) -> str:
        return str(self.path)

    def _node(self, row: dict) -> dict:
        """kglite hides ``updated_at`` from ``properties(n)``: the node queries read it by name."""
        if row.get("updated_at") is not None and "updated_at" not in row["properties"]:
            row = dict(row, properties=dict(row["properties"], updated_at=row["updated_at"]))
        return super()._node(row)

    @staticmethod
    def _translate(exc: Exception) -> StoreError:
        if isinstance(exc, kglite.ConstraintError):
            return ConstraintViolation(str(exc))
        return StoreError(f"embedded store: {exc}")

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailable("the embedded store is closed")

    def _read(self, query: str, params: dict, timeout: float | None = None) -> list[dict]:
        """A read of the last committed state, without the lock (the current snapshot)."""
        self._check_open()
        return self._run(self._snapshot, query, params, timeout)

    def _read_live(self, query: str, params: dict, timeout: float | None = None) -> list[dict]:
        """A read of the live graph, for callers that hold the lock: search, whose indexes fold
        in recent changes as they are queried."""
        return self._run(self.graph, query, params, timeout)

    def _run(self, graph, query: str, params: dict, timeout: float | None) -> list[dict]:
        try:
            if timeout is None:
                return _rows(graph.cypher(query, params=params))
            return _rows(graph.cypher(query, params=params, timeout_ms=max(1, int(timeout * 1000))))
        except kglite.CypherTimeoutError as exc:
            raise QueryTimeout(f"embedded store: the query ran past {timeout} s") from exc
        except kglite.KgError as exc:
            raise self._translate(exc) from exc

    def _publish(self) -> None:
        """Let lock-free reads see the graph as it is now (caller holds the lock)."""
        self._snapshot = self.graph.freeze()

    def _write(self, statements: list[tuple[str, dict]]) -> list[list[dict]]:
        with self._lock:
            self._check_open()
            results = []
            try:
                with self.graph.begin() as tx:
                    for query, params in statements:
                        results.append(tx.cypher(query, params=params).to_list())
            except kglite.KgError as exc:
                raise self._translate(exc) from exc
            finally:
                self._publish()
            self.writes += 1
            return results

    def init_schema(self) -> list[str]:
        ensured = []
        with self._lock:
            self._check_open()
            existing = {(tuple(r["labelsOrTypes"]), tuple(r["properties"]))
                        for r in _rows(self.graph.cypher("SHOW CONSTRAINTS"))}
            for label, spec in self.schema.labels.items():
                if ((label,), ("id",)) not in existing:
                    self.graph.cypher(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
                ensured.append(f"constraint {label}.id unique")
                for prop in spec.indexes:
                    self.graph.cypher(f"CREATE INDEX IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
                    ensured.append(f"index {label}.{prop}")
            self._publish()
            self.graph.save()
        self._restrict_files()
        return ensured

    # --- search support ---------------------------------------------------------------
    # Vectors live in kglite's embedding store for (label, "search_text") — kept apart from the
    # node's properties, ranked exactly by `db.node_embeddings.query` / `vector_score()`.
    # Keywords: kglite's BM25 index has no CJK segmentation, so each node also carries
    # `search_terms` (its text as single CJK characters, CJK bigrams and words, space-separated;
    # see kg.search.text) and the BM25 index (`Label.search_terms`) is built over that.
    SEARCH_COLUMN = "search_text"
    TERMS_COLUMN = "search_terms"

    def _embedding_stores(self) -> dict[str, int]:
        """Labels with a vector store for search_text, and its dimension (caller holds the lock)."""
        return {r["node_type"]: r["dimension"] for r in self.graph.list_embeddings()
                if r.get("entity") == "node" and r.get("text_column") == self.SEARCH_COLUMN}

    def search_documents(self, label: str, ids: list[str] | None = None) -> list[dict]:
        self.schema.label(label)
        with self._lock:
            self._check_open()
            name = "search_documents" if label in self._embedding_stores() else "search_documents_unembedded"
            rows = self._read_live(self._template(name, label=label), {"ids": list(ids) if ids is not None else None})
        return [{"id": r["id"], "properties": self._node({"id": r["id"], "labels": [label],
                                                          "properties": r["properties"]})["properties"],
                 "text": r["properties"].get(self.SEARCH_COLUMN), "terms": r["properties"].get(self.TERMS_COLUMN),
                 "hash": r["properties"].get("search_hash"), "model": r["properties"].get("search_model"),
                 "has_vector": bool(r["has_vector"])} for r in rows]

    def search_neighbour_names(self, label: str) -> list[dict]:
        self.schema.label(label)
        return self._read(self._template("search_neighbour_names", label=label), {})

    #: Keyword changes a label may collect before its BM25 index is rebuilt instead of caught up
    #: (kglite folds up to 1000 changed documents into a query by itself).
    TERMS_REBUILD_AFTER = 900
    #: Keyword search scores a label's nodes one by one (``text_bm25``) instead of asking its
    #: index when the label holds fewer than 1/16 of the graph's nodes: kglite's index procedure
    #: costs about 0.23 µs per node of the whole graph per call (2.5 ms at 10,000 lessons, even
    #: for a label of 60 nodes), scoring about 2.5-3.5 µs per node of the label.  Same scores.
    KEYWORD_SCAN_SHARE = 16
    #: Search-term writes per label since its BM25 index was (re)built; set at the first write.
    _terms_changed: dict[str, int]

    def write_search_documents(self, label: str, rows: list[dict]) -> int:
        self.schema.label(label)
        if not rows:
            return 0
        with_vector = [r for r in rows if r.get("vector") is not None]
        terms_only = [{"id": r["id"], "text": r["text"], "terms": r["terms"]} for r in rows if r.get("vector") is None]
        written = 0
        with self._lock:
            self._check_open()
            changed = getattr(self, "_terms_changed", None)
            if changed is None:
                changed = self._terms_changed = {}
            if terms_only:
                result = self._write([(self._template("search_write_terms", label=label), {"rows": terms_only})])[0]
                written += result[0]["written"] if result else 0
            if with_vector:
                props = [{"id": r["id"], "text": r["text"], "terms": r["terms"], "hash": r["hash"], "model": r["model"]}
                         for r in with_vector]
                vectors: dict[str, Sequence[float]] = {r["id"]: [float(x) for x in r["vector"]] for r in with_vector}
                dimension = len(next(iter(vectors.values())))
                result = self._write([(self._template("search_write", label=label), {"rows": props})])[0]
                written += result[0]["written"] if result else 0
                try:
                    current = self._embedding_stores().get(label)
                    if current is not None and current != dimension:
                        # The model changed dimension: the whole label is re-embedded by the caller.
                        self.graph.remove_embeddings(label, self.SEARCH_COLUMN)
                    self.graph.add_embeddings(label, self.SEARCH_COLUMN, vectors, metric="cosine")
                except (kglite.KgError, ValueError) as exc:
                    raise StoreError(f"embedded store: cannot store vectors for {label}: {exc}") from exc
                finally:
                    self._publish()
            changed[label] = changed.get(label, 0) + len(rows)
        return written

    def finish_search_index(self, labels: list[str], dimension: int | None) -> None:
        """Build a label's BM25 index when it has none or collected many changes; smaller changes
        are folded in by kglite at the next query.  The file is saved after a rebuild."""
        with self._lock:
            self._check_open()
            changed = getattr(self, "_terms_changed", {})
            rebuilt = False
            for label in labels:
                self.schema.label(label)
                if self.graph.has_text_index(label, self.TERMS_COLUMN) and changed.get(label, 0) < self.TERMS_REBUILD_AFTER:
                    continue
                try:
                    self.graph.build_text_index(label, self.TERMS_COLUMN)
                    rebuilt = True
                except (kglite.KgError, ValueError):
                    continue  # no node of this label carries search terms yet
                changed[label] = 0
            if rebuilt:
                self._publish()
                self.graph.save()
                self._restrict_files()

    def vector_search(self, vector, *, labels, k, ids=None) -> list[dict]:
        vector = [float(x) for x in vector]
        with self._lock:
            self._check_open()
            stores = self._embedding_stores()
            labels = [self.schema.label(name).name for name in labels if name in stores]
            if not labels or k <= 0:
                return []
            if ids is None:
                rows = self._read_live(query_text(self.backend, "search_vector"),
                                       {"labels": labels, "vector": vector, "k": int(k)})
                return [{"id": r["id"], "label": self._labels(r["labels"])[0], "name": r["name"], "score": float(r["score"])}
                        for r in rows if r["score"] is not None]
            out: list[dict] = []
            for label in labels:
                for r in self._read_live(self._template("search_vector_in", label=label),
                                         {"ids": list(ids), "vector": vector, "k": int(k)}):
                    out.append({"id": r["id"], "label": label, "name": r["name"], "score": float(r["score"])})
        out.sort(key=lambda r: (-r["score"], r["id"]))
        return out[:k]

    def keyword_search(self, text, terms, *, labels, k, ids=None) -> list[dict]:
        if not terms.strip() or k <= 0:
            return []
        out: list[dict] = []
        with self._lock:
            self._check_open()
            counts = self.graph.node_type_counts()
            total = sum(counts.values())
            for label in labels:
                self.schema.label(label)
                if not self.graph.has_text_index(label, self.TERMS_COLUMN):
                    continue
                if ids is None and counts.get(label, 0) * self.KEYWORD_SCAN_SHARE < total:
                    rows = self._read_live(self._template("search_keyword_scan", label=label),
                                           {"query": terms, "k": int(k)})
                elif ids is None:
                    rows = self._read_live(query_text(self.backend, "search_keyword"),
                                           {"index": f"{label}.{self.TERMS_COLUMN}", "query": terms, "k": int(k)})
                else:
                    rows = self._read_live(self._template("search_keyword_in", label=label),
                                           {"ids": list(ids), "query": terms, "k": int(k)})
                out.extend({"id": r["id"], "label": label, "name": r["name"], "score": float(r["score"])}
                           for r in rows if r["score"])
        out.sort(key=lambda r: (-r["score"], r["id"]))
        return out[:k]

    def node_vectors(self, ids: list[str]) -> dict[str, list[float]]:
        labels = self.labels_of(ids)
        out = {}
        with self._lock:
            self._check_open()
            stores = self._embedding_stores()
            for node_id, label in labels.items():
                if label in stores:
                    vec = self.graph.node_embedding(label, self.SEARCH_COLUMN, node_id)
                    if vec is not None:
                        out[node_id] = list(vec)
        return out

    def checkpoint(self) -> None:
        """Write the whole graph to its file (the log is folded in)."""
        with self._lock:
            self._check_open()
            self.graph.save()
            self._restrict_files()

    def health(self) -> Health:
        try:
            self._read("RETURN 1 AS ok", {})
            return Health(self.kind, self.location, True)
        except StoreError as exc:
            return Health(self.kind, self.location, False, str(exc))

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                self.graph.save()
                self._restrict_files()
            finally:
                self.graph.close()
                self._closed = True

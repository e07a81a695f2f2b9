"""The embedded default store: kglite (a Rust graph engine with Cypher) in a local file.

Only one process may write to the file (kglite takes a writer lease); inside that process all
calls go through one lock, so a threaded web server can share the store.  Every committed write
transaction is fsync'd to kglite's write-ahead log before the call returns (``durable="full"``),
so a killed process loses no committed batch; ``close()`` checkpoints the file.
"""

from __future__ import annotations

import threading
from pathlib import Path

import kglite

from kg.schema import Schema
from kg.store.base import ConstraintViolation, GraphStore, Health, StoreError, StoreUnavailable

kglite.set_query_warning_policy("silent")


class EmbeddedStore(GraphStore):
    kind = "embedded"
    backend = "embedded"

    def __init__(self, path: str | Path, schema: Schema | None = None, *, durable: str = "full"):
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

    @property
    def location(self) -> str:
        return str(self.path)

    @staticmethod
    def _translate(exc: Exception) -> StoreError:
        if isinstance(exc, kglite.ConstraintError):
            return ConstraintViolation(str(exc))
        return StoreError(f"embedded store: {exc}")

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailable("the embedded store is closed")

    def _read(self, query: str, params: dict) -> list[dict]:
        with self._lock:
            self._check_open()
            try:
                return self.graph.cypher(query, params=params).to_list()
            except kglite.KgError as exc:
                raise self._translate(exc) from exc

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
            return results

    def init_schema(self) -> list[str]:
        ensured = []
        with self._lock:
            self._check_open()
            existing = {(tuple(r["labelsOrTypes"]), tuple(r["properties"]))
                        for r in self.graph.cypher("SHOW CONSTRAINTS").to_list()}
            for label, spec in self.schema.labels.items():
                if ((label,), ("id",)) not in existing:
                    self.graph.cypher(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
                ensured.append(f"constraint {label}.id unique")
                for prop in spec.indexes:
                    self.graph.cypher(f"CREATE INDEX IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
                    ensured.append(f"index {label}.{prop}")
            self.graph.save()
        return ensured

    def checkpoint(self) -> None:
        """Write the whole graph to its file (the log is folded in)."""
        with self._lock:
            self._check_open()
            self.graph.save()

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
            finally:
                self.graph.close()
                self._closed = True

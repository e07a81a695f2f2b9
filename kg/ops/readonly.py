"""The embedded store opened for reading beside a running server.

kglite lets one process write a store (the writer lease).  A command that only reads
(``cem stats``, ``cem export``, ``cem search`` …) opens it with ``kglite.load`` instead, which
takes no lease and reads the last checkpoint of the file: ``cem serve`` checkpoints within a few
seconds of every write (``kg.ops.serve.Checkpointer``), so what such a command shows is at most
that old.  A write through this store is refused with the one-line explanation.
"""

from __future__ import annotations

import threading
import warnings
from datetime import datetime
from pathlib import Path

import kglite

from kg.schema import Schema
from kg.store import StoreError, StoreUnavailable
from kg.store.base import GraphStore
from kg.store.embedded import EmbeddedStore


class StoreReadOnly(StoreError):
    """A write was attempted through a read-only view of the embedded store."""


def lease_holder(exc: BaseException) -> dict | None:
    """The writer lease's holder (``pid``, ``since`` …) when ``exc`` (or its cause) says another
    process holds the embedded store for writing; else None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, kglite.WriterLeaseHeldError):
            holder = getattr(exc, "holder", None)
            return dict(holder) if isinstance(holder, dict) else {}
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None


def busy_message(path: str, holder: dict) -> str:
    """One line for a writing command while the server holds the store."""
    pid = holder.get("pid")
    who = f"the running server (pid {pid})" if pid else "another process (the server?)"
    return (f"{who} holds the embedded store {path} for writing: do this on the web pages instead, or stop the "
            "server and run the command again, or use Neo4j (several processes can write)")


class ReadOnlyEmbeddedStore(EmbeddedStore):
    """The store file's last checkpoint, for reading only (no lease, no write-ahead log)."""

    def __init__(self, path: str | Path, schema: Schema | None = None, *, holder: dict | None = None):
        GraphStore.__init__(self, schema)
        self.path = Path(path)
        self.holder = holder or {}
        self._lock = threading.RLock()
        self.writes = 0
        if not self.path.is_file():
            raise StoreUnavailable(f"the embedded store {self.path} has no checkpoint to read yet")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "the log holds newer commits": expected, said below
                self.graph = kglite.load(str(self.path))
        except kglite.KgError as exc:
            raise StoreUnavailable(f"cannot read the embedded store {self.path}: {exc}") from exc
        self._snapshot = self.graph.freeze()
        self._closed = False

    @property
    def checkpoint_time(self) -> datetime:
        return datetime.fromtimestamp(self.path.stat().st_mtime).astimezone()

    def _refuse(self):
        raise StoreReadOnly(busy_message(str(self.path), self.holder))

    def _write(self, statements):
        self._refuse()

    def init_schema(self):
        self._refuse()

    def write_search_documents(self, label, rows):
        self._refuse()

    def finish_search_index(self, labels, dimension):
        self._refuse()

    def checkpoint(self) -> None:
        self._refuse()

    def close(self) -> None:
        with self._lock:
            self._closed = True


__all__ = ["ReadOnlyEmbeddedStore", "StoreReadOnly", "busy_message", "lease_holder"]

"""Rate-limit counters kept in the graph store, so that every web worker shares them.

``GraphStoreStorage`` is a storage backend for the ``limits`` library (the engine behind
Flask-Limiter; the web app uses its ``FixedWindowRateLimiter`` directly, so that a sign-in try is
counted before the password is checked).  Counters are
``RateCounter`` nodes (id ``rate.<sha1 of the key>``): one guarded write adds to a counter and
returns the new count, so a check-and-count is atomic across threads and processes — on Neo4j
the write lock on the node serialises concurrent increments; the embedded store runs one write
at a time.  Only the fixed-window strategy is supported (it needs nothing else).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from limits.storage import Storage

from kg.store import GraphStore, StoreError

#: Expired counters are swept after this many increments (per process).
SWEEP_EVERY = 500


def counter_id(key: str) -> str:
    return "rate." + hashlib.sha1(key.encode("utf-8")).hexdigest()


class GraphStoreStorage(Storage):
    STORAGE_SCHEME = ["cemgraph"]  # noqa: RUF012 - the limits library's registry reads this name

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *, store: GraphStore,
                 clock: Any = time.time, **_: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.store = store
        self.clock = clock
        self._writes = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return StoreError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = float(self.clock())
        rows = self.store.run_write("rate_counter_incr", id=counter_id(key), now=now, expiry=float(expiry),
                                    amount=int(amount))
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            self.store.run_write("rate_counters_reset", before=now)
        return int(rows[0]["count"]) if rows else int(amount)

    def get(self, key: str) -> int:
        rows = self.store.run_read("rate_counter_get", id=counter_id(key), now=float(self.clock()))
        return int(rows[0]["count"]) if rows else 0

    def get_expiry(self, key: str) -> float:
        rows = self.store.run_read("rate_counter_get", id=counter_id(key), now=float(self.clock()))
        return float(rows[0]["expires_at"]) if rows else float(self.clock())

    def check(self) -> bool:
        return self.store.health().ok

    def reset(self) -> int | None:
        rows = self.store.run_write("rate_counters_reset", before=None)
        return int(rows[0]["deleted"]) if rows else 0

    def clear(self, key: str) -> None:
        self.store.run_write("rate_counter_clear", id=counter_id(key))


__all__ = ["GraphStoreStorage", "counter_id"]

"""A background index build with progress, for a server that starts on a store whose search index
is missing or out of date (e.g. straight after set-up).

    job = start_index_job(store)           # returns at once; the build runs in a thread
    engine = SearchEngine(store, readiness=job)
    job.as_dict()   # {"state", "done", "total", "error", "keyword_ready", "vectors_ready", ...}

States: ``queued`` -> ``keywords`` (writing keyword terms: no model, seconds) -> ``vectors``
(``done`` of ``total`` texts embedded) -> ``ready``; or ``failed`` with ``error``.  Keyword search
works from the end of ``keywords`` on; until ``ready`` an engine given the job as its
``readiness`` answers dense and hybrid searches with keywords and says so.  Progress goes to the
``kg.search`` log every ``LOG_EVERY`` share of the work.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

logger = logging.getLogger("kg.search")
LOG_EVERY = 0.1


@dataclass
class IndexJob:
    state: str = "queued"
    done: int = 0
    total: int = 0
    error: str | None = None
    nodes: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    summary: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _logged: float = field(default=0.0, repr=False)

    @property
    def keyword_ready(self) -> bool:
        return self.state in ("vectors", "ready")

    @property
    def vectors_ready(self) -> bool:
        return self.state == "ready"

    @property
    def running(self) -> bool:
        return self.state in ("queued", "keywords", "vectors")

    def as_dict(self) -> dict:
        with self._lock:
            return {"state": self.state, "done": self.done, "total": self.total, "error": self.error,
                    "nodes": self.nodes, "keyword_ready": self.keyword_ready, "vectors_ready": self.vectors_ready,
                    "percent": round(100.0 * self.done / self.total, 1) if self.total else (100.0 if self.vectors_ready else 0.0),
                    "seconds": round((self.finished_at or time.time()) - self.started_at, 1) if self.started_at else 0.0}

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the build to end; True when it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    # --- called by the build --------------------------------------------------------------
    def _set(self, **changes) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(self, key, value)

    def _planned(self, n: int) -> None:
        self._set(total=n, done=0, state="vectors")
        logger.info("search index: embedding %d texts in the background (keyword search is ready)", n)

    def _progress(self, k: int) -> None:
        with self._lock:
            self.done += k
            share = self.done / self.total if self.total else 1.0
            report = share - self._logged >= LOG_EVERY or self.done >= self.total
            if report:
                self._logged = share
        if report:
            logger.info("search index: %d of %d texts embedded (%.0f%%)", self.done, self.total, 100 * share)


def run_index_job(job: IndexJob, store, *, embedder=None, cache=None) -> IndexJob:
    """Run the build in this thread (``start_index_job`` runs it in another)."""
    from kg.search.embedder import default_cache, load_embedder
    from kg.search.index import build_index

    job._set(state="keywords", started_at=time.time())
    try:
        from kg.search.index import plan_index, write_terms

        todo, counts, _ = plan_index(store, None)
        write_terms(store, todo)
        job._set(nodes=sum(counts.values()), state="vectors")
        logger.info("search index: keyword terms of %d nodes ready", job.nodes)
        embedder = embedder or load_embedder()
        report = build_index(store, embedder, cache=cache or default_cache(), on_plan=job._planned,
                             progress=job._progress)
        from kg.search.lexicon import store_lexicon

        store_lexicon(store).pinyin  # noqa: B018 - the English and pinyin dictionaries, built now rather than on the first query that needs them
        job._set(state="ready", finished_at=time.time(), summary=report.summary(), done=job.total)
        logger.info("search index: %s", report.summary())
    except Exception as exc:  # noqa: BLE001 - reported on the page and in the log; search stays keyword-only
        job._set(state="failed", error=f"{type(exc).__name__}: {exc}", finished_at=time.time())
        logger.error("search index: the background build failed: %s", exc)
    return job


def start_index_job(store, *, embedder=None, cache=None, job: IndexJob | None = None) -> IndexJob:
    """Start building the search index of ``store`` in a daemon thread; returns the job at once."""
    job = job or IndexJob()
    thread = threading.Thread(target=run_index_job, args=(job, store), kwargs={"embedder": embedder, "cache": cache},
                              name="cem-search-index", daemon=True)
    job._thread = thread
    thread.start()
    return job

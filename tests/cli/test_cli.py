"""The `cem` command line against both stores."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from tests.content_factory import write_synthetic_content

CEM = [sys.executable, "-m", "kg"]


def cem(env: dict, *args: str):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_load_twice_changes_nothing(store_env, tmp_path):
    content = write_synthetic_content(tmp_path / "content", hazards=120)
    code, out = cem(store_env, "load", "--path", str(content))
    assert code == 0, out
    assert "loaded 122 nodes and 360 relationships" in out
    first = tmp_path / "first.jsonl"
    assert cem(store_env, "export", str(first))[0] == 0
    code, _ = cem(store_env, "load", "--path", str(content))
    assert code == 0
    second = tmp_path / "second.jsonl"
    cem(store_env, "export", str(second))
    assert first.read_bytes() == second.read_bytes()
    code, out = cem(store_env, "stats", "--json")
    assert json.loads(out) == {"labels": {"Hazard": 121, "Source": 1},
                               "relationships": {"CITES": 121, "SUBTYPE_OF": 120, "TRIGGERS": 119}}


def test_load_refuses_invalid_content_and_writes_nothing(store_env, tmp_path):
    content = write_synthetic_content(tmp_path / "content", hazards=10)
    broken = content / "c_hazards_000000.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("to: hazard.h3}", "to: hazard.nope}"), encoding="utf-8")
    code, out = cem(store_env, "load", "--path", str(content))
    assert code == 1
    assert "unknown id 'hazard.nope'" in out and "nothing was written" in out
    code, out = cem(store_env, "stats", "--json")
    assert json.loads(out)["labels"] == {}


def test_export_import_round_trip_between_stores(neo4j_store, tmp_path):
    """embedded -> Neo4j -> embedded yields an identical export."""
    content = write_synthetic_content(tmp_path / "content", hazards=60)
    embedded = {"CEM_STORE": str(tmp_path / "a.kgl")}
    from tests.conftest import neo4j_env

    assert cem(embedded, "load", "--path", str(content))[0] == 0
    one, two, three = (tmp_path / f"{n}.jsonl" for n in ("one", "two", "three"))
    assert cem(embedded, "export", str(one))[0] == 0
    code, out = cem(neo4j_env(), "import", str(one))
    assert code == 0, out
    assert cem(neo4j_env(), "export", str(two))[0] == 0
    back = {"CEM_STORE": str(tmp_path / "b.kgl")}
    assert cem(back, "import", str(two))[0] == 0
    assert cem(back, "export", str(three))[0] == 0
    assert one.read_bytes() == two.read_bytes() == three.read_bytes()


def test_import_of_malformed_line_names_it_and_writes_nothing(store_env, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"kind":"node","labels":["Source"],"id":"src.a","properties":{"name":"来源","issuer":"x","kind":"web"}}\n'
        '{"kind":"node","labels":["Source"],"id":"src.b","properties":{"name":"来源二"}\n', encoding="utf-8")
    code, out = cem(store_env, "import", str(bad))
    assert code == 1
    assert f"{bad}:2: malformed JSON" in out
    assert "nothing was imported" in out
    assert json.loads(cem(store_env, "stats", "--json")[1])["labels"] == {}


def test_user_errors_exit_non_zero_without_traceback(tmp_path):
    code, out = cem({"CEM_STORE": "http://example.invalid/db"}, "stats")
    assert code == 1 and "unsupported URI scheme" in out and "Traceback" not in out
    code, out = cem({"CEM_STORE": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": ""}, "stats")
    assert code == 1 and "NEO4J_PASSWORD is not set" in out
    code, out = cem({"CEM_STORE": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x" * 8}, "stats")
    assert code == 1 and "error:" in out and "Traceback" not in out
    code, out = cem({"CEM_STORE": str(tmp_path / "g.kgl")}, "import", str(tmp_path / "missing.jsonl"))
    assert code == 2 and "does not exist" in out
    notutf8 = tmp_path / "latin1.jsonl"
    notutf8.write_bytes(b'{"kind":"node","id":"\xe9"}\n')
    code, out = cem({"CEM_STORE": str(tmp_path / "g.kgl")}, "import", str(notutf8))
    assert code == 1 and "not UTF-8" in out


def test_killed_load_then_rerun_equals_uninterrupted_load(tmp_path):
    """SIGKILL during `cem load`, then load again: the graph equals an uninterrupted load."""
    content = write_synthetic_content(tmp_path / "content", hazards=6000)
    interrupted = tmp_path / "interrupted.kgl"
    env = dict(os.environ, CEM_STORE=str(interrupted), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(CEM + ["load", "--path", str(content)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wal = Path(str(interrupted) + "-wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 200_000:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the load finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = json.loads(subprocess.run(CEM + ["stats", "--json"], env=env, capture_output=True, text=True, check=True).stdout)
    assert sum(partial["labels"].values()) + sum(partial["relationships"].values()) < 6000 + 61 + 3 * 6000
    subprocess.run(CEM + ["load", "--path", str(content)], env=env, check=True, capture_output=True)
    subprocess.run(CEM + ["export", str(tmp_path / "after-kill.jsonl")], env=env, check=True, capture_output=True)

    clean = dict(os.environ, CEM_STORE=str(tmp_path / "clean.kgl"))
    subprocess.run(CEM + ["load", "--path", str(content)], env=clean, check=True, capture_output=True)
    subprocess.run(CEM + ["export", str(tmp_path / "clean.jsonl")], env=clean, check=True, capture_output=True)
    assert (tmp_path / "after-kill.jsonl").read_bytes() == (tmp_path / "clean.jsonl").read_bytes()

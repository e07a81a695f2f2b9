"""`cem sample load/remove` and `cem community import/rates` against both stores: the sample
needs the knowledge graph, loads idempotently, keeps residents' phones out of an export, and
goes away again; a CSV with a bad row reports file:line: field: message and writes nothing."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from kg.cli import main


def cem(env: dict, *args: str):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def counts(env) -> dict:
    code, out = cem(env, "stats", "--json")
    assert code == 0, out
    return json.loads(out)["labels"]


def test_sample_community_and_imports(store_env, tmp_path):
    env = dict(store_env, CEM_PERSONAL_DATA_KEY="a2FrYWtha2FrYWtha2FrYWtha2FrYWtha2FrYWtha2E=")
    code, out = cem(env, "sample", "load")
    assert code == 1 and "cem load" in out
    assert cem(env, "load")[0] == 0
    code, out = cem(env, "sample", "load", "--no-plans")  # the plans part: tests/plans/test_sample.py
    assert code == 0, out
    assert "36 cases" in out and "closed 20" in out and "escalated 3" in out and "reported 4" in out
    first = counts(env)
    assert first["HazardCase"] == 36 and first["VulnerableResident"] == 24 and first["ResponseTeam"] == 2
    assert cem(env, "sample", "load", "--no-plans")[0] == 0
    assert counts(env) == first
    export = tmp_path / "export.jsonl"
    assert cem(env, "export", str(export))[0] == 0
    text = export.read_text(encoding="utf-8")
    assert "fernet:" in text and not re.search(r"139\d{8}", text)
    assert '"sample":true' in text

    good = tmp_path / "people.csv"
    good.write_text("name,role,grid,account\n赵网格,grid_worker,第一网格,\n钱信息,info_officer,,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,role,grid\n孙一,grid_worker,第一网格\n,volunteer,\n周三,astronaut,第九网格\n", encoding="utf-8")
    code, out = cem(env, "community", "import", "people", "community.demo", str(bad))
    assert code == 1
    assert f"{bad}:3: name: 必填" in out and f"{bad}:4: grid: 没有“第九网格”" in out and "nothing was imported" in out
    assert counts(env)["CommunityPerson"] == first["CommunityPerson"]
    code, out = cem(env, "community", "import", "people", "community.demo", str(good))
    assert code == 0 and "imported 2 people" in out, out
    supplies = tmp_path / "supplies.csv"
    supplies.write_text("kind,quantity,expires_on\nradio,2,\ndrinking-water,10,2026-13-01\n", encoding="utf-8")
    code, out = cem(env, "community", "import", "supplies", "community.demo", str(supplies))
    assert code == 1 and f"{supplies}:3: expires_on:" in out
    residents = tmp_path / "residents.csv"
    residents.write_text("name,categories,phone,helpers\n吴阿婆,elderly_alone,13700001111,赵网格\n", encoding="utf-8")
    code, out = cem(env, "community", "import", "residents", "community.demo", str(residents))
    assert code == 0 and "imported 1 residents" in out, out
    code, out = cem(env, "community", "rates")
    assert code == 0 and "community.demo" in out and "reported     36" in out

    code, out = cem(env, "sample", "remove")
    assert code == 0, out
    after = counts(env)
    assert "HazardCase" not in after and "VulnerableResident" not in after and "Community" not in after
    assert after.get("Hazard") == first["Hazard"]

"""`cem checklist …` and `cem assessment …` on both stores."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from assessments import workflow as wf
from kg.cli import main
from kg.settings import load_settings
from kg.store import open_store
from tests.assessment.helpers import add_area, load_all_with_training_stand_ins, load_checklists


def run(env, *args):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def cli_env(store_env):
    with open_store(load_settings(store_env)) as s:
        s.init_schema()
        load_checklists(s)
    return store_env


def test_checklist_show(cli_env):
    result = run(cli_env, "checklist", "show")
    assert result.exit_code == 0, result.output
    assert "total 100 points; pass mark 80; 3 gate conditions, 35 scored criteria" in result.output
    assert "G1" in result.output and "> 70%" in result.output and "every 6 months" in result.output
    data = json.loads(run(cli_env, "checklist", "show", "--json").output)
    assert data["pass_mark"] == 80 and len(data["criteria"]) == 38
    listed = run(cli_env, "checklist", "list")
    assert "standard.undrr-scorecard-preliminary" in listed.output
    missing = run(cli_env, "checklist", "show", "--standard", "standard.nope")
    assert missing.exit_code == 1 and missing.output.startswith("error: ") and "Traceback" not in missing.output


def test_score_a_file(cli_env, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text('answers:\n  G1: 85\n  G2: 否\n  "1.1": met\n  "1.3a": 50\n', encoding="utf-8")
    result = run(cli_env, "assessment", "score", str(answers))
    assert result.exit_code == 0, result.output
    assert "总分: 3 / 100" in result.output and "暂不具备申报条件" in result.output and "G2     不满足" in result.output
    data = json.loads(run(cli_env, "assessment", "score", str(answers), "--json").output)
    assert data["total"] == 3 and data["gates_met"] is False
    bad = tmp_path / "bad.yaml"
    bad.write_text('answers:\n  "1.3a": 150\n  "9.9": met\n', encoding="utf-8")
    result = run(cli_env, "assessment", "score", str(bad))
    assert result.exit_code == 1 and "0–100" in result.output and "9.9" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("answers: [1, 2\n", encoding="utf-8")
    assert run(cli_env, "assessment", "score", str(broken)).output.startswith("error: ")


def test_score_from_content_needs_no_store(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("standard: standard.undrr-scorecard-preliminary\nanswers:\n  P1.1: 3\n  P1.2: 2\n",
                       encoding="utf-8")
    result = run({"CEM_STORE": str(tmp_path / "unused.kgl")}, "assessment", "score", str(answers), "--from-content")
    assert result.exit_code == 0, result.output
    assert "总分: 5 / 141" in result.output


def test_gaps_export_reminders_readiness(store_env, tmp_path):
    with open_store(load_settings(store_env)) as s:
        s.init_schema()
        load_all_with_training_stand_ins(s)
        add_area(s)
        wf.create_community(s, "community.a", "甲社区", area="org.street-a", first_responder_target=5)
        alice = wf.Actor("user.alice", frozenset({"community"}), community="community.a")
        rec = wf.open_assessment(s, alice, "community.a")
        wf.save_answers(s, alice, rec.id, {"crit.dc2020.1-1": {"answer": "met", "last_done": "2025-01-10"}},
                        expected_version=1)
    text = run(store_env, "assessment", "gaps", rec.id)
    assert text.exit_code == 0, text.output
    assert "37 gaps" in text.output and "社区突发事件综合应急预案" in text.output
    out = tmp_path / "gaps.csv"
    assert run(store_env, "assessment", "gaps", rec.id, "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) > 10
    assert run(store_env, "assessment", "gaps", rec.id, "--format", "md").output.startswith("# 差距整改计划")
    exported = json.loads(run(store_env, "assessment", "export", rec.id).output)
    assert exported["assessment"]["id"] == rec.id and exported["gap_plan"]["gaps"]
    assert run(store_env, "assessment", "export", rec.id, "--format", "csv").output.count("\n") == 41
    reminders = run(store_env, "assessment", "reminders", "community.a", "--today", "2025-06-01")
    assert "1.1" in reminders.output and "2026-01-10" in reminders.output
    ready = json.loads(run(store_env, "assessment", "readiness", "--json").output)
    assert ready[0]["community"] == "community.a" and ready[0]["first_responder_target"] == 5
    missing = run(store_env, "assessment", "gaps", "assessment.nope")
    assert missing.exit_code == 1 and missing.output.startswith("error: ")
    listed = run(store_env, "assessment", "list")
    assert rec.id in listed.output
    added = run(store_env, "assessment", "add-community", "community.b", "乙社区", "--area", "org.street-a",
                "--target", "3", "--population", "9000", "--households", "3200")
    assert added.exit_code == 0, added.output
    listed = run(store_env, "assessment", "communities").output
    assert "community.b" in listed and "population 9000" in listed and "households 3200" in listed
    negative = run(store_env, "assessment", "add-community", "community.b", "乙社区", "--population", "-5")
    assert negative.exit_code == 1 and "常住人口" in negative.output
    bad = run(store_env, "assessment", "add-community", "community.c", "丙社区", "--area", "org.nowhere")
    assert bad.exit_code == 1 and "org.nowhere" in bad.output

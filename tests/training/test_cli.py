"""`cem course list`, `cem course check`, `cem certificates expiring` (both stores for the
commands that read a store)."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from curricula import certificates
from curricula.clock import SystemClock
from kg.cli import main
from kg.settings import load_settings
from kg.store import open_store
from tests.training.factory import (
    COURSE,
    FINAL,
    SKILLS,
    complete_modules,
    load_training_content,
    make_user,
    take_quiz,
    write_training_content,
)


def run(args, env=None):
    return CliRunner().invoke(main, args, env=env or {}, catch_exceptions=False)


def test_course_check_reports_the_bank(tmp_path):
    folder = write_training_content(tmp_path / "ok")
    result = run(["course", "check", "--path", str(folder)])
    assert result.exit_code == 0, result.output
    assert "course.fx" in result.output and "objective.fx-1-1" in result.output
    assert "correct option positions" in result.output and "single" in result.output
    data = json.loads(run(["course", "check", "--path", str(folder), "--json"]).output)
    assert data["violations"] == [] and data["kinds"]["single"] >= 1
    module = data["courses"][0]["modules"][0]
    assert module["questions"] == 6 and module["objectives"][0]["questions"] == 3


def test_course_check_exits_1_on_rule_violations(tmp_path):
    low = write_training_content(tmp_path / "low", final_pass_mark=0.7)
    result = run(["course", "check", "--path", str(low)])
    assert result.exit_code == 1 and "below the 75 % floor" in result.output and "error:" in result.output
    thin = write_training_content(tmp_path / "thin", per_objective=1, final_per_objective=2)
    result = run(["course", "check", "--path", str(thin)])
    assert result.exit_code == 1 and "the quiz draws 2" in result.output


def test_course_check_refuses_invalid_content(tmp_path):
    folder = write_training_content(tmp_path / "bad")
    (folder / "h_questions.yaml").write_text("label: Question\nitems:\n  - id: question.bad\n    name: 坏\n",
                                             encoding="utf-8")
    result = CliRunner().invoke(main, ["course", "check", "--path", str(folder)])
    assert result.exit_code == 1 and "problems in the content" in result.output
    assert "Traceback" not in result.output


def test_bundled_bank_passes_its_rules():
    result = run(["course", "check"])
    assert result.exit_code == 0, result.output[-2000:]
    assert "course.first-responder" in result.output


def test_course_list_and_expiring_certificates(store_env, tmp_path):
    with open_store(load_settings(store_env)) as store:
        store.init_schema()
        load_training_content(store, tmp_path / "content")
        user = make_user(store, "dan", display_name="丁学员")
        instructor = make_user(store, "ivy", ("instructor",))
        # certified long enough ago that the certificate expires in 20 days from the real clock
        then = SystemClock().now() - timedelta(days=3 * 365 - 20)
        complete_modules(store, user, then)
        assert take_quiz(store, user, FINAL, then).passed
        for skill in SKILLS:
            _, cert = certificates.record_signoff(store, user=user, course=COURSE, skill=skill, assessor=instructor,
                                                  result="pass", now=then)
    listed = run(["course", "list"], store_env)
    assert listed.exit_code == 0 and COURSE in listed.output and "测试应急第一响应人课程" in listed.output
    rows = json.loads(run(["course", "list", "--json"], store_env).output)
    assert rows[0]["modules"] == 2 and rows[0]["final"] == FINAL
    soon = run(["certificates", "expiring", "--days", "30"], store_env)
    assert soon.exit_code == 0 and cert.code in soon.output and "丁学员" in soon.output
    assert "no certificates expire within 10 days" in run(["certificates", "expiring", "--days", "10"], store_env).output
    data = json.loads(run(["certificates", "expiring", "--days", "30", "--json"], store_env).output)
    assert data[0]["code"] == cert.code and 0 <= data[0]["days_left"] <= 20
    bad = CliRunner().invoke(main, ["certificates", "expiring", "--days", "-1"], env=store_env)
    assert bad.exit_code != 0

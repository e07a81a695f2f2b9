"""The item-writing rules that `cem course check` enforces: each rule fails on a bad item and
passes the same item once it is fixed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from curricula.bank import (
    KEY_LONGEST_MAX_SHARE,
    Catalog,
    bank_report,
    item_rule_violations,
    key_is_uniquely_longest,
    negative_markers,
    option_length_ratio,
)
from kg.cli import main
from tests.training.factory import write_training_content

GOOD_OPTIONS = ["立即报警", "先拍视频", "先回家去", "等人来救"]
CITED = [("src.fx", "第二十八条")]


def item(name="发现火情后，第一步应当做什么？", options=None, answer=(0,), kind="single", **extra) -> dict:
    return {"name": name, "kind": kind, "options": list(options or GOOD_OPTIONS), "answer": list(answer), **extra}


def bank(items: list[dict]) -> Catalog:
    """One course, one module, one objective, and the given questions assessing it."""
    cat = Catalog()
    cat.nodes["course.t"] = ("Course", {"name": "测试课程", "kind": "track"})
    cat.nodes["module.t"] = ("Module", {"name": "测试模块", "order": 1})
    cat.nodes["objective.t"] = ("Objective", {"name": "测试目标"})
    cat.rels += [("HAS_MODULE", "course.t", "module.t"), ("HAS_OBJECTIVE", "module.t", "objective.t")]
    for i, props in enumerate(items):
        qid = f"q.t.{i:03d}"
        cat.nodes[qid] = ("Question", props)
        cat.rels.append(("ASSESSES", qid, "objective.t"))
        cat.citations[qid] = list(CITED)
    return cat


def test_key_uniquely_longest_is_measured_with_ties_not_counted():
    assert key_is_uniquely_longest(["立即拨打119报警", "先拍视频", "先回家", "等人来"], [0])
    assert not key_is_uniquely_longest(["立即报警", "先拍视频", "先回家", "等人来"], [0])  # tied
    assert not key_is_uniquely_longest(["报警", "先拍视频", "先回家", "等人来"], [0])


def test_a_bank_whose_key_is_too_often_the_longest_option_is_a_violation():
    longest = item(options=["立即拨打火警电话", "先拍视频", "先回家去", "等人来救"])
    plain = item()
    report = bank_report(bank([longest, longest, plain]))  # 2 of 3 = 67 %
    assert any(v.startswith("bank module.t:") and "2 of 3" in v for v in report.violations), report.violations
    assert report.banks[0]["key_longest"] == 2 and report.banks[0]["single_answer_items"] == 3
    fixed = bank_report(bank([longest, plain, plain]))  # 1 of 3 = 33 % <= 35 %
    assert 1 / 3 <= KEY_LONGEST_MAX_SHARE
    assert not [v for v in fixed.violations if v.startswith("bank ")], fixed.violations


def test_an_option_more_than_twice_as_long_as_the_shortest_needs_a_reason():
    lopsided = item(options=["报警", "先回家收拾贵重物品再去报警", "先拍视频", "等人来救"])
    assert option_length_ratio(lopsided["options"]) > 2
    problems = item_rule_violations("q.x", lopsided, CITED)
    assert any("times the shortest" in p for p in problems), problems
    excused = dict(lopsided, length_ok_because="数字选项：各项是同一计量的不同数值")
    assert item_rule_violations("q.x", excused, CITED) == []
    figures = bank_report(bank([lopsided, excused])).banks[0]
    assert figures["option_ratio_over_limit"] == 1 and figures["option_ratio_excused"] == 1


def test_true_false_items_are_not_held_to_the_length_rule():
    assert item_rule_violations("q.x", item(kind="true_false", options=["正确", "错误"]), CITED) == []


def test_a_negative_stem_must_emphasise_the_negation():
    bare = item(name="下列哪项不是火灾报警时应说明的内容？")
    problems = item_rule_violations("q.x", bare, CITED)
    assert problems == ["question q.x: negative stem: emphasise “不是” as **不是**"]
    assert item_rule_violations("q.x", item(name="下列哪项**不是**火灾报警时应说明的内容？"), CITED) == []
    assert negative_markers("下列说法**错误**的是？") == ["错误"]
    report = bank_report(bank([bare, item(name="下列说法**错误**的是？"), item()]))
    assert report.banks[0]["negative_stems"] == 2


def test_all_of_the_above_is_refused():
    problems = item_rule_violations("q.x", item(options=["立即报警", "先拍视频", "先回家去", "以上都是"]), CITED)
    assert any("以上都是" in p for p in problems), problems


def test_every_item_cites_a_source_with_a_locator_more_specific_than_the_whole_document():
    assert any("cites no source" in p for p in item_rule_violations("q.x", item(), []))
    for vague in ("全文", "全表", None, " 全文 "):
        problems = item_rule_violations("q.x", item(), [("src.fx", vague)])
        assert any("name the article, section" in p for p in problems), (vague, problems)
    assert item_rule_violations("q.x", item(), [("src.fx", "第四十四条")]) == []


def test_course_check_prints_the_bank_figures_and_fails_on_a_bad_item(tmp_path):
    folder = write_training_content(tmp_path / "ok")
    result = CliRunner().invoke(main, ["course", "check", "--path", str(folder)])
    assert result.exit_code == 0, result.output
    assert "item-writing figures per bank" in result.output and "module.fx-1" in result.output
    assert "key longest" in result.output and "negative stems" in result.output
    data = json.loads(CliRunner().invoke(main, ["course", "check", "--path", str(folder), "--json"]).output)
    assert {b["id"] for b in data["banks"]} == {"module.fx-1", "module.fx-2"}
    questions = folder / "h_questions.yaml"
    text = questions.read_text(encoding="utf-8")
    questions.write_text(text.replace("locator: 第2章 初期火灾处置", "locator: 全文", 1)
                         .replace("下列哪一项做法正确？", "下列哪一项做法不正确？", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["course", "check", "--path", str(folder)])
    assert result.exit_code == 1
    assert "locator “全文”" in result.output and "emphasise “不正确”" in result.output


def test_a_stem_does_not_repeat_the_item_kind():
    problems = item_rule_violations("q.x", item(name="下列哪些做法正确？（多选）", kind="multiple",
                                                options=["立即报警", "先拍视频", "先回家去", "等人来救"],
                                                answer=(0, 1)), CITED)
    assert any("repeats the item kind" in p for p in problems), problems
    assert item_rule_violations("q.x", item(name="下列哪些做法正确？", kind="multiple", answer=(0, 1)), CITED) == []


def test_a_course_audience_names_the_seed_groups_exactly():
    cat = bank([item()])
    course = cat.nodes["course.t"][1]
    course["audience"] = ["导游", "交通运输行业驾驶人员"]
    report = bank_report(cat)
    assert not [v for v in report.violations if "audience" in v], report.violations
    assert report.courses[0]["audience"] == ["导游", "交通运输行业驾驶人员"]
    course["audience"] = ["导游人员"]  # not the seed's wording
    report = bank_report(cat)
    assert any("audience “导游人员”" in v for v in report.violations), report.violations

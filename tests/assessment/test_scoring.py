"""Scoring against hand-worked examples (no store): the rules in assessments/README.md."""

from __future__ import annotations

import pytest

from assessments.checklist import DEFAULT_STANDARD, build_checklist, checklist_from_content
from assessments.errors import AnswerInvalid, ChecklistInvalid
from assessments.scoring import (
    MET,
    NOT_MET,
    PARTLY,
    UNANSWERED,
    Adjustment,
    check_adjustment,
    parse_answer,
    parse_answers,
    score,
)
from tests.assessment.helpers import bundled_content, small_standard


@pytest.fixture(scope="module")
def small():
    return small_standard()


def answers(checklist, raw):
    return {k: v for k, v in parse_answers(checklist, raw).items() if v is not None}


def test_scores_85_but_a_gate_condition_fails(small):
    # 10 + 20 + 5 (c3 partly: its own partial_points) + 20 + 10 + 20 = 85; G2 does not hold.
    result = score(small, answers(small, {"G1": 85, "G2": "不符合", "1.1": "符合", "1.2": "met", "2.1": "部分符合",
                                          "2.2": 100, "3.1": "100,000", "3.2": True}))
    assert result.total == 85
    assert result.score_passed is True
    assert result.gates_met is False
    assert result.qualified is False
    assert [s.criterion.number for s in result.gates if not s.effective_held] == ["G2"]


def test_exactly_80_qualifies(small):
    # 10 + 10 (c2 partly: half of 20) + 20 + 15 (75 % of target) + 5 (50,000 of 100,000) + 20 = 80.
    result = score(small, answers(small, {"G1": "71%", "G2": "是", "1.1": "met", "1.2": "partly", "2.1": "met",
                                          "2.2": 75, "3.1": 50000, "3.2": "met"}))
    assert result.total == 80
    assert result.gates_met and result.score_passed and result.qualified
    by_number = {s.criterion.number: s for s in result.criteria}
    assert by_number["1.2"].points == 10 and by_number["1.2"].status == PARTLY
    assert by_number["2.2"].points == 15 and by_number["2.2"].status == PARTLY
    assert by_number["3.1"].points == 5
    assert [(e.element.name, e.points, e.max_points) for e in result.elements] == [
        ("1 组织", 20, 30), ("2 预案", 35, 40), ("3 保障", 25, 30)]


def test_just_below_80_fails(small):
    result = score(small, answers(small, {"G1": 90, "G2": "met", "1.1": "met", "1.2": "partly", "2.1": "met",
                                          "2.2": 74.9, "3.1": 50000, "3.2": "met"}))
    assert result.total == 79.98 and result.score_passed is False and result.qualified is False


def test_numeric_formula_full_at_target_proportional_below(small):
    c4 = "crit.s.c4"
    for value, points, status in ((0, 0, NOT_MET), (33.333, 6.67, PARTLY), (50, 10, PARTLY), (100, 20, MET)):
        s = score(small, {c4: parse_answer(small, c4, value)}).by_id[c4]
        assert (s.points, s.status) == (points, status), value
    s = score(small, {"crit.s.c5": parse_answer(small, "crit.s.c5", 250000)}).by_id["crit.s.c5"]
    assert s.points == 10 and s.status == MET  # above the target: capped at full points


def test_gate_with_target_above_needs_more_than_the_target(small):
    for value, held in ((70, False), (70.5, True), (69, False)):
        s = score(small, {"crit.s.g1": parse_answer(small, "crit.s.g1", value)}).by_id["crit.s.g1"]
        assert s.held is held, value
        assert s.points == 0


def test_partial_is_half_unless_the_criterion_says_otherwise(small):
    result = score(small, answers(small, {"1.2": "partly", "2.1": "partly"}))
    assert result.by_id["crit.s.c2"].points == 10   # 20 / 2
    assert result.by_id["crit.s.c3"].points == 5    # partial_points: 5


def test_unanswered_scores_zero_and_gates_do_not_hold(small):
    result = score(small, {})
    assert result.total == 0 and not result.gates_met
    assert all(s.status == UNANSWERED for s in result.criteria)
    assert len(result.gaps) == len(small.criteria)


@pytest.mark.parametrize("number, value, fragment", [
    ("2.2", 101, "0–100"),
    ("2.2", -1, "负"),
    ("3.1", "很多", "不是数值"),
    ("1.1", "partly", "只能回答"),       # binary: no "partly"
    ("1.2", "maybe", "无法识别"),
    ("2.2", float("nan"), "有限"),
])
def test_out_of_range_or_malformed_values_are_refused(small, number, value, fragment):
    with pytest.raises(AnswerInvalid) as err:
        parse_answers(small, {number: value})
    assert fragment in str(err.value)


def test_one_bad_answer_rejects_the_whole_batch(small):
    with pytest.raises(AnswerInvalid) as err:
        parse_answers(small, {"1.1": "met", "2.2": 120, "9.9": "met"})
    assert "0–100" in str(err.value) and "9.9" in str(err.value)


def test_a_tampered_criterion_id_is_refused(small):
    with pytest.raises(AnswerInvalid):
        parse_answer(small, "crit.dc2020.1-1", "met")  # exists elsewhere, not in this standard
    with pytest.raises(AnswerInvalid):
        score(small, {"crit.other": None})


def test_scale_criteria_score_points_times_value_over_max():
    undrr = checklist_from_content(bundled_content(), "standard.undrr-scorecard-preliminary")
    assert undrr.scale == (0, 3) and undrr.pass_mark is None and undrr.total_points == 141
    first = undrr.scored[0].id
    s = score(undrr, {first: parse_answer(undrr, first, 2)})
    assert s.by_id[first].points == 2 and s.by_id[first].status == PARTLY
    assert s.qualified is None and s.score_passed is None
    for bad in (4, -1, 1.5):
        with pytest.raises(AnswerInvalid):
            parse_answer(undrr, first, bad)


def test_reviewer_adjustment_keeps_both_values(small):
    base = answers(small, {"1.1": "met", "1.2": "met"})
    c, points, held, reason = check_adjustment(small, "crit.s.c2", points="12.5", reason="制度未按年度更新")
    adjusted = score(small, base, {c.id: Adjustment(c.id, reason, points=points)})
    s = adjusted.by_id["crit.s.c2"]
    assert (s.points, s.effective_points) == (20, 12.5)
    assert (adjusted.self_total, adjusted.total) == (30, 22.5)
    _, _, held, _ = check_adjustment(small, "crit.s.g2", held="不符合", reason="三年内有较大事故")
    assert held is False


@pytest.mark.parametrize("kwargs, fragment", [
    ({"points": 5, "reason": " "}, "理由"),
    ({"points": 21, "reason": "x"}, "0–20"),
    ({"points": None, "reason": "x"}, "分值"),
])
def test_bad_adjustments_are_refused(small, kwargs, fragment):
    with pytest.raises(AnswerInvalid) as err:
        check_adjustment(small, "crit.s.c2", **kwargs)
    assert fragment in str(err.value)


def test_a_checklist_whose_points_do_not_add_up_is_refused():
    with pytest.raises(ChecklistInvalid) as err:
        build_checklist({"id": "standard.x", "name": "x", "total_points": 100},
                        [{"id": "crit.x.1", "number": "1", "name": "a", "element": "1", "points": 60},
                         {"id": "crit.x.2", "number": "2", "name": "b", "element": "1", "points": 30}])
    assert "90" in str(err.value) and "100" in str(err.value)


def test_the_bundled_2020_checklist_is_faithful_to_the_standard():
    checklist = checklist_from_content(bundled_content(), DEFAULT_STANDARD)
    assert checklist.pass_mark == 80 and checklist.total_points == 100
    assert [c.number for c in checklist.gates] == ["G1", "G2", "G3"]
    assert sum(c.points for c in checklist.scored) == 100
    assert len(checklist.elements) == 10
    assert checklist.elements[0].name.startswith("1 ") and checklist.elements[-1].name.startswith("10 ")
    assert {c.number: c.recurrence_months for c in checklist.recurring}["2.1a"] == 6

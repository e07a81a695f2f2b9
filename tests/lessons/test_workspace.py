"""The record-shape rules of the lessons workspace (no store needed)."""

import pytest

from kg.lessons.workspace import (
    PAGE_LIMIT,
    LessonError,
    acted_on,
    add_action,
    check_lesson,
    set_action_status,
    unexpanded_acronyms,
)

GOOD = {"name": "接报燃气泄漏后未设警戒", "observation": "接报后一小时内未疏散周边商户。", "discussion": "",
        "lesson": "先警戒、关阀、疏散。", "recommendation": "燃气经营企业把设警戒写入处置方案并演练。",
        "act_by": ["org.gas-operator"], "phase": "phase.response", "hazards": ["hazard.gas-leak"],
        "source": "src.x", "incident": ""}


def test_a_well_formed_lesson_has_no_problems():
    assert check_lesson(GOOD) == {}


def test_acronyms_must_be_expanded_at_first_use():
    assert unexpanded_acronyms("配备AED和GIS系统") == ["AED", "GIS"]
    assert unexpanded_acronyms("配备自动体外除颤器（AED），AED放在门口") == []
    assert unexpanded_acronyms("使用GIS（地理信息系统）绘图") == []
    assert unexpanded_acronyms("Wi-Fi、A 级和 pH 值") == []
    assert unexpanded_acronyms("PM2.5 超标，COVID-19 疫情。") == ["PM2.5", "COVID-19"]
    problems = check_lesson(dict(GOOD, recommendation="社区配备AED。"))
    assert "AED" in problems["recommendation"][0]


def test_one_issue_title_length_and_who_acts():
    assert "标题只写一个问题" in check_lesson(dict(GOOD, name="未设警戒；未疏散群众"))["name"][0]
    assert check_lesson(dict(GOOD, name="一是未设警戒，二是未疏散"))["name"]
    long = dict(GOOD, observation="很" * 600, discussion="长" * 600, lesson="教" * 200, recommendation="建" * 200)
    assert any(str(PAGE_LIMIT) in m for m in check_lesson(long)["recommendation"])
    missing = check_lesson(dict(GOOD, act_by=[], hazards=[], phase="", source="", lesson=""))
    assert set(missing) == {"act_by", "hazards", "phase", "source", "lesson"}


def test_acted_on_status():
    assert acted_on([]) == "none"
    assert acted_on([{"status": "open"}, {"status": "done"}]) == "done"
    assert acted_on([{"status": "in_progress"}]) == "in_progress"


def test_an_unknown_action_status_is_named_and_answers_400():
    # Both checks come before the store is read (so no store is needed).
    for attempt in (lambda: add_action(None, "lesson.x", name="设警戒", owner="org.x", due_date="2026-01-01",
                                       actor="u", status="finished"),
                    lambda: set_action_status(None, "action.x", "finished", actor="u")):
        with pytest.raises(LessonError) as err:
            attempt()
        assert str(err.value) == "未知状态 'finished'" and err.value.status == 400

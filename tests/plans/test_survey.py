"""The residents' knowledge survey: resident-level items, drawing, anonymous answer sheets, the
share with its Wilson interval — on both stores."""

from __future__ import annotations

import random

import pytest

from kg.errors import Invalid, NotAllowed
from kg.survey import survey as sv
from tests.plans.conftest import NOW


def test_resident_level_items_are_marked_in_the_bank_with_their_source(world):
    items = sv.resident_items(world.store)
    assert len(items) >= 40
    assert all(i.source == "src.as-community-guidance-2011" and "自救互救" in i.locator for i in items)
    ids = {i.id for i in items}
    assert "q.fr4.009" in ids  # closing the gas valve at home: a resident's knowledge
    assert "q.fr3.015" not in ids  # a reporting deadline of the accident-report regulation: not a resident's
    assert len({i.modules[0] for i in items}) >= 6  # spread over the course's modules


def test_a_survey_is_spread_over_modules_and_only_editors_open_one(world):
    with pytest.raises(NotAllowed):
        sv.open_survey(world.store, world.editor_b, "community.a", name="春季问卷", now=NOW)
    with pytest.raises(NotAllowed):
        sv.open_survey(world.store, world.street, "community.a", name="春季问卷", now=NOW)
    with pytest.raises(Invalid):
        sv.open_survey(world.store, world.editor, "community.a", name="问卷", size=40, now=NOW)
    survey = sv.open_survey(world.store, world.editor, "community.a", name="2026 年春季防灾知识问卷", size=7,
                            now=NOW, rng=random.Random(4))
    modules = {i.id: i.modules[0] for i in sv.resident_items(world.store)}
    assert len(survey.questions) == 7 == len(set(survey.questions))
    assert len({modules[q] for q in survey.questions}) == 7  # seven modules, one item each
    assert sv.by_slug(world.store, survey.slug).id == survey.id
    assert [s.id for s in sv.list_surveys(world.store, world.street, "community.a")] == [survey.id]
    with pytest.raises(NotAllowed):
        sv.list_surveys(world.store, world.other_street, "community.a")


def _answers(store, survey, right: int) -> dict[str, list[int]]:
    out = {}
    for n, q in enumerate(sv.questions_of(store, survey)):
        out[q.id] = sorted(q.answer) if n < right else [next(i for i in range(len(q.options)) if i not in q.answer)]
    return out


def test_answer_sheets_are_anonymous_and_the_share_has_a_wilson_interval(world):
    survey = sv.open_survey(world.store, world.editor, "community.a", name="问卷", size=10, now=NOW)
    for n in range(20):
        sheet = sv.record_response(world.store, survey, _answers(world.store, survey, 10 if n < 18 else 7), now=NOW)
        assert sheet.total == 10
    res = sv.results(world.store, survey)
    assert (res.share.responses, res.share.passed) == (20, 18)
    figures = res.share.as_dict()
    assert figures["share"] == 90.0 and figures["low"] == 69.9 and figures["high"] == 97.2
    assert not res.share.proves(80)  # 18 of 20 does not prove 80 %
    stored = [r["properties"] for r in world.store.export_records()
              if r["kind"] == "node" and r["labels"][0] == "SurveyResponse"]
    assert len(stored) == 20
    assert all(set(p) <= {"community", "survey", "correct", "total", "passed", "right", "at"} for p in stored)
    shares = sv.community_shares(world.store, ["community.a", "community.b"], now=NOW)
    assert list(shares) == ["community.a"] and shares["community.a"][0].passed == 18


def test_bad_answer_sheets_are_refused(world):
    survey = sv.open_survey(world.store, world.editor, "community.a", name="问卷", size=5, now=NOW)
    first = survey.questions[0]
    with pytest.raises(Invalid):
        sv.parse_choices(survey, {f"q-{first}": ["0"]})  # the others unanswered
    with pytest.raises(Invalid):
        sv.parse_choices(survey, {**{f"q-{q}": ["0"] for q in survey.questions}, "q-q.fr9.999": ["1"]})
    with pytest.raises(Invalid):
        sv.record_response(world.store, survey, {first: [9]}, now=NOW)
    sv.close_survey(world.store, world.editor, survey.id, now=NOW)
    closed = sv.get_survey(world.store, survey.id)
    with pytest.raises(Invalid):
        sv.record_response(world.store, closed, _answers(world.store, closed, 5), now=NOW)

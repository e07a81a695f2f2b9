"""The self-assessment workflow on both stores: open, answer, submit, review, sign off; version
checks; who sees what; bad input changes nothing."""

from __future__ import annotations

import threading

import pytest

from assessments import workflow as wf
from assessments.checklist import DEFAULT_STANDARD, load_checklist
from assessments.errors import AnswerInvalid, ChecklistInvalid, InvalidState, NotAllowed, VersionConflict


def full_answers(checklist, *, value=None):
    out = {}
    for c in checklist.criteria:
        if c.scoring == "numeric":
            out[c.id] = value if value is not None else c.target + (1 if c.target_above else 0)
        elif c.scoring == "scale":
            out[c.id] = checklist.scale[1]
        else:
            out[c.id] = "met"
    return out


def opened(world, actor=None):
    actor = actor or world.alice
    return wf.open_assessment(world.store, actor, actor.community)


def test_open_save_and_read_back(world):
    rec = opened(world)
    assert rec.status == wf.DRAFT and rec.version == 1 and rec.get("open_gaps") == 38
    view = wf.save_answers(world.store, world.alice, rec.id, {
        "crit.dc2020.1-1": {"answer": "partly", "note": "会议纪要不全", "last_done": "2025-01-10"},
        "crit.dc2020.1-3a": "90%", "crit.dc2020.g2": "是"}, expected_version=1)
    assert view.record.version == 2
    assert view.result.by_id["crit.dc2020.1-1"].points == 1        # graded, 2 points: half
    assert view.result.by_id["crit.dc2020.1-3a"].points == 1.8     # 2 x 90 / 100
    assert view.result.total == 2.8 and view.record.get("total") == 2.8
    assert view.answers["crit.dc2020.1-1"].note == "会议纪要不全"
    again = wf.get_assessment(world.store, world.bob, rec.id)       # same community: sees it
    assert again.result.total == 2.8 and again.record.version == 2
    # Saving the same answers again changes nothing (no new version).
    same = wf.save_answers(world.store, world.alice, rec.id, {"crit.dc2020.1-3a": 90}, expected_version=2)
    assert same.record.version == 2


def test_concurrent_edits_do_not_overwrite_each_other(world):
    from tests.training.factory import make_user

    make_user(world.store, "alice", ("community",), display_name="李爱丽", community="community.a")
    rec = opened(world)
    loaded_by_alice = wf.get_assessment(world.store, world.alice, rec.id).record.version
    loaded_by_bob = wf.get_assessment(world.store, world.bob, rec.id).record.version
    wf.save_answers(world.store, world.alice, rec.id, {"crit.dc2020.1-2": "met"}, expected_version=loaded_by_alice)
    with pytest.raises(VersionConflict) as err:
        wf.save_answers(world.store, world.bob, rec.id, {"crit.dc2020.1-2": "not_met", "crit.dc2020.1-5": "met"},
                        expected_version=loaded_by_bob)
    conflict = err.value
    # who (the display name, not the account id) and when (the time of alice's save), and that
    # nothing of bob's was saved
    assert conflict.by == "李爱丽" and conflict.version == 2 and conflict.at.startswith("20")
    assert "李爱丽" in str(conflict) and "user.alice" not in str(conflict)
    assert f"{conflict.at[:10]} {conflict.at[11:16]} UTC" in str(conflict) and "没有保存" in str(conflict)
    view = wf.get_assessment(world.store, world.alice, rec.id)
    assert view.answers["crit.dc2020.1-2"].status == "met" and "crit.dc2020.1-5" not in view.answers
    assert view.record.version == 2


def test_racing_saves_let_exactly_one_through(world):
    rec = opened(world)
    outcomes, lock = [], threading.Lock()

    def save(i):
        try:
            wf.save_answers(world.store, world.alice, rec.id, {"crit.dc2020.1-3a": 10 + i}, expected_version=1)
            result = "ok"
        except VersionConflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert wf.get_assessment(world.store, world.alice, rec.id).record.version == 2


def test_bad_input_changes_nothing(world):
    rec = opened(world)
    wf.save_answers(world.store, world.alice, rec.id, {"crit.dc2020.1-2": "met"}, expected_version=1)
    for bad in ({"crit.dc2020.1-3a": 150, "crit.dc2020.1-5": "met"},      # out of range (+ a good one)
                {"crit.undrr.p1-1": 2},                                   # a criterion of another standard
                {"crit.dc2020.1-1\" or 1=1": "met"},                      # a tampered id
                {"crit.dc2020.1-1": {"answer": "met", "last_done": "2999-01-01"}},  # a future date
                {"crit.dc2020.1-1": {"answer": "met", "weight": 5}}):      # an unknown field
        with pytest.raises(AnswerInvalid):
            wf.save_answers(world.store, world.alice, rec.id, bad, expected_version=2)
    with pytest.raises(AnswerInvalid):
        wf.save_answers(world.store, world.alice, rec.id, {"crit.dc2020.1-5": "met"}, expected_version="x")
    view = wf.get_assessment(world.store, world.alice, rec.id)
    assert view.record.version == 2 and set(view.answers) == {"crit.dc2020.1-2"}


def test_submit_needs_every_answer_then_locks_editing(world):
    rec = opened(world)
    checklist = load_checklist(world.store)
    with pytest.raises(AnswerInvalid) as err:
        wf.submit(world.store, world.alice, rec.id, expected_version=1)
    assert "未作答" in str(err.value)
    view = wf.save_answers(world.store, world.alice, rec.id, full_answers(checklist), expected_version=1)
    assert view.result.total == 100 and view.result.qualified
    view = wf.submit(world.store, world.alice, rec.id, expected_version=2)
    assert view.record.status == wf.SUBMITTED and view.record.version == 3
    with pytest.raises(InvalidState):
        wf.save_answers(world.store, world.alice, rec.id, {"crit.dc2020.1-2": "not_met"}, expected_version=3)
    with pytest.raises(InvalidState) as err:
        opened(world)  # an unfinished assessment exists
    assert rec.id in str(err.value) and "%(" not in str(err.value) and err.value.status == 409
    wrong = wf._wrong_state(wf.AssessmentRecord(rec.id, "community.a", "std", wf.DRAFT, 1))
    assert "%(" not in str(wrong) and wrong.status == 409


def submitted(world, answers=None):
    rec = opened(world)
    checklist = load_checklist(world.store)
    raw = full_answers(checklist)
    raw.update(answers or {})
    wf.save_answers(world.store, world.alice, rec.id, raw, expected_version=1)
    return wf.submit(world.store, world.alice, rec.id, expected_version=2)


def test_who_sees_what(world):
    rec = opened(world)
    with pytest.raises(NotAllowed):
        wf.get_assessment(world.store, world.carol, rec.id)          # another community
    with pytest.raises(NotAllowed):
        wf.save_answers(world.store, world.carol, rec.id, {"crit.dc2020.1-2": "met"}, expected_version=1)
    with pytest.raises(NotAllowed):
        wf.get_assessment(world.store, world.rita, rec.id)           # reviewers do not see drafts
    with pytest.raises(NotAllowed):
        wf.open_assessment(world.store, world.carol, "community.a")  # only for one's own community
    with pytest.raises(NotAllowed):
        wf.get_assessment(world.store, world.carol, "assessment.doesnotexist")
    assert [r.id for r in wf.list_assessments(world.store, world.carol)] == []
    assert [r.id for r in wf.list_assessments(world.store, world.bob)] == [rec.id]


def test_review_queue_follows_the_reviewers_area(world):
    view = submitted(world)
    assert [r.id for r in wf.review_queue(world.store, world.rita)] == [view.id]
    assert wf.review_queue(world.store, world.rob) == []
    assert wf.review_queue(world.store, world.nobody) == []          # no organization, no area
    assert [r.id for r in wf.review_queue(world.store, world.admin)] == [view.id]
    with pytest.raises(NotAllowed):
        wf.get_assessment(world.store, world.rob, view.id)
    with pytest.raises(NotAllowed):
        wf.review_queue(world.store, world.alice)
    with pytest.raises(NotAllowed):
        wf.adjust_score(world.store, world.rob, view.id, "crit.dc2020.1-1", points=1, reason="x",
                        expected_version=view.record.version)
    # A county reviewer whose office the street is PART_OF sees it too.
    from tests.assessment.helpers import add_area

    add_area(world.store, "org.county-x", "某县应急管理局")
    world.store.upsert_relationships([{"type": "PART_OF", "start": "org.street-a", "end": "org.county-x"}])
    county = wf.Actor("user.county", frozenset({"reviewer"}), organization="org.county-x")
    assert [r.id for r in wf.review_queue(world.store, county)] == [view.id]


def test_reviewer_adjusts_with_reason_comments_and_signs_off(world):
    view = submitted(world)
    v = view.record.version
    with pytest.raises(AnswerInvalid):
        wf.adjust_score(world.store, world.rita, view.id, "crit.dc2020.1-1", points=1, reason="", expected_version=v)
    view = wf.adjust_score(world.store, world.rita, view.id, "crit.dc2020.1-1", points=1,
                           reason="近一年只开过一次会，纪要不全", expected_version=v)
    s = view.result.by_id["crit.dc2020.1-1"]
    assert (s.points, s.effective_points) == (2, 1)
    assert (view.result.self_total, view.result.total) == (100, 99)
    assert view.adjustments["crit.dc2020.1-1"].reason == "近一年只开过一次会，纪要不全"
    view = wf.adjust_score(world.store, world.rita, view.id, "crit.dc2020.g2", held="不符合", reason="2023年有较大事故",
                           expected_version=view.record.version)
    assert view.result.gates_met is False and view.result.self_gates_met is True
    assert view.record.get("qualified") is False
    wf.add_comment(world.store, world.rita, view.id, "请补充演练照片", criterion_id="crit.dc2020.4-1")
    community_view = wf.get_assessment(world.store, world.alice, view.id)
    assert [r["action"] for r in community_view.reviews] == ["submit", "adjust", "adjust", "comment"]
    assert community_view.reviews_for("crit.dc2020.4-1")[0]["text"] == "请补充演练照片"
    adjust = community_view.reviews[1]
    assert (adjust["original_points"], adjust["adjusted_points"]) == (2, 1)
    done = wf.sign_off(world.store, world.rita, view.id, expected_version=view.record.version, comment="同意")
    assert done.record.status == wf.SIGNED_OFF and done.record.get("signed_off_by") == "user.rita"


def test_a_signed_off_assessment_cannot_change(world):
    view = submitted(world)
    done = wf.sign_off(world.store, world.rita, view.id, expected_version=view.record.version)
    v = done.record.version
    for attempt in (
        lambda: wf.submit(world.store, world.alice, view.id, expected_version=v),
        lambda: wf.save_answers(world.store, world.alice, view.id, {"crit.dc2020.1-2": "not_met"}, expected_version=v),
        lambda: wf.adjust_score(world.store, world.rita, view.id, "crit.dc2020.1-1", points=0, reason="x",
                                expected_version=v),
        lambda: wf.sign_off(world.store, world.rita, view.id, expected_version=v),
        lambda: wf.add_comment(world.store, world.rita, view.id, "迟到的评语"),
        lambda: wf.return_for_revision(world.store, world.rita, view.id, expected_version=v, comment="x"),
    ):
        with pytest.raises(InvalidState) as err:
            attempt()
        assert "已审核签署" in str(err.value)
    after = wf.get_assessment(world.store, world.alice, view.id)
    assert after.record.version == v and after.result.total == 100 and len(after.reviews) == 2


def test_return_for_revision_and_resubmit(world):
    view = submitted(world, {"crit.dc2020.4-1": "partly"})
    back = wf.return_for_revision(world.store, world.rita, view.id, expected_version=view.record.version,
                                  comment="演练记录不全，请补充")
    assert back.record.status == wf.RETURNED
    fixed = wf.save_answers(world.store, world.alice, view.id, {"crit.dc2020.4-1": "met"},
                            expected_version=back.record.version)
    again = wf.submit(world.store, world.bob, view.id, expected_version=fixed.record.version)
    assert again.record.status == wf.SUBMITTED and again.result.total == 100


def test_history_gives_the_trend(world):
    first = submitted(world, {"crit.dc2020.10-1": "not_met"})
    wf.sign_off(world.store, world.rita, first.id, expected_version=first.record.version)
    second = opened(world)
    records = wf.history(world.store, world.alice, "community.a", standard_id=DEFAULT_STANDARD)
    assert [r.id for r in records] == [first.id, second.id]
    assert [r.get("total") for r in records] == [90, 0]


def test_a_standard_whose_points_no_longer_add_up_is_refused(world):
    node = world.store.get_node("crit.dc2020.1-1")
    world.store.upsert_nodes("Criterion", [{"id": node["id"], "properties": dict(node["properties"], points=3)}])
    with pytest.raises(ChecklistInvalid) as err:
        load_checklist(world.store)
    assert "101" in str(err.value)
    with pytest.raises(ChecklistInvalid):
        opened(world)
    assert wf.list_assessments(world.store) == []


def test_community_validation(world):
    with pytest.raises(AnswerInvalid):
        wf.create_community(world.store, "community.c", "丙社区", area="org.nowhere")
    with pytest.raises(AnswerInvalid):
        wf.create_community(world.store, "Community C", "丙社区")
    with pytest.raises(AnswerInvalid):
        wf.create_community(world.store, "community.c", "丙社区", first_responder_target=-1)
    assert [c["id"] for c in wf.list_communities(world.store, world.rita)] == ["community.a"]
    assert [c["id"] for c in wf.list_communities(world.store, world.carol)] == ["community.b"]
    assert len(wf.list_communities(world.store, world.admin)) == 2

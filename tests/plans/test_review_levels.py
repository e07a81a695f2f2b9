"""The self-assessment filled from records (accept, override with a reason) and the two-level
review: street office, then county office — each level's sign-off, comments and adjustments
kept — on both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assessments import proposals as pr
from assessments import review_levels as rl
from assessments import workflow as wf
from assessments.errors import AnswerInvalid, InvalidState, NotAllowed, VersionConflict
from kg.plans import service as ps
from tests.plans.conftest import NOW
from tests.plans.evidence_helpers import answer_sheets
from tests.plans.plan_helpers import complete_plan
from tests.plans.review_helpers import OVERRIDE, self_assessment


def actors(world):
    return (wf.Actor.of(world.editor), wf.Actor.of(world.street), wf.Actor.of(world.county),
            wf.Actor.of(world.other_street))


def test_proposals_accepted_and_one_overridden_with_a_reason(world):
    editor = wf.Actor.of(world.editor)
    complete_plan(world.store, world.editor, NOW)
    ps.put_in_force(world.store, world.editor, "community.a", 2, expected=2, now=NOW)
    answer_sheets(world.store, world.editor, NOW, passed=45, failed=5)
    record = wf.open_assessment(world.store, editor, "community.a", now=NOW)
    with pytest.raises(AnswerInvalid):  # overriding needs a reason
        pr.decide(world.store, editor, record.id, "crit.dc2020.5-3", accept=False, answer="85", reason="",
                  expected_version=record.version, now=NOW)
    view, accepted = pr.accept_all(world.store, editor, record.id, expected_version=record.version, now=NOW)
    assert {"crit.dc2020.3-1", "crit.dc2020.3-4", "crit.dc2020.4-1", "crit.dc2020.5-3"} <= set(accepted)
    assert view.answers["crit.dc2020.3-2"].status == "met" and view.answers["crit.dc2020.4-1"].status == "not_met"
    assert view.answers["crit.dc2020.5-3"].value == pytest.approx(78.6, abs=0.05)  # lower bound of 45/50
    with pytest.raises(VersionConflict):
        pr.decide(world.store, editor, record.id, "crit.dc2020.5-3", accept=True, expected_version=record.version,
                  now=NOW)
    cid, answer, reason = OVERRIDE
    view = pr.decide(world.store, editor, record.id, cid, accept=False, answer=answer, reason=reason,
                     expected_version=view.record.version, now=NOW)
    kept = pr.decisions(view)
    assert kept[cid].decision == "overridden" and kept[cid].override_reason == reason
    assert kept[cid].proposal_answer == "78.6" and view.answers[cid].value == 85
    assert kept["crit.dc2020.3-1"].decision == "accepted" and kept["crit.dc2020.3-1"].proposal_records
    rows = {r["criterion"].id: r for r in pr.side_by_side(world.store, view, now=NOW)}
    assert rows[cid]["decision"].override_reason == reason and rows[cid]["proposal"].answer == 78.6
    with pytest.raises(NotAllowed):
        pr.decide(world.store, wf.Actor.of(world.editor_b), record.id, cid, accept=True,
                  expected_version=view.record.version, now=NOW)
    with pytest.raises(AnswerInvalid):  # nothing to propose without records
        pr.decide(world.store, editor, record.id, "crit.dc2020.1-1", accept=True,
                  expected_version=view.record.version, now=NOW)


def test_street_then_county_each_with_its_own_sign_off_comments_and_adjustments(world):
    editor, street, county, other = actors(world)
    view, _ = self_assessment(world.store, editor, NOW)
    aid = view.id
    assert [r.id for r in rl.queue(world.store, street)] == [aid] and rl.queue(world.store, county) == []
    with pytest.raises(InvalidState):  # one-step sign-off is not the process here
        wf.sign_off(world.store, street, aid, expected_version=view.record.version)
    with pytest.raises(NotAllowed):  # the county waits for the street
        rl.approve(world.store, county, aid, expected_version=view.record.version)
    with pytest.raises(NotAllowed):
        rl.approve(world.store, other, aid, expected_version=view.record.version)
    rl.comment(world.store, street, aid, "演练照片请补充到档案", criterion_id="crit.dc2020.4-1", now=NOW)
    view = rl.adjust(world.store, street, aid, "crit.dc2020.1-1", points=1, reason="会议纪要只有一次",
                     expected_version=view.record.version, now=NOW)
    with pytest.raises(VersionConflict):
        rl.approve(world.store, street, aid, expected_version=view.record.version - 1)
    view = rl.approve(world.store, street, aid, expected_version=view.record.version, comment="同意报县级审核",
                      now=NOW + timedelta(days=1))
    assert view.record.status == wf.STREET_APPROVED and view.record.get("street_signed_off_by") == street.id
    assert [r.id for r in rl.queue(world.store, county)] == [aid] and rl.queue(world.store, street) == []
    with pytest.raises(NotAllowed):
        rl.comment(world.store, street, aid, "再补充一点", now=NOW)
    with pytest.raises(InvalidState):  # the community cannot start another one meanwhile
        wf.open_assessment(world.store, editor, "community.a", now=NOW)
    view = rl.adjust(world.store, county, aid, "crit.dc2020.1-1", points=1.5, reason="现场查看了两次会议记录",
                     expected_version=view.record.version, now=NOW + timedelta(days=2))
    rl.comment(world.store, county, aid, "现场核查属实", now=NOW + timedelta(days=2))
    view = rl.approve(world.store, county, aid, expected_version=view.record.version, comment="同意申报",
                      now=NOW + timedelta(days=3))
    assert view.record.status == wf.SIGNED_OFF
    assert view.result.by_id["crit.dc2020.1-1"].effective_points == 1.5
    history = {h.level.key: h for h in rl.history(world.store, view)}
    assert history["street"].sign_off["text"] == "同意报县级审核" and history["county"].sign_off["text"] == "同意申报"
    assert [a["adjusted_points"] for a in history["street"].adjustments] == [1]
    assert [(a["previous_points"], a["adjusted_points"]) for a in history["county"].adjustments] == [(1, 1.5)]
    assert [c["text"] for c in history["street"].comments] == ["演练照片请补充到档案"]
    assert [c["text"] for c in history["county"].comments] == ["现场核查属实"]
    with pytest.raises(InvalidState):
        rl.approve(world.store, county, aid, expected_version=view.record.version)


def test_returns_and_a_community_with_one_level(world):
    editor, street, county, _ = actors(world)
    view, _ = self_assessment(world.store, editor, NOW)
    view = rl.approve(world.store, street, view.id, expected_version=view.record.version, now=NOW)
    with pytest.raises(NotAllowed):  # the street's turn is over
        rl.send_back(world.store, street, view.id, expected_version=view.record.version, comment="x")
    with pytest.raises(AnswerInvalid):
        rl.send_back(world.store, county, view.id, expected_version=view.record.version, comment="x", to="province")
    view = rl.send_back(world.store, county, view.id, expected_version=view.record.version,
                        comment="请街道再核一遍演练记录", to="street", now=NOW)
    assert view.record.status == wf.SUBMITTED
    view = rl.send_back(world.store, street, view.id, expected_version=view.record.version, comment="补充演练照片",
                        now=NOW)
    assert view.record.status == wf.RETURNED
    # 丙社区's street office is part of nothing: one level, and the old one-step sign-off still works
    create = wf.Actor("user.ec", frozenset({"community"}), community="community.c")
    view_c, _ = self_assessment(world.store, create, NOW, community="community.c")
    assert len(rl.chain(world.store, "community.c")) == 1
    other = wf.Actor.of(world.other_street)
    done = rl.approve(world.store, other, view_c.id, expected_version=view_c.record.version, now=NOW)
    assert done.record.status == wf.SIGNED_OFF

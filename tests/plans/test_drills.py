"""Drills and their after-action reviews: the improvement becomes a lesson learned and a corrective
action, the same problem in two drills is flagged, the plan is revised after the drill — on both
stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kg.drills import drills as dr
from kg.errors import Conflict, Invalid, NotAllowed
from kg.plans import service as ps
from tests.plans.conftest import NOW
from tests.plans.drill_helpers import IMPROVEMENT, REPEATED, findings, new_drill
from tests.plans.plan_helpers import complete_plan


def test_a_drill_needs_a_plan_in_force_and_good_input(world):
    with pytest.raises(Invalid, match="现行有效"):
        new_drill(world.store, world.editor, NOW)
    v2 = complete_plan(world.store, world.editor, NOW)
    ps.put_in_force(world.store, world.editor, "community.a", v2.meta.number, expected=v2.meta.number, now=NOW)
    with pytest.raises(NotAllowed):
        new_drill(world.store, world.editor_b, NOW)
    with pytest.raises(Invalid):
        dr.create_drill(world.store, world.editor, "community.a", name="演练", kind="parade", held_on="2026-05-01",
                        hazards=["hazard.rainstorm"], objectives=["a"], now=NOW)
    with pytest.raises(Invalid):
        dr.create_drill(world.store, world.editor, "community.a", name="演练", kind="tabletop", held_on="2026-13-01",
                        hazards=["hazard.rainstorm"], objectives=["a"], now=NOW)
    with pytest.raises(Invalid):
        dr.create_drill(world.store, world.editor, "community.a", name="演练", kind="tabletop", held_on="2026-05-01",
                        hazards=["hazard.rainstorm"], objectives=[], now=NOW)
    drill = new_drill(world.store, world.editor, NOW)
    assert drill.get("plan_version") == v2.meta.id and drill.get("residents") == 45 and drill.with_residents
    assert [d.id for d in dr.drills_for(world.store, world.street, "community.a")] == [drill.id]
    with pytest.raises(NotAllowed):
        dr.drills_for(world.store, world.other_street, "community.a")


def test_review_lessons_actions_repeats_and_the_plan_revision(world, engine):
    store, editor = world.store, world.editor
    v2 = complete_plan(store, editor, NOW)
    ps.put_in_force(store, editor, "community.a", 2, expected=2, now=NOW)
    first = new_drill(store, editor, NOW)
    due = NOW.date() + timedelta(days=30)
    bad = findings(dict(IMPROVEMENT, analysis=""), due=due)
    with pytest.raises(Invalid, match="原因分析"):
        dr.review_drill(store, engine, editor, first.id, bad, now=NOW)
    with pytest.raises(Invalid, match="AED"):
        dr.review_drill(store, engine, editor, first.id,
                        findings(dict(IMPROVEMENT, recommendation="配备AED。"), due=due), now=NOW)
    assert store.get_node(f"{first.id}:aar") is None  # nothing written
    review = dr.review_drill(store, engine, editor, first.id, findings(due=due), summary="转移顺利，叫应有漏户。", now=NOW)
    improvement = review.findings[1]
    lesson = store.get_node(improvement.lesson)
    assert lesson["label"] == "LessonLearned" and lesson["properties"]["name"] == IMPROVEMENT["title"]
    targets = {(link["type"], link["end"]) for link in store.links(improvement.lesson) if link["start"] == improvement.lesson}
    assert {("FROM_DRILL", first.id), ("LESSON_FOR_PLAN", "community.a:plan"), ("ABOUT", "hazard.rainstorm"),
            ("RECOMMENDS_ACTION_BY", "org.community-committee"), ("CITES", f"src.aar.{first.id[6:]}")} <= targets
    action = store.get_node(improvement.action)["properties"]
    assert (action["status"], action["due_date"]) == ("open", due.isoformat())
    record = dr.review_of(store, dr.get_drill(store, first.id))
    assert [f["kind"] for f in record["findings"]] == ["strength", "improvement"]
    assert record["findings"][1]["action_record"]["owner"] == "org.community-committee"
    with pytest.raises(Conflict):
        dr.review_drill(store, engine, editor, first.id, findings(due=due), now=NOW)
    # the plan is revised after the drill, carrying out its corrective action (criterion 4.2)
    v3 = ps.save_edits(store, editor, "community.a",
                       {"paragraphs": {"vulnerable.procedure": v2.document.paragraph("vulnerable.procedure").text
                                       + "叫应名单与脆弱人群清单逐户核对，独居老人由结对帮扶人当面通知。"}},
                       base=2, note="按演练评估修订叫应办法", now=NOW + timedelta(days=2),
                       revised_after=[first.id], carries_out=[improvement.action])
    assert (v3.meta.revised_after, v3.meta.carries_out) == ([first.id], [improvement.action])
    links = {(link["type"], link["end"]) for link in store.links(v3.meta.id) if link["start"] == v3.meta.id}
    assert ("REVISED_AFTER", first.id) in links and ("CARRIES_OUT", improvement.action) in links
    # a second drill finds the same problem: flagged as repeating the first drill's lesson
    second = new_drill(store, editor, NOW + timedelta(days=60), name="汛期第二次转移演练")
    later = NOW + timedelta(days=60)
    again = dr.review_drill(store, engine, editor, second.id, findings(REPEATED, due=later.date() + timedelta(days=30)),
                            now=later)
    repeats = again.findings[1].repeats
    assert any(r["id"] == improvement.lesson and r["drill"] == first.id for r in repeats), repeats
    flagged = dr.repeated_findings(store, "community.a")
    assert [f["id"] for f in flagged] == [again.findings[1].id]
    with pytest.raises(Invalid):  # a future drill cannot be reviewed yet
        dr.review_drill(store, engine, editor, new_drill(store, editor, NOW, held_on=NOW.date() + timedelta(days=5)).id,
                        findings(due=due), now=NOW)

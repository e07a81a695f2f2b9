"""Evidence rules: every criterion that records can prove declares its rule in the checklist data,
and each rule is tested here against records on both stores."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from assessments import evidence_rules as er
from kg.plans import service as ps
from tests.plans.conftest import NOW, bundled, make_world
from tests.plans.drill_helpers import findings, new_drill
from tests.plans.evidence_helpers import answer_sheets, trained_user
from tests.plans.plan_helpers import complete_edits, complete_plan


def by_number(store, community="community.a", now=NOW) -> dict[str, er.Proposal]:
    return {p.number: p for p in er.propose(store, community, now=now)}


def test_every_declared_rule_is_registered_and_answers_its_criterion_s_kind():
    declared = {n.id: n for n in bundled().nodes if n.label == "Criterion" and n.properties.get("evidence_rule")}
    assert len(declared) == 24
    for node in declared.values():
        spec = er.RULES.get(node.properties["evidence_rule"])
        assert spec is not None, node.id
        assert node.properties["scoring"] in spec.kinds, node.id
        assert json.loads(node.properties["evidence_params"]) is not None and node.properties["evidence_basis"]
    assert {n.properties["evidence_rule"] for n in declared.values()} == set(er.RULES)


def test_plan_in_force_drilled_and_plan_check(world):
    store = world.store
    p = by_number(store)
    assert p["G3"].answer == er.NOT_MET and p["3.1"].answer == er.NOT_MET
    v1 = ps.start_plan(store, world.editor, "community.a", ["hazard.rainstorm", "hazard.elevator-accident"], now=NOW)
    edits = complete_edits(v1.document)
    edits.pop("channels")
    edits["places"] = [pl for pl in edits["places"] if pl.kind != "command"]
    ps.save_edits(store, world.editor, "community.a", edits, base=1, note="部分补全", now=NOW)
    assert by_number(store)["3.1"].answer == er.NOT_MET  # saved, not in force
    ps.put_in_force(store, world.editor, "community.a", 2, expected=2, now=NOW)
    p = by_number(store)
    assert (p["3.1"].answer, p["3.2"].answer, p["3.3"].answer, p["3.4"].answer) == (
        er.MET, er.MET, er.PARTLY, er.PARTLY)
    assert p["3.3"].records[0].id == "community.a:plan:v2"
    assert p["G3"].answer == er.NOT_MET  # the check does not pass and nothing was drilled
    ps.save_edits(store, world.editor, "community.a", {"channels": ["社区广播"], "places": complete_edits(v1.document)["places"]},
                  base=2, note="补全渠道和指挥场所", now=NOW)
    ps.put_in_force(store, world.editor, "community.a", 3, expected=3, now=NOW)
    p = by_number(store)
    assert {p[n].answer for n in ("3.1", "3.2", "3.3", "3.4")} == {er.MET}
    assert p["G3"].answer == er.NOT_MET
    new_drill(store, world.editor, NOW)
    assert by_number(store)["G3"].answer == er.MET
    assert by_number(store, now=NOW + timedelta(days=400))["G3"].answer == er.NOT_MET  # the drill is too old


def test_drills_with_residents(world):
    store = world.store
    complete_plan(store, world.editor, NOW)
    ps.put_in_force(store, world.editor, "community.a", 2, expected=2, now=NOW)
    assert by_number(store)["4.1"].answer == er.NOT_MET
    d = new_drill(store, world.editor, NOW, residents=0)
    p = by_number(store)["4.1"]
    assert p.answer == er.PARTLY and [r.id for r in p.records] == [d.id]
    new_drill(store, world.editor, NOW, name="第二次演练", residents=30)
    p = by_number(store)["4.1"]
    assert p.answer == er.MET and p.figures[0].value == 2 and p.figures[3].value == 30
    assert by_number(store, now=NOW + timedelta(days=400))["4.1"].answer == er.NOT_MET
    assert by_number(store, "community.b")["4.1"].answer == er.NOT_MET  # another community's drills do not count


def test_drills_reviewed_plan_revised(world, engine):
    store = world.store
    complete_plan(store, world.editor, NOW)
    ps.put_in_force(store, world.editor, "community.a", 2, expected=2, now=NOW)
    assert by_number(store)["4.2"].answer == er.NOT_MET  # no drill
    drill = new_drill(store, world.editor, NOW)
    assert by_number(store)["4.2"].answer == er.NOT_MET  # not reviewed
    from kg.drills import drills as dr

    review = dr.review_drill(store, engine, world.editor, drill.id, findings(due=NOW.date() + timedelta(days=30)),
                             now=NOW)
    p = by_number(store)["4.2"]
    assert p.answer == er.NOT_MET and p.figures[1].value == 1 and p.figures[2].value == 1  # reviewed, plan not revised
    later = NOW + timedelta(days=1)
    ps.save_edits(store, world.editor, "community.a", {"supplies": ["折叠床 50 张", "急救箱 5 个"]}, base=2,
                  note="按演练评估修订", now=later, revised_after=[drill.id], carries_out=[review.findings[1].action])
    p = by_number(store, now=later)["4.2"]
    assert p.answer == er.MET and "community.a:plan:v3" in [r.id for r in p.records]
    second = new_drill(store, world.editor, later, name="第二次演练")
    assert by_number(store, now=later)["4.2"].answer == er.PARTLY  # one of two drills reviewed
    dr.review_drill(store, engine, world.editor, second.id, findings(due=later.date() + timedelta(days=30))[:1],
                    now=later)  # only a strength: nothing to revise
    assert by_number(store, now=later)["4.2"].answer == er.MET


def test_survey_share_proposes_what_the_sample_proves(world):
    p = by_number(world.store)["5.3"]
    assert p.state == er.NO_RECORDS and p.answer is None
    survey = answer_sheets(world.store, world.editor, NOW, passed=18, failed=2)
    p = by_number(world.store)["5.3"]
    assert p.state == er.PROPOSED and p.answer == 69.9  # the interval's lower bound, not 90 %
    assert [f.value for f in p.figures] == [20, 18, 90.0, "69.9–97.2"] and p.records[0].id == survey.id
    assert by_number(world.store, now=NOW + timedelta(days=400))["5.3"].state == er.NO_RECORDS


def test_trained_key_staff_and_responders(world):
    store = world.store
    assert by_number(store)["6.1"].state == er.NO_RECORDS
    assert by_number(store)["6.2"].answer == er.NOT_MET
    trained_user(store, "staff1", "community.a", NOW, roles=("community",))
    trained_user(store, "staff2", "community.a", NOW, roles=("community",), certified=False)
    p = by_number(store)
    assert p["6.1"].answer == er.PARTLY and [f.value for f in p["6.1"].figures] == [2, 1]
    assert p["6.2"].answer == er.PARTLY  # 1 trained of the target 3
    trained_user(store, "staff3", "community.a", NOW, roles=("community",), expired=True)
    trained_user(store, "res1", "community.a", NOW, signoff=True)
    trained_user(store, "res2", "community.a", NOW)
    p = by_number(store)
    assert p["6.1"].answer == er.PARTLY  # an expired certificate does not count
    assert p["6.2"].answer == er.MET and p["6.2"].figures[1].value == 1
    # without a target, the population gives one: 15 per 10,000 residents
    from assessments.workflow import create_community

    create_community(store, "community.b", "乙社区", area="org.test-street")
    store.upsert_nodes("Community", [{"id": "community.b", "properties": {"name": "乙社区", "population": 3000,
                                                                            "area": "org.test-street"}}])
    trained_user(store, "b1", "community.b", NOW)
    p = by_number(store, "community.b")["6.2"]
    assert p.answer == er.PARTLY and p.figures[-1].value == 5  # ceil(3000 x 15 / 10000)


def test_cem_assessment_propose(store_env):
    from kg.cli import main
    from kg.settings import load_settings
    from kg.store import open_store

    with open_store(load_settings(store_env)) as store:
        w = make_world(store)
        answer_sheets(store, w.editor, NOW - timedelta(days=1), passed=9, failed=1)
    result = CliRunner().invoke(main, ["assessment", "propose", "community.a", "--json"], env=store_env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by = {p["number"]: p for p in data["proposals"]}
    assert by["5.3"]["state"] == "proposed" and by["5.3"]["answer"] == 59.6 and by["5.3"]["records"]
    assert by["4.1"]["answer"] == "not_met" and by["1.3a"]["state"] == "no_records"
    text = CliRunner().invoke(main, ["assessment", "propose", "community.a"], env=store_env).output
    assert "survey_share" in text and "答卷数（样本量）: 10" in text
    bad = CliRunner().invoke(main, ["assessment", "propose", "community.nope"], env=store_env)
    assert bad.exit_code == 1 and "no community" in bad.output

"""The gap plan over the bundled graph on both stores: actions drawn from REQUIRES and
SATISFIED_BY links, duties with their community-level holders, lessons, ordering, exports."""

from __future__ import annotations

import csv
import io

import pytest

from assessments.checklist import load_checklist
from assessments.gap_plan import EFFORT, gap_plan
from assessments.scoring import parse_answers, score
from tests.assessment.helpers import load_all_with_training_stand_ins


@pytest.fixture
def graph(store):
    load_all_with_training_stand_ins(store)
    return store


def test_all_failing_assessment_gets_concrete_ordered_actions(graph):
    checklist = load_checklist(graph)
    plan = gap_plan(graph, score(checklist, {}), assessment_id="assessment.x")
    assert len(plan.gaps) == len(checklist.criteria) == 38
    assert plan.recoverable == 100
    actions = plan.by_key

    comprehensive = actions["plan:plan.community-comprehensive"]
    numbers = {checklist.by_id[c].number for c in comprehensive.gaps}
    assert {"G3", "3.1", "3.2", "4.1"} <= numbers and comprehensive.serves_gate
    drills = next(a for a in comprehensive.assignments if a.duty == "duty.community-plan-drills")
    assert ("org.community-committee", "村（居）民委员会") in drills.holders
    levels = {row["id"]: row["properties"].get("level") for row in
              (graph.get_node(h[0]) for a in comprehensive.assignments for h in a.holders)}
    assert set(levels.values()) <= {"community", "grid"}       # only bodies the community can task
    assert comprehensive.lessons                                  # why it matters

    assert actions["organization:org.community-committee"].assignments
    shelter = actions["facility:facility.shelter"]
    assert shelter.effort == EFFORT["facility"] and shelter.requirements
    assert any(a.kind == "module" for a in plan.actions) and any(a.kind == "course" for a in plan.actions)
    assert actions["requirement:crit.dc2020.10-1"].points == 10   # no links: work through the requirement

    # Gate-serving actions first, then by points recoverable per effort.
    flags = [a.serves_gate for a in plan.actions]
    assert flags == sorted(flags, reverse=True)
    rest = [a.priority for a in plan.actions if not a.serves_gate]
    assert rest == sorted(rest, reverse=True)
    gap = next(g for g in plan.gaps if g.criterion.number == "7.1")
    assert gap.density == pytest.approx(6 / EFFORT["facility"])
    assert [g.criterion.gate for g in plan.gaps][:3] == [True, True, True]

    rows = list(csv.reader(io.StringIO(plan.to_csv())))
    assert rows[0][:3] == ["序号", "行动", "类型"] and len(rows) == len(plan.actions) + 1
    md = plan.to_markdown()
    assert md.startswith("# 差距整改计划") and "社区突发事件综合应急预案" in md and "| 条目 |" in md


def test_only_criteria_not_fully_met_become_gaps(graph):
    checklist = load_checklist(graph)
    raw = {c.id: ("met" if c.scoring != "numeric" else c.target + (1 if c.target_above else 0))
           for c in checklist.criteria}
    raw.update({"crit.dc2020.7-1": "partly", "crit.dc2020.1-3a": 50})
    plan = gap_plan(graph, score(checklist, parse_answers(checklist, raw)))
    # 7.1: 3 of 6 points to recover over effort 5 (0.6/effort); 1.3a: 1 of 2 over effort 3 (0.33).
    assert [(g.criterion.number, g.recoverable) for g in plan.gaps] == [("7.1", 3), ("1.3a", 1)]
    assert {a.key for a in plan.actions} == {"facility:facility.shelter", "organization:org.grid-worker"}
    assert all(not a.serves_gate for a in plan.actions)

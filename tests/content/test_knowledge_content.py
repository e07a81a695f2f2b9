"""The bundled knowledge content: minimums, quality rules and coverage, on both stores."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from kg.content.load import load_content
from kg.content.loader import read_content
from kg.coverage import family_lessons, gaps, hazard_coverage

MINIMUMS = {"Hazard": 40, "Organization": 30, "Duty": 80, "Plan": 12, "Facility": 15,
            "Incident": 20, "LessonLearned": 80, "Phase": 4}


@pytest.fixture(scope="module")
def content():
    c = read_content()
    assert c.ok, "\n".join(map(str, c.problems[:20]))
    return c


@pytest.fixture
def loaded(store, content):
    load_content(store, content)
    return store


def test_minimum_counts(content):
    counts = Counter(n.label for n in content.nodes)
    hazards = sum(1 for n in content.nodes if n.label == "Hazard" and n.properties.get("level") != "family")
    assert hazards >= 40
    for label, minimum in MINIMUMS.items():
        assert counts[label] >= minimum, f"{label}: {counts[label]} < {minimum}"


ENGLISH_NAMED = ("LessonLearned", "Incident", "Duty", "Plan", "Facility", "Organization", "Phase", "Hazard", "Criterion")


def test_english_names_where_the_english_ui_needs_them(content):
    missing = [n.id for n in content.nodes if n.label in ENGLISH_NAMED and not n.properties.get("name_en")]
    assert missing == []
    for node in content.nodes:
        if node.label in ENGLISH_NAMED:
            name_en = node.properties["name_en"]
            assert not re.search(r"[\u3400-\u9fff]", name_en), (node.id, name_en)  # English, not Chinese
            assert name_en != node.properties["name"] and len(name_en) <= 300


def test_the_four_phases_of_the_seed_article(content):
    phases = sorted((n.properties["order"], n.properties["name"]) for n in content.nodes if n.label == "Phase")
    assert [name for _, name in phases] == ["源头治理", "应急准备", "应急响应", "善后恢复"]


def test_every_lesson_has_the_record_shape_and_its_links(content):
    by_start = {}
    for rel in content.relationships:
        by_start.setdefault(rel.start, set()).add(rel.type)
    lessons = [n for n in content.nodes if n.label == "LessonLearned"]
    for lesson in lessons:
        for field in ("observation", "discussion", "lesson", "recommendation"):
            assert lesson.properties.get(field), (lesson.id, field)
        assert {"FROM_INCIDENT", "IN_PHASE", "ABOUT", "CITES"} <= by_start[lesson.id], lesson.id


def test_sample_of_lessons_resolves_to_a_locatable_source(content):
    nodes = {n.id: n for n in content.nodes}
    cites = {}
    for rel in content.relationships:
        if rel.type == "CITES":
            cites.setdefault(rel.start, []).append(rel)
    lessons = sorted(n.id for n in content.nodes if n.label == "LessonLearned")
    for lesson_id in random.Random(2026).sample(lessons, 10):
        located = [r for r in cites[lesson_id] if r.properties.get("locator")]
        assert located, f"{lesson_id} has no citation with a locator"
        for rel in located:
            source = nodes[rel.end]
            assert source.label == "Source"
            assert source.properties.get("url") or source.properties.get("identifier"), source.id
            assert source.properties.get("issuer") and source.properties.get("name"), source.id


def test_every_incident_has_date_place_and_source(content):
    cited = {r.start for r in content.relationships if r.type == "CITES"}
    for node in content.nodes:
        if node.label == "Incident":
            assert node.properties["date"] and node.properties["place"] and node.id in cited


def test_coverage_every_hazard_has_a_duty_and_a_plan_and_every_family_three_lessons(loaded):
    coverage = hazard_coverage(loaded)
    holes = gaps(coverage)
    assert holes["no_duty"] == [] and holes["no_plan"] == []
    lessons = family_lessons(coverage)
    thin = {f: len(lessons[f]) for f, c in coverage.items() if c.level == "family" and len(lessons[f]) < 3}
    assert thin == {}, f"hazard families with fewer than 3 lessons: {thin}"


def test_bundled_content_loads_identically_into_both_stores(loaded, content):
    counts = loaded.counts()
    expected = Counter(n.label for n in content.nodes)
    assert counts["labels"] == dict(sorted(expected.items()))
    assert sum(counts["relationships"].values()) == len(content.relationships)


# --- issue 12: the 2025 general plan, the plan set, the thin parts of the graph ------------------

def _rels(content, rel_type):
    return [r for r in content.relationships if r.type == rel_type]


def test_the_replaced_2006_general_plan_is_no_longer_cited(content):
    ids = {n.id for n in content.nodes}
    assert "src.hz-general-plan-2006" not in ids
    plan = next(n for n in content.nodes if n.id == "src.gv-general-plan-2025")
    assert "国发〔2005〕11号" in plan.properties["identifier"] and plan.properties["url"].startswith("https://www.gov.cn/")
    cited_by = {r.start for r in _rels(content, "CITES") if r.end == "src.gv-general-plan-2025"}
    families = {n.id for n in content.nodes if n.label == "Hazard" and n.properties.get("level") == "family"}
    assert {"hazard.family.meteorological", "hazard.family.forest-fire", "hazard.family.fire"} <= cited_by & families
    assert "plan.community-comprehensive" in cited_by


def test_plan_management_measures_2024_back_plan_drafting(content):
    cites = {(r.start, r.end) for r in _rels(content, "CITES")}
    assert ("plan.community-comprehensive", "src.gv-plan-measures-2024") in cites


@pytest.mark.parametrize("plan, hazards, incidents", [
    ("plan.forest-grassland-fire", {"hazard.forest-fire", "hazard.grassland-fire"},
     {"incident.xichang-forest-fire-2020", "incident.muli-forest-fire-2019"}),
    ("plan.social-security", {"hazard.mass-incident"},
     {"incident.wengan-mass-incident-2008", "incident.menglian-mass-incident-2008"}),
])
def test_new_special_plans_cover_their_hazards_and_the_lessons_point_at_them(content, plan, hazards, incidents):
    covers = {r.end for r in _rels(content, "COVERS") if r.start == plan}
    assert hazards <= covers
    assigned = [r.end for r in _rels(content, "ASSIGNS") if r.start == plan]
    assert len(assigned) >= 10
    lessons_about = {r.start for r in _rels(content, "ABOUT") if r.end == plan}
    lesson_incident = {r.start: r.end for r in _rels(content, "FROM_INCIDENT")}
    assert incidents == {lesson_incident[lesson] for lesson in lessons_about}
    specializes = {r.end for r in _rels(content, "SPECIALIZES") if r.start == plan}
    assert specializes == {"plan.community-comprehensive"}


def test_recovery_has_at_least_35_duties_and_the_seed_topics_are_covered(content):
    in_phase = {r.start: r.end for r in _rels(content, "IN_PHASE")}
    recovery = [n for n in content.nodes if n.label == "Duty" and in_phase.get(n.id) == "phase.recovery"]
    assert len(recovery) >= 35
    text = " ".join(n.properties["name"] + n.properties.get("description", "") for n in recovery)
    for topic in ("灾情", "损失", "补偿", "救助", "重建", "经验教训"):
        assert topic in text, topic


@pytest.mark.parametrize("org, minimum", [
    ("org.town-emergency-committee", 3), ("org.grid-safety-officer", 3), ("org.safety-social-supervisor", 3),
    ("org.mediation-committee", 4), ("org.security-committee", 2), ("org.public-health-committee", 3),
])
def test_thin_organizations_hold_several_duties(content, org, minimum):
    held = [r.end for r in _rels(content, "HAS_DUTY") if r.start == org]
    assert len(held) >= minimum, (org, held)


@pytest.mark.parametrize("needle", ["三社联动", "社会力量", "15分钟生活服务圈", "一网统管", "一屏研判", "互联网+基层治理",
                                    "防火监督检查", "行政处罚权"])
def test_seed_topics_have_duties(content, needle):
    duties = [n for n in content.nodes if n.label == "Duty"
              and needle in n.properties["name"] + n.properties.get("description", "")]
    assert duties, needle


def test_fire_inspection_and_enforcement_sit_in_source_governance(content):
    in_phase = {r.start: r.end for r in _rels(content, "IN_PHASE")}
    for duty in ("duty.town-fire-supervision-inspection", "duty.town-delegated-penalty-power",
                 "duty.town-work-safety-supervision"):
        assert in_phase[duty] == "phase.source-governance"

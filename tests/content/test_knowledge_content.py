"""The bundled knowledge content: minimums, quality rules and coverage, on both stores."""

from __future__ import annotations

import random
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


def test_english_names_where_the_english_ui_needs_them(content):
    for node in content.nodes:
        if node.label in ("Hazard", "Phase", "Organization", "Plan"):
            assert node.properties.get("name_en"), node.id


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

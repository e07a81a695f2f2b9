"""Binds the search journeys (each runs on both stores)."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from pytest_bdd import given, parsers, scenario, then, when

from tests.search.fixtures import *  # noqa: F403 (embedder, vector cache, indexed store, app)
from tests.web.platform_fixtures import CSRF_RE


@scenario("search.feature", "A staff member searches in Chinese")
def test_search_in_chinese(store_kind):
    pass


@scenario("search.feature", "Filtering by phase")
def test_filter_by_phase(store_kind):
    pass


@scenario("search.feature", "Opening a hit's graph context")
def test_open_context(store_kind):
    pass


@scenario("search.feature", "Adding a lesson that nearly duplicates an existing one")
def test_near_duplicate(store_kind):
    pass


@pytest.fixture
def world():
    return {}


@given("the bundled knowledge is loaded and indexed")
def loaded(search_app, indexed_store, world):
    world["store"] = indexed_store
    world["lessons"] = len(indexed_store.nodes_by_label("LessonLearned", limit=10000))


@given("I am signed in as a reviewer")
def reviewer(signed_in, world):
    world["client"] = signed_in("reviewer")


def _hits(page: str) -> list[tuple[str, str]]:
    """(label name, node id) of each hit on the results page, in order."""
    return re.findall(r'<span class="tag">([^<]+)</span>\s*<a class="hit-link" href="/node/([^"]+)"', page)


@when(parsers.parse('I search for "{query}"'))
def search(world, query):
    response = world["client"].get("/search", query_string={"q": query})
    assert response.status_code == 200
    world["page"] = response.get_data(as_text=True)
    world["hits"] = _hits(world["page"])


@when(parsers.parse('I search for "{query}" among lessons in the phase "{phase}"'))
def search_phase(world, query, phase):
    response = world["client"].get("/search", query_string={"q": query, "phase": phase, "label": "LessonLearned"})
    assert response.status_code == 200
    world["hits"] = _hits(response.get_data(as_text=True))


@then(parsers.parse('the first {n:d} results include the {kind} "{node_id}"'))
def first_results_include(world, n, kind, node_id):
    assert node_id in [i for _, i in world["hits"][:n]], world["hits"][:n]


@then(parsers.parse('every result is a lesson in the phase "{phase}"'))
def all_in_phase(world, phase):
    in_phase = {r["id"] for r in world["store"].run_read("search_filter_phase", phase=phase)}
    assert all(label == "经验教训" and node_id in in_phase for label, node_id in world["hits"])


@then("there is at least one result")
def some_result(world):
    assert world["hits"]


@when("I open the graph context of the first result")
def open_context(world):
    page = world["page"]
    start = page.index('id="hit-1"')
    end = page.index('id="hit-2"') if 'id="hit-2"' in page else len(page)
    world["context"] = htmllib.unescape(page[start:end])


@then(parsers.parse('I see its incident "{name}"'))
def see_incident(world, name):
    assert "事件" in world["context"] and name in world["context"]


@then("I see its recommendation and who should act on it")
def see_recommendation(world):
    assert "建议" in world["context"] and "应由谁落实" in world["context"] and "燃气经营企业" in world["context"]


@then(parsers.parse('I see the plan "{name}"'))
def see_plan(world, name):
    assert name in world["context"]


@when(parsers.parse('I add a lesson reworded from "{lesson_id}"'))
def add_reworded(world, lesson_id):
    original = world["store"].get_node(lesson_id)["properties"]
    client = world["client"]
    token = CSRF_RE.search(client.get("/lessons/new").get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "name": "燃气泄漏报警后没有拉警戒线也没疏散群众",
            "observation": original["observation"][:300], "discussion": "",
            "lesson": "接报燃气泄漏后应先关阀、设警戒、疏散周边人员。",
            "recommendation": original["recommendation"][:300],
            "act_by": ["org.gas-operator"], "phase": "phase.response", "hazards": ["hazard.gas-leak"],
            "incident": "incident.shiyan-gas-explosion-2021", "source": "src.emergency-response-law",
            "locator": "第七十八条"}
    response = client.post("/lessons/new", data=data)
    world["response"] = response
    world["page"] = response.get_data(as_text=True)


@then(parsers.parse('I am warned that it may be a duplicate, with a link to "{lesson_id}"'))
def warned(world, lesson_id):
    assert world["response"].status_code == 200
    assert "可能重复" in world["page"] and f'href="/lessons/{lesson_id}"' in world["page"]


@then("no new lesson was saved")
def nothing_saved(world):
    assert len(world["store"].nodes_by_label("LessonLearned", limit=10000)) == world["lessons"]

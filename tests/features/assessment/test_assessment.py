"""Binds the self-assessment journeys (each runs on both stores) through the web pages."""

from __future__ import annotations

import io
import re

import pytest
from pytest_bdd import given, parsers, scenario, then, when

from assessments import workflow as wf
from assessments.checklist import load_checklist
from tests.assessment.helpers import load_all_with_training_stand_ins
from tests.assessment.test_workflow import full_answers
from tests.assessment.web_fixtures import make_app, page, seed, signed_in, token_and_version

FEATURE = "self_assessment.feature"


@scenario(FEATURE, "A community fills in the checklist, submits, and sees its score and gap plan")
def test_fill_in_submit_score_and_gaps(store_kind):
    pass


@scenario(FEATURE, "A reviewer adjusts a score with a reason and signs off")
def test_reviewer_adjusts_and_signs_off(store_kind):
    pass


@scenario(FEATURE, "A community cannot see another community's assessment")
def test_community_scope(store_kind):
    pass


@scenario(FEATURE, "Bad input gets a clear error and changes nothing")
def test_bad_input(store_kind):
    pass


@scenario(FEATURE, "Submitting an already signed-off assessment is refused")
def test_signed_off_is_final(store_kind):
    pass


@pytest.fixture
def world():
    return {}


def community_actor(username="comm-a", community="community.a"):
    return wf.Actor(f"user.{username}", frozenset({"community"}), community=community)


def snapshot(store, assessment_id):
    view = wf.load_view(store, assessment_id)
    return (view.record.version, view.record.status, sorted((k, a.stored().items().__repr__()) for k, a in view.answers.items()),
            len(view.evidence), len(view.reviews))


@given("two communities in two street areas with their users")
def communities(store, world, tmp_path):
    seed(store)
    world["store"] = store
    world["app"] = make_app(store, data_dir=str(tmp_path))


@given("the knowledge graph is loaded")
def knowledge_graph(world):
    load_all_with_training_stand_ins(world["store"])


@given(parsers.parse('I am signed in as "{username}"'))
def i_am_signed_in(world, username):
    world["client"] = signed_in(world["app"], username)


def _open(world, actor):
    rec = wf.open_assessment(world["store"], actor, actor.community)
    world["assessment"] = rec.id
    return rec


@given(parsers.parse('"{username}" has started a self-assessment'))
def has_started(world, username):
    _open(world, community_actor(username))
    world["before"] = snapshot(world["store"], world["assessment"])


def _submit_full(world, username):
    store = world["store"]
    actor = community_actor(username)
    rec = _open(world, actor)
    view = wf.save_answers(store, actor, rec.id, full_answers(load_checklist(store)), expected_version=1)
    return wf.submit(store, actor, rec.id, expected_version=view.record.version)


@given(parsers.parse('"{username}" has submitted a self-assessment with every criterion fully met'))
def has_submitted(world, username):
    _submit_full(world, username)


@given(parsers.parse('"{username}" has a signed-off self-assessment'))
def has_signed_off(world, username):
    view = _submit_full(world, username)
    reviewer = wf.Actor("user.rev-a", frozenset({"reviewer"}), organization="org.street-a")
    wf.sign_off(world["store"], reviewer, view.id, expected_version=view.record.version)
    world["before"] = snapshot(world["store"], world["assessment"])


@when("I start a new self-assessment")
def start(world):
    c = world["client"]
    token, _ = token_and_version(c, "/assessment/community/community.a")
    response = c.post("/assessment/community/community.a/open", data={"csrf_token": token, "standard": "standard.demo-community-2020"})
    assert response.status_code == 302
    world["assessment"] = response.headers["Location"].rsplit("/", 1)[-1]


@when(parsers.parse('I answer every criterion as fully met except "{partly}" partly met and "{missing}" not met'))
def answer_everything(world, partly, missing):
    c, aid = world["client"], world["assessment"]
    checklist = load_checklist(world["store"])
    answers = full_answers(checklist)
    answers[checklist.by_number(partly).id] = "partly"
    answers[checklist.by_number(missing).id] = "not_met"
    sections = [("0", checklist.gates)] + [(str(i), el.criteria) for i, el in enumerate(checklist.elements, 1)]
    for section, criteria in sections:   # criterion by criterion, one page per element
        token, version = token_and_version(c, f"/assessment/{aid}?s={section}")
        data = {"csrf_token": token, "version": version, "section": section}
        for crit in criteria:
            data[f"c-{crit.id}"] = "1"
            data[f"a-{crit.id}"] = str(answers[crit.id])
        response = c.post(f"/assessment/{aid}/answers", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:400]


@when("I submit the self-assessment")
def submit(world):
    c, aid = world["client"], world["assessment"]
    token, version = token_and_version(c, f"/assessment/{aid}/result")
    version = version or str(wf.load_view(world["store"], aid).record.version)
    world["response"] = c.post(f"/assessment/{aid}/submit", data={"csrf_token": token, "version": version})


@then(parsers.parse('the result shows a total of {total:d} of 100 and "{verdict}"'))
def result_total(world, total, verdict):
    assert world["response"].status_code == 302
    response, html = page(world["client"], f"/assessment/{world['assessment']}/result")
    assert response.status_code == 200
    assert re.search(rf'score-big">{total}<small> / 100', html), html[:2000]
    assert verdict in html
    world["result_html"] = html


@then(parsers.parse("the result shows a chart for each of the {n:d} elements"))
def result_chart(world, n):
    html = world["result_html"]
    assert html.count('<rect class="bar"') == n and "<svg" in html


@then(parsers.parse('the gap plan lists "{text}" for criterion "{number}"'))
def gap_plan_lists(world, text, number):
    c, aid = world["client"], world["assessment"]
    response, html = page(c, f"/assessment/{aid}/gaps")
    assert response.status_code == 200
    plan = wf.load_view(world["store"], aid)
    from assessments.gap_plan import gap_plan

    actions = gap_plan(world["store"], plan.result).actions
    crit = plan.checklist.by_number(number).id
    assert any(text in a.title and crit in a.gaps for a in actions), [a.title for a in actions]
    assert text in html


@when(parsers.parse('I adjust criterion "{number}" to {points:d} point with the reason "{reason}"'))
def adjust(world, number, points, reason):
    c, aid = world["client"], world["assessment"]
    crit = load_checklist(world["store"]).by_number(number).id
    token, version = token_and_version(c, f"/assessment/{aid}?s=1")
    response = c.post(f"/assessment/{aid}/adjust", data={"csrf_token": token, "version": version,
                                                         "criterion": crit, "points": str(points), "reason": reason})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


@when("I sign off the self-assessment")
def sign_off(world):
    c, aid = world["client"], world["assessment"]
    token, version = token_and_version(c, f"/assessment/{aid}")
    response = c.post(f"/assessment/{aid}/sign-off", data={"csrf_token": token, "version": version})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


@then(parsers.parse("the self-assessment is signed off with a total of {total:d} and a self-assessed total of {own:d}"))
def signed_off(world, total, own):
    view = wf.load_view(world["store"], world["assessment"])
    assert view.record.status == wf.SIGNED_OFF
    assert (view.result.total, view.result.self_total) == (total, own)


@then(parsers.parse('"{username}" sees the reason "{reason}" beside criterion "{number}"'))
def community_sees_reason(world, username, reason, number):
    c = signed_in(world["app"], username)
    response, html = page(c, f"/assessment/{world['assessment']}?s=1")
    assert response.status_code == 200
    block = html.split(f'id="c-{load_checklist(world["store"]).by_number(number).id}"', 1)[1].split("</article>", 1)[0]
    assert reason in block


@then(parsers.parse('opening the self-assessment of "{username}" is refused with 403'))
def refused(world, username):
    aid = world["assessment"]
    for url in (f"/assessment/{aid}", f"/assessment/{aid}/result", f"/assessment/{aid}/gaps",
                f"/assessment/{aid}/report", f"/assessment/{aid}/scores.csv"):
        response = world["client"].get(url)
        assert response.status_code == 403, url
        assert "甲社区" not in response.get_data(as_text=True)


@then(parsers.parse('the API answers 404 for the self-assessment of "{username}"'))
def api_404(world, username):
    response = world["client"].get(f"/api/v1/assessments/{world['assessment']}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404


@then(parsers.parse('the review queue of "{username}" does not list it'))
def not_in_queue(world, username):
    _, html = page(signed_in(world["app"], username), "/assessment/review")
    assert world["assessment"] not in html


@when(parsers.parse('I send the value {value} for criterion "{number}"'))
def send_value(world, value, number):
    crit = load_checklist(world["store"]).by_number(number).id
    _post_answers(world, {crit: value})


@when(parsers.parse('I send an answer for the criterion id "{criterion_id}"'))
def send_forged(world, criterion_id):
    _post_answers(world, {criterion_id: "met", "crit.dc2020.1-1": "met"})


def _post_answers(world, answers):
    c, aid = world["client"], world["assessment"]
    token, version = token_and_version(c, f"/assessment/{aid}?s=1")
    data = {"csrf_token": token, "version": version, "section": "1"}
    for cid, value in answers.items():
        data[f"c-{cid}"] = "1"
        data[f"a-{cid}"] = value
    world["response"] = c.post(f"/assessment/{aid}/answers", data=data)


@when(parsers.parse('I send a file "{name}" as evidence'))
def send_file(world, name):
    _upload(world, name, b"MZ\x90\x00" * 8)


@when("I send a file too large as evidence")
def send_big_file(world):
    from assessments.evidence import MAX_UPLOAD_BYTES

    _upload(world, "scan.pdf", b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_BYTES + 1))


def _upload(world, name, data):
    c, aid = world["client"], world["assessment"]
    token, _ = token_and_version(c, f"/assessment/{aid}?s=3")
    world["response"] = c.post(f"/assessment/{aid}/evidence", data={
        "csrf_token": token, "criterion": "crit.dc2020.3-1", "kind": "file", "section": "3",
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@then(parsers.parse('the answer is {status:d} with the message "{message}"'))
def answer_is(world, status, message):
    response = world["response"]
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert message in response.get_data(as_text=True)


@then("the self-assessment is unchanged")
def unchanged(world):
    assert snapshot(world["store"], world["assessment"]) == world["before"]

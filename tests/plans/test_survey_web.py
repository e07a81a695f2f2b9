"""The survey pages: an editor opens a survey and prints its QR code; residents answer without an
account; CSRF, the honeypot and the per-browser and per-address limits — on both stores."""

from __future__ import annotations

import re

from kg.survey import survey as sv
from tests.plans.webfixtures import app_for, client_for, token


def _open(app, size=5) -> sv.Survey:
    ed = client_for(app, "ed")
    data = {"csrf_token": token(ed, "/survey/community/community.a"), "name": "春季防灾知识问卷", "size": size,
            "pass_mark": 80}
    response = ed.post("/survey/community/community.a", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    survey_id = response.headers["Location"].rsplit("/", 1)[1]
    return sv.get_survey(app.extensions["cem_store"], survey_id)


def _sheet(client, survey, store, *, right=True, honeypot=""):
    page = client.get(f"/s/{survey.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
            "website": honeypot}
    for q in sv.questions_of(store, survey):
        data[f"q-{q.id}"] = [str(a) for a in q.answer] if right else ["0" if 0 not in q.answer else "1"]
    return client.post(f"/s/{survey.slug}", data=data)


def _count(store, survey) -> int:
    return sv.results(store, survey).share.responses


def test_open_a_survey_print_its_qr_code_and_answer_without_an_account(world):
    app = app_for(world.store)
    survey = _open(app)
    ed = client_for(app, "ed")
    page = ed.get(f"/survey/{survey.id}").get_data(as_text=True)
    assert f"/s/{survey.slug}" in page and "qr.svg" in page
    qr = ed.get(f"/survey/{survey.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and qr.get_data(as_text=True).lstrip().startswith("<svg")
    assert "/s/" + survey.slug in ed.get(f"/survey/{survey.id}/poster").get_data(as_text=True)
    assert client_for(app, "st").get(f"/survey/{survey.id}").status_code == 200
    assert client_for(app, "os").get(f"/survey/{survey.id}").status_code == 403
    assert client_for(app, "eb").get(f"/survey/{survey.id}").status_code == 403
    # a resident, signed out: the questions without their key
    resident = app.test_client()
    public = resident.get(f"/s/{survey.slug}")
    html = public.get_data(as_text=True)
    questions = sv.questions_of(world.store, survey)
    assert public.status_code == 200 and all(q.name in html for q in questions)
    assert not any(q.explanation in html for q in questions)
    assert _sheet(resident, survey, world.store).status_code == 200
    assert _count(world.store, survey) == 1
    no_csrf = resident.post(f"/s/{survey.slug}", data={f"q-{questions[0].id}": "0"})
    assert no_csrf.status_code == 400 and _count(world.store, survey) == 1
    missing = resident.post(f"/s/{survey.slug}", data={"csrf_token": token(resident, f"/s/{survey.slug}"),
                                                       f"q-{questions[0].id}": "0"})
    assert missing.status_code == 400 and "没有作答" in missing.get_data(as_text=True)
    assert client_for(app, None).get("/s/not-a-real-slug-x").status_code == 404


def test_every_public_link_opens(world):
    """A link is letters and digits (so a QR code or a typed address keeps it whole); links issued
    before, with '-' or '_' from token_urlsafe (even leading), still open.  (A '_' in a new link
    made about one survey in five answer 404.)"""
    app = app_for(world.store)
    slugs = {sv.new_slug() for _ in range(500)}
    assert len(slugs) == 500 and all(re.fullmatch(r"[A-Za-z0-9]{12}", s) for s in slugs)
    survey = _open(app)
    assert re.fullmatch(r"[A-Za-z0-9]{12}", survey.slug)
    resident = app.test_client()
    assert resident.get(f"/s/{survey.slug}").status_code == 200
    node = world.store.get_node(survey.id)
    for legacy in ("_Ab3-xY9_kLm", "-Qw2_Er4-Ty6", "plain-with_both"):
        world.store.upsert_nodes("Survey", [{"id": survey.id, "properties": dict(node["properties"], slug=legacy)}])
        assert resident.get(f"/s/{legacy}").status_code == 200, legacy
    assert resident.get("/s/has space in it").status_code == 404
    assert resident.get("/s/short").status_code == 404


def test_the_honeypot_and_the_rate_limits(world):
    app = app_for(world.store, survey_limit_device=2, survey_limit_address=5)
    survey = _open(app)
    phone = app.test_client()
    assert _sheet(phone, survey, world.store).status_code == 200
    bot = _sheet(app.test_client(), survey, world.store, honeypot="http://spam.example")
    assert bot.status_code == 200 and _count(world.store, survey) == 1  # thanked, not counted
    assert _sheet(phone, survey, world.store, right=False).status_code == 200
    third = _sheet(phone, survey, world.store)
    assert third.status_code == 429 and int(third.headers["Retry-After"]) > 0
    assert _count(world.store, survey) == 2
    assert _sheet(app.test_client(), survey, world.store).status_code == 200  # another phone, same address
    # five tries from this address so far (refused ones count too): the sixth is refused
    assert _sheet(app.test_client(), survey, world.store).status_code == 429
    res = sv.results(world.store, survey)
    assert (res.share.responses, res.share.passed) == (3, 2)


def test_a_closed_survey_takes_no_answers(world):
    app = app_for(world.store)
    survey = _open(app)
    ed = client_for(app, "ed")
    closing = ed.post(f"/survey/{survey.id}/close", data={"csrf_token": token(ed, f"/survey/{survey.id}")})
    assert closing.status_code == 303
    resident = app.test_client()
    assert "已经结束" in resident.get(f"/s/{survey.slug}").get_data(as_text=True)
    closed = sv.get_survey(world.store, survey.id)
    data = {"csrf_token": token(resident, "/login")}
    data.update({f"q-{q.id}": [str(a) for a in q.answer] for q in sv.questions_of(world.store, closed)})
    assert resident.post(f"/s/{survey.slug}", data=data).status_code == 200
    assert _count(world.store, closed) == 0

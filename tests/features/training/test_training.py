"""Binds the training journeys (each runs on both stores, through the web pages)."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, scenario, then, when

from curricula import certificates, refreshers
from curricula.attempts import get_attempt
from curricula.clock import FixedClock
from tests.training.factory import COURSE, FINAL, SKILLS, check_id, load_training_content, take_quiz, unit_id
from tests.training.webflow import ATTEMPT_RE, Browser, create_account, training_app


@scenario("training.feature", "A trainee learns, fails a knowledge check, passes, and is certified after a skills sign-off")
def test_certified_journey(store_kind):
    pass


@scenario("training.feature", "A certificate is shown as expired after its period")
def test_expired_certificate(store_kind):
    pass


@scenario("training.feature", "Practice mode brings back a missed question")
def test_practice_brings_back_a_missed_question(store_kind):
    pass


@given("the first-responder course is loaded", target_fixture="site")
def course_loaded(store, tmp_path):
    load_training_content(store, tmp_path / "content")
    clock = FixedClock("2025-03-01T08:00:00Z")
    create_account(store, "ivan", ("instructor",), display_name="王教员")
    return {"store": store, "clock": clock, "app": training_app(store, clock=clock)}


@given(parsers.parse('I am signed in as trainee "{name}"'), target_fixture="me")
def signed_in(site, name):
    create_account(site["store"], name, display_name=f"学员{name}")
    return Browser(site["app"], site["store"], name)


def _answer_all(me, attempt, wrong_first=False):
    first = None
    while True:
        question = me.current_question(attempt)
        if question is None:
            break
        right = not (wrong_first and first is None)
        response = me.answer(attempt, question, right=right)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if first is None:
            first = (question, response.headers["Location"])
    response = me.submit(attempt)
    assert response.status_code == 302
    return first


@when("I enrol in the course")
def enrol(me):
    assert me.post(f"/training/courses/{COURSE}/enrol").status_code == 302


@when("I read the first unit of module 1")
def read_unit(me):
    page = me.get(f"/training/courses/{COURSE}/units/{unit_id(1)}")
    assert page.status_code == 200 and "测试单元1" in page.get_data(as_text=True)
    assert me.post(f"/training/courses/{COURSE}/units/{unit_id(1)}/read").status_code == 302


@when("I answer the knowledge check of module 1 with one wrong answer", target_fixture="missed")
def fail_check(me):
    attempt = me.start(check_id(1), COURSE)
    question, feedback_url = _answer_all(me, attempt, wrong_first=True)
    return {"attempt": attempt, "question": question, "feedback": feedback_url}


@then("I see that the answer is wrong with its explanation and a link to the graph")
def see_explanation(me, missed):
    page = me.get(missed["feedback"]).get_data(as_text=True)
    assert "回答错误" in page and "解析" in page and "正确答案" in page
    assert 'href="/node/hazard.fx-fire"' in page


@then("the knowledge check is not passed and module 2 is still locked")
def still_locked(me, missed):
    result = me.get(f"/training/attempts/{missed['attempt']}/result").get_data(as_text=True)
    assert "未通过" in result
    assert me.get(f"/training/courses/{COURSE}/units/{unit_id(2)}").status_code == 302
    assert "未解锁" in me.get(f"/training/courses/{COURSE}").get_data(as_text=True)


@when("I take the knowledge check of module 1 again and answer everything right")
def pass_check(me):
    attempt = me.start(check_id(1), COURSE)
    _answer_all(me, attempt)
    assert get_attempt(me.store, attempt).passed


@then("module 2 is unlocked")
def unlocked(me):
    assert me.get(f"/training/courses/{COURSE}/units/{unit_id(2)}").status_code == 200


@when("I complete module 2")
def complete_module_2(me):
    assert me.post(f"/training/courses/{COURSE}/units/{unit_id(2)}/read").status_code == 302
    attempt = me.start(check_id(2), COURSE)
    _answer_all(me, attempt)
    assert get_attempt(me.store, attempt).passed


@when("I take the final exam and answer everything right", target_fixture="final")
def take_final(me):
    attempt = me.start(FINAL, COURSE)
    _answer_all(me, attempt)
    return attempt


@then("I have passed the final exam but hold no certificate yet")
def passed_no_certificate(me, final):
    page = me.get(f"/training/attempts/{final}/result").get_data(as_text=True)
    assert "通过" in page and "未通过" not in page
    assert certificates.user_certificates(me.store, f"user.{me.username}") == []
    assert "待教员考核" in me.get(f"/training/courses/{COURSE}").get_data(as_text=True)


@when(parsers.parse('instructor "{name}" signs off every practical skill for me'))
def sign_off(site, me, name):
    instructor = Browser(site["app"], site["store"], name)
    queue = instructor.get(f"/training/staff/signoffs?course={COURSE}&q={me.username}").get_data(as_text=True)
    assert f"/training/staff/signoffs/{COURSE}/user.{me.username}" in queue
    for skill in SKILLS:
        response = instructor.post(f"/training/staff/signoffs/{COURSE}/user.{me.username}",
                                   {"skill": skill, "result": "pass"})
        assert response.status_code == 302, response.get_data(as_text=True)[:800]


@then(parsers.parse("I hold a certificate valid for {years:d} years"), target_fixture="cert")
def hold_certificate(me, site, years):
    [cert] = certificates.user_certificates(me.store, f"user.{me.username}")
    assert cert.expires_at == cert.issued_at.replace(year=cert.issued_at.year + years)
    page = me.get(f"/training/certificates/{cert.id}").get_data(as_text=True)
    assert cert.code in page and "培训合格证书" in page
    return cert


@then("anyone can verify it by its code and see it is valid")
def verify_valid(site, cert):
    page = site["app"].test_client().get(f"/training/verify/{cert.code}").get_data(as_text=True)
    assert "有效" in page and "已过期" not in page and "学员alice" in page


@given(parsers.parse('trainee "{name}" holds a certificate for the course'), target_fixture="cert")
def holds_certificate(site, name):
    store, now = site["store"], site["clock"].now()
    user = create_account(store, name, display_name=f"学员{name}")
    from tests.training.factory import complete_modules

    complete_modules(store, user, now)
    assert take_quiz(store, user, FINAL, now).passed
    cert = None
    for skill in SKILLS:
        _, cert = certificates.record_signoff(store, user=user, course=COURSE, skill=skill, assessor="user.ivan",
                                              result="pass", now=now)
    assert cert is not None
    site["user"] = name
    return cert


@when(parsers.re(r"(?P<years>\d+) years and (?P<days>\d+) days? have passed"))
def years_pass(site, years, days):
    site["clock"].advance(days=365 * int(years) + int(days))


@when(parsers.re(r"(?P<days>\d+) days? (has|have) passed"))
def days_pass(site, days):
    site["clock"].advance(days=int(days))


@then("the public verification page shows the certificate as expired")
def shows_expired(site, cert):
    page = site["app"].test_client().get(f"/training/verify/{cert.code}").get_data(as_text=True)
    assert "已过期" in page


@then(parsers.parse("{name}'s training page reminds him that the certificate has expired"))
def reminded(site, name):
    me = Browser(site["app"], site["store"], name)
    page = me.get("/training/").get_data(as_text=True)
    assert re.search(r'class="badge"[^>]*>1<', page) and "已于" in page and "过期" in page


@then("there is nothing to practise yet")
def nothing_yet(me, site):
    assert refreshers.due_items(me.store, f"user.{me.username}", now=site["clock"].now()) == []
    assert "下一道错题将于" in me.get("/training/").get_data(as_text=True)


@then("practice mode asks me the question I missed")
def practice_asks(me, missed):
    assert "开始练习" in me.get("/training/").get_data(as_text=True)
    response = me.post("/training/practice/start")
    assert response.status_code == 302
    attempt = ATTEMPT_RE.search(response.headers["Location"]).group(1)
    assert me.current_question(attempt) == missed["question"]
    assert get_attempt(me.store, attempt).questions == [missed["question"]]

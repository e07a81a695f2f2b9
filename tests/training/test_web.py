"""The training pages (both stores): access rules, the quiz flow with immediate feedback,
certificates, public verification, staff tools."""

from __future__ import annotations

from datetime import timedelta

import pytest

from curricula import certificates
from curricula.attempts import attempt_answers, get_attempt
from curricula.clock import FixedClock
from tests.training.factory import COURSE, FINAL, SKILLS, check_id, load_training_content, unit_id
from tests.training.webflow import Browser, create_account, training_app


@pytest.fixture
def site(store, tmp_path):
    load_training_content(store, tmp_path / "content")
    clock = FixedClock("2025-03-01T08:00:00Z")
    app = training_app(store, clock=clock)
    create_account(store, "alice", display_name="李爱丽")
    create_account(store, "ivan", ("instructor",), display_name="王教员")
    create_account(store, "root", ("admin",))
    return {"store": store, "app": app, "clock": clock}


def test_pages_need_a_signed_in_user_and_staff_pages_a_staff_role(site):
    anonymous = site["app"].test_client()
    assert anonymous.get("/training/").status_code == 302
    assert anonymous.get("/training/verify").status_code == 200
    alice = Browser(site["app"], site["store"], "alice")
    assert alice.get("/training/").status_code == 200
    assert alice.get("/training/staff").status_code == 403
    assert alice.get("/training/staff/analytics").status_code == 403
    assert alice.get(f"/training/staff/signoffs?course={COURSE}").status_code == 403
    assert alice.post(f"/training/staff/signoffs/{COURSE}/user.alice", {"skill": SKILLS[0], "result": "pass"}
                      ).status_code == 403
    assert Browser(site["app"], site["store"], "ivan").get("/training/staff").status_code == 200
    # a form without its CSRF token is refused
    assert alice.client.post(f"/training/courses/{COURSE}/enrol").status_code == 400


def test_enrol_read_answer_with_feedback_and_resume(site):
    store, alice = site["store"], Browser(site["app"], site["store"], "alice")
    home = alice.get("/training/").get_data(as_text=True)
    assert "测试应急第一响应人课程" in home and "报名" in home
    assert alice.post(f"/training/courses/{COURSE}/enrol").status_code == 302
    course = alice.get(f"/training/courses/{COURSE}").get_data(as_text=True)
    assert "测试模块1" in course and "未解锁" in course
    unit = alice.get(f"/training/courses/{COURSE}/units/{unit_id(1)}")
    assert unit.status_code == 200 and "<h1>单元1</h1>" in unit.get_data(as_text=True)
    assert alice.post(f"/training/courses/{COURSE}/units/{unit_id(1)}/read").status_code == 302
    assert "继续学习" in alice.get("/training/").get_data(as_text=True)
    attempt = alice.start(check_id(1), COURSE)
    question = alice.current_question(attempt)
    wrong = alice.answer(attempt, question, right=False)
    assert wrong.status_code == 302 and "/feedback" in wrong.headers["Location"]
    again = alice.answer(attempt, question, right=True)  # a second click: recorded once
    assert again.status_code == 302
    page = alice.get(wrong.headers["Location"]).get_data(as_text=True)
    assert "回答错误" in page and "解析" in page and "/node/hazard.fx-fire" in page and "正确答案" in page
    assert len(attempt_answers(store, attempt)) == 1
    second = alice.current_question(attempt)
    assert second and second != question
    alice.answer(attempt, second, right=True)
    result = alice.submit(attempt)
    assert result.status_code == 302
    page = alice.get(result.headers["Location"]).get_data(as_text=True)
    assert "未通过" in page and "须全部答对" in page
    # a question that is not in the attempt is refused with a message
    attempt2 = alice.start(check_id(1), COURSE)
    stranger = "question.fx-2-1-1"
    refused = alice.post(f"/training/attempts/{attempt2}/answer", {"question": stranger, "choice": 0})
    assert refused.status_code == 400 and "不属于本次测验" in refused.get_data(as_text=True)


def test_late_answer_is_refused_on_the_page(site):
    store, clock, alice = site["store"], site["clock"], Browser(site["app"], site["store"], "alice")
    from tests.training.factory import complete_modules

    complete_modules(store, "user.alice", clock.now())
    attempt = alice.start(FINAL, COURSE)
    question = alice.current_question(attempt)
    clock.advance(minutes=31)
    late = alice.answer(attempt, question)
    assert late.status_code == 302 and late.headers["Location"].endswith("/result")
    page = alice.get(late.headers["Location"]).get_data(as_text=True)
    assert "作答时间已到" in page and "超时提交" in page
    assert get_attempt(store, attempt).late and attempt_answers(store, attempt) == {}


def test_signoff_certificate_page_and_public_verification(store, tmp_path):
    from tests.training.factory import complete_modules, take_quiz

    load_training_content(store, tmp_path / "content")
    clock = FixedClock("2025-03-01T08:00:00Z")
    app = training_app(store, clock=clock, certificate_issuer="某区应急管理局",
                       certificate_signatory="张明 培训科科长")
    site = {"store": store, "app": app, "clock": clock}
    for name, roles, shown in (("alice", ("trainee",), "李爱丽"), ("ivan", ("instructor",), "王教员"),
                               ("root", ("admin",), "root"), ("carl", ("trainee",), "陈卡尔")):
        create_account(store, name, roles, display_name=shown)
    complete_modules(store, "user.alice", clock.now())
    assert take_quiz(store, "user.alice", FINAL, clock.now()).passed
    from curricula.progress import enrol

    enrol(store, "user.carl", COURSE, now=clock.now())  # enrolled, has not passed the final exam
    ivan = Browser(site["app"], store, "ivan")
    # the queue: who waits for a sign-off in the course, those who passed the final exam first
    queue = ivan.get(f"/training/staff/signoffs?course={COURSE}").get_data(as_text=True)
    assert queue.index("李爱丽") < queue.index("陈卡尔") and "已通过（2025-03-01）" in queue
    found = ivan.get(f"/training/staff/signoffs?course={COURSE}&q=爱丽").get_data(as_text=True)
    assert "李爱丽" in found and "陈卡尔" not in found
    assert "没有符合“无此人”的学员" in ivan.get(f"/training/staff/signoffs?course={COURSE}&q=无此人").get_data(as_text=True)
    form = ivan.get(f"/training/staff/signoffs/{COURSE}/user.alice").get_data(as_text=True)
    assert "李爱丽" in form and "Asia/Shanghai" in form and "学员用户名" not in form
    for skill in SKILLS:
        # the time is entered in the app's time zone (Asia/Shanghai, UTC+8) and stored in UTC
        response = ivan.post(f"/training/staff/signoffs/{COURSE}/user.alice",
                             {"skill": skill, "result": "pass", "note": "规范", "assessed_at": "2025-03-01T15:30"})
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
    signed = certificates.user_signoffs(store, "user.alice")
    assert [f"{s.assessed_at:%Y-%m-%d %H:%M %Z}" for s in signed] == ["2025-03-01 07:30 UTC"] * 2
    queue = ivan.get(f"/training/staff/signoffs?course={COURSE}").get_data(as_text=True)
    assert f"/signoffs/{COURSE}/user.alice" not in queue and f"/signoffs/{COURSE}/user.carl" in queue  # certified
    [cert] = certificates.user_certificates(store, "user.alice")
    assert (cert.issuer, cert.signatory) == ("某区应急管理局", "张明 培训科科长")
    alice = Browser(site["app"], store, "alice")
    page = alice.get(f"/training/certificates/{cert.id}").get_data(as_text=True)
    assert cert.code in page and "李爱丽" in page and "training.css" in page and "/training/verify/" in page
    assert "某区应急管理局" in page and "签发人：张明 培训科科长" in page
    assert Browser(site["app"], store, "root").get(f"/training/certificates/{cert.id}").status_code == 200
    create_account(store, "bob")
    assert Browser(site["app"], store, "bob").get(f"/training/certificates/{cert.id}").status_code == 404
    public = site["app"].test_client()
    shown = public.get(f"/training/verify/{cert.code}").get_data(as_text=True)
    assert "李爱丽" in shown and "测试应急第一响应人课程" in shown and "有效" in shown
    assert "某区应急管理局" in shown and "张明 培训科科长" in shown
    assert public.get(f"/training/verify?code={cert.code.lower()}").status_code == 302
    assert public.get("/training/verify/AAAA-BBBB-CCCC").status_code == 404
    clock.set(cert.expires_at + timedelta(days=1))
    assert "已过期" in public.get(f"/training/verify/{cert.code}").get_data(as_text=True)
    home = alice.get("/training/").get_data(as_text=True)
    assert 'class="badge"' in home and "证书到期提醒" in home
    staff = ivan.get("/training/staff?days=90").get_data(as_text=True)
    expiring, expired = staff.split("已过期、尚未续期的证书")
    assert cert.code not in expiring  # already expired: not in the "expiring within" report ...
    assert cert.code in expired and "1 天" in expired  # ... but listed as expired, with how long ago
    clock.set(cert.expires_at + timedelta(days=400))
    assert "400 天" in ivan.get("/training/staff").get_data(as_text=True).split("已过期、尚未续期的证书")[1]
    clock.set(cert.expires_at - timedelta(days=20))
    staff = ivan.get("/training/staff?days=30").get_data(as_text=True)
    assert cert.code in staff
    analytics = ivan.get("/training/staff/analytics")
    assert analytics.status_code == 200 and "题目分析" in analytics.get_data(as_text=True)


def test_admin_enrols_a_trainee_and_an_instructor_cannot(site):
    store = site["store"]
    create_account(store, "bob")
    root = Browser(site["app"], store, "root")
    assert root.post("/training/staff/enrol", {"username": "bob", "course": COURSE}).status_code == 302
    from curricula.progress import enrolment

    assert enrolment(store, "user.bob", COURSE).enrolled_by == "user.root"
    ivan = Browser(site["app"], store, "ivan")
    assert ivan.post("/training/staff/enrol", {"username": "bob", "course": COURSE}).status_code == 403


def test_unit_markdown_is_sanitised():
    from web.training.render import markdown

    html = str(markdown("# 标题\n\n<script>alert(1)</script> [x](javascript:alert(1)) [y](https://example.org) **粗体**"))
    assert "<script" not in html and 'href="javascript' not in html and "<strong>粗体</strong>" in html
    assert "&lt;script&gt;" in html and 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html


def test_emphasised_words_in_stems_are_bold_and_everything_else_escaped():
    from web.training.render import emphasis

    assert str(emphasis("以下哪项**不**正确？<b>x</b>")) == "以下哪项<strong>不</strong>正确？&lt;b&gt;x&lt;/b&gt;"

"""The trainee's and the instructor's journeys in a real browser, over the bundled course
(course.first-responder): every question kind (single, multiple, true/false, scenario) answered
right and wrong through the page — the multiple-select blocker (every checkbox ``required``) would
fail here — a failed knowledge check retaken and passed honestly, the final exam passed, the
instructor's sign-off from the queue, the certificate with its issuer and signatory, and the
public check.  Phone (390×844) and desktop; every page screenshotted and checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from curricula.attempts import get_attempt
from curricula.bank import load_course, load_questions
from curricula.clock import SystemClock
from curricula.refreshers import after_miss
from tests.browser.journeys import ISSUER, SIGNATORY, bundled_site, follow, person
from tests.training.factory import right_choice, take_quiz, wrong_choice

COURSE = "course.first-responder"
KINDS = ("single", "multiple", "true_false", "scenario")


@pytest.fixture(scope="module")
def site():
    with bundled_site() as s:
        yield s


def attempt_id(page) -> str:
    return re.search(r"/training/attempts/([^/?#]+)", page.url).group(1)


def answer(visit, store, *, right: bool) -> tuple[str, str]:
    """Answer the question on the page (ticking boxes or a radio button as a person would) and
    return (question id, kind)."""
    page = visit.page
    question = page.locator('input[name="question"]').get_attribute("value")
    attempt = get_attempt(store, attempt_id(page))
    kind = load_questions(store, [question])[question].kind
    chosen = right_choice(store, attempt, question) if right else wrong_choice(store, attempt, question)
    for i in chosen:
        page.locator(f"#choice-{i}").check()
    page.get_by_role("button", name="提交本题").click()
    page.wait_for_url(re.compile(r"/feedback$"))
    verdict = page.get_by_role("heading", level=1).inner_text()
    assert ("回答正确" if right else "回答错误") in verdict, (question, kind, verdict)
    return question, kind


def next_question(page) -> None:
    """Follow the feedback page's 下一题 link and wait for the question page: looking for the
    next 提交本题 button before it has loaded finds none (on a busy machine), which ended the
    loop early."""
    page.get_by_role("link", name="下一题").click()
    page.wait_for_url(re.compile(r"/training/attempts/[^/]+$"))


def test_every_question_kind_right_and_wrong_on_a_phone(browser, site):
    """Two missed questions of each kind come back in practice; each kind is answered right
    once and wrong once through the page (checkboxes for multiple-select)."""
    store = site.store
    course = load_course(store, COURSE)
    bank = load_questions(store, [q for m in course.modules for o in m.objectives for q in o.questions])
    picked = {kind: sorted(q for q, v in bank.items() if v.kind == kind)[:2] for kind in KINDS}
    assert all(len(v) == 2 for v in picked.values()), picked
    from curricula.progress import enrol

    now = SystemClock().now()
    enrol(store, "user.lin", COURSE, now=now - timedelta(days=3))
    state = after_miss(now - timedelta(days=2))
    store.upsert_relationships([{"type": "ANSWERED_WRONG", "start": "user.lin", "end": q, "properties": state}
                                for qs in picked.values() for q in qs])
    with person(browser, site, "lin", phone=True) as visit:
        page = visit.page
        page.goto(site.url + "/training/")
        visit.check("home")
        page.get_by_role("button", name="开始练习").click()
        page.wait_for_url(re.compile(r"/training/attempts/"))
        done: dict[str, list[bool]] = {kind: [] for kind in KINDS}
        other_tab = page.context.new_page()  # the same question left open in a second tab
        other_tab.goto(page.url)
        resent = False
        while page.get_by_role("button", name="提交本题").count():
            question = page.locator('input[name="question"]').get_attribute("value")
            kind = bank[question].kind
            right = not done[kind]  # the first of a kind right, the second wrong
            if len(done[kind]) == 0 and kind in ("multiple", "scenario"):
                visit.check(f"question-{kind}")
            answer(visit, store, right=right)
            done[kind].append(right)
            visit.check(f"feedback-{kind}-{'right' if right else 'wrong'}")
            if not resent:  # the same question sent again from the other tab: the first answer stands
                other_tab.locator("#choice-0").check()
                other_tab.get_by_role("button", name="提交本题").click()
                other_tab.wait_for_url(re.compile(r"/feedback$"))
                assert "本题已作答，以第一次提交的答案为准" in other_tab.locator(".flashes").inner_text()
                assert ("回答正确" if right else "回答错误") in other_tab.get_by_role("heading", level=1).inner_text()
                other_tab.close()
                resent = True
            if page.get_by_role("link", name="下一题").count():
                next_question(page)
            else:
                page.get_by_role("button", name="交卷并查看结果").click()
                break
        page.wait_for_url(re.compile(r"/result$"))
        assert done == {kind: [True, False] for kind in KINDS}, done
        assert "答对 4 / 8 题" in page.locator(".score").inner_text()
        visit.check("practice-result")
        visit.done()


def test_a_failed_knowledge_check_is_retaken_and_passed_honestly(browser, site):
    store = site.store
    with person(browser, site, "mei") as visit:
        page = visit.page
        page.goto(site.url + "/training/")
        card = page.locator("li.card").filter(has=page.get_by_role("link", name="应急第一响应人", exact=True))
        card.get_by_role("button", name="报名").click()
        page.wait_for_url(site.url + f"/training/courses/{COURSE}")
        assert "结业考试：尚未参加" in page.content() or "完成全部模块后开放" in page.content()
        visit.check("course")
        follow(page, page.locator("ol.modules a").first)
        visit.check("module")
        follow(page, page.locator("a[href*='/units/']").first)
        while True:  # read every unit of the first module
            follow(page, page.get_by_role("button", name=re.compile("读完了，继续|继续")))
            if "/modules/" in page.url:
                break
        page.get_by_role("button", name="开始知识检查").click()
        page.wait_for_url(re.compile(r"/training/attempts/"))
        visit.check("knowledge-check")
        first = True
        kinds = set()
        while page.get_by_role("button", name="提交本题").count():
            _q, kind = answer(visit, store, right=not first)
            kinds.add(kind)
            first = False
            if page.get_by_role("link", name="下一题").count():
                next_question(page)
            else:
                page.get_by_role("button", name="交卷并查看结果").click()
        page.wait_for_url(re.compile(r"/result$"))
        assert "未通过" in page.locator(".score").inner_text()
        visit.check("knowledge-check-failed")
        page.get_by_role("button", name="重新作答").click()
        page.wait_for_url(re.compile(r"/training/attempts/"))
        while page.get_by_role("button", name="提交本题").count():
            _q, kind = answer(visit, store, right=True)
            kinds.add(kind)
            if page.get_by_role("link", name="下一题").count():
                next_question(page)
            else:
                page.get_by_role("button", name="交卷并查看结果").click()
        page.wait_for_url(re.compile(r"/result$"))
        score = page.locator(".score").inner_text()
        assert "通过" in score and "未通过" not in score, score
        visit.check("knowledge-check-passed")
        visit.done()
    assert kinds, "no question was answered"


def test_final_exam_sign_off_from_the_queue_certificate_and_public_check(browser, site):
    store = site.store
    now = SystemClock().now()
    from curricula.progress import enrol, mark_read

    course = load_course(store, COURSE)
    enrol(store, "user.qiang", COURSE, now=now - timedelta(days=10))
    for m in course.modules:
        for u in m.units:
            mark_read(store, "user.qiang", COURSE, u.id, now=now - timedelta(days=9))
        assert take_quiz(store, "user.qiang", m.knowledge_check.id, now - timedelta(days=9), course=COURSE).passed
    with person(browser, site, "qiang") as trainee:
        page = trainee.page
        page.goto(site.url + f"/training/courses/{COURSE}")
        assert "结业考试：尚未参加" in page.content()
        page.get_by_role("button", name="开始结业考试").click()
        page.wait_for_url(re.compile(r"/training/attempts/"))
        meta = page.locator(".quiz-meta").inner_text()
        assert "截止）" in meta and "UTC" not in meta
        trainee.check("final-exam")
        kinds = set()
        while page.get_by_role("button", name="提交本题").count():
            _q, kind = answer(trainee, store, right=True)
            kinds.add(kind)
            if page.get_by_role("link", name="下一题").count():
                next_question(page)
            else:
                page.get_by_role("button", name="交卷并查看结果").click()
        page.wait_for_url(re.compile(r"/result$"))
        assert "100%" in page.locator(".score").inner_text() and "multiple" in kinds, kinds
        assert "下一步：请教员为你考核实操项目" in page.content()
        trainee.check("final-passed")
        trainee.done()
    with person(browser, site, "teacher", phone=True) as instructor:
        page = instructor.page
        page.goto(site.url + "/training/staff")
        instructor.check("staff")
        follow(page, page.get_by_role("link", name="应急第一响应人", exact=True))
        page.get_by_label("姓名或用户名").fill("张强")
        follow(page, page.get_by_role("button", name="查找"))
        assert page.locator("table.queue tbody tr").count() == 1
        instructor.check("queue")
        for _ in course.practical_skills:
            follow(page, page.get_by_role("link", name=re.compile("记录考核")).first)
            instructor.check("signoff-form")
            page.get_by_label("合格", exact=True).check()
            page.get_by_role("button", name="记录考核结果").click()
            page.wait_for_url(re.compile(r"/training/staff/signoffs\?"))
            if page.locator("table.queue a[href*='user.qiang']").count() == 0:
                break
        assert "证书已签发" in page.locator(".flashes").inner_text()
        instructor.check("certificate-issued")
        instructor.done()
    with person(browser, site, "qiang") as trainee:
        page = trainee.page
        page.goto(site.url + "/training/")
        assert "已获得证书" in page.content() and "继续学习" not in page.content()
        follow(page, page.locator("a[href*='/training/certificates/']").first)
        body = page.locator("article.certificate").inner_text()
        assert ISSUER in body and SIGNATORY in body and "张强" in body
        code = page.locator(".cert-code").inner_text().strip()
        trainee.check("certificate")
        trainee.done()
    with person(browser, site, None, phone=True, name="public") as public:
        page = public.page
        page.goto(site.url + "/training/verify")
        page.get_by_label("证书验证码").fill(code.lower())
        follow(page, page.get_by_role("button", name="验证"))
        shown = page.locator("section.verification").inner_text()
        assert "有效" in shown and ISSUER in shown and SIGNATORY in shown and "张强" in shown
        public.check("verify")
        public.done()


"""The community worker's and the reviewer's journeys in a real browser, over the bundled
checklist: a multi-section self-assessment where moving between sections saves what was typed,
a warning before leaving a changed form, a version conflict that keeps everything typed and says
who and when, a paste longer than a text area allows, a 12 MiB upload refused in the page and
(without JavaScript) by the server with the form and the limit; then the gap plan assigned and
tracked, the review and sign-off, and the readiness view.  Phone (390×844) and desktop; every
page screenshotted and checked with axe."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from assessments import workflow as wf
from assessments.checklist import load_checklist
from tests.assessment.test_workflow import full_answers
from tests.browser.journeys import bundled_site, follow, person

BIG = 12 * 1024 * 1024
CADRE = wf.Actor("user.cadre", frozenset({"community"}), community="community.demo")


@pytest.fixture
def site():
    with bundled_site() as s:
        yield s


def field(page, prefix: str, number: str):
    """An answer field of a criterion by its number (ids hold dots: use an attribute selector)."""
    return page.locator(f'[id="{prefix}-crit.dc2020.{number.lower().replace(".", "-")}"]')


def choose(page, number: str, value: str):
    page.locator(f'input[name="a-crit.dc2020.{number.lower().replace(".", "-")}"][value="{value}"]').check()


def current(site):
    [record] = wf.list_assessments(site.store, community_id="community.demo", statuses=wf.UNFINISHED)
    return wf.load_view(site.store, record.id)


def local(iso_utc: str) -> str:
    """A stored UTC time as the pages show it (CEM_TIMEZONE, Asia/Shanghai: UTC+8)."""
    return f"{datetime.fromisoformat(iso_utc.replace('Z', '+00:00')) + timedelta(hours=8):%Y-%m-%d %H:%M}"


def test_sections_save_on_the_way_a_conflict_keeps_what_was_typed_and_uploads_state_the_limit(browser, site):
    with person(browser, site, "cadre") as cadre:
        page = cadre.page
        page.goto(site.url + "/assessment/")
        page.wait_for_url(site.url + "/assessment/community/community.demo")
        cadre.check("community")
        page.get_by_role("button", name="开始新的自评").click()
        page.wait_for_url(re.compile(r"/assessment/assessment\."))
        cadre.check("form-gates")
        field(page, "a", "G1").fill("85")
        choose(page, "G2", "met")
        field(page, "n", "G2").fill("近三年无因灾较大事故，街道出具了证明")
        # a section tab is a button of the form: moving on saves what was typed
        page.get_by_role("navigation", name="评分项目").get_by_role("button", name=re.compile("^1 组织管理")).click()
        page.wait_for_url(re.compile(r"\?s=1$"))
        view = current(site)
        assert view.answers["crit.dc2020.g1"].value == 85 and view.answers["crit.dc2020.g2"].status == "met"
        assert view.answers["crit.dc2020.g2"].note.startswith("近三年无因灾较大事故")
        assert "2/3" in page.get_by_role("navigation", name="评分项目").inner_text()
        assert "最后修改：社区干部甲，" + local(view.record.modified_at) in page.content()
        cadre.check("form-organisation")
        choose(page, "1.1", "partly")
        field(page, "d", "1.1").fill("2026-03-15")
        field(page, "n", "1.1").fill("领导小组去年开过一次会，今年尚未开")
        # leaving with unsaved changes asks first (the person stays and keeps what was typed)
        page.get_by_role("link", name="示范社区").first.click()
        page.wait_for_timeout(300)
        assert cadre.dialogs == ["beforeunload"] and page.url.endswith("?s=1")
        assert field(page, "n", "1.1").input_value() == "领导小组去年开过一次会，今年尚未开"
        # a paste longer than the text area allows is cut, and it says so
        long_text = "情" * 2100
        field(page, "n", "1.2").evaluate("""(el, text) => { el.focus(); const data = new DataTransfer();
            data.setData('text/plain', text);
            el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""",
                                         long_text)
        assert len(field(page, "n", "1.2").input_value()) == 2000
        warning = page.locator('[id="n-crit.dc2020.1-2"] ~ .char-warning').inner_text()
        assert "粘贴的内容有 2100 字" in warning and "超出的 100 字没有粘贴进来" in warning
        assert "2000 / 2000 字" in page.locator('[id="n-crit.dc2020.1-2"] ~ .char-count').inner_text()
        cadre.check("paste-cut")
        field(page, "n", "1.2").fill("")
        page.get_by_role("button", name=re.compile("保存并继续：2 风险评估")).click()
        page.wait_for_url(re.compile(r"\?s=2$"))
        view = current(site)
        assert view.answers["crit.dc2020.1-1"].status == "partly" and view.answers["crit.dc2020.1-1"].last_done == \
            "2026-03-15"

        # a colleague has section 1 open on a phone while the first saves a change
        with person(browser, site, "cadre2", phone=True) as colleague:
            other = colleague.page
            other.goto(page.url.replace("?s=2", "?s=1"))
            page.goto(page.url.replace("?s=2", "?s=1"))
            choose(page, "1.2", "met")
            page.get_by_role("button", name="保存草稿").click()
            page.wait_for_url(re.compile(r"\?s=1$"))
            saved = current(site).record
            choose(other, "1.2", "not_met")
            field(other, "n", "1.2").fill("制度已上墙，但缺少会议记录")
            choose(other, "1.5", "met")
            colleague.expect_status(409)
            follow(other, other.get_by_role("button", name="保存草稿"))
            alert = other.get_by_role("alert").first.inner_text()
            assert "社区干部甲" in alert and local(saved.modified_at) in alert and "user.cadre" not in alert
            # everything typed is still there, and the latest saved answer is shown beside it
            assert other.locator('input[name="a-crit.dc2020.1-2"][value="not_met"]').is_checked()
            assert other.locator('input[name="a-crit.dc2020.1-5"][value="met"]').is_checked()
            assert field(other, "n", "1.2").input_value() == "制度已上墙，但缺少会议记录"
            assert "最新保存的内容：符合" in other.locator('[id="c-crit.dc2020.1-2"]').inner_text()
            colleague.check("conflict")
            other.get_by_role("button", name="保存草稿").click()  # having looked, they save theirs
            other.wait_for_url(re.compile(r"\?s=1$"))
            assert "已保存" in other.locator(".flashes").inner_text()
            assert current(site).answers["crit.dc2020.1-2"].status == "not_met"
            colleague.done()

        # a 12 MiB file is refused in the page, before anything is uploaded
        page.goto(page.url)
        page.locator('[id="evidence-crit.dc2020.1-1"] summary').click()
        page.locator('[id="kind-crit.dc2020.1-1"]').select_option("file")
        page.locator('[id="file-crit.dc2020.1-1"]').set_input_files(
            {"name": "会议纪要扫描.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * BIG})
        message = page.locator('[id="evidence-crit.dc2020.1-1"] .file-error').inner_text()
        assert "12.0 MB" in message and "10 MB" in message
        assert page.locator('[id="file-crit.dc2020.1-1"]').evaluate("el => el.files.length") == 0
        cadre.check("upload-refused-in-page")
        cadre.done()

    # without JavaScript the server refuses it: the page comes back with the form and the limit
    with person(browser, site, "cadre", javascript=False, name="cadre-nojs") as nojs:
        page = nojs.page
        page.goto(f"{site.url}/assessment/{current(site).id}?s=1")
        page.locator('[id="evidence-crit.dc2020.1-1"] summary').click()
        page.locator('[id="kind-crit.dc2020.1-1"]').select_option("file")
        page.locator('[id="file-crit.dc2020.1-1"]').set_input_files(
            {"name": "会议纪要扫描.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * BIG})
        nojs.expect_status(413)
        follow(page, page.locator('[id="evidence-crit.dc2020.1-1"]').get_by_role("button", name="添加"))
        assert "文件过大，没有上传：上限为 10 MB" in page.locator('[id="evidence-crit.dc2020.1-1"]').inner_text()
        assert page.locator("#answers-form").count() == 1
        assert current(site).evidence == []
        nojs.check("upload-refused-by-server")
        nojs.done()


def test_gap_plan_tracked_review_signed_off_and_readiness(browser, site):
    store = site.store
    checklist = load_checklist(store)
    record = wf.open_assessment(store, CADRE, "community.demo")
    answers = full_answers(checklist)
    # a real community's picture: many things in place, some not: about 69 points, not qualifying
    for c in checklist.scored[8:24]:
        if c.scoring in ("binary", "graded"):
            answers[c.id] = "not_met"
    view = wf.save_answers(store, CADRE, record.id, answers, expected_version=record.version)
    assert not view.result.qualified
    with person(browser, site, "cadre", phone=True) as cadre:
        page = cadre.page
        page.goto(f"{site.url}/assessment/{record.id}")
        summary = page.locator(".summary-line").inner_text()
        assert f"已答 {len(checklist.criteria)} / {len(checklist.criteria)} 项" in summary
        assert page.locator(".summary-grid").count() == 0  # the questions come first on a phone
        cadre.check("form-complete")
        page.get_by_role("button", name="提交自评").click()
        page.wait_for_url(re.compile(r"/result$"))
        cadre.check("result-submitted")
        follow(page, page.get_by_role("link", name="差距整改计划").first)
        assert "县级人民政府" not in page.locator("ol.actions").inner_text()
        assert page.locator("p.owner").count() == page.locator("li.action").count() > 0
        first = page.locator("li.action").first
        title = first.locator("h3").inner_text()
        follow(page, first.get_by_role("link", name="安排这项行动"))
        assert page.locator("main h1").inner_text() == title
        cadre.check("gap-action")
        page.get_by_label("负责单位").select_option(index=1)
        page.get_by_label("具体负责人").fill("王主任")
        page.get_by_label("完成期限").fill("2026-09-30")
        page.get_by_label("进展").select_option("done")
        cadre.expect_status(400)
        follow(page, page.get_by_role("button", name="保存安排"))
        assert "完成情况和证据" in page.get_by_role("alert").first.inner_text()  # done needs evidence
        assert page.get_by_label("具体负责人").input_value() == "王主任"
        cadre.check("gap-action-refused")
        page.get_by_label("完成情况和证据").fill("预案已修订（2026年版），存社区档案室")
        page.get_by_role("button", name="保存安排").click()
        page.wait_for_url(re.compile(r"/gaps#action-1$"))
        assert "已安排 1 项，已完成 1 项" in page.content()
        assert page.locator("li.action").first.get_by_role("link", name="修改安排与进展").count() == 1
        cadre.check("gaps-tracked")
        cadre.done()
    with person(browser, site, "street") as reviewer:
        page = reviewer.page
        page.goto(site.url + "/assessment/")
        page.wait_for_url(site.url + "/assessment/review")
        reviewer.check("review-queue")
        follow(page, page.locator("main table").first.get_by_role("link", name="审核", exact=True))
        reviewer.check("reviewing")
        page.get_by_role("button", name="签署通过").click()
        page.wait_for_url(re.compile(r"/result$"))
        head = page.locator("main h1 + p").inner_text()
        assert "已审核签署" in head and "未达到申报条件" in head and "审核通过" not in head
        reviewer.check("result-signed-off")
        follow(page, page.get_by_role("link", name="差距整改计划").first)
        assert "预案已修订（2026年版）" in page.content() and page.locator("p.track").count() == 0
        reviewer.done()
    with person(browser, site, "street", phone=True, name="street-phone") as reviewer:
        page = reviewer.page
        page.goto(site.url + "/assessment/readiness")
        text = page.locator("main").inner_text()
        assert "待审核的自评" not in text and "各社区最近一次自评" in text
        assert "已审核签署" in text and "未达到申报条件" in text
        # headings keep their words on one line (the table scrolls inside its frame instead)
        tallest = page.evaluate("Math.max(...[...document.querySelectorAll('table.readiness th')]"
                                ".map(th => th.getBoundingClientRect().height))")
        line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.readiness th')).lineHeight)")
        assert tallest < 2 * line, (tallest, line)
        reviewer.check("readiness")
        reviewer.done()

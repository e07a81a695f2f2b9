"""The plans, drills, survey and application pages in Chromium: the printed plan and application
form (print media, A4), a resident answering the survey on a phone (390 × 844), the pages on a
desktop and a phone without sideways scrolling, and axe-core on each — screenshots in
artifacts/browser/plans-*.png."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from assessments import proposals as pr
from assessments import review_levels as rl
from assessments import workflow as wf
from kg.drills import drills as dr
from kg.plans import service as ps
from tests.browser.conftest import AXE, serve, shot, sign_in
from tests.plans.conftest import NOW, make_world
from tests.plans.drill_helpers import findings, new_drill
from tests.plans.evidence_helpers import answer_sheets
from tests.plans.plan_helpers import complete_plan
from tests.plans.review_helpers import OVERRIDE, answer_everything_else
from tests.plans.webfixtures import app_for
from tests.search.fixtures import embedder, vector_cache  # noqa: F401 - the session model and its vector cache

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory, embedder, vector_cache):  # noqa: F811 - the fixtures imported above
    """A community with its plan in force, a reviewed drill, survey answers and a self-assessment
    signed off at both levels; the app served on 127.0.0.1."""
    from curricula.clock import FixedClock
    from kg.search.engine import SearchEngine
    from kg.search.index import build_index
    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path_factory.mktemp("plans-browser") / "graph.kgl")
    store.init_schema()
    world = make_world(store)
    build_index(store, embedder, labels=["LessonLearned"], cache=vector_cache)
    engine = SearchEngine(store, embedder)
    complete_plan(store, world.editor, NOW)
    ps.put_in_force(store, world.editor, "community.a", 2, expected=2, now=NOW)
    drill = new_drill(store, world.editor, NOW)
    dr.review_drill(store, engine, world.editor, drill.id, findings(due=NOW.date() + timedelta(days=30)), now=NOW)
    survey = answer_sheets(store, world.editor, NOW, passed=45, failed=5)
    editor, street, county = (wf.Actor.of(v) for v in (world.editor, world.street, world.county))
    record = wf.open_assessment(store, editor, "community.a", now=NOW)
    view, _ = pr.accept_all(store, editor, record.id, expected_version=record.version, now=NOW)
    cid, answer, reason = OVERRIDE
    view = pr.decide(store, editor, record.id, cid, accept=False, answer=answer, reason=reason,
                     expected_version=view.record.version, now=NOW)
    view = answer_everything_else(store, editor, record.id, view.record.version, NOW)
    view = wf.submit(store, editor, record.id, expected_version=view.record.version, now=NOW)
    view = rl.adjust(store, street, record.id, "crit.dc2020.1-1", points=1, reason="会议纪要只有一次",
                     expected_version=view.record.version, now=NOW)
    view = rl.approve(store, street, record.id, expected_version=view.record.version, comment="同意报县级审核", now=NOW)
    rl.approve(store, county, record.id, expected_version=view.record.version, comment="同意申报", now=NOW)
    app = app_for(store, clock=FixedClock(NOW.isoformat()), TESTING=False, PROPAGATE_EXCEPTIONS=False)
    app.extensions["cem_search"] = engine
    server, thread = serve(app)
    yield {"url": f"http://127.0.0.1:{server.server_port}", "assessment": record.id, "survey": survey,
           "drill": drill.id, "store": store}
    server.shutdown()
    thread.join(timeout=10)
    store.close()


def _no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _axe(page) -> list:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
            for v in result["violations"]]


def test_a_resident_answers_the_survey_on_a_phone(site, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site['url']}/s/{site['survey'].slug}")
    assert _no_sideways_scroll(page) <= 0
    assert page.locator("#website").is_hidden() or page.locator(".hp").bounding_box()["x"] < 0  # the honeypot
    shot(page, "plans-survey-phone")
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("label.option").first.tap()
    page.locator("button.primary").tap()
    page.wait_for_selector("text=谢谢你的参与")
    shot(page, "plans-survey-thanks-phone")
    context.close()


def test_the_printed_plan_and_application_form(site, browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, site["url"], "ed")
    page.goto(f"{site['url']}/plans/community.a/v/2")
    shot(page, "plans-version-desktop")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{site['url']}/plans/community.a/v/2/print")
    assert page.locator(".no-print").first.is_hidden()
    shot(page, "plans-plan-print-a4")
    page.goto(f"{site['url']}/application/{site['assessment']}/form")
    assert page.locator("text=同意申报").count() >= 1
    shot(page, "plans-application-form-print-a4")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") >= 2  # several A4 pages
    page.emulate_media(media="screen")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site['url']}/application/{site['assessment']}/evidence")
    shot(page, "plans-evidence-desktop")
    page.goto(f"{site['url']}/survey/{site['survey'].id}")
    shot(page, "plans-survey-results-desktop")
    page.goto(f"{site['url']}/drills/{site['drill']}")
    shot(page, "plans-drill-desktop")
    context.close()


def test_pages_fit_a_phone_and_pass_axe(site, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    sign_in(page, site["url"], "ed")
    failures, overflow = {}, {}
    for url in ("/plans/community.a", "/plans/community.a/v/2", "/plans/community.a/edit", "/drills/community/community.a",
                f"/drills/{site['drill']}", f"/survey/{site['survey'].id}", f"/application/{site['assessment']}/evidence",
                f"/application/{site['assessment']}/review", f"/application/{site['assessment']}/form",
                f"/s/{site['survey'].slug}"):
        page.goto(site["url"] + url)
        if _no_sideways_scroll(page) > 0:
            overflow[url] = _no_sideways_scroll(page)
        violations = _axe(page)
        if violations:
            failures[url] = violations
    page.goto(f"{site['url']}/application/{site['assessment']}/form")
    shot(page, "plans-application-form-phone")
    page.goto(f"{site['url']}/plans/community.a/v/2")
    shot(page, "plans-version-phone")
    context.close()
    assert overflow == {}, overflow
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)

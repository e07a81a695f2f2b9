"""Binds the plans journeys (each runs on both stores) through the web pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from pytest_bdd import given, parsers, scenario, then, when

from assessments import proposals as pr
from assessments import workflow as wf
from curricula.clock import FixedClock
from kg.drills import drills as dr
from kg.plans import service as ps
from kg.survey import survey as sv
from tests.plans.conftest import NOW
from tests.plans.drill_helpers import IMPROVEMENT, OBJECTIVES, REPEATED
from tests.plans.evidence_helpers import answer_sheets
from tests.plans.plan_helpers import ELEVATOR_ACTIVATION, complete_plan
from tests.plans.review_helpers import answer_everything_else
from tests.plans.webfixtures import app_for, client_for, token

FEATURE = "plans.feature"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')


@scenario(FEATURE, "An editor drafts a plan from the graph, edits it and puts it in force")
def test_draft_edit_in_force(store_kind):
    pass


@scenario(FEATURE, "A drill is run and reviewed, its improvement becomes a lesson and a corrective action, "
                   "the plan is revised")
def test_drill_review_lesson_revision(store_kind):
    pass


@scenario(FEATURE, "Residents answer the survey and the share is shown with its interval")
def test_survey(store_kind):
    pass


@scenario(FEATURE, "The self-assessment proposes answers from records, the editor accepts most and overrides one, "
                   "both levels sign off, the form prints")
def test_self_assessment_levels_form(store_kind):
    pass


@pytest.fixture
def ctx():
    return {}


@given("a county with a street office, its communities and their people")
def setting(world, ctx, engine):
    ctx["world"], ctx["store"] = world, world.store
    ctx["app"] = app_for(world.store, clock=FixedClock(NOW.isoformat()))
    ctx["app"].extensions["cem_search"] = engine


@given(parsers.parse('I am signed in as "{username}"'))
def signed_in(ctx, username):
    ctx["client"] = client_for(ctx["app"], username)


@given("the plan is in force")
def plan_in_force(ctx):
    complete_plan(ctx["store"], ctx["world"].editor, NOW)
    ps.put_in_force(ctx["store"], ctx["world"].editor, "community.a", 2, expected=2, now=NOW)


@given("the plan is in force and residents answered the survey")
def plan_and_survey(ctx):
    plan_in_force(ctx)
    answer_sheets(ctx["store"], ctx["world"].editor, NOW, passed=45, failed=5)


# --- the plan --------------------------------------------------------------------------------------

@when(parsers.parse('I draft the plan for the hazards "{hazards}"'))
def draft_plan(ctx, hazards):
    c = ctx["client"]
    response = c.post("/plans/community.a/draft", data={"csrf_token": token(c, "/plans/community.a"),
                                                        "hazards": [h.strip() for h in hazards.split(",")]})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


@then("version 1 lists the seven work groups with their duties and sources")
def version_1(ctx):
    html = ctx["client"].get("/plans/community.a/v/1").get_data(as_text=True)
    ctx["page"] = html
    for group in ("协调指挥组", "预警预报组", "隐患排查组", "转移安置组", "物资保障组", "信息报告组", "医疗救护组"):
        assert group in html
    assert 'href="/node/duty.report-gas-leak"' in html and "第六十三条" in html


@then(parsers.parse('the plan check says "{message}"'))
def check_says(ctx, message):
    assert message in ctx["page"]


def _edit_form(c) -> dict:
    html = c.get("/plans/community.a/edit").get_data(as_text=True)
    data = {"csrf_token": TOKEN.search(html).group(1),
            "base": re.search(r'id="base" name="base" type="hidden" value="(\d+)"', html).group(1)}
    for name, value in re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = value
    for key in re.findall(r'name="leader:([a-z]+)"', html):
        data[f"leader:{key}"] = f"{key}组长"
        data[f"members:{key}"] = "成员甲\n成员乙"
    return data


@when(parsers.parse('I complete the plan in the editor with the note "{note}"'))
def complete_in_editor(ctx, note):
    c = ctx["client"]
    data = _edit_form(c)
    data.update({"p:activation.hazard.hazard.elevator-accident": ELEVATOR_ACTIVATION,
                 "channels": "社区应急广播喇叭\n网格员逐户叫应",
                 "places": "避难场所 | 社区文化广场 | 幸福路 8 号 | 600 | 王管理\n疏散路线 | 北门疏散路线\n"
                           "医疗救护点 | 社区卫生服务站\n应急指挥场所 | 党群服务中心一楼",
                 "supplies": "折叠床 50 张\n饮用水 200 箱", "contacts": "应急值班电话 | 值班室 | 010-12345678",
                 "note": note})
    response = c.post("/plans/community.a/edit", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]


@then(parsers.parse("version {n:d} passes the plan check"))
def passes_check(ctx, n):
    assert "预案检查通过" in ctx["client"].get(f"/plans/community.a/v/{n}").get_data(as_text=True)


@when(parsers.parse("I put version {n:d} in force"))
def put_in_force(ctx, n):
    c = ctx["client"]
    response = c.post(f"/plans/community.a/v/{n}/in-force",
                      data={"csrf_token": token(c, "/plans/community.a"), "base": str(n)})
    assert response.status_code == 303


@then(parsers.parse("version {n:d} is in force and prints on A4 with a cover page and the version table"))
def in_force_and_prints(ctx, n):
    assert ps.in_force(ctx["store"], "community.a").meta.number == n
    printed = ctx["client"].get(f"/plans/community.a/v/{n}/print").get_data(as_text=True)
    assert 'class="cover"' in printed and "版本记录" in printed and "补全工作组人员" in printed


# --- drills ----------------------------------------------------------------------------------------

def _record_drill(ctx, *, name, held_on, residents=45, volunteers=12, units=3) -> str:
    c = ctx["client"]
    response = c.post("/drills/community/community.a", data={
        "csrf_token": token(c, "/drills/community/community.a"), "name": name, "kind": "full_scale",
        "held_on": held_on.isoformat(), "hazards": ["hazard.rainstorm", "hazard.urban-waterlogging"],
        "objectives": "\n".join(OBJECTIVES), "residents": str(residents), "volunteers": str(volunteers),
        "units": str(units), "people": "王主任", "unit_names": "幸福物业"})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return response.headers["Location"].rsplit("/", 1)[1]


def _review(ctx, drill_id, improvement, due):
    c = ctx["client"]
    data = {"csrf_token": token(c, f"/drills/{drill_id}/review"), "slots": "4",
            "f0-objective": "1", "f0-kind": "strength", "f0-title": "转移路线清楚",
            "f0-observation": "38 名居民在 25 分钟内到达文化广场。",
            "f1-objective": "0", "f1-kind": "improvement", "f1-owner": "org.community-committee",
            "f1-due_date": due.isoformat(), "f1-phase": "phase.response"}
    data.update({f"f1-{k}": v for k, v in improvement.items()})
    response = c.post(f"/drills/{drill_id}/review", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]


@when(parsers.parse("I record a full-scale drill with {residents:d} residents, {volunteers:d} volunteers and "
                    "{units:d} units"))
def record_drill(ctx, residents, volunteers, units):
    ctx["drill"] = _record_drill(ctx, name="暴雨内涝转移安置实战演练", held_on=NOW.date() - timedelta(days=1),
                                 residents=residents, volunteers=volunteers, units=units)


@when(parsers.parse('I review it with a strength and the improvement "{title}"'))
def review_it(ctx, title):
    assert title == IMPROVEMENT["title"]
    _review(ctx, ctx["drill"], IMPROVEMENT, NOW.date() + timedelta(days=30))


@then(parsers.parse('the improvement is a lesson learned about the drill\'s hazards with a corrective action owned by '
                    '"{owner}"'))
def lesson_and_action(ctx, owner):
    review = dr.review_of(ctx["store"], dr.get_drill(ctx["store"], ctx["drill"]))
    improvement = next(f for f in review["findings"] if f["kind"] == "improvement")
    links = {(x["type"], x["end"]) for x in ctx["store"].links(improvement["lesson"]) if x["start"] == improvement["lesson"]}
    assert {("ABOUT", "hazard.rainstorm"), ("ABOUT", "hazard.urban-waterlogging"), ("FROM_DRILL", ctx["drill"]),
            ("LESSON_FOR_PLAN", "community.a:plan")} <= links
    assert improvement["action_record"]["owner"] == owner and improvement["action_record"]["status"] == "open"
    ctx["action"] = improvement["action"]
    page = ctx["client"].get(f"/drills/{ctx['drill']}").get_data(as_text=True)
    assert IMPROVEMENT["action"] in page


@when("I revise the plan after the drill, carrying out its corrective action")
def revise(ctx):
    c = ctx["client"]
    data = _edit_form(c)
    data["p:vulnerable.procedure"] += "叫应名单与脆弱人群清单逐户核对。"
    data["places"] = ps.format_places(ps.load_version(ctx["store"], ps.get_plan(ctx["store"], "community.a")).document.places)
    data["contacts"] = "应急值班电话 | 值班室 | 010-12345678"
    data.update({"note": "按演练评估修订叫应办法", "revised_after": ctx["drill"], "carries_out": ctx["action"]})
    response = c.post("/plans/community.a/edit", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    ctx["revision"] = int(response.headers["Location"].rsplit("/", 1)[1])


@then("the new version names the drill it was revised after and the action it carries out")
def revision_links(ctx):
    v = ps.load_version(ctx["store"], ps.get_plan(ctx["store"], "community.a"), ctx["revision"])
    assert v.meta.revised_after == [ctx["drill"]] and v.meta.carries_out == [ctx["action"]]
    page = ctx["client"].get(f"/plans/community.a/v/{ctx['revision']}").get_data(as_text=True)
    assert "本版在演练后修订" in page and IMPROVEMENT["action"] in page


@when("a second drill finds the same problem")
def second_drill(ctx):
    ctx["second"] = _record_drill(ctx, name="汛期第二次转移演练", held_on=NOW.date())
    _review(ctx, ctx["second"], REPEATED, NOW.date() + timedelta(days=40))


@then("the second drill's improvement is flagged as repeating the first drill's lesson")
def flagged(ctx):
    flagged = dr.repeated_findings(ctx["store"], "community.a")
    assert [f["drill"] for f in flagged] == [ctx["second"]]
    assert ctx["drill"] in flagged[0]["repeats_drill"]
    page = ctx["client"].get("/drills/community/community.a").get_data(as_text=True)
    assert "同一问题在多次演练中出现" in page


# --- the survey -------------------------------------------------------------------------------------

@when(parsers.parse("I open a survey of {size:d} questions"))
def open_survey(ctx, size):
    c = ctx["client"]
    response = c.post("/survey/community/community.a", data={
        "csrf_token": token(c, "/survey/community/community.a"), "name": "春季防灾知识问卷", "size": size,
        "pass_mark": 80})
    assert response.status_code == 303
    ctx["survey"] = sv.get_survey(ctx["store"], response.headers["Location"].rsplit("/", 1)[1])


@when(parsers.parse("{right:d} residents answer it correctly and {wrong:d} answer it wrongly, each on their own phone"))
def residents_answer(ctx, right, wrong):
    survey = ctx["survey"]
    questions = sv.questions_of(ctx["store"], survey)
    for n in range(right + wrong):
        phone = ctx["app"].test_client()
        html = phone.get(f"/s/{survey.slug}").get_data(as_text=True)
        data = {"csrf_token": TOKEN.search(html).group(1), "website": ""}
        for q in questions:
            data[f"q-{q.id}"] = ([str(a) for a in q.answer] if n < right
                                 else [str(next(i for i in range(len(q.options)) if i not in q.answer))])
        assert phone.post(f"/s/{survey.slug}", data=data).status_code == 200


@then(parsers.parse('the survey shows 90% with the 95% interval "{interval}" and a sample of {n:d}'))
def survey_shows(ctx, interval, n):
    html = ctx["client"].get(f"/survey/{ctx['survey'].id}").get_data(as_text=True)
    ctx["page"] = html
    assert "90.0%" in html and interval in html and f"样本量 n = {n}" in html


@then("it says the sample does not prove 80%")
def not_proven(ctx):
    assert "样本量不足以证明达到 80%" in ctx["page"]


# --- self-assessment, levels, application form ----------------------------------------------------------

def _forms(c, url) -> dict:
    html = c.get(url).get_data(as_text=True)
    return {"csrf_token": TOKEN.search(html).group(1), "version": VERSION.search(html).group(1)}


@when("I open a self-assessment and accept every proposed answer")
def open_and_accept(ctx):
    editor = wf.Actor.of(ctx["world"].editor)
    ctx["assessment"] = wf.open_assessment(ctx["store"], editor, "community.a", now=NOW).id
    c, aid = ctx["client"], ctx["assessment"]
    assert "由记录提议的答案" in c.get(f"/assessment/{aid}?s=3").get_data(as_text=True)
    response = c.post(f"/application/{aid}/evidence/accept-all", data=_forms(c, f"/application/{aid}/evidence"))
    assert response.status_code == 303
    assert len(pr.decisions(wf.load_view(ctx["store"], aid))) >= 10


@when(parsers.parse('I override criterion "{number}" with "{answer}" and the reason "{reason}"'))
def override(ctx, number, answer, reason):
    c, aid = ctx["client"], ctx["assessment"]
    cid = wf.load_view(ctx["store"], aid).checklist.by_number(number).id
    response = c.post(f"/application/{aid}/evidence/{cid}", data=dict(
        _forms(c, f"/application/{aid}/evidence"), decision="override", answer=answer, reason=reason))
    assert response.status_code == 303
    ctx["override"] = (number, cid, reason)
    assert pr.decisions(wf.load_view(ctx["store"], aid))[cid].override_reason == reason


@when("I answer the remaining criteria and submit")
def answer_and_submit(ctx):
    editor = wf.Actor.of(ctx["world"].editor)
    view = wf.load_view(ctx["store"], ctx["assessment"])
    view = answer_everything_else(ctx["store"], editor, view.id, view.record.version, NOW)
    c = ctx["client"]
    token_value = TOKEN.search(c.get(f"/assessment/{view.id}").get_data(as_text=True)).group(1)
    response = c.post(f"/assessment/{view.id}/submit", data={"csrf_token": token_value,
                                                            "version": str(view.record.version)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    assert wf.load_view(ctx["store"], view.id).record.status == wf.SUBMITTED


@then(parsers.parse('the street reviewer "{username}" sees the proposal, the answer and the reason side by side for '
                    '"{number}"'))
def side_by_side(ctx, username, number):
    html = client_for(ctx["app"], username).get(f"/application/{ctx['assessment']}/evidence").get_data(as_text=True)
    _number, cid, reason = ctx["override"]
    article = html[html.index(f'id="c-{cid}"'):]
    article = article[:article.index("</article>")]
    assert "78.6" in article and "85" in article and reason in article and "未采纳提议" in article


@when(parsers.parse('the street reviewer "{username}" signs off with "{text}"'))
@when(parsers.parse('the county reviewer "{username}" signs off with "{text}"'))
def signs_off(ctx, username, text):
    c = client_for(ctx["app"], username)
    url = f"/application/{ctx['assessment']}/review"
    response = c.post(f"{url}/approve", data=dict(_forms(c, url), text=text))
    assert response.status_code == 303


@then("the self-assessment is signed off at both levels")
def signed_off(ctx):
    record = wf.load_view(ctx["store"], ctx["assessment"]).record
    assert record.status == wf.SIGNED_OFF
    assert record.get("street_signed_off_by") == "user.st" and record.get("county_signed_off_by") == "user.co"


@then("the application form shows the plan, the drills, the figures and both sign-offs")
def application_form(ctx):
    html = ctx["client"].get(f"/application/{ctx['assessment']}/form").get_data(as_text=True)
    for text in ("全国综合减灾示范社区申报表", "甲社区突发事件综合应急预案", "五、近一年的应急演练", "答卷数（样本量）",
                 "同意报县级审核", "同意申报", "测试街道办事处", "测试县应急管理局", ctx["override"][2]):
        assert text in html, text

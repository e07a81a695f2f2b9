"""Issue 17 (community worker): gap-plan actions a community can act on — owners proposed at the
community's own level, each action assignable and trackable (owner, due date, status, done with
evidence), the next self-assessment shows what was done — and the readiness and result pages
say what they mean (signed off is not qualifying; a blank draft has no known gaps)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from assessments import actions
from assessments import workflow as wf
from assessments.checklist import load_checklist
from assessments.errors import AnswerInvalid, NotAllowed, VersionConflict
from assessments.gap_plan import COMMUNITY_LEVELS, gap_plan
from assessments.reports import label_lines, radar_chart_svg
from assessments.scoring import parse_answers, score
from kg import accounts
from tests.assessment.helpers import load_all_with_training_stand_ins
from tests.assessment.test_workflow import full_answers
from tests.assessment.web_fixtures import make_app, page, signed_in, token_and_version
from tests.web.platform_fixtures import PASSWORD, csrf_token, fast_hasher  # noqa: F401

COMMUNITY = {"id": "community.a", "area": "org.town-emergency-office", "area_name": "乡镇（街道）应急管理机构"}


@pytest.fixture
def graph(store):
    load_all_with_training_stand_ins(store)
    return store


def test_every_action_proposes_an_owner_at_the_communitys_level(graph):
    checklist = load_checklist(graph)
    plan = gap_plan(graph, score(checklist, {}), community=COMMUNITY)
    levels = {n["id"]: n["properties"].get("level") for n in graph.nodes_by_label("Organization", limit=2000)}
    assert plan.actions and all(a.owner is not None for a in plan.actions)
    for a in plan.actions:
        assert levels[a.owner.id] in COMMUNITY_LEVELS, (a.key, a.owner)
        assert a.owner.why
        # nothing a county body runs is shown as the community's to task
        assert all(levels.get(o[0]) in ("community", "grid", "town") for o in a.operators), (a.key, a.operators)
    supplies = plan.by_key["facility:facility.supply-reserve"]
    assert checklist.by_number("8.1").id in supplies.gaps
    assert supplies.operators == [] and supplies.owner.id in ("org.community-committee", "org.community-service-station")
    assert any("应急物资" in x.name for x in supplies.assignments)  # the duty that USES the facility
    # a body is not proposed to set itself up: the one it is part of is
    team = plan.by_key["organization:org.community-response-team"]
    assert team.owner.id == "org.community-committee" and "隶属于它" in str(team.owner.why[0])
    # actions the graph links to nothing are still owned, by who creates the demonstration community
    g1 = plan.by_key[f"requirement:{checklist.by_number('G1').id}"]
    assert g1.owner.id in ("org.community-committee", "org.community-party-org")
    assert "满意率" in str(g1.title) and not str(g1.title).startswith("对照要求整改")


def test_without_a_community_level_body_the_street_is_proposed(graph):
    checklist = load_checklist(graph)
    graph.delete_node("duty.demo-community-creation")
    plan = gap_plan(graph, score(checklist, {}), community=COMMUNITY)
    g2 = plan.by_key[f"requirement:{checklist.by_number('G2').id}"]
    assert g2.owner.id == "org.town-emergency-office" and g2.owner.level == "town"


def make_world(store):
    load_all_with_training_stand_ins(store)
    wf.create_community(store, "community.a", "甲社区", area="org.town-emergency-office", population=12000)
    wf.create_community(store, "community.b", "乙社区", area="org.town-emergency-office")
    for username, roles, community, org in (("comm-a", ("community",), "community.a", None),
                                            ("comm-b", ("community",), "community.b", None),
                                            ("rev", ("reviewer",), None, "org.town-emergency-office")):
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community, organization=org,
                             display_name=f"{username} 用户")
    return wf.Actor("user.comm-a", frozenset({"community"}), community="community.a")


def test_tracking_an_action_owner_due_status_and_evidence(store):
    alice = make_world(store)
    key = "plan:plan.community-comprehensive"
    with pytest.raises(AnswerInvalid, match="证据"):  # done needs evidence
        actions.save(store, alice, "community.a", key=key, title="t", criteria=["crit.dc2020.4-1"], status="done")
    with pytest.raises(AnswerInvalid, match="不是社区、网格或街道"):  # a county body is not the community's to task
        actions.save(store, alice, "community.a", key=key, title="t", criteria=[], owner="org.county-government")
    with pytest.raises(AnswerInvalid) as unknown:  # the value is named; the answer stays a 400
        actions.save(store, alice, "community.a", key=key, title="t", criteria=[], status="finished")
    assert "'finished'" in str(unknown.value) and unknown.value.status == 400
    with pytest.raises(NotAllowed):
        actions.save(store, wf.Actor("user.comm-b", frozenset({"community"}), community="community.b"),
                     "community.a", key=key, title="t", criteria=[])
    first = actions.save(store, alice, "community.a", key=key, title="编制预案", criteria=["crit.dc2020.4-1"],
                         owner="org.community-committee", assignee="王主任", due="2026-09-30", status="in_progress")
    assert (first.version, first.owner_name, first.status, first.due) == (1, "村（居）民委员会", "in_progress",
                                                                           "2026-09-30")
    with pytest.raises(VersionConflict) as conflict:  # someone saved since this version was loaded
        actions.save(store, alice, "community.a", key=key, title="编制预案", criteria=["crit.dc2020.4-1"],
                     status="open", expected_version=0)
    assert conflict.value.by == "comm-a 用户"
    done = actions.save(store, alice, "community.a", key=key, title="编制预案", criteria=["crit.dc2020.4-1"],
                        owner="org.community-committee", status="done", evidence="预案2026版，存社区档案室",
                        expected_version=1)
    assert done.done and done.done_at and done.done_by == "user.comm-a" and done.version == 2
    assert [t.key for t in actions.for_criterion(actions.tracked(store, "community.a").values(),
                                                 "crit.dc2020.4-1")] == [key]
    assert actions.tracked(store, "community.b") == {}


def test_gap_page_assigns_actions_and_the_next_assessment_shows_what_was_done(store, tmp_path):
    make_world(store)
    app = make_app(store, data_dir=str(tmp_path))
    c = signed_in(app, "comm-a")
    token, _ = token_and_version(c, "/assessment/community/community.a")
    r = c.post("/assessment/community/community.a/open", data={"csrf_token": token,
                                                               "standard": "standard.demo-community-2020"})
    aid = r.headers["Location"].rsplit("/", 1)[-1]
    _, html = page(c, f"/assessment/{aid}/gaps")
    assert "建议负责：" in html and "安排这项行动" in html and "县级人民政府" not in html
    assert "<select" not in html  # the plan links to one page per action instead of carrying a form for each
    key = "facility:facility.supply-reserve"
    links = re.findall(r'href="(/assessment/[^"]+/gaps/track\?key=[^"]+)"', html)
    assert len(links) == html.count('class="action"') > 1
    link = next(href for href in links if href.endswith("key=facility:facility.supply-reserve"))
    response, form_page = page(c, link)
    assert response.status_code == 200 and form_page.count('<select id="owner"') == 1 and 'value="org.community-service-station"' in form_page
    assert f'href="/assessment/{aid}/gaps#action-' in form_page  # back to the plan, at this action
    assert c.get(f"/assessment/{aid}/gaps/track?key=no-such-action").status_code == 404
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page).group(1)
    base = {"csrf_token": token, "key": key, "version": "0", "owner": "org.community-service-station",
            "assignee": "李站长", "due": "2026-10-01", "status": "done", "evidence": "", "note": ""}
    refused = c.post(f"/assessment/{aid}/gaps/track", data=base)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "完成情况和证据" in body and 'value="李站长"' in body  # kept
    saved = c.post(f"/assessment/{aid}/gaps/track", data=dict(base, evidence="储备点设在服务站一楼，台账见附件"))
    assert saved.status_code == 302 and "#action-" in saved.headers["Location"]
    _, html = page(c, f"/assessment/{aid}/gaps")
    assert "已安排 1 项，已完成 1 项" in html and "储备点设在服务站一楼" in html
    # a save from a page read before that save is refused, shows the latest and can then be saved
    stale = c.post(f"/assessment/{aid}/gaps/track", data=dict(base, status="in_progress", assignee="张干事"))
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "你的更改没有保存" in body and "现在的安排：" in body and "李站长" in body
    assert 'value="张干事"' in body and 'name="version" type="hidden" value="1"' in body
    again = c.post(f"/assessment/{aid}/gaps/track", data=dict(base, status="in_progress", assignee="张干事", version="1"))
    assert again.status_code == 302
    assert actions.tracked(store, "community.a")[key].assignee == "张干事"
    assert c.post(f"/assessment/{aid}/gaps/track",
                  data=dict(base, evidence="储备点设在服务站一楼，台账见附件", version="2")).status_code == 302
    # a reviewer sees the tracking but cannot change it
    reviewer = signed_in(app, "rev")
    assert reviewer.get(link).status_code == 403
    assert reviewer.post(f"/assessment/{aid}/gaps/track",
                         data=dict(base, csrf_token=csrf_token(reviewer, "/account"))).status_code == 403
    # the next self-assessment shows, at criterion 8.1, that the action was done, with its evidence
    wf.save_answers(store, wf.Actor("user.comm-a", frozenset({"community"}), community="community.a"), aid,
                    full_answers(load_checklist(store)), expected_version=1)
    _, html = page(c, f"/assessment/{aid}?s=8")
    assert "整改行动：" in html and "已完成" in html and "储备点设在服务站一楼" in html


def test_result_and_readiness_say_signed_off_and_not_qualifying(store, tmp_path):
    make_world(store)
    app = make_app(store, data_dir=str(tmp_path))
    alice = wf.Actor("user.comm-a", frozenset({"community"}), community="community.a")
    rev = wf.Actor("user.rev", frozenset({"reviewer"}), organization="org.town-emergency-office")
    checklist = load_checklist(store)
    blank = wf.open_assessment(store, alice, "community.a")
    # a blank draft: no gap is known yet
    r = signed_in(app, "rev")
    _, html = page(r, "/assessment/readiness")
    assert f"另有 {len(checklist.criteria)} 项未作答" in html and "待审核的自评" not in html
    assert "各社区最近一次自评" in html and "每万名居民" in html
    c = signed_in(app, "comm-a")
    _, form = page(c, f"/assessment/{blank.id}")
    assert "未完全达标条目" not in form and f"已答 0 / {len(checklist.criteria)} 项" in form
    answers = full_answers(checklist)
    answers.update({c_.id: "not_met" for c_ in checklist.scored[:20] if c_.scoring in ("binary", "graded")})
    view = wf.save_answers(store, alice, blank.id, answers, expected_version=1)
    view = wf.submit(store, alice, blank.id, expected_version=view.record.version)
    assert not view.result.qualified
    wf.sign_off(store, rev, blank.id, expected_version=view.record.version)
    _, html = page(r, "/assessment/readiness")
    assert "已审核签署" in html and "未达到申报条件" in html and "审核通过" not in html
    _, result = page(c, f"/assessment/{blank.id}/result")
    assert "已审核签署" in result and "未达到申报条件" in result and "审核签署：rev 用户" in result
    assert "user.rev" not in result
    # trained responders per 10,000 residents where the population is recorded
    assert "0.0" in html and "人口未登记" in html


def test_radar_labels_are_not_cut_off():
    assert label_lines("防灾减灾宣传教育与培训演练活动") == ["防灾减灾宣传教", "育与培训演练活", "动"]
    assert label_lines("一二三四五六七八九十一二三四五六七八九十一二三") == ["一二三四五六七", "八九十一二三四", "五六七八九十…"]


def test_radar_chart_keeps_every_label_inside_the_picture(graph):
    checklist = load_checklist(graph)
    answers = {k: v for k, v in parse_answers(checklist, full_answers(checklist)).items() if v}
    svg = radar_chart_svg(score(checklist, answers), title="t")
    root = ET.fromstring(svg)
    width = float(root.get("width"))
    ns = "{http://www.w3.org/2000/svg}"
    for text in root.iter(ns + "text"):
        for span in text.iter(ns + "tspan"):
            x, chars = float(span.get("x")), len(span.text or "")
            extent = chars * 13  # at most one 13-px character cell each at font-size 12
            anchor = text.get("text-anchor")
            left = x - extent if anchor == "end" else x - extent / 2 if anchor == "middle" else x
            assert 0 <= left and left + extent <= width, (span.text, x, anchor, width)
    names = [t.text for t in root.iter(ns + "title")]
    assert all(el.element.name in names for el in score(checklist, {}).elements)  # the full names, as tooltips

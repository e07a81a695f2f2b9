"""The sample community's plan, drills, survey and self-assessments (fictional, marked as sample
data like the rest of ``community.demo``; ``cem sample load`` writes them after the workspace
records, ``cem sample remove`` takes them out again).

What a newcomer sees: a plan drafted from the graph for the hazards of the sample's latest risk
assessment, completed and put in force, then revised after each of two drills; two reviewed drills
(the second finds the same problem as the first: flagged); a residents' survey with answer sheets;
a self-assessment signed off by the street and the county office a year ago, and the current one
— proposals accepted, one overridden with a reason, returned once by the street office and
resubmitted — waiting for the county's review.  The sample's street office and county office are
fictional bodies (``sample: true``) made here, and so are its three fictional people: disabled
accounts (nobody can sign in as them, ``sample: true``) that exist so that the review pages name
who did what instead of showing account ids."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from assessments import proposals as pr
from assessments import review_levels as rl
from assessments import workflow as wf
from assessments.checklist import DEFAULT_STANDARD, load_checklist
from kg import accounts
from kg.access import Viewer
from kg.drills import drills as dr
from kg.plans import service as ps
from kg.plans.document import Contact, Place
from kg.store.base import GraphStore
from kg.survey import survey as sv

COMMUNITY = "community.demo"
STREET, COUNTY = "org.sample-street", "org.sample-county"
EDITOR = Viewer("user.sample-editor", frozenset({"community"}), community=COMMUNITY)
STREET_REVIEWER = Viewer("user.sample-street-reviewer", frozenset({"reviewer"}), organization=STREET)
COUNTY_REVIEWER = Viewer("user.sample-county-reviewer", frozenset({"reviewer"}), organization=COUNTY)
PEOPLE = ((EDITOR, "示例社区填报人（虚构）"), (STREET_REVIEWER, "示例街道审核人（虚构）"),
          (COUNTY_REVIEWER, "示例县级审核人（虚构）"))
LABELS = ("CommunityPlan", "PlanVersion", "Drill", "AfterActionReview", "DrillFinding", "Survey", "SurveyResponse",
          "Assessment", "Answer", "Evidence", "Review")
OBJECTIVES = ["检验暴雨红色预警后 30 分钟内叫应到户", "检验低洼楼栋居民转移到集合点", "检验避难场所开放和登记"]
ISSUE_1 = {
    "title": "叫应名单没有覆盖独居老人",
    "observation": "红色预警发布后 30 分钟内，第二网格有 5 户独居老人没有接到网格员的电话或上门通知，其中 2 户直到转移开始才由邻居告知。",
    "analysis": "叫应名单按网格员负责的楼栋编制，没有与脆弱人群清单核对；这几户老人不用微信群，只靠电话，而网格员在预警时段同时巡查地下车库。",
    "lesson": "预警叫应名单要与脆弱人群清单逐户核对，独居老人由结对帮扶人当面通知。",
    "recommendation": "社区居民委员会把脆弱人群清单并入叫应名单，每户明确一名结对帮扶人负责当面通知，并在下次演练中检验。",
    "action": "脆弱人群清单并入预警叫应名单"}
ISSUE_2 = {
    "title": "叫应名单仍漏掉部分独居老人",
    "observation": "桌面推演时核对叫应名单，第三网格仍有 3 户独居老人不在名单上，其中 1 户的结对帮扶人已搬离小区。",
    "analysis": "叫应名单与脆弱人群清单只在汛前核对过一次，帮扶人变动后没有及时更新；名单仍按楼栋而不是按人编制。",
    "lesson": "预警叫应名单要与脆弱人群清单逐户核对，并在帮扶人变动时随时更新。",
    "recommendation": "社区居民委员会每月核对一次叫应名单与脆弱人群清单，帮扶人变动时当天更新，并在下次演练中检验。",
    "action": "每月核对叫应名单与脆弱人群清单"}


def present(store: GraphStore) -> bool:
    return ps.get_plan(store, COMMUNITY) is not None


def _areas(store: GraphStore) -> None:
    store.upsert_nodes("Organization", [
        {"id": COUNTY, "properties": {"name": "示例县应急管理局（虚构）", "name_en": "Sample county emergency office",
                                      "kind": "department", "level": "county", "sample": True}},
        {"id": STREET, "properties": {"name": "示例街道办事处（虚构）", "name_en": "Sample street office",
                                      "kind": "office", "level": "town", "sample": True}}])
    store.upsert_relationships([{"type": "PART_OF", "start": STREET, "end": COUNTY},
                                {"type": "LOCATED_IN", "start": COMMUNITY, "end": STREET}])
    node = store.get_node(COMMUNITY) or {"properties": {}}
    store.upsert_nodes("Community", [{"id": COMMUNITY, "properties": dict(node["properties"], area=STREET,
                                                                          first_responder_target=10)}])


def _people(store: GraphStore, now: datetime) -> None:
    """The sample's people as disabled accounts with a random password nobody is told; an account
    of the same name that is not the sample's is left alone."""
    for viewer, name in PEOPLE:
        assert viewer.id is not None
        if store.get_node(viewer.id) is not None:
            continue
        account = accounts.create_user(store, viewer.id.removeprefix("user."), secrets.token_urlsafe(32),
                                       roles=sorted(viewer.roles), display_name=name, community=viewer.community,
                                       organization=viewer.organization, active=False, now=now)
        store.upsert_nodes("User", [{"id": account.id, "properties": {
            "username": account.username, "active": False, "created_at": account.created_at, "sample": True}}])


def _complete(version: ps.PlanVersion) -> dict:
    doc = version.document
    edits: dict = {"paragraphs": {}, "groups": {}}
    for g in doc.groups:
        members = g.members or [f"{g.name[:2]}组成员甲", f"{g.name[:2]}组成员乙"]
        edits["groups"][g.key] = {"leader": members[0], "members": members}
    for h in doc.hazards:
        p = doc.paragraph(f"activation.hazard.{h['id']}")
        if p is not None and not p.text:
            edits["paragraphs"][p.key] = (f"{h['name']}：物业或居民发现险情并报告后，协调指挥组立即启动本预案中"
                                          f"{h['name']}的应对措施，同时报告街道应急管理办公室。")
    edits["channels"] = ["社区应急广播喇叭", "网格员逐户电话叫应", "楼栋微信群", "独居老人由结对帮扶人当面通知"]
    places = list(doc.places)
    kinds = {p.kind for p in places}
    if "shelter" not in kinds:
        places.append(Place("shelter", "示例社区文化广场（虚构）", "示例路 8 号", 800, "示例管理员"))
    if "route" not in kinds:
        places.append(Place("route", "北门疏散路线（虚构）", "各楼栋经北门至文化广场"))
    places += [Place("medical", "示例社区卫生服务站（虚构）", "示例路 10 号"),
               Place("command", "示例社区党群服务中心一楼（虚构）", "示例路 6 号")]
    edits["places"] = places
    edits["supplies"] = doc.supplies or ["饮用水 200 箱", "折叠床 50 张", "应急照明灯 20 盏"]
    edits["contacts"] = [Contact("应急值班电话", "社区值班室", "010-00000000"),
                         Contact("协调指挥组组长", edits["groups"]["command"]["leader"], "010-00000001")]
    return edits


def _procedure(version: ps.PlanVersion) -> str:
    paragraph = version.document.paragraph("vulnerable.procedure")
    return paragraph.text if paragraph else ""


def _actions(review: dr.Review) -> list[str]:
    return [f.action for f in review.findings if f.action]


def _drill(store, engine, when: datetime, name: str, kind: str, issue: dict, residents: int, rng) -> dr.Review:
    drill = dr.create_drill(
        store, EDITOR, COMMUNITY, name=name, kind=kind, held_on=when.date(),
        hazards=["hazard.urban-waterlogging"], objectives=OBJECTIVES,
        scenario="午后短时强降水，气象台发布暴雨红色预警，示例小区地下车库开始进水。（虚构）",
        scenario_time="7 月中旬 14:00", place="示例社区第二、三网格", residents=residents,
        volunteers=rng.randint(8, 15), units=3, people=["示例主任", "示例网格员"],
        unit_names=["示例物业公司（虚构）", "示例社区卫生服务站（虚构）", "示例微型消防站（虚构）"], now=when)
    findings = [dr.FindingInput(objective=1, kind="strength", title="转移路线清楚",
                                observation="低洼楼栋的参演居民在 25 分钟内全部到达集合点，路线标识清楚。"),
                dr.FindingInput(objective=0, kind="improvement", owner="org.community-committee",
                                due_date=(when + timedelta(days=45)).date().isoformat(), **issue)]
    return dr.review_drill(store, engine, EDITOR, drill.id, findings, summary="转移顺利，叫应有漏户。（虚构）",
                           now=when + timedelta(days=2))


def load(store: GraphStore, engine, *, now: datetime) -> dict:
    """Write the sample's plan, drills, survey and assessments (the workspace sample must be loaded)."""
    if store.get_node(COMMUNITY) is None:
        raise ValueError("the sample community is not loaded (cem sample load writes it first)")
    rng = random.Random(15)
    _areas(store)
    _people(store, now)
    t0 = now - timedelta(days=330)
    v1 = ps.start_plan(store, EDITOR, COMMUNITY, None, now=t0)
    v2 = ps.save_edits(store, EDITOR, COMMUNITY, _complete(v1), base=v1.meta.number,
                       note="补全工作组人员、预警渠道、场所、物资和联系人", now=t0 + timedelta(days=3))
    ps.put_in_force(store, EDITOR, COMMUNITY, v2.meta.number, expected=v2.meta.number, now=t0 + timedelta(days=4))
    # a year-old self-assessment, signed off by both levels
    _assessment(store, t0 + timedelta(days=10), final=True)
    # two drills, each reviewed and followed by a revision of the plan
    first = _drill(store, engine, now - timedelta(days=200), "示例社区暴雨内涝转移安置实战演练（虚构）", "full_scale",
                   ISSUE_1, 46, rng)
    v3 = ps.save_edits(store, EDITOR, COMMUNITY, {"paragraphs": {"vulnerable.procedure": _procedure(v2) +
                                                                 "预警叫应名单与脆弱人群清单逐户核对，独居老人由结对帮扶人当面通知。"}},
                       base=v2.meta.number, note="按第一次演练评估修订叫应办法", now=now - timedelta(days=190),
                       revised_after=[first.drill.id], carries_out=_actions(first))
    ps.put_in_force(store, EDITOR, COMMUNITY, v3.meta.number, expected=v3.meta.number, now=now - timedelta(days=189))
    second = _drill(store, engine, now - timedelta(days=40), "示例社区汛期叫应桌面推演（虚构）", "tabletop", ISSUE_2, 18, rng)
    v4 = ps.save_edits(store, EDITOR, COMMUNITY, {"paragraphs": {"vulnerable.procedure": _procedure(v3) +
                                                                 "每月核对一次，帮扶人变动时当天更新。"}},
                       base=v3.meta.number, note="按第二次演练评估修订：每月核对叫应名单", now=now - timedelta(days=30),
                       revised_after=[second.drill.id], carries_out=_actions(second))
    ps.put_in_force(store, EDITOR, COMMUNITY, v4.meta.number, expected=v4.meta.number, now=now - timedelta(days=29))
    # the residents' survey
    survey = sv.open_survey(store, EDITOR, COMMUNITY, name="示例社区居民防灾知识问卷（虚构）", size=10,
                            now=now - timedelta(days=60), rng=rng)
    questions = sv.questions_of(store, survey)
    sheets = 0
    for n in range(64):
        wrong = rng.choice([0, 0, 0, 1, 1, 1, 2, 2, 2, 3]) if n % 9 else 5
        chosen = {}
        for i, q in enumerate(questions):
            miss = i < wrong
            chosen[q.id] = sorted(q.answer) if not miss else [next(k for k in range(len(q.options))
                                                                   if k not in q.answer)]
        sv.record_response(store, survey, chosen, now=now - timedelta(days=59 - n % 50))
        sheets += 1
    current = _assessment(store, now - timedelta(days=10), final=False)
    return {"plan_versions": v4.meta.number, "drills": 2, "survey_sheets": sheets,
            "repeats": len(second.findings[1].repeats), "assessments": 2, "current": current}


def _assessment(store: GraphStore, when: datetime, *, final: bool) -> str:
    editor, street, county = EDITOR, STREET_REVIEWER, COUNTY_REVIEWER
    record = wf.open_assessment(store, editor, COMMUNITY, now=when)
    view, _ = pr.accept_all(store, editor, record.id, expected_version=record.version, now=when)
    if "crit.dc2020.5-3" in pr.decisions(view):
        view = pr.decide(store, editor, record.id, "crit.dc2020.5-3", accept=False, answer="82",
                         reason="街道组织的入户抽样调查（120 户）为 82%，调查记录已归档。（虚构）",
                         expected_version=view.record.version, now=when)
    checklist = load_checklist(store, DEFAULT_STANDARD)
    raw = {}
    for c in checklist.criteria:
        if c.id in view.answers and view.answers[c.id].answered:
            continue
        if c.scoring == "numeric":
            value = (c.target or 0) + (1 if c.target_above else 0)
            raw[c.id] = {"answer": str(value), "note": "社区自报（示例数据）", "last_done": ""}
        else:
            raw[c.id] = {"answer": "met", "note": "社区自报（示例数据）",
                         "last_done": (when - timedelta(days=30)).date().isoformat() if c.recurrence_months else ""}
    view = wf.save_answers(store, editor, record.id, raw, expected_version=view.record.version, now=when,
                           today=when.date())
    view = wf.submit(store, editor, record.id, expected_version=view.record.version, now=when)
    t = when + timedelta(days=1)
    if not final:
        rl.comment(store, street, record.id, "请补充第二次演练的评估报告。（示例）", criterion_id="crit.dc2020.4-2", now=t)
        view = rl.send_back(store, street, record.id, expected_version=view.record.version,
                            comment="演练评估材料不全，请补充后再报。（示例）", now=t)
        view = wf.submit(store, editor, record.id, expected_version=view.record.version, now=t + timedelta(days=1))
        t += timedelta(days=2)
    view = rl.adjust(store, street, record.id, "crit.dc2020.1-4", points=1.5,
                     reason="经费台账只有一个年度的记录。（示例）", expected_version=view.record.version, now=t)
    view = rl.approve(store, street, record.id, expected_version=view.record.version, comment="同意报县级审核。（示例）",
                      now=t)
    if final:
        rl.comment(store, county, record.id, "现场查看了避难场所和物资储备点，与材料一致。（示例）", now=t + timedelta(days=3))
        rl.approve(store, county, record.id, expected_version=view.record.version, comment="同意申报。（示例）",
                   now=t + timedelta(days=5))
    return record.id


def remove(store: GraphStore) -> int:
    """Take out everything ``load`` wrote: the records of these labels of the sample community,
    the drills' lessons, corrective actions and review sources, the sample's two bodies and its
    three people."""
    extra = [r["id"] for r in store.run_read("sample_drill_lessons", community=COMMUNITY)]
    extra += [r["id"] for r in store.run_read("sample_assessment_parts", community=COMMUNITY)]
    removed = 0
    for node_id in extra:
        removed += int(store.delete_node(node_id))
    while True:
        rows = store.run_write("community_delete_records", community=COMMUNITY, labels=list(LABELS), limit=2000)
        count = int(rows[0]["deleted"]) if rows else 0
        removed += count
        if count == 0:
            break
    for node_id in (STREET, COUNTY, *(str(viewer.id) for viewer, _ in PEOPLE)):
        node = store.get_node(node_id)
        if node is not None and node["properties"].get("sample"):
            removed += int(store.delete_node(node_id))
    return removed


__all__ = ["COMMUNITY", "load", "present", "remove"]

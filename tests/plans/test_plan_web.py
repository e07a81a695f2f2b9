"""The plan and drill pages: draft from the graph, edit, put in force, print; record a drill and
review it — on both stores."""

from __future__ import annotations

import re
from datetime import timedelta

from curricula.clock import FixedClock
from kg.drills import drills as dr
from kg.plans import service as ps
from tests.plans.conftest import NOW
from tests.plans.drill_helpers import IMPROVEMENT, OBJECTIVES
from tests.plans.plan_helpers import EIGHT_HAZARDS, ELEVATOR_ACTIVATION
from tests.plans.webfixtures import app_for, client_for, token


def _edit_form(client, community="community.a") -> dict:
    html = client.get(f"/plans/{community}/edit").get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
            "base": re.search(r'id="base" name="base" type="hidden" value="(\d+)"', html).group(1)}
    for name, value in re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = value
    for name, value in re.findall(r'<input[^>]* name="(leader:[a-z]+)"[^>]* value="([^"]*)"', html):
        data[name] = value
    return data


def _fill(data: dict) -> dict:
    data = dict(data)
    for key in [k for k in data if k.startswith("leader:")]:
        data[key] = "组长" + key[7:]
        data["members:" + key[7:]] = "成员甲\n成员乙"
    data["p:activation.hazard.hazard.elevator-accident"] = ELEVATOR_ACTIVATION
    data["channels"] = "社区应急广播喇叭\n网格员逐户叫应"
    data["places"] = ("避难场所 | 社区文化广场 | 幸福路 8 号 | 600 | 王管理\n疏散路线 | 北门疏散路线\n"
                      "医疗救护点 | 社区卫生服务站\n应急指挥场所 | 党群服务中心一楼")
    data["supplies"] = "折叠床 50 张\n饮用水 200 箱"
    data["contacts"] = "应急值班电话 | 值班室 | 010-12345678"
    data["note"] = "补全人员、渠道、场所、物资和联系人"
    return data


def test_draft_edit_put_in_force_and_print(world):
    app = app_for(world.store, clock=FixedClock(NOW.isoformat()))
    ed = client_for(app, "ed")
    page = ed.get("/plans/community.a")
    assert page.status_code == 200 and "hazard.rainstorm" in page.get_data(as_text=True)
    drafted = ed.post("/plans/community.a/draft", data={"csrf_token": token(ed, "/plans/community.a"),
                                                        "hazards": EIGHT_HAZARDS})
    assert drafted.status_code == 303 and drafted.headers["Location"].endswith("/plans/community.a/edit")
    v1 = ed.get("/plans/community.a/v/1").get_data(as_text=True)
    assert "协调指挥组" in v1 and "第六十三条" in v1 and "预案列出了电梯事故，但没有写明它的启动条件" in v1
    assert 'href="/node/plan.flood-waterlogging"' in v1  # a paragraph links to the graph node it came from
    form = _fill(_edit_form(ed))
    stale = dict(form)
    saved = ed.post("/plans/community.a/edit", data=form)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    v2 = ed.get("/plans/community.a/v/2").get_data(as_text=True)
    assert "预案检查通过" in v2 and "社区文化广场" in v2 and "社区修改" in v2
    conflict = ed.post("/plans/community.a/edit", data=stale)
    assert conflict.status_code == 409 and "第 2 版" in conflict.get_data(as_text=True)
    bad = ed.post("/plans/community.a/edit", data=dict(_edit_form(ed), places="防空洞 | 地下", note="x"))
    assert bad.status_code == 400 and "第 1 行" in bad.get_data(as_text=True)
    in_force = ed.post("/plans/community.a/v/2/in-force", data={"csrf_token": token(ed, "/plans/community.a"),
                                                                 "base": "2"})
    assert in_force.status_code == 303
    assert ps.in_force(world.store, "community.a").meta.number == 2
    printed = ed.get("/plans/community.a/v/2/print").get_data(as_text=True)
    assert 'class="cover"' in printed and "版本记录" in printed and "补全人员" in printed
    assert client_for(app, "st").get("/plans/community.a/v/2").status_code == 200
    assert client_for(app, "os").get("/plans/community.a").status_code == 403
    eb = client_for(app, "eb")
    assert eb.get("/plans/community.a/edit").status_code == 403
    assert eb.post("/plans/community.a/draft", data={"csrf_token": token(eb, "/plans/community.b"),
                                                     "hazards": EIGHT_HAZARDS}).status_code == 403
    assert ed.get("/plans/?lang=en").status_code == 302


def test_record_a_drill_and_review_it(world, engine):
    from tests.plans.plan_helpers import complete_plan

    complete_plan(world.store, world.editor, NOW)
    ps.put_in_force(world.store, world.editor, "community.a", 2, expected=2, now=NOW)
    app = app_for(world.store, clock=FixedClock(NOW.isoformat()))
    app.extensions["cem_search"] = engine
    ed = client_for(app, "ed")
    created = ed.post("/drills/community/community.a", data={
        "csrf_token": token(ed, "/drills/community/community.a"), "name": "暴雨内涝转移安置实战演练",
        "kind": "full_scale", "held_on": (NOW.date() - timedelta(days=1)).isoformat(),
        "hazards": ["hazard.rainstorm"], "objectives": "\n".join(OBJECTIVES), "residents": "45", "volunteers": "12",
        "units": "3", "people": "王主任\n李网格员", "unit_names": "幸福物业"})
    assert created.status_code == 303, created.get_data(as_text=True)[:1500]
    drill_id = created.headers["Location"].rsplit("/", 1)[1]
    assert "写演练评估" in ed.get(f"/drills/{drill_id}").get_data(as_text=True)
    review = {"csrf_token": token(ed, f"/drills/{drill_id}/review"), "slots": "4", "summary": "转移顺利，叫应有漏户。",
              "f0-objective": "1", "f0-kind": "strength", "f0-title": "转移路线清楚",
              "f0-observation": "38 名居民在 25 分钟内到达文化广场。",
              "f1-objective": "0", "f1-kind": "improvement", "f1-owner": "org.community-committee",
              "f1-due_date": (NOW.date() + timedelta(days=30)).isoformat(), "f1-phase": "phase.response"}
    review.update({f"f1-{k}": v for k, v in IMPROVEMENT.items()})
    missing = ed.post(f"/drills/{drill_id}/review", data=dict(review, **{"f1-analysis": ""}))
    assert missing.status_code == 400 and "原因分析" in missing.get_data(as_text=True)
    saved = ed.post(f"/drills/{drill_id}/review", data=review)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:1500]
    page = ed.get(f"/drills/{drill_id}").get_data(as_text=True)
    assert IMPROVEMENT["title"] in page and IMPROVEMENT["action"] in page and "lesson.ws-" in page
    assert dr.get_drill(world.store, drill_id).reviewed
    assert client_for(app, "st").get(f"/drills/{drill_id}").status_code == 200
    assert client_for(app, "os").get(f"/drills/{drill_id}").status_code == 403
    hazard = world.store.get_node("hazard.rainstorm")["properties"]
    ed.get("/healthz?lang=en")  # in English the drill's hazard is named in English
    assert f'>{hazard["name_en"]}</a>' in ed.get(f"/drills/{drill_id}").get_data(as_text=True)
    ed.get("/healthz?lang=zh")
    # the plan's edit page offers the drill and its corrective action for the revision
    edit = ed.get("/plans/community.a/edit").get_data(as_text=True)
    assert f'value="{drill_id}"' in edit and IMPROVEMENT["action"] in edit

"""The application pages: proposals on the assessment form, accept all and override one with a
reason, the street then county review, the printable application form — on both stores."""

from __future__ import annotations

import re

from assessments import proposals as pr
from assessments import workflow as wf
from curricula.clock import FixedClock
from kg.plans import service as ps
from tests.plans.conftest import NOW
from tests.plans.evidence_helpers import answer_sheets
from tests.plans.plan_helpers import complete_plan
from tests.plans.review_helpers import OVERRIDE, answer_everything_else
from tests.plans.webfixtures import app_for, client_for, token

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    return {"csrf_token": TOKEN.search(html).group(1), "version": VERSION.search(html).group(1)}


def test_proposals_decisions_two_levels_and_the_application_form(world):
    store = world.store
    complete_plan(store, world.editor, NOW)
    ps.put_in_force(store, world.editor, "community.a", 2, expected=2, now=NOW)
    answer_sheets(store, world.editor, NOW, passed=45, failed=5)
    app = app_for(store, clock=FixedClock(NOW.isoformat()))
    ed = client_for(app, "ed")
    editor = wf.Actor.of(world.editor)
    record = wf.open_assessment(store, editor, "community.a", now=NOW)
    page = ed.get(f"/assessment/{record.id}?s=3").get_data(as_text=True)
    assert "由记录提议的答案" in page and f"/application/{record.id}/evidence#c-crit.dc2020.3-1" in page
    evidence = ed.get(f"/application/{record.id}/evidence").get_data(as_text=True)
    assert "预案检查中本条的缺项" in evidence and 'href="/plans/community.a/v/2"' in evidence
    assert "78.6" in evidence and "请先登记社区的户数或面积" in evidence
    assert ed.post(f"/application/{record.id}/evidence/accept-all",
                   data=_form(ed, f"/application/{record.id}/evidence")).status_code == 303
    cid, answer, reason = OVERRIDE
    no_reason = ed.post(f"/application/{record.id}/evidence/{cid}",
                        data=dict(_form(ed, f"/application/{record.id}/evidence"), decision="override", answer=answer))
    assert no_reason.status_code == 303
    assert "须写明理由" in ed.get(f"/application/{record.id}/evidence").get_data(as_text=True)
    overridden = ed.post(f"/application/{record.id}/evidence/{cid}", data=dict(
        _form(ed, f"/application/{record.id}/evidence"), decision="override", answer=answer, reason=reason))
    assert overridden.status_code == 303
    view = wf.get_assessment(store, editor, record.id)
    assert pr.decisions(view)[cid].override_reason == reason
    view = answer_everything_else(store, editor, record.id, view.record.version, NOW)
    wf.submit(store, editor, record.id, expected_version=view.record.version, now=NOW)
    # the street office, then the county office
    st, co = client_for(app, "st"), client_for(app, "co")
    reviewing = st.get(f"/assessment/{record.id}").get_data(as_text=True)  # no one-step sign-off beside two levels
    assert "到分级审核页" in reviewing and f'action="/assessment/{record.id}/sign-off"' not in reviewing
    side = st.get(f"/application/{record.id}/evidence").get_data(as_text=True)
    assert reason in side and "未采纳提议" in side and "采纳提议答案" not in side  # the reviewer reads, does not decide
    assert client_for(app, "os").get(f"/application/{record.id}/review").status_code == 403
    assert record.id in st.get("/application/review").get_data(as_text=True)
    assert 'action="/application/' not in co.get(f"/application/{record.id}/review").get_data(as_text=True)
    version = wf.load_view(store, record.id).record.version
    early = co.post(f"/application/{record.id}/review/approve",
                    data={"csrf_token": token(co, "/application/review"), "version": str(version)})
    assert early.status_code == 303 and wf.load_view(store, record.id).record.status == wf.SUBMITTED
    assert st.post(f"/application/{record.id}/review/adjust", data=dict(
        _form(st, f"/application/{record.id}/review"), criterion="crit.dc2020.1-1", points="1",
        text="会议纪要只有一次")).status_code == 303
    assert st.post(f"/application/{record.id}/review/approve", data=dict(
        _form(st, f"/application/{record.id}/review"), text="同意报县级审核")).status_code == 303
    assert wf.load_view(store, record.id).record.status == wf.STREET_APPROVED
    assert co.post(f"/application/{record.id}/review/comment", data=dict(
        _form(co, f"/application/{record.id}/review"), text="现场核查属实")).status_code == 303
    assert co.post(f"/application/{record.id}/review/approve", data=dict(
        _form(co, f"/application/{record.id}/review"), text="同意申报")).status_code == 303
    assert wf.load_view(store, record.id).record.status == wf.SIGNED_OFF
    review = ed.get(f"/application/{record.id}/review").get_data(as_text=True)
    assert "同意报县级审核" in review and "同意申报" in review and "会议纪要只有一次" in review and "现场核查属实" in review
    assert "st 用户" in review and "co 用户" in review and "user.st" not in review  # names, not account ids
    form = ed.get(f"/application/{record.id}/form").get_data(as_text=True)
    assert "全国综合减灾示范社区申报表" in form and "甲社区突发事件综合应急预案" in form
    assert "同意申报" in form and "测试县应急管理局" in form and reason in form
    assert co.get(f"/application/{record.id}/form").status_code == 200

"""The assessment pages: the form, evidence, results, gaps, exports, review, readiness — and
that nobody reaches another community's assessment."""

from __future__ import annotations

import csv
import io
import json

import pytest

from assessments import workflow as wf
from assessments.checklist import load_checklist
from kg import accounts
from tests.assessment.test_evidence import PDF
from tests.assessment.test_workflow import full_answers
from tests.assessment.web_fixtures import PASSWORD, make_app, page, seed, signed_in, token_and_version


@pytest.fixture
def app(store, tmp_path):
    seed(store)
    return make_app(store, data_dir=str(tmp_path))


def open_one(app, store, username="comm-a", standard="standard.demo-community-2020"):
    c = signed_in(app, username)
    token, _ = token_and_version(c, "/assessment/community/community.a")
    r = c.post("/assessment/community/community.a/open", data={"csrf_token": token, "standard": standard})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    assessment_id = r.headers["Location"].rsplit("/", 1)[-1]
    return c, assessment_id


def post_answers(c, assessment_id, answers: dict, *, version=None, section="1", token=None):
    t, v = token_and_version(c, f"/assessment/{assessment_id}?s={section}")
    data = {"csrf_token": token or t, "version": version or v, "section": section}
    for cid, value in answers.items():
        data[f"c-{cid}"] = "1"
        data[f"a-{cid}"] = value
    return c.post(f"/assessment/{assessment_id}/answers", data=data)


def test_community_fills_in_saves_and_sees_reminders(app, store):
    c, aid = open_one(app, store)
    r, html = page(c, f"/assessment/{aid}?s=1")
    assert r.status_code == 200 and "综合减灾工作领导机构" in html and "保存草稿" in html
    r = post_answers(c, aid, {"crit.dc2020.1-1": "partly", "crit.dc2020.1-3a": "80"})
    assert r.status_code == 302
    view = wf.load_view(store, aid)
    assert view.result.total == 2.6 and view.record.version == 2
    r, html = page(c, "/assessment/community/community.a")
    assert "定期工作提醒" in html and "定期开展社区灾害风险评估" in html and "<svg" in html
    assert page(c, "/assessment/")[0].status_code == 302


def test_bad_answers_and_tampered_ids_change_nothing(app, store):
    c, aid = open_one(app, store)
    r = post_answers(c, aid, {"crit.dc2020.1-3a": "150", "crit.dc2020.1-1": "met"})
    assert r.status_code == 400 and "0–100" in r.get_data(as_text=True)
    r = post_answers(c, aid, {"crit.evil'><script>": "met"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "不属于标准" in body and "<script>" not in body
    r = post_answers(c, aid, {"crit.dc2020.1-1": "met"}, version="abc")
    assert r.status_code == 400
    assert wf.load_view(store, aid).record.version == 1 and not wf.load_view(store, aid).answers


def test_two_users_of_one_community_get_a_clear_conflict(app, store):
    alice, aid = open_one(app, store)
    bob = signed_in(app, "comm-a2")
    bob_token, bob_version = token_and_version(bob, f"/assessment/{aid}?s=1")
    assert post_answers(alice, aid, {"crit.dc2020.1-2": "met"}).status_code == 302
    saved = wf.load_view(store, aid).record
    r = bob.post(f"/assessment/{aid}/answers", data={
        "csrf_token": bob_token, "version": bob_version, "section": "1", "goto": "2",
        "c-crit.dc2020.1-2": "1", "a-crit.dc2020.1-2": "not_met", "n-crit.dc2020.1-2": "制度已上墙，缺会议记录",
        "c-crit.dc2020.1-3a": "1", "a-crit.dc2020.1-3a": "75"})
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and "你这次的更改没有保存" in body
    # who (display name) and when, in the app's time zone (Asia/Shanghai: UTC+8)
    from datetime import datetime, timedelta

    at = datetime.fromisoformat(saved.modified_at.replace("Z", "+00:00")) + timedelta(hours=8)
    assert f"已被 comm-a 用户 于 {at:%Y-%m-%d %H:%M} 修改" in body and "user.comm-a" not in body
    # everything bob typed is still in the form: his choice, his note, his number ...
    assert 'name="a-crit.dc2020.1-2" value="not_met" checked' in body
    assert ">制度已上墙，缺会议记录</textarea>" in body and 'name="a-crit.dc2020.1-3a" value="75"' in body
    # ... next to what is saved now, in words (not "not_met"), and the form carries the new version
    assert "最新保存的内容：</strong>符合" in body and f'name="version" type="hidden" value="{saved.version}"' in body
    assert wf.load_view(store, aid).answers["crit.dc2020.1-2"].status == "met"
    # the header says who changed it last and when
    assert f"最后修改：comm-a 用户，{at:%Y-%m-%d %H:%M}" in page(alice, f"/assessment/{aid}")[1]


def test_moving_to_another_section_saves_what_was_typed(app, store):
    c, aid = open_one(app, store)
    _, html = page(c, f"/assessment/{aid}?s=1")
    # the section tabs and "save and continue" are buttons of the answers form
    assert 'form="answers-form" name="goto" value="2"' in html and "保存并继续" in html
    assert "data-warn-unsaved" in html and "js/forms.js" in html
    token, version = token_and_version(c, f"/assessment/{aid}?s=1")
    r = c.post(f"/assessment/{aid}/answers", data={
        "csrf_token": token, "version": version, "section": "1", "goto": "3",
        "c-crit.dc2020.1-1": "1", "a-crit.dc2020.1-1": "met", "n-crit.dc2020.1-1": "每季度召开"})
    assert r.status_code == 302 and r.headers["Location"].endswith("?s=3")
    view = wf.load_view(store, aid)
    assert view.answers["crit.dc2020.1-1"].status == "met" and view.answers["crit.dc2020.1-1"].note == "每季度召开"
    # moving on without changes saves nothing and says nothing
    token, version = token_and_version(c, f"/assessment/{aid}?s=3")
    r = c.post(f"/assessment/{aid}/answers", data={"csrf_token": token, "version": version, "section": "3",
                                                   "goto": "1"})
    assert r.status_code == 302 and wf.load_view(store, aid).record.version == view.record.version
    assert "没有需要保存的更改" not in page(c, f"/assessment/{aid}?s=1")[1]


def test_evidence_upload_limits_and_download(app, store, tmp_path):
    c, aid = open_one(app, store)
    token, _ = token_and_version(c, f"/assessment/{aid}?s=3")
    r = c.post(f"/assessment/{aid}/evidence", data={
        "csrf_token": token, "criterion": "crit.dc2020.3-1", "kind": "file", "section": "3",
        "file": (io.BytesIO(PDF), "预案.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    ev = wf.load_view(store, aid).evidence[0]
    got = c.get(f"/assessment/evidence/{ev['id']}/file")
    assert got.status_code == 200 and got.data == PDF and "attachment" in got.headers["Content-Disposition"]
    assert signed_in(app, "comm-b").get(f"/assessment/evidence/{ev['id']}/file").status_code == 403
    r = c.post(f"/assessment/{aid}/evidence", data={
        "csrf_token": token, "criterion": "crit.dc2020.3-1", "kind": "file", "section": "3",
        "file": (io.BytesIO(b"MZ\x90"), "tool.exe")}, content_type="multipart/form-data")
    assert r.status_code == 415 and "不支持的文件类型" in r.get_data(as_text=True)
    from assessments.evidence import MAX_UPLOAD_BYTES

    big = b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES + 512 * 1024)
    r = c.post(f"/assessment/{aid}/evidence", data={
        "csrf_token": token, "criterion": "crit.dc2020.3-1", "kind": "file", "section": "3",
        "file": (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 413
    # an upload far over the limit is refused before the form is read: the page comes back with
    # the limit stated at the criterion being added to (its id and section are in the address)
    huge = b"%PDF-" + b"0" * (12 * 1024 * 1024)
    r = c.post(f"/assessment/{aid}/evidence?s=3&c=crit.dc2020.3-1", data={
        "csrf_token": token, "criterion": "crit.dc2020.3-1", "kind": "file", "section": "3",
        "file": (io.BytesIO(huge), "huge.pdf")}, content_type="multipart/form-data")
    body = r.get_data(as_text=True)
    assert r.status_code == 413 and "文件过大，没有上传：上限为 10 MB" in body
    assert 'id="evidence-crit.dc2020.3-1" open' in body and 'id="answers-form"' in body
    assert 'data-max-bytes="10485760"' in body
    r = c.post(f"/assessment/{aid}/evidence", data={
        "csrf_token": token, "criterion": "crit.forged", "kind": "note", "text": "x", "section": "3"})
    assert r.status_code == 400
    assert len(wf.load_view(store, aid).evidence) == 1
    # Larger than the app-wide request limit (2 MB) but within the evidence limit: accepted.
    scan = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    r = c.post(f"/assessment/{aid}/evidence", data={
        "csrf_token": token, "criterion": "crit.dc2020.3-1", "kind": "file", "section": "3",
        "file": (io.BytesIO(scan), "scan.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 302, r.status_code
    assert len(wf.load_view(store, aid).evidence) == 2
    # Elsewhere the app-wide limits still hold: refused, nothing saved.
    r = c.post(f"/assessment/{aid}/answers", data={"csrf_token": token, "version": "1",
                                                   "n-crit.dc2020.1-1": "x" * (3 * 1024 * 1024)})
    assert r.status_code in (400, 413), r.status_code
    assert wf.load_view(store, aid).answers == {}


def submit_all(c, store, aid):
    checklist = load_checklist(store)
    view = wf.load_view(store, aid)
    actor = wf.Actor("user.comm-a", frozenset({"community"}), community="community.a")
    wf.save_answers(store, actor, aid, full_answers(checklist) | {"crit.dc2020.10-1": "partly"},
                    expected_version=view.record.version)
    token, version = token_and_version(c, f"/assessment/{aid}")
    r = c.post(f"/assessment/{aid}/submit", data={"csrf_token": token, "version": version})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]


def test_results_gaps_exports_and_api(app, store):
    c, aid = open_one(app, store)
    submit_all(c, store, aid)
    r, html = page(c, f"/assessment/{aid}/result")
    assert r.status_code == 200 and "达到申报条件" in html and html.count("<svg") >= 3 and "95" in html
    r, html = page(c, f"/assessment/{aid}/gaps")
    assert r.status_code == 200 and "创建特色与示范作用" in html
    rows = list(csv.reader(io.StringIO(c.get(f"/assessment/{aid}/gaps.csv").data.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 2
    assert c.get(f"/assessment/{aid}/gaps.md").data.decode().startswith("# 差距整改计划")
    scores = c.get(f"/assessment/{aid}/scores.csv").data.decode("utf-8-sig")
    assert "条目编号" in scores and "crit.dc2020.10-1" in scores
    r, html = page(c, f"/assessment/{aid}/report")
    assert r.status_code == 200 and "自评报告" in html and "assessment.css" in html and "<svg" in html
    data = c.get(f"/api/v1/assessments/{aid}").get_json()
    assert data["result"]["total"] == 95 and data["assessment"]["status"] == "submitted" and data["gap_plan"]
    assert "stored" not in json.dumps(data["evidence"])


def test_nobody_reaches_another_communitys_assessment(app, store):
    _c, aid = open_one(app, store)
    other = signed_in(app, "comm-b")
    for url in (f"/assessment/{aid}", f"/assessment/{aid}/result", f"/assessment/{aid}/gaps",
                f"/assessment/{aid}/scores.csv", f"/assessment/{aid}/report", "/assessment/community/community.a"):
        assert other.get(url).status_code == 403, url
    assert other.get(f"/api/v1/assessments/{aid}").status_code == 404
    token, _ = token_and_version(other, "/assessment/community/community.b")
    r = other.post(f"/assessment/{aid}/answers", data={"csrf_token": token, "version": "1",
                                                       "c-crit.dc2020.1-1": "1", "a-crit.dc2020.1-1": "met"})
    assert r.status_code == 403
    assert signed_in(app, "rev-a").get(f"/assessment/{aid}").status_code == 403   # drafts are not for review


def test_reviewer_adjusts_comments_and_signs_off(app, store):
    c, aid = open_one(app, store)
    submit_all(c, store, aid)
    rev = signed_in(app, "rev-a")
    r, html = page(rev, "/assessment/review")
    assert aid in html
    assert aid not in page(signed_in(app, "rev-b"), "/assessment/review")[1]
    token, version = token_and_version(rev, f"/assessment/{aid}?s=1")
    r = rev.post(f"/assessment/{aid}/adjust", data={"csrf_token": token, "version": version,
                                                    "criterion": "crit.dc2020.1-1", "points": "1", "reason": ""})
    assert r.status_code == 400
    r = rev.post(f"/assessment/{aid}/adjust", data={"csrf_token": token, "version": version,
                                                    "criterion": "crit.dc2020.1-1", "points": "1",
                                                    "reason": "会议纪要不全"})
    assert r.status_code == 302
    r = rev.post(f"/assessment/{aid}/comment", data={"csrf_token": token, "text": "请补充照片",
                                                     "criterion": "crit.dc2020.1-1"})
    assert r.status_code == 302
    _, html = page(c, f"/assessment/{aid}?s=1")
    assert "请补充照片" in html and "会议纪要不全" in html and "自评 2 分 → 审核 1 分" in html
    token, version = token_and_version(rev, f"/assessment/{aid}")
    assert rev.post(f"/assessment/{aid}/sign-off", data={"csrf_token": token, "version": version}).status_code == 302
    assert wf.load_view(store, aid).record.status == wf.SIGNED_OFF
    r = rev.post(f"/assessment/{aid}/sign-off", data={"csrf_token": token, "version": str(int(version) + 1)})
    assert r.status_code == 409 and "已审核签署" in r.get_data(as_text=True)
    r, html = page(signed_in(app, "boss"), "/assessment/readiness")
    assert r.status_code == 200 and "甲社区" in html and "乙社区" in html


def test_admin_manages_communities(app, store):
    admin = signed_in(app, "boss")
    token, _ = token_and_version(admin, "/assessment/communities")
    r = admin.post("/assessment/communities", data={"csrf_token": token, "community_id": "community.c",
                                                    "name": "丙社区", "area": "org.street-a",
                                                    "first_responder_target": "4", "population": "12000",
                                                    "households": "4300"})
    assert r.status_code == 302
    community = wf.get_community(store, "community.c")
    assert (community["first_responder_target"], community["population"], community["households"]) == (4, 12000, 4300)
    assert "常住人口 12000 人" in page(admin, "/assessment/community/community.c")[1]
    # a later save without the numbers keeps them
    admin.post("/assessment/communities", data={"csrf_token": token, "community_id": "community.c", "name": "丙社区"})
    assert wf.get_community(store, "community.c")["population"] == 12000
    r = admin.post("/assessment/communities", data={"csrf_token": token, "community_id": "bad id", "name": "丁"})
    assert r.status_code == 400
    assert signed_in(app, "comm-a").get("/assessment/communities").status_code == 403


def test_the_undrr_scorecard_uses_the_0_to_3_scale(app, store):
    c, aid = open_one(app, store, standard="standard.undrr-scorecard-preliminary")
    _, html = page(c, "/assessment/community/community.a")
    assert "城市抗灾韧性记分卡" in html and "开始新的自评" in html        # the 2020 standard is still open to start
    r = post_answers(c, aid, {"crit.undrr.p1-1": "2", "crit.undrr.p1-2": "3"})
    assert r.status_code == 302
    assert wf.load_view(store, aid).result.total == 5
    assert post_answers(c, aid, {"crit.undrr.p1-1": "4"}).status_code == 400
    r, html = page(c, f"/assessment/{aid}/result")
    assert r.status_code == 200 and "chart-radar" in html and "达到申报条件" not in html
    token, _ = token_and_version(c, "/assessment/community/community.a")
    r = c.post("/assessment/community/community.a/open", data={"csrf_token": token,
                                                                "standard": "standard.undrr-scorecard-preliminary"})
    assert r.status_code == 302 and wf.list_assessments(store, community_id="community.a") != []
    assert len(wf.list_assessments(store, community_id="community.a")) == 1   # one unfinished per standard


def test_the_json_export_matches_the_openapi_file(app, store):
    from tests.web.test_api import check

    c, aid = open_one(app, store)
    draft = check(c.get(f"/api/v1/assessments/{aid}"), "/assessments/{id}", 200)
    assert draft["assessment"]["status"] == "draft" and draft["result"]["criteria"]
    submit_all(c, store, aid)
    submitted = check(c.get(f"/api/v1/assessments/{aid}"), "/assessments/{id}", 200)
    assert submitted["assessment"]["status"] == "submitted" and submitted["gap_plan"]["actions"]
    check(signed_in(app, "comm-b").get(f"/api/v1/assessments/{aid}"), "/assessments/{id}", 404)
    accounts.create_user(store, "learner", PASSWORD, roles=["trainee"])
    check(signed_in(app, "learner").get(f"/api/v1/assessments/{aid}"), "/assessments/{id}", 403)
    check(app.test_client().get(f"/api/v1/assessments/{aid}"), "/assessments/{id}", 401)

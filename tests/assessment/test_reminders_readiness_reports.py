"""Reminders from recurring requirements, the readiness view (with trained first responders
from the training records) and the result reports (SVG charts, CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest

from assessments import workflow as wf
from assessments.checklist import load_checklist
from assessments.evidence import add_evidence
from assessments.readiness import readiness
from assessments.reminders import add_months, reminders
from assessments.reports import bar_chart_svg, radar_chart_svg, scores_csv, trend_chart_svg, trend_points, view_json
from assessments.scoring import parse_answers, score
from tests.assessment.helpers import small_standard

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 1, 10), 6, date(2025, 7, 10)), (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)), (date(2025, 12, 1), 12, date(2026, 12, 1)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_recurring_requirements_become_reminders(world):
    s = world.store
    rec = wf.open_assessment(s, world.alice, "community.a")
    wf.save_answers(s, world.alice, rec.id, {"crit.dc2020.1-1": {"answer": "met", "last_done": "2025-01-10"},
                                             "crit.dc2020.2-1a": {"answer": "met", "last_done": "2025-01-05"}},
                    expected_version=1, today=date(2025, 6, 1))
    # Dated evidence counts too; the latest date wins.
    add_evidence(s, world.alice, rec.id, "crit.dc2020.2-1a", kind="date", date_done="2025-05-20", text="风险评估",
                 today=date(2025, 6, 1))
    items = {r.criterion.number: r for r in reminders(s, load_checklist(s), "community.a", today=date(2025, 6, 1))}
    assert set(items) == {"1.1", "1.4", "1.6", "2.1a", "5.2"}
    assert (items["1.1"].due, items["1.1"].status) == (date(2026, 1, 10), "ok")
    assert (items["2.1a"].last_done, items["2.1a"].due) == (date(2025, 5, 20), date(2025, 11, 20))
    assert items["1.6"].status == "unknown" and items["1.6"].due is None
    later = {r.criterion.number: r for r in reminders(s, load_checklist(s), "community.a", today=date(2026, 1, 1))}
    assert later["1.1"].status == "due_soon" and later["2.1a"].status == "overdue"
    assert reminders(s, load_checklist(s), "community.b", today=date(2025, 6, 1))[0].status == "unknown"


def _people(store, now):
    store.upsert_nodes("Course", [
        {"id": "course.core-x", "properties": {"name": "第一响应人", "name_en": "Core", "kind": "core"}},
        {"id": "course.track-x", "properties": {"name": "专项", "name_en": "Track", "kind": "track"}}])
    users, certs = [], []
    plan = [("a1", "community.a", "course.core-x", "2027-01-01", None),
            ("a2", "community.a", "course.core-x", "2027-01-01", None),
            ("a2", "community.a", "course.core-x", "2028-01-01", None),     # renewed: counted once
            ("a3", "community.a", "course.core-x", "2025-01-01", None),     # expired
            ("a4", "community.a", "course.core-x", "2027-01-01", "cert.z"),  # superseded
            ("a5", "community.a", "course.track-x", "2027-01-01", None),    # not the core course
            ("b1", "community.b", "course.core-x", "2027-01-01", None)]
    for i, (user, community, course, expires, superseded) in enumerate(plan):
        users.append({"id": f"user.{user}", "properties": {"username": user, "active": True, "created_at": now,
                                                           "community": community, "roles": ["community"]}})
        props = {"course": course, "user": f"user.{user}", "issued_at": "2024-01-01T00:00:00.000000Z",
                 "expires_at": f"{expires}T00:00:00.000000Z", "code": f"AAAA-BBBB-{i:04d}"}
        if superseded:
            props["superseded_by"] = superseded
        certs.append({"id": f"cert.{i}", "properties": props})
    store.upsert_nodes("User", list({u["id"]: u for u in users}.values()))
    store.upsert_nodes("Certificate", certs)


def test_readiness_view(world):
    s = world.store
    _people(s, "2025-01-01T00:00:00Z")
    checklist = load_checklist(s)
    rec = wf.open_assessment(s, world.alice, "community.a")
    wf.save_answers(s, world.alice, rec.id, {"crit.dc2020.1-1": "met", "crit.dc2020.7-1": "met"}, expected_version=1)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    rows = {r.id: r for r in readiness(s, now=now)}
    a, b = rows["community.a"], rows["community.b"]
    # a draft with two criteria answered (both met): no gap is known yet; the rest are unanswered,
    # not "38 criteria not fully met"
    assert (a.score, a.open_gaps, a.unanswered, a.status, a.trained, a.target, a.target_met) == \
        (8, 0, len(checklist.criteria) - 2, "draft", 2, 3, False)
    wf.save_answers(s, world.alice, rec.id, {"crit.dc2020.1-2": "not_met"}, expected_version=2)
    a = {r.id: r for r in readiness(s, now=now)}["community.a"]
    assert (a.open_gaps, a.unanswered) == (1, len(checklist.criteria) - 3)
    assert (b.score, b.status_label, b.trained, b.target, b.target_met) == (None, "尚未自评", 1, 2, False)
    assert [r.id for r in readiness(s, world.rita, now=now)] == ["community.a"]
    assert [r.id for r in readiness(s, world.carol, now=now)] == ["community.b"]
    assert readiness(s, world.nobody, now=now) == []
    assert json.dumps(a.as_dict(), ensure_ascii=False)


def _parse_svg(text):
    root = ET.fromstring(text)
    assert root.tag == SVG + "svg"
    return root


def test_charts_are_well_formed_inline_svg():
    small = small_standard(name="小标准 <b>&")
    result = score(small, parse_answers(small, {"1.1": "met", "1.2": "partly", "2.2": 40}))
    bar = _parse_svg(bar_chart_svg(result))
    assert len(bar.findall(f".//{SVG}rect[@class='bar']")) == 3
    assert "<script" not in bar_chart_svg(result)
    radar = _parse_svg(radar_chart_svg(result))
    assert radar.find(f".//{SVG}polygon[@class='score']") is not None
    trend = _parse_svg(trend_chart_svg([]))
    assert "暂无记录" in ET.tostring(trend, encoding="unicode")


def test_trend_and_exports(world):
    s = world.store
    from tests.assessment.test_workflow import submitted

    first = submitted(world, {"crit.dc2020.10-1": "not_met"})
    first = wf.sign_off(s, world.rita, first.id, expected_version=first.record.version)
    second = wf.open_assessment(s, world.alice, "community.a")
    points = trend_points(wf.history(s, world.alice, "community.a"))
    assert [p.total for p in points] == [90, 0] and points[0].status == wf.SIGNED_OFF
    svg = _parse_svg(trend_chart_svg(points))
    assert len(svg.findall(f".//{SVG}circle[@class='point']")) == 2
    assert svg.find(f".//{SVG}line[@class='pass-mark']") is not None
    rows = list(csv.reader(io.StringIO(scores_csv(first.result))))
    assert rows[0][1] == "条目编号" and len(rows) == 1 + 38 + 2
    assert rows[-1][0] == "合计" and rows[-1][11] == "90"
    data = json.loads(view_json(first))
    assert data["assessment"]["id"] == first.id and data["result"]["total"] == 90
    assert data["result"]["qualified"] is True and second.id != first.id


def test_csv_cells_that_look_like_formulas_are_quoted():
    small = small_standard()
    answers = parse_answers(small, {"1.1": {"answer": "met", "note": "=HYPERLINK(\"http://x\")"}})
    rows = list(csv.reader(io.StringIO(scores_csv(score(small, answers)))))
    note = next(r for r in rows if r and r[1] == "1.1")[-1]
    assert note.startswith("'=")

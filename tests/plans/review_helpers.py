"""A self-assessment filled from the proposals: most accepted, one overridden, the rest answered."""

from __future__ import annotations

from assessments import proposals as pr
from assessments import workflow as wf
from assessments.checklist import DEFAULT_STANDARD, load_checklist

OVERRIDE = ("crit.dc2020.5-3", "85", "区级抽样调查结果为 85%（2026 年 5 月，附调查报告）")


def answer_everything_else(store, actor, record_id, version, now, checklist=None):
    checklist = checklist or load_checklist(store, DEFAULT_STANDARD)
    view = wf.get_assessment(store, actor, record_id)
    raw = {}
    for c in checklist.criteria:
        if c.id in view.answers and view.answers[c.id].answered:
            continue
        if c.scoring == "numeric":
            raw[c.id] = {"answer": str(c.target + (1 if c.target_above else 0)), "note": "", "last_done": ""}
        else:
            raw[c.id] = {"answer": "met", "note": "", "last_done": ""}
    return wf.save_answers(store, actor, record_id, raw, expected_version=version, now=now, today=now.date())


def self_assessment(store, editor, now, community="community.a"):
    """Open, accept every proposal, override one with a reason, answer the rest, submit."""
    record = wf.open_assessment(store, editor, community, now=now)
    view, accepted = pr.accept_all(store, editor, record.id, expected_version=record.version, now=now)
    cid, answer, reason = OVERRIDE
    if cid in accepted:
        view = pr.decide(store, editor, record.id, cid, accept=False, answer=answer, reason=reason,
                         expected_version=view.record.version, now=now)
    view = answer_everything_else(store, editor, record.id, view.record.version, now)
    return wf.submit(store, editor, record.id, expected_version=view.record.version, now=now), accepted

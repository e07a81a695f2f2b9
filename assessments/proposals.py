"""The editor's decisions on the proposed answers (``assessments.evidence_rules``): accept a
proposal as the answer, or override it with another answer and a reason.

A decision is kept on the criterion's ``Answer`` node beside the answer itself: the proposal as it
was when decided (``proposal_answer``, ``proposal_rule``, ``proposal_figures`` as JSON,
``proposal_records``, ``proposal_at``), ``decision`` (``accepted`` or ``overridden``) and
``override_reason`` — so the reviewer sees proposal, answer and reason side by side even after the
records change.  Every decision is one guarded write of the assessment (its version check, its
editable states): a stale version is refused and nothing is written.  Changing the answer later
through the ordinary form replaces the Answer node and with it the decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessments import evidence_rules as er
from assessments import workflow as wf
from assessments.errors import AnswerInvalid, InvalidState, NotAllowed
from assessments.scoring import parse_answer, score
from kg.errors import N_

ACCEPTED, OVERRIDDEN = "accepted", "overridden"
REASON_MIN, REASON_MAX = 4, 1000


@dataclass
class Decision:
    criterion: str
    decision: str
    proposal_answer: str
    proposal_rule: str
    proposal_figures: list[dict]
    proposal_records: list[str]
    proposal_at: str
    override_reason: str = ""

    @classmethod
    def of(cls, props: dict) -> Decision | None:
        if props.get("decision") not in (ACCEPTED, OVERRIDDEN):
            return None
        return cls(props["criterion"], props["decision"], props.get("proposal_answer") or "",
                   props.get("proposal_rule") or "", json.loads(props.get("proposal_figures") or "[]"),
                   list(props.get("proposal_records") or []), props.get("proposal_at") or "",
                   props.get("override_reason") or "")


def decisions(view: wf.AssessmentView) -> dict[str, Decision]:
    out = {}
    for cid, props in view.answer_props.items():
        found = Decision.of(props)
        if found is not None:
            out[cid] = found
    return out


def proposals_for(store, view: wf.AssessmentView, *, now: datetime) -> dict[str, er.Proposal]:
    return er.proposals_by_criterion(er.propose(store, view.record.community, now=now,
                                                standard=view.record.standard))


def _editable(store, actor: wf.Actor, assessment_id: str) -> wf.AssessmentView:
    view = wf.get_assessment(store, actor, assessment_id)
    if not wf.can_edit(actor, view.record):
        raise NotAllowed(N_("只有本社区的用户可以填写自评"))
    if view.record.status not in wf.EDITABLE:
        raise InvalidState(N_("这项自评当前不能修改"))
    return view


def _row(view: wf.AssessmentView, actor: wf.Actor, proposal: er.Proposal, answer_raw: Any, *, decision: str,
         reason: str, at: str, today) -> tuple[dict, Any]:
    before = view.answers.get(proposal.criterion)
    parsed = parse_answer(view.checklist, proposal.criterion,
                          {"answer": answer_raw, "note": before.note if before else "",
                           "last_done": (before.last_done or "") if before else ""}, today=today)
    row = wf._answer_row(view.record, parsed, proposal.criterion, actor, at)
    row["properties"].update({
        "decision": decision, "override_reason": reason, "proposal_answer": proposal.raw_answer(),
        "proposal_rule": proposal.rule, "proposal_at": at,
        "proposal_figures": json.dumps([f.as_dict() for f in proposal.figures], ensure_ascii=False),
        "proposal_records": [r.id for r in proposal.records]})
    return row, parsed


def decide(store, actor: wf.Actor, assessment_id: str, criterion_id: str, *, accept: bool, answer: Any = None,
           reason: str = "", expected_version: Any, now: datetime) -> wf.AssessmentView:
    """Accept the criterion's proposal, or override it with ``answer`` and a ``reason``."""
    view = _editable(store, actor, assessment_id)
    view.checklist.criterion(criterion_id)
    proposal = proposals_for(store, view, now=now).get(criterion_id)
    if proposal is None or not proposal.proposed:
        raise AnswerInvalid(N_("这一条没有可采纳的提议答案"))
    reason = " ".join(str(reason or "").split())
    if accept:
        answer, reason = proposal.raw_answer(), ""
    else:
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            raise AnswerInvalid(N_("不采纳提议答案时须写明理由（%(low)s–%(high)s 字）"), low=REASON_MIN, high=REASON_MAX)
        if answer in (None, ""):
            raise AnswerInvalid(N_("请给出你的回答"))
    at = wf.now_iso(now)
    row, parsed = _row(view, actor, proposal, answer, decision=ACCEPTED if accept else OVERRIDDEN, reason=reason,
                       at=at, today=now.date())
    answers = dict(view.answers)
    answers[criterion_id] = parsed
    adjustments = {k: v for k, v in view.adjustments.items() if k != criterion_id}
    result = score(view.checklist, answers, adjustments)
    props = {"updated_at": at, "updated_by": actor.id, "modified_at": at, **result.summary()}
    wf._guarded_update(store, view, expected_version=expected_version, statuses=wf.EDITABLE,
                       props=props, answers=[row])
    return wf.load_view(store, assessment_id, view.checklist)


def accept_all(store, actor: wf.Actor, assessment_id: str, *, expected_version: Any, now: datetime,
               only_undecided: bool = True) -> tuple[wf.AssessmentView, list[str]]:
    """Accept every proposal (not yet decided, by default) in one guarded write; returns the view
    and the criteria accepted."""
    view = _editable(store, actor, assessment_id)
    decided = decisions(view)
    at = wf.now_iso(now)
    rows, answers, accepted = [], dict(view.answers), []
    for cid, proposal in proposals_for(store, view, now=now).items():
        if not proposal.proposed or (only_undecided and cid in decided):
            continue
        row, parsed = _row(view, actor, proposal, proposal.raw_answer(), decision=ACCEPTED, reason="", at=at,
                           today=now.date())
        rows.append(row)
        answers[cid] = parsed
        accepted.append(cid)
    if not rows:
        return view, []
    adjustments = {k: v for k, v in view.adjustments.items() if k not in accepted}
    result = score(view.checklist, answers, adjustments)
    props = {"updated_at": at, "updated_by": actor.id, "modified_at": at, **result.summary()}
    wf._guarded_update(store, view, expected_version=expected_version, statuses=wf.EDITABLE,
                       props=props, answers=rows)
    return wf.load_view(store, assessment_id, view.checklist), accepted


def side_by_side(store, view: wf.AssessmentView, *, now: datetime) -> list[dict]:
    """Per criterion with a rule: the proposal now, the decision kept (with the proposal as it was
    when decided), the answer — for the editor's and the reviewer's page."""
    proposals = proposals_for(store, view, now=now)
    kept = decisions(view)
    rows = []
    for c in view.checklist.criteria:
        p = proposals.get(c.id)
        if p is None:
            continue
        answer = view.answers.get(c.id)
        rows.append({"criterion": c, "proposal": p, "decision": kept.get(c.id), "answer": answer,
                     "score": view.result.by_id[c.id]})
    return rows


__all__ = [
    "ACCEPTED",
    "OVERRIDDEN",
    "Decision",
    "accept_all",
    "decide",
    "decisions",
    "proposals_for",
    "side_by_side",
]

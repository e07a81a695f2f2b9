"""Review at two levels, as the real process runs: the community's self-assessment → the street
(town) office's review → the county office's review (示范社区创建管理办法: 社区自评申报, 县级审核;
the street/town office checks its communities' papers first).

A community's review chain comes from the graph: its ``area`` (the street/town office it lies in,
LOCATED_IN) and, when that office is PART_OF a larger body, that body (the county office).  A
community whose office is part of nothing has one level (the existing single sign-off).

States: ``submitted`` (waiting for the street) → street sign-off → ``street_approved`` (waiting for
the county) → county sign-off → ``signed_off`` (final).  Each level comments, adjusts scores (with
a reason; the community's answer and every earlier adjustment stay in the review history) and
signs off or returns: the street returns to the community (``returned``), the county to the
community or back to the street (``submitted``).  Every review record carries its ``level``.  Every
change is the assessment's one guarded write (``workflow._guarded_update``: version check and
allowed states in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessments import workflow as wf
from assessments.errors import AnswerInvalid, InvalidState, NotAllowed
from assessments.scoring import Adjustment, check_adjustment, score
from kg.errors import N_
from kg.store.base import GraphStore

STREET, COUNTY = "street", "county"
LEVEL_LABELS = {STREET: N_("街道（乡镇）审核"), COUNTY: N_("县级审核")}
#: The state an assessment waits in for each level.
WAITING = {STREET: wf.SUBMITTED, COUNTY: wf.STREET_APPROVED}


@dataclass(frozen=True)
class Level:
    key: str
    organization: str
    name: str = ""


def chain(store: GraphStore, community: dict | str) -> list[Level]:
    """The review levels of a community: its street office, and the county-level body that office
    lies within (PART_OF, up to three steps; the first by id where several)."""
    if isinstance(community, str):
        node = store.get_node(community)
        community = dict(node["properties"], id=node["id"]) if node else {}
    area = community.get("area")
    if not area:
        return []
    rows = store.run_read("review_level_parents", org=area)
    out = [Level(STREET, area, rows[0]["name"] if rows else area)]
    parents = [p for p in (rows[0]["parents"] if rows else []) if p and p.get("id")]
    if parents:
        parent = sorted(parents, key=lambda p: p["id"])[0]
        out.append(Level(COUNTY, parent["id"], parent.get("name") or parent["id"]))
    return out


def two_levels(store: GraphStore, community: dict | str) -> bool:
    return len(chain(store, community)) == 2


def pending(record: wf.AssessmentRecord, levels: list[Level]) -> str | None:
    """The level the assessment waits for (None when it waits for nobody)."""
    if record.status == wf.SUBMITTED and levels:
        return STREET
    if record.status == wf.STREET_APPROVED and len(levels) == 2:
        return COUNTY
    return None


def level_of(store: GraphStore, actor: wf.Actor, levels: list[Level], waiting: str | None) -> str | None:
    """The level at which ``actor`` reviews this community: the street office's reviewers at the
    street level, the county office's (and reviewers of bodies above the street other than the
    street itself) at the county level; an admin at whichever level is waiting."""
    if actor.is_admin:
        return waiting
    if not actor.is_reviewer or not actor.organization or not levels:
        return None
    if actor.organization == levels[0].organization:
        return STREET
    if len(levels) == 2:
        areas = wf.reviewer_areas(store, actor) or frozenset()
        if levels[0].organization in areas:
            return COUNTY
    return None


def _context(store: GraphStore, actor: wf.Actor, assessment_id: str):
    view = wf._reviewable(store, actor, assessment_id)
    levels = chain(store, view.community)
    waiting = pending(view.record, levels)
    mine = level_of(store, actor, levels, waiting)
    return view, levels, waiting, mine


def _require_turn(view, levels, waiting, mine) -> None:
    if waiting is None:
        raise wf._wrong_state(view.record)
    if mine != waiting:
        raise NotAllowed(N_("这项自评正等待%(level)s，你不能在这一级审核"), level=LEVEL_LABELS[waiting])


def approve(store: GraphStore, actor: wf.Actor, assessment_id: str, *, expected_version: Any, comment: str = "",
            now: datetime | None = None) -> wf.AssessmentView:
    """Sign off at the actor's level: the street moves it on to the county (or signs it off when
    there is no county level), the county signs it off (final)."""
    view, levels, waiting, mine = _context(store, actor, assessment_id)
    _require_turn(view, levels, waiting, mine)
    comment = wf._text(comment, "签署意见", required=False)
    at = wf.now_iso(now)
    final = waiting == COUNTY or len(levels) == 1
    review = {"id": wf._new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "sign_off", "level": waiting, "text": comment,
        "at": at, "total": view.result.total, "qualified": bool(view.result.qualified)}}
    props = {"status": wf.SIGNED_OFF if final else wf.STREET_APPROVED, f"{waiting}_signed_off_at": at,
             f"{waiting}_signed_off_by": actor.id, "updated_at": at, "modified_at": at, "updated_by": actor.id,
             **view.result.summary()}
    if final:
        props.update(signed_off_at=at, signed_off_by=actor.id)
    wf._guarded_update(store, view, expected_version=expected_version, statuses=[WAITING[waiting]],
                       props=props, reviews=[review])
    return wf.load_view(store, assessment_id, view.checklist)


def comment(store: GraphStore, actor: wf.Actor, assessment_id: str, text: str, *, criterion_id: str | None = None,
            now: datetime | None = None) -> dict:
    view, levels, waiting, mine = _context(store, actor, assessment_id)
    _require_turn(view, levels, waiting, mine)
    text = wf._text(text, "评语")
    props = {"assessment": assessment_id, "reviewer": actor.id, "action": "comment", "level": waiting, "text": text,
             "at": wf.now_iso(now)}
    if criterion_id:
        props["criterion"] = view.checklist.criterion(criterion_id).id
    review_id = wf._new_id("review")
    rows = store.run_write("assessment_add_review", assessment=assessment_id, id=review_id, props=props,
                           statuses=[WAITING[waiting]])
    if not rows:
        raise wf._wrong_state(wf.load_view(store, assessment_id, view.checklist).record)
    return dict(props, id=review_id)


def adjust(store: GraphStore, actor: wf.Actor, assessment_id: str, criterion_id: str, *, reason: str,
           points: Any = None, held: Any = None, expected_version: Any, now: datetime | None = None) -> wf.AssessmentView:
    """Adjust a criterion's points (or whether a gate holds) at the actor's level, with a reason;
    the community's answer and the earlier level's adjustment stay in the history."""
    view, levels, waiting, mine = _context(store, actor, assessment_id)
    c, new_points, new_held, reason = check_adjustment(view.checklist, criterion_id, points=points, held=held,
                                                       reason=reason)
    _require_turn(view, levels, waiting, mine)
    at = wf.now_iso(now)
    before = view.result.by_id[c.id]
    adjustments = dict(view.adjustments)
    adjustments[c.id] = Adjustment(c.id, reason=reason, points=new_points, held=new_held, reviewer=actor.id or "",
                                   at=at)
    result = score(view.checklist, view.answers, adjustments)
    answer_props = dict(view.answer_props.get(c.id) or
                        wf._answer_row(view.record, view.answers.get(c.id), c.id, actor, at)["properties"])
    answer_props.update({"id": f"{view.record.id}:{c.id}", "review_reason": reason, "reviewed_by": actor.id,
                         "reviewed_at": at, "review_level": waiting})
    answer_props.pop("reviewer_points", None)
    answer_props.pop("reviewer_held", None)
    if new_points is not None:
        answer_props["reviewer_points"] = new_points
    if new_held is not None:
        answer_props["reviewer_held"] = new_held
    effective = before.effective_points if not c.gate else bool(before.effective_held)
    review = {"id": wf._new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "adjust", "level": waiting, "criterion": c.id,
        "text": reason, "at": at,
        **({"original_points": before.points, "previous_points": effective, "adjusted_points": new_points}
           if new_points is not None else
           {"original_held": bool(before.held), "previous_held": effective, "adjusted_held": new_held})}}
    props = {"updated_at": at, "modified_at": at, "updated_by": actor.id, **result.summary()}
    wf._guarded_update(store, view, expected_version=expected_version, statuses=[WAITING[waiting]],
                       props=props, answers=[{"id": answer_props["id"], "properties": answer_props}], reviews=[review])
    return wf.load_view(store, assessment_id, view.checklist)


def send_back(store: GraphStore, actor: wf.Actor, assessment_id: str, *, expected_version: Any, comment: str,
              to: str = "community", now: datetime | None = None) -> wf.AssessmentView:
    """Return it for revision: to the community (``returned``), or, from the county, to the street
    office (``submitted``)."""
    view, levels, waiting, mine = _context(store, actor, assessment_id)
    _require_turn(view, levels, waiting, mine)
    if to not in ("community", "street") or (to == "street" and waiting != COUNTY):
        raise AnswerInvalid(N_("只能退回社区，或由县级退回街道（乡镇）"))
    comment = wf._text(comment, "退回理由")
    at = wf.now_iso(now)
    review = {"id": wf._new_id("review"), "properties": {
        "assessment": assessment_id, "reviewer": actor.id, "action": "return", "level": waiting, "to": to,
        "text": comment, "at": at}}
    props = {"status": wf.RETURNED if to == "community" else wf.SUBMITTED, "updated_at": at, "modified_at": at,
             "updated_by": actor.id}
    wf._guarded_update(store, view, expected_version=expected_version, statuses=[WAITING[waiting]],
                       props=props, reviews=[review])
    return wf.load_view(store, assessment_id, view.checklist)


@dataclass
class LevelHistory:
    level: Level
    sign_off: dict | None = None
    comments: list[dict] = field(default_factory=list)
    adjustments: list[dict] = field(default_factory=list)
    returns: list[dict] = field(default_factory=list)


def history(store: GraphStore, view: wf.AssessmentView) -> list[LevelHistory]:
    """What each level did: its sign-off, comments, adjustments and returns (reviews written
    before levels existed count as the street's)."""
    levels = chain(store, view.community)
    out = {lv.key: LevelHistory(lv) for lv in levels}
    for r in view.reviews:
        if r.get("action") == "submit":
            continue
        entry = out.get(r.get("level") or STREET)
        if entry is None:
            continue
        action = r.get("action")
        if action == "sign_off":
            entry.sign_off = r
        elif action == "comment":
            entry.comments.append(r)
        elif action == "adjust":
            entry.adjustments.append(r)
        elif action == "return":
            entry.returns.append(r)
    return [out[lv.key] for lv in levels]


def queue(store: GraphStore, actor: wf.Actor) -> list[wf.AssessmentRecord]:
    """Assessments waiting for ``actor``'s level."""
    if not (actor.is_reviewer or actor.is_admin):
        raise NotAllowed(N_("只有审核人员可以查看待审核的自评"))
    out = []
    for record in wf.list_assessments(store, actor, statuses=[wf.SUBMITTED, wf.STREET_APPROVED]):
        if actor.member_of(record.community):
            continue
        levels = chain(store, record.community)
        waiting = pending(record, levels)
        if waiting and level_of(store, actor, levels, waiting) == waiting:
            out.append(record)
    return out


def state_label(record: wf.AssessmentRecord) -> str:
    return wf.STATUS_LABELS.get(record.status, record.status)


__all__ = [
    "COUNTY",
    "LEVEL_LABELS",
    "STREET",
    "InvalidState",
    "Level",
    "LevelHistory",
    "adjust",
    "approve",
    "chain",
    "comment",
    "history",
    "level_of",
    "pending",
    "queue",
    "send_back",
    "state_label",
    "two_levels",
]

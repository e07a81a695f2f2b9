"""Application pages: thin — validate the form, call the engines, render."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from assessments import evidence_rules as er
from assessments import proposals as pr
from assessments import review_levels as rl
from assessments import workflow as wf
from assessments.errors import AssessmentError
from kg.drills import drills as dr
from kg.errors import DomainError
from kg.plans import check as plan_check
from kg.plans import service as ps
from web import audit
from web.application import bp
from web.application.forms import DecisionForm, LevelForm, VersionForm
from web.extensions import get_store, now
from web.i18n import _
from web.security import roles_required


def actor() -> wf.Actor:
    return wf.Actor.of(current_user)


def _load(assessment_id: str) -> wf.AssessmentView:
    try:
        return wf.get_assessment(get_store(), actor(), assessment_id)
    except AssessmentError as exc:
        abort(exc.status)


def _proposals(view: wf.AssessmentView) -> dict[str, er.Proposal]:
    """Proposals of an assessment, computed once per request."""
    cache = g.setdefault("_cem_proposals", {})
    if view.id not in cache:
        cache[view.id] = pr.proposals_for(get_store(), view, now=now())
    return cache[view.id]


def evidence_proposal(view: wf.AssessmentView, criterion_id: str) -> dict | None:
    """For the assessment form: the criterion's proposal and the decision kept, or None."""
    p = _proposals(view).get(criterion_id)
    if p is None:
        return None
    return {"proposal": p, "decision": pr.decisions(view).get(criterion_id)}


def review_levels_of(view: wf.AssessmentView) -> dict:
    levels = rl.chain(get_store(), view.community)
    waiting = rl.pending(view.record, levels)
    history = rl.history(get_store(), view)
    people = [r.get("reviewer") for h in history for r in [h.sign_off or {}, *h.comments, *h.adjustments, *h.returns]]
    return {"levels": levels, "waiting": waiting, "history": history,
            "mine": rl.level_of(get_store(), actor(), levels, waiting),
            "names": wf.user_names(get_store(), [i for i in people if i])}


def record_url(ref) -> str:
    label, rid = ref.label, ref.id
    if label == "PlanVersion" and ":plan:v" in rid:
        community, number = rid.split(":plan:v")
        return url_for("plans.version", community_id=community, number=int(number))
    if label == "Drill":
        return url_for("drills.show", drill_id=rid)
    if label == "Survey":
        return url_for("survey.show", survey_id=rid)
    return url_for("graph.node", node_id=rid)


# --- proposals and decisions --------------------------------------------------------------------------

@bp.get("/<assessment_id>/evidence")
@roles_required("community", "reviewer")
def evidence(assessment_id):
    view = _load(assessment_id)
    rows = pr.side_by_side(get_store(), view, now=now())
    editable = view.record.editable and wf.can_edit(actor(), view.record)
    return render_template("application/evidence.html", view=view, rows=rows, editable=editable,
                           form=DecisionForm(version=str(view.record.version)),
                           all_form=VersionForm(version=str(view.record.version)),
                           undecided=sum(1 for r in rows if r["proposal"].proposed and not r["decision"]))


@bp.post("/<assessment_id>/evidence/accept-all")
@roles_required("community")
def accept_all(assessment_id):
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        _view, accepted = pr.accept_all(get_store(), actor(), assessment_id, expected_version=form.version.data, now=now())
    except DomainError as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("application.evidence", assessment_id=assessment_id)), 303
    audit.record("assessment.proposals.accept_all", assessment_id, ",".join(accepted))
    flash(_("已采纳 %(n)s 项提议答案。", n=len(accepted)), "success")
    return redirect(url_for("application.evidence", assessment_id=assessment_id)), 303


@bp.post("/<assessment_id>/evidence/<criterion_id>")
@roles_required("community")
def decide(assessment_id, criterion_id):
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    accept = request.form.get("decision") == "accept"
    try:
        pr.decide(get_store(), actor(), assessment_id, criterion_id, accept=accept, answer=form.answer.data,
                  reason=form.reason.data or "", expected_version=form.version.data, now=now())
    except DomainError as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("application.evidence", assessment_id=assessment_id, _anchor=f"c-{criterion_id}")), 303
    audit.record("assessment.proposal.accept" if accept else "assessment.proposal.override", assessment_id,
                 criterion_id)
    flash(_("已采纳提议答案。") if accept else _("已按你的回答保存，并记录了不采纳提议的理由。"), "success")
    return redirect(url_for("application.evidence", assessment_id=assessment_id, _anchor=f"c-{criterion_id}")), 303


# --- the two-level review ---------------------------------------------------------------------------

@bp.get("/review")
@roles_required("reviewer")
def queue():
    return render_template("application/queue.html", records=rl.queue(get_store(), actor()))


@bp.get("/<assessment_id>/review")
@roles_required("community", "reviewer")
def review(assessment_id):
    view = _load(assessment_id)
    return render_template("application/review.html", view=view, levels=review_levels_of(view),
                           form=LevelForm(version=str(view.record.version)), level_labels=rl.LEVEL_LABELS)


def _level_action(assessment_id: str, action: str):
    form = LevelForm()
    if not form.validate_on_submit():
        abort(400)
    store, who = get_store(), actor()
    try:
        if action == "approve":
            rl.approve(store, who, assessment_id, expected_version=form.version.data, comment=form.text.data or "",
                       now=now())
            message = _("已签署。")
        elif action == "comment":
            rl.comment(store, who, assessment_id, form.text.data or "", criterion_id=form.criterion.data or None,
                       now=now())
            message = _("评语已发送。")
        elif action == "adjust":
            rl.adjust(store, who, assessment_id, form.criterion.data or "", reason=form.text.data or "",
                      points=form.points.data or None, held=form.held.data or None,
                      expected_version=form.version.data, now=now())
            message = _("评分已调整。")
        else:
            rl.send_back(store, who, assessment_id, expected_version=form.version.data, comment=form.text.data or "",
                         to=form.to.data or "community", now=now())
            message = _("已退回。")
    except DomainError as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("application.review", assessment_id=assessment_id)), 303
    audit.record(f"assessment.level.{action}", assessment_id, form.criterion.data or "")
    flash(message, "success")
    return redirect(url_for("application.review", assessment_id=assessment_id)), 303


@bp.post("/<assessment_id>/review/<action>")
@roles_required("reviewer")
def level_action(assessment_id, action):
    if action not in ("approve", "comment", "adjust", "return"):
        abort(404)
    return _level_action(assessment_id, action)


# --- the application form (申报表) --------------------------------------------------------------------

@bp.get("/<assessment_id>/form")
@roles_required("community", "reviewer")
def application_form(assessment_id):
    view = _load(assessment_id)
    store = get_store()
    at = now()
    community = view.community
    version = ps.in_force(store, view.record.community)
    drills = [d for d in dr.list_drills(store, [view.record.community])
              if (at - timedelta(days=366)).date().isoformat() <= d.held_on <= at.date().isoformat()]
    proposals = _proposals(view)
    decided = pr.decisions(view)
    area = str(community.get("area") or "")
    found = store.get_nodes([area]) if area else {}
    area_name = found[area]["properties"].get("name", area) if area in found else area
    return render_template("application/form.html", view=view, result=view.result, community=community,
                           area_name=area_name,
                           levels=review_levels_of(view), level_labels=rl.LEVEL_LABELS, version=version,
                           findings=plan_check.check(version.document) if version else [], drills=drills,
                           proposals=proposals, decided=decided, printed=at.date(), kinds=dr.KINDS)

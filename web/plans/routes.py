"""Plan pages: thin — validate the form, call kg.plans, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kg.access import Viewer
from kg.drills import drills as dr
from kg.errors import DomainError
from kg.plans import check as plan_check
from kg.plans import service as ps
from kg.plans.document import PHASES, PLACE_KINDS
from kg.plans.records import records_for
from web import audit
from web.extensions import get_access, get_store, now
from web.i18n import _
from web.plans import bp
from web.plans.forms import DraftForm, VersionForm
from web.security import reachable_community, roles_required


def _viewer() -> Viewer:
    return Viewer.of(current_user)


def hazard_choices() -> list[SelectChoice]:
    """Every specific hazard of the graph, by category then name."""
    nodes = [n for n in get_store().nodes_by_label("Hazard", limit=5000) if n["properties"].get("level") != "family"]
    nodes.sort(key=lambda n: (n["properties"].get("category", ""), n["id"]))
    return [SelectChoice(n["id"], n["properties"].get("name", n["id"])) for n in nodes]


def _names(ids) -> dict[str, str]:
    return {i: n["properties"].get("name", i) for i, n in get_store().get_nodes(sorted(set(ids) | set(PHASES))).items()}


@bp.get("/")
@roles_required("community", "reviewer")
def index():
    viewer = _viewer()
    if viewer.community and "community" in viewer.roles and not (viewer.is_reviewer or viewer.is_admin):
        return redirect(url_for("plans.community", community_id=viewer.community))
    reach = get_access().communities()
    communities = [dict(n["properties"], id=n["id"]) for n in get_store().nodes_by_label("Community", limit=5000)
                   if reach is None or n["id"] in reach]
    plans = {p.community: p for p in ps.list_plans(get_store(), None if reach is None else sorted(reach))}
    return render_template("plans/index.html", communities=sorted(communities, key=lambda c: c["id"]), plans=plans)


@bp.get("/<community_id>")
@roles_required("community", "reviewer")
def community(community_id):
    info = reachable_community(community_id)
    viewer = _viewer()
    plan = ps.get_plan(get_store(), community_id)
    latest = ps.load_version(get_store(), plan) if plan else None
    form = DraftForm()
    form.hazards.choices = hazard_choices()
    if latest:
        form.hazards.data = latest.document.hazard_ids()
    records = records_for(get_store())
    return render_template("plans/community.html", info=info, plan=plan, latest=latest,
                           versions=ps.versions(get_store(), plan) if plan else [],
                           findings=plan_check.check(latest.document) if latest else [], form=form,
                           may_edit=ps.may_edit(viewer, community_id), records_available=records.available,
                           in_force_form=VersionForm(base=str(plan.latest_version) if plan else "0"))


@bp.post("/<community_id>/draft")
@roles_required("community")
def draft(community_id):
    reachable_community(community_id)
    form = DraftForm()
    form.hazards.choices = hazard_choices()
    if not form.validate_on_submit():
        flash(_("预案没有起草：请选择有效的灾害。"), "error")
        return redirect(url_for("plans.community", community_id=community_id)), 303
    hazards = None if form.from_assessment.data else list(form.hazards.data or [])
    try:
        version = ps.start_plan(get_store(), _viewer(), community_id, hazards, now=now(),
                                records=records_for(get_store()))
    except DomainError as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("plans.community", community_id=community_id)), 303
    audit.record("plan.draft", version.meta.id, ",".join(version.document.hazard_ids()))
    flash(_("已由知识图谱起草第 %(n)s 版。请补全工作组人员、预警渠道、场所、物资和联系人。", n=version.meta.number), "success")
    return redirect(url_for("plans.edit", community_id=community_id)), 303


@bp.get("/<community_id>/v/<int:number>")
@roles_required("community", "reviewer")
def version(community_id, number):
    info = reachable_community(community_id)
    plan = ps.get_plan(get_store(), community_id)
    if plan is None:
        abort(404)
    v = ps.load_version(get_store(), plan, number)
    return render_template("plans/version.html", info=info, plan=plan, v=v, doc=v.document,
                           names=_names(v.document.nodes() | set(v.meta.revised_after) | set(v.meta.carries_out)),
                           findings=plan_check.check(v.document), phases=PHASES, place_kinds=PLACE_KINDS,
                           may_edit=ps.may_edit(_viewer(), community_id),
                           in_force_form=VersionForm(base=str(plan.latest_version)))


@bp.get("/<community_id>/v/<int:number>/print")
@roles_required("community", "reviewer")
def print_version(community_id, number):
    info = reachable_community(community_id)
    plan = ps.get_plan(get_store(), community_id)
    if plan is None:
        abort(404)
    v = ps.load_version(get_store(), plan, number)
    return render_template("plans/print.html", info=info, plan=plan, v=v, doc=v.document,
                           versions=list(reversed(ps.versions(get_store(), plan))),
                           names=_names(v.document.nodes()), phases=PHASES, place_kinds=PLACE_KINDS,
                           printed=now().date())


@bp.post("/<community_id>/v/<int:number>/in-force")
@roles_required("community")
def in_force(community_id, number):
    reachable_community(community_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        v = ps.put_in_force(get_store(), _viewer(), community_id, number, expected=int(form.base.data), now=now())
    except DomainError as exc:
        flash(exc.translated(), "error")
    else:
        audit.record("plan.in_force", v.meta.id, "")
        flash(_("第 %(n)s 版已生效，此前生效的版本已废止。", n=number), "success")
    return redirect(url_for("plans.community", community_id=community_id)), 303


def _edits_from_form(doc) -> dict:
    form = request.form
    edits: dict = {"paragraphs": {}, "groups": {}}
    for key in form:
        if key.startswith("p:"):
            edits["paragraphs"][key[2:]] = form[key]
        elif key.startswith("leader:"):
            edits["groups"].setdefault(key[7:], {})["leader"] = form[key]
        elif key.startswith("members:"):
            edits["groups"].setdefault(key[8:], {})["members"] = ps.lines(form[key])
    edits["channels"] = ps.lines(form.get("channels", ""))
    edits["supplies"] = ps.lines(form.get("supplies", ""))
    edits["places"] = ps.parse_places(form.get("places", ""))
    edits["contacts"] = ps.parse_contacts(form.get("contacts", ""))
    return edits


def _revision_choices(community_id: str):
    drills = dr.list_drills(get_store(), [community_id])
    reviewed = [d for d in drills if d.reviewed]
    actions = []
    for d in reviewed:
        review = dr.review_of(get_store(), d) or {}
        for f in review.get("findings", []):
            if f.get("action_record"):
                actions.append((d, f["action_record"]))
    return reviewed, actions


@bp.route("/<community_id>/edit", methods=["GET", "POST"])
@roles_required("community")
def edit(community_id):
    info = reachable_community(community_id)
    viewer = _viewer()
    if not ps.may_edit(viewer, community_id):
        abort(403)
    plan = ps.get_plan(get_store(), community_id)
    if plan is None:
        return redirect(url_for("plans.community", community_id=community_id))
    latest = ps.load_version(get_store(), plan)
    form = VersionForm(base=str(latest.meta.number))
    drills, actions = _revision_choices(community_id)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            edits = _edits_from_form(latest.document)
            version = ps.save_edits(get_store(), viewer, community_id, edits, base=int(form.base.data),
                                    note=request.form.get("note", ""), now=now(),
                                    revised_after=request.form.getlist("revised_after"),
                                    carries_out=request.form.getlist("carries_out"))
        except DomainError as exc:
            flash(exc.translated(), "error")
            status = exc.status
        else:
            audit.record("plan.save", version.meta.id, version.meta.note)
            flash(_("已保存为第 %(n)s 版。", n=version.meta.number), "success")
            return redirect(url_for("plans.version", community_id=community_id, number=version.meta.number)), 303
    return render_template("plans/edit.html", info=info, plan=plan, v=latest, doc=latest.document, form=form,
                           places_text=request.form.get("places") if request.method == "POST"
                           else ps.format_places(latest.document.places),
                           contacts_text=request.form.get("contacts") if request.method == "POST"
                           else ps.format_contacts(latest.document.contacts),
                           drills=drills, actions=actions, names=_names(latest.document.nodes()),
                           place_kinds=PLACE_KINDS), status

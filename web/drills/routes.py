"""Drill pages: thin — validate the form, call kg.drills, render."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kg.access import Viewer
from kg.drills import drills as dr
from kg.errors import DomainError
from kg.lessons.workspace import STATUS_NAMES
from kg.plans import service as ps
from web import audit
from web.drills import bp
from web.drills.forms import DrillForm, ReviewForm
from web.extensions import get_access, get_store, now
from web.i18n import _, display_name
from web.plans.routes import hazard_choices
from web.security import reachable_community, roles_required

SLOTS_DEFAULT, SLOTS_MAX = 4, 20
PHASE_IDS = ("phase.source-governance", "phase.preparedness", "phase.response", "phase.recovery")


def _viewer() -> Viewer:
    return Viewer.of(current_user)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.get("/")
@roles_required("community", "reviewer")
def index():
    viewer = _viewer()
    if viewer.community and "community" in viewer.roles and not (viewer.is_reviewer or viewer.is_admin):
        return redirect(url_for("drills.community", community_id=viewer.community))
    reach = get_access().communities()
    communities = [dict(n["properties"], id=n["id"]) for n in get_store().nodes_by_label("Community", limit=5000)
                   if reach is None or n["id"] in reach]
    drills = dr.list_drills(get_store(), None if reach is None else sorted(reach))
    counts: dict[str, int] = {}
    for d in drills:
        counts[d.community] = counts.get(d.community, 0) + 1
    return render_template("drills/index.html", communities=sorted(communities, key=lambda c: c["id"]), counts=counts)


@bp.route("/community/<community_id>", methods=["GET", "POST"])
@roles_required("community", "reviewer")
def community(community_id):
    info = reachable_community(community_id)
    viewer = _viewer()
    may_edit = ps.may_edit(viewer, community_id)
    form = DrillForm()
    form.hazards.choices = hazard_choices()
    status = 200
    if request.method == "POST":
        if not may_edit:
            abort(403)
        if form.validate_on_submit():
            try:
                drill = dr.create_drill(
                    get_store(), viewer, community_id, name=form.name.data, kind=form.kind.data,
                    held_on=form.held_on.data, hazards=list(form.hazards.data or []),
                    objectives=_lines(form.objectives.data), scenario=form.scenario.data or "",
                    scenario_time=form.scenario_time.data or "", place=form.place.data or "",
                    residents=form.residents.data, volunteers=form.volunteers.data, units=form.units.data,
                    people=_lines(form.people.data), unit_names=_lines(form.unit_names.data), now=now())
            except DomainError as exc:
                flash(exc.translated(), "error")
                status = exc.status
            else:
                audit.record("drill.create", drill.id, drill.name)
                flash(_("演练已记录。演练结束后请按目标写评估。"), "success")
                return redirect(url_for("drills.show", drill_id=drill.id)), 303
        else:
            status = 400
    drills = dr.drills_for(get_store(), viewer, community_id)
    plan = ps.get_plan(get_store(), community_id)
    return render_template("drills/community.html", info=info, drills=drills, form=form, may_edit=may_edit,
                           plan=plan, today=now().date(), repeated=dr.repeated_findings(get_store(), community_id),
                           kinds=dr.KINDS, status_labels=dr.STATUS_LABELS), status


@bp.get("/<drill_id>")
@roles_required("community", "reviewer")
def show(drill_id):
    drill = dr.drill_for(get_store(), _viewer(), drill_id)
    review = dr.review_of(get_store(), drill)
    ids = set(drill.get("hazards") or []) | {drill.get("plan_version") or ""}
    if review:
        for f in review["findings"]:
            ids.update(f.get("repeats") or [])
            ids.update(f.get("repeats_drill") or [])
    names = {i: display_name(n) for i, n in get_store().get_nodes(sorted(i for i in ids if i)).items()}
    return render_template("drills/drill.html", drill=drill, review=review, names=names,
                           may_edit=ps.may_edit(_viewer(), drill.community), today=now().date(), kinds=dr.KINDS,
                           status_labels=dr.STATUS_LABELS, finding_kinds=dr.FINDING_KINDS,
                           action_status=STATUS_NAMES)


def _findings_from_form(slots: int) -> list[dr.FindingInput]:
    form = request.form
    out = []
    for n in range(slots):
        get = lambda name, n=n: (form.get(f"f{n}-{name}") or "").strip()  # noqa: E731
        if not (get("title") or get("observation")):
            continue
        try:
            objective = int(get("objective") or -1)
        except ValueError:
            objective = -1
        out.append(dr.FindingInput(objective=objective, kind=get("kind"), title=get("title"),
                                   observation=get("observation"), analysis=get("analysis"), lesson=get("lesson"),
                                   recommendation=get("recommendation"), owner=get("owner"),
                                   due_date=get("due_date"), action=get("action"),
                                   phase=get("phase") or dr.DEFAULT_PHASE))
    return out


def _organizations() -> list[SelectChoice]:
    nodes = [n for n in get_store().nodes_by_label("Organization", limit=5000)
             if n["properties"].get("level") in ("community", "grid", "town", "other")]
    return [SelectChoice(n["id"], n["properties"].get("name", n["id"])) for n in sorted(nodes, key=lambda n: n["id"])]


@bp.route("/<drill_id>/review", methods=["GET", "POST"])
@roles_required("community")
def review(drill_id):
    drill = dr.drill_for(get_store(), _viewer(), drill_id)
    if not ps.may_edit(_viewer(), drill.community):
        abort(403)
    if drill.reviewed:
        return redirect(url_for("drills.show", drill_id=drill.id))
    try:
        slots = min(SLOTS_MAX, max(1, int(request.values.get("slots", SLOTS_DEFAULT))))
    except ValueError:
        slots = SLOTS_DEFAULT
    form = ReviewForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        findings = _findings_from_form(slots)
        try:
            from web.search.routes import engine

            result = dr.review_drill(get_store(), engine(), _viewer(), drill.id, findings,
                                     summary=form.summary.data or "", now=now())
        except DomainError as exc:
            flash(exc.translated(), "error")
            status = exc.status
        else:
            audit.record("drill.review", result.id, f"{len(result.findings)} findings")
            repeated = [f for f in result.findings if any(r.get("drill") and r["drill"] != drill.id for r in f.repeats)]
            if repeated:
                flash(_("注意：%(n)s 条需要改进的事项与本社区以前演练发现的问题高度相似——同一问题再次出现。", n=len(repeated)),
                      "warning")
            if any(f.recurrence_of for f in result.findings):
                flash(_("复发警示：有改进事项与一条整改已完成的旧经验教训高度相似。"), "warning")
            flash(_("评估已保存：需要改进的事项已记为经验教训和整改措施。"), "success")
            current_app.logger.info("drill %s reviewed", drill.id)
            return redirect(url_for("drills.show", drill_id=drill.id)), 303
    phases = {i: n["properties"].get("name", i) for i, n in get_store().get_nodes(list(PHASE_IDS)).items()}
    return render_template("drills/review.html", drill=drill, form=form, slots=slots, organizations=_organizations(),
                           phases=[(p, phases.get(p, p)) for p in PHASE_IDS], finding_kinds=dr.FINDING_KINDS), status

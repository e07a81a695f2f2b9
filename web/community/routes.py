"""Community workspace pages: thin — check who may come in, call kg.community, render.

Who may come in is ``kg.access`` (the community's own users, the reviewers of its area, admins)
and, for residents and for a case's assignee, ``kg.community.access``.  A form is one CSRF-
checked post whose fields the domain functions check (each error names the field); on an error
the page says what was wrong and nothing is written.
"""

from __future__ import annotations

import math

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from kg.community import access as rules
from kg.community import files, ledger, mapdata, profile, registers, residents
from kg.community.model import (
    ACTION_NAMES,
    CATEGORIES,
    DEADLINE_DAYS,
    FEATURE_KINDS,
    NEEDS,
    PERSON_ROLE_NAMES,
    SEVERITIES,
    SEVERITY_NAMES,
    STATE_NAMES,
    TEAM_KINDS,
    new_client_id,
)
from kg.community.workspace import overview
from kg.errors import DomainError
from web import audit
from web.community import bp
from web.community.helpers import (
    actor,
    cipher,
    csv_response,
    data_dir,
    photo_limit,
    search_embedder,
    today,
    uploaded,
)
from web.extensions import get_access, get_settings, get_store, now
from web.graph.names import localize_names
from web.i18n import _, display_name
from web.security import login_required, public, require_community, roles_required
from web.shell import int_arg

PER_PAGE = 50


class PostForm(FlaskForm):
    """A CSRF check for hand-written forms (their fields are checked by kg.community)."""


def _posted() -> bool:
    form = PostForm()
    if not form.validate_on_submit():
        flash(_("表单已过期或缺少安全令牌，请刷新页面后重试。"), "error")
        return False
    return True


def _community(community_id: str) -> dict:
    require_community(community_id)
    try:
        return profile.community(get_store(), community_id)
    except DomainError:
        abort(404)


def _manage(community_id: str) -> None:
    if not rules.can_manage(get_access(), community_id):
        abort(403)


def _hazards() -> tuple[list[dict], dict[str, str]]:
    """The hazards a case can be of (no families, by id) and every hazard's name, both in the
    page's language (records keep the Chinese name they were written with; an English page shows
    the graph's ``name_en`` where there is one); one read."""
    nodes = get_store().nodes_by_label("Hazard", limit=5000)
    names = {n["id"]: display_name(n) for n in nodes}
    choices = sorted(({"id": n["id"], "name": names[n["id"]]} for n in nodes
                      if n["properties"].get("level") != "family"), key=lambda h: h["id"])
    return choices, names


def _common(community_id: str) -> dict:
    return {"community_id": community_id, "state_names": STATE_NAMES, "severity_names": SEVERITY_NAMES,
            "action_names": ACTION_NAMES}


# --- the overview -------------------------------------------------------------------------------------
@bp.get("/community/<community_id>")
@roles_required("community", "reviewer")
def workspace(community_id):
    _community(community_id)
    data = overview(get_store(), get_access(), community_id, now=now(), zone=get_settings().zone)
    return render_template("community/workspace.html", o=data, hazard_names=_hazards()[1], **_common(community_id))


# --- the ledger ---------------------------------------------------------------------------------------
CASE_COLUMNS = ("id", "status", "hazard_name", "place", "severity", "grid", "reported_at", "reporter_name",
                "organization_name", "deadline", "closed_at", "days_to_close", "recurrence_of")


def _case_filters() -> dict:
    status = [s for s in request.args.getlist("status") if s in STATE_NAMES]
    return {"statuses": status, "grid": request.args.get("grid") or None, "hazard": request.args.get("hazard") or None,
            "overdue_on": today() if request.args.get("overdue") else None,
            "recurrent": bool(request.args.get("recurrent"))}


@bp.get("/community/<community_id>/cases")
@roles_required("community", "reviewer")
def cases(community_id):
    _community(community_id)
    filters = _case_filters()
    store = get_store()
    if request.args.get("format") == "csv":
        rows, _count = ledger.list_cases(store, community_id, limit=100_000, **filters)
        audit.record("community.cases.export", community_id, f"{len(rows)} rows")
        return csv_response([list(CASE_COLUMNS)] + [[r.get(c, "") for c in CASE_COLUMNS] for r in rows],
                            f"{community_id}-cases.csv")
    page = int_arg("page", 1, 1, 100_000)
    rows, total = ledger.list_cases(store, community_id, skip=(page - 1) * PER_PAGE, limit=PER_PAGE, **filters)
    grids = profile.grids(store, community_id)
    args = {k: v for k, v in request.args.items(multi=False) if k in ("grid", "hazard", "overdue", "recurrent") and v}
    if filters["statuses"]:
        args["status"] = filters["statuses"][0]
    hazards, hazard_names = _hazards()
    return render_template("community/cases.html", rows=rows, total=total, page=page,
                           pages=max(1, math.ceil(total / PER_PAGE)), grids=grids, hazards=hazards,
                           hazard_names=hazard_names,
                           filters=filters, args=dict(args, community_id=community_id), today=today().isoformat(),
                           **_common(community_id))


@bp.route("/community/<community_id>/cases/new", methods=["GET", "POST"])
@roles_required("community")
def report(community_id):
    found = _community(community_id)
    _manage(community_id)
    store = get_store()
    values = {"client_id": new_client_id(), "severity": "general"}
    status = 200
    if request.method == "POST":
        values = request.form.to_dict()
        if _posted():
            try:
                case, created = ledger.report_case(store, actor(), community_id, values, now=now(),
                                                   client_id=values.get("client_id") or None,
                                                   photos=uploaded("photos"), data_dir=data_dir(),
                                                   photo_max_bytes=photo_limit(), embedder=search_embedder())
            except DomainError as exc:
                flash(exc.translated(), "error")
                status = exc.status
            else:
                if created:
                    audit.record("community.case.report", case.id, case.props.get("hazard", ""))
                    flash(_("隐患已上报。"), "success")
                else:
                    flash(_("这条上报已经收到过，没有重复登记。"), "success")
                return redirect(url_for("community.case", community_id=community_id, case_id=case.id), 303)
        else:
            status = 400
    return render_template("community/report.html", community=found, values=values, hazards=_hazards()[0],
                           grids=profile.grids(store, community_id), severities=SEVERITIES,
                           base=mapdata.base_map(store, community_id), **_common(community_id)), status


def _case_or_404(community_id: str, case_id: str) -> ledger.Case:
    try:
        case = ledger.get_case(get_store(), get_access(), case_id)
    except DomainError:
        abort(404)
    if case.community != community_id:
        abort(404)
    return case


@bp.get("/community/<community_id>/cases/<case_id>")
@login_required
def case(community_id, case_id):
    found = _case_or_404(community_id, case_id)
    store = get_store()
    access = get_access()
    allowed = ledger.allowed_actions(access, found)
    proposal = ledger.assignment_proposal(store, found.props["hazard"]) if "assess" in allowed else []
    context = ledger.hazard_context(store, found.props["hazard"])
    hazard = store.get_node(found.props["hazard"])
    orgs = sorted(({"id": n["id"], "name": display_name(n)}
                   for n in store.nodes_by_label("Organization", limit=5000)), key=lambda o: o["id"])
    org_names = {o["id"]: o["name"] for o in orgs}
    for entry in proposal:
        entry["name"] = org_names.get(entry["organization"], entry["name"])
    localize_names(store, context, proposal)
    return render_template("community/case.html", case=found, allowed=allowed, proposal=proposal, context=context,
                           hazard_name=display_name(hazard) if hazard else found.props.get("hazard_name"),
                           organizations=orgs, organization_names=org_names, overdue=found.overdue(today()),
                           severities=SEVERITIES,
                           default_deadlines={s: ledger.default_deadline(s, today()).isoformat() for s in DEADLINE_DAYS},
                           fixer_blocked=(found.status == "remediated" and found.props.get("fixed_by") == access.viewer.id),
                           **_common(community_id))


@bp.post("/community/<community_id>/cases/<case_id>/<action>")
@login_required
def act(community_id, case_id, action):
    found = _case_or_404(community_id, case_id)
    if action not in ledger.TRANSITIONS:
        abort(404)
    if _posted():
        try:
            updated = ledger.transition(get_store(), actor(), found.id, action, request.form.to_dict(),
                                        expected_version=request.form.get("version"), now=now(), today=today(),
                                        photos=uploaded("photos"), data_dir=data_dir(), photo_max_bytes=photo_limit())
        except DomainError as exc:
            flash(exc.translated(), "error")
            return case(community_id, case_id), exc.status
        audit.record(f"community.case.{action}", found.id, updated.status)
        flash(_("已%(action)s。", action=_(ACTION_NAMES[action])), "success")
    return redirect(url_for("community.case", community_id=community_id, case_id=case_id), 303)


@bp.get("/community/<community_id>/photos/<name>")
@login_required
def photo(community_id, name):
    access = get_access()
    if not access.can_reach_community(community_id):
        mine = [c for c in profile.records(get_store(), "HazardCase", community_id)
                if c.get("assignee_account") == access.viewer.id
                and name in (c.get("photos") or []) + (c.get("remediation_photos") or [])]
        if not mine:
            abort(404)
    try:
        path = files.path_of(data_dir(), community_id, name)
    except DomainError:
        abort(404)
    return send_file(path, mimetype="image/jpeg" if name.endswith(".jpg") else "image/png", max_age=0)


# --- vulnerable residents ---------------------------------------------------------------------------
def _residents_scope(community_id: str) -> str:
    scope = rules.residents_scope(get_store(), get_access().viewer, community_id)
    if scope is None:
        abort(403)
    return scope


@bp.get("/community/<community_id>/residents")
@login_required
def resident_list(community_id):
    scope = _residents_scope(community_id)
    store = get_store()
    rows = residents.list_residents(store, cipher(), get_access().viewer, community_id)
    people = {p["id"]: p for p in profile.people(store, community_id)}
    summary = residents.pairing_completeness(store, community_id) if scope == "all" else None
    return render_template("community/residents.html", rows=rows, scope=scope, people=people, summary=summary,
                           categories=CATEGORIES, needs=NEEDS, **_common(community_id))


@bp.get("/community/<community_id>/residents.csv")
@roles_required("community")
def resident_export(community_id):
    _community(community_id)
    text = residents.export_csv(get_store(), cipher(), get_access().viewer, community_id)
    audit.record("community.residents.export", community_id, f"{text.count(chr(10)) - 1} residents")
    return current_app.response_class("\ufeff" + text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={community_id}-residents.csv"})


@bp.route("/community/<community_id>/residents/new", methods=["GET", "POST"])
@roles_required("community")
def resident_new(community_id):
    _community(community_id)
    if not rules.is_editor(get_access().viewer, community_id):
        abort(403)
    store = get_store()
    values: dict = {"categories": [], "needs": [], "helpers": []}
    status = 200
    if request.method == "POST":
        values = dict(request.form.to_dict(), categories=request.form.getlist("categories"),
                      needs=request.form.getlist("needs"), helpers=request.form.getlist("helpers"))
        if _posted():
            try:
                resident_id = residents.save_resident(store, cipher(), get_access().viewer, community_id, values)
            except DomainError as exc:
                flash(exc.translated(), "error")
                status = exc.status
            else:
                audit.record("community.resident.create", resident_id, "")
                flash(_("已登记。"), "success")
                return redirect(url_for("community.resident", community_id=community_id, resident_id=resident_id), 303)
        else:
            status = 400
    return render_template("community/resident_form.html", values=values, categories=CATEGORIES, needs=NEEDS,
                           people=profile.people(store, community_id), grids=profile.grids(store, community_id),
                           **_common(community_id)), status


@bp.get("/community/<community_id>/residents/<resident_id>")
@login_required
def resident(community_id, resident_id):
    _residents_scope(community_id)
    try:
        full = residents.get_resident(get_store(), cipher(), get_access().viewer, community_id, resident_id)
    except DomainError:
        abort(404)
    audit.record("community.resident.view", resident_id, "full record shown")
    people = {p["id"]: p for p in profile.people(get_store(), community_id)}
    return render_template("community/resident.html", r=full, people=people, categories=CATEGORIES, needs=NEEDS,
                           editor=rules.is_editor(get_access().viewer, community_id), **_common(community_id))


@bp.post("/community/<community_id>/residents/<resident_id>/delete")
@roles_required("community")
def resident_delete(community_id, resident_id):
    _community(community_id)
    if _posted():
        try:
            residents.delete_resident(get_store(), get_access().viewer, community_id, resident_id)
        except DomainError as exc:
            abort(exc.status)
        audit.record("community.resident.delete", resident_id, "")
        flash(_("记录已删除（数据已从系统中移除）。"), "success")
    return redirect(url_for("community.resident_list", community_id=community_id), 303)


# --- registers: grids and people, shelters, supplies, teams, risk assessments ------------------------------
def _save(community_id: str, what: str, save, endpoint: str):
    """Post a register form: check, save, audit, and come back to the register."""
    _community(community_id)
    _manage(community_id)
    if _posted():
        try:
            record_id = save()
        except DomainError as exc:
            flash(exc.translated(), "error")
        else:
            audit.record(f"community.{what}.save", record_id, "")
            flash(_("已保存。"), "success")
    return redirect(url_for(endpoint, community_id=community_id), 303)


@bp.get("/community/<community_id>/grids")
@roles_required("community", "reviewer")
def grids(community_id):
    found = _community(community_id)
    store = get_store()
    return render_template("community/grids.html", community=found, grids=profile.grids(store, community_id),
                           people=profile.people(store, community_id),
                           coverage=profile.grid_coverage(store, community_id),
                           rates=ledger.grid_rates(store, community_id, now=now()), role_names=PERSON_ROLE_NAMES,
                           can_manage=rules.can_manage(get_access(), community_id), **_common(community_id))


@bp.post("/community/<community_id>/profile")
@roles_required("community")
def save_profile(community_id):
    return _save(community_id, "profile", lambda: profile.update_profile(get_store(), community_id,
                                                                         request.form.to_dict())["id"],
                 "community.grids")


@bp.post("/community/<community_id>/grids")
@roles_required("community")
def add_grid(community_id):
    return _save(community_id, "grid", lambda: profile.save_grid(get_store(), community_id, request.form.to_dict()),
                 "community.grids")


@bp.post("/community/<community_id>/people")
@roles_required("community")
def add_person(community_id):
    return _save(community_id, "person", lambda: profile.save_person(get_store(), community_id, request.form.to_dict()),
                 "community.grids")


@bp.get("/community/<community_id>/shelters")
@roles_required("community", "reviewer")
def shelters(community_id):
    _community(community_id)
    store = get_store()
    kinds = sorted(({"id": n["id"], "name": n["properties"].get("name", n["id"])}
                    for n in store.nodes_by_label("Facility", limit=500)), key=lambda f: f["id"])
    return render_template("community/shelters.html", shelters=profile.records(store, "Shelter", community_id),
                           kinds=kinds, can_manage=rules.can_manage(get_access(), community_id),
                           **_common(community_id))


@bp.post("/community/<community_id>/shelters")
@roles_required("community")
def add_shelter(community_id):
    return _save(community_id, "shelter", lambda: registers.save_shelter(get_store(), community_id,
                                                                         request.form.to_dict()), "community.shelters")


SUPPLY_COLUMNS = ("id", "kind", "name", "quantity", "unit", "storage_point", "expires_on", "last_checked_on")


@bp.get("/community/<community_id>/supplies")
@roles_required("community", "reviewer")
def supplies(community_id):
    _community(community_id)
    store = get_store()
    items = profile.records(store, "SupplyItem", community_id)
    kind = request.args.get("kind") or None
    if kind:
        items = [i for i in items if i.get("kind") == kind]
    if request.args.get("format") == "csv":
        audit.record("community.supplies.export", community_id, f"{len(items)} rows")
        return csv_response([list(SUPPLY_COLUMNS)] + [[i.get(c, "") for c in SUPPLY_COLUMNS] for i in items],
                            f"{community_id}-supplies.csv")
    return render_template("community/supplies.html", items=items, kind=kind, kinds=registers.supply_kinds(),
                           summary=registers.supplies_against_minimum(store, community_id, today()),
                           proposal=registers.minimum_proposal(store), today=today().isoformat(),
                           can_manage=rules.can_manage(get_access(), community_id), **_common(community_id))


@bp.post("/community/<community_id>/supplies")
@roles_required("community")
def add_supply(community_id):
    return _save(community_id, "supply", lambda: registers.save_supply(get_store(), community_id,
                                                                       request.form.to_dict()), "community.supplies")


@bp.post("/community/<community_id>/supplies/minimum")
@roles_required("community")
def set_minimum(community_id):
    def save():
        lines = [{"kind": k, "min_quantity": request.form.get(f"min_{k}"), "unit": request.form.get(f"unit_{k}")}
                 for k in registers.supply_kinds() if request.form.get(f"min_{k}") not in (None, "")]
        registers.set_minimum(get_store(), community_id, lines)
        return community_id
    return _save(community_id, "supply-minimum", save, "community.supplies")


@bp.get("/community/<community_id>/teams")
@roles_required("community", "reviewer")
def teams(community_id):
    _community(community_id)
    store = get_store()
    return render_template("community/teams.html", teams=registers.teams_with_trained_members(store, community_id,
                                                                                               today()),
                           people=profile.people(store, community_id), kinds=TEAM_KINDS,
                           can_manage=rules.can_manage(get_access(), community_id), **_common(community_id))


@bp.post("/community/<community_id>/teams")
@roles_required("community")
def add_team(community_id):
    return _save(community_id, "team", lambda: registers.save_team(
        get_store(), community_id, dict(request.form.to_dict(), members=request.form.getlist("members"))),
        "community.teams")


@bp.get("/community/<community_id>/risk")
@roles_required("community", "reviewer")
def risk(community_id):
    _community(community_id)
    store = get_store()
    coverage = registers.plan_coverage(store, community_id, today())
    localize_names(store, coverage)
    hazards, hazard_names = _hazards()
    return render_template("community/risk.html", assessments=registers.risk_assessments(store, community_id),
                           latest=registers.latest_risk_assessment(store, community_id, today()),
                           coverage=coverage, hazards=hazards, hazard_names=hazard_names,
                           can_manage=rules.can_manage(get_access(), community_id), today=today().isoformat(),
                           **_common(community_id))


@bp.post("/community/<community_id>/risk")
@roles_required("community")
def add_risk(community_id):
    def save():
        items = [{"hazard": h, "likelihood": request.form.get(f"likelihood_{h}"),
                  "consequence": request.form.get(f"consequence_{h}"), "exposure": request.form.get(f"exposure_{h}")}
                 for h in request.form.getlist("hazards")]
        return registers.save_risk_assessment(get_store(), community_id, request.form.to_dict(), items, today=today(),
                                              actor=current_user.id)
    return _save(community_id, "risk", save, "community.risk")


# --- the map --------------------------------------------------------------------------------------------
@bp.get("/community/<community_id>/map")
@roles_required("community", "reviewer")
def map_page(community_id):
    found = _community(community_id)
    size = request.args.get("print") if request.args.get("print") in ("a4", "a3") else None
    response = current_app.make_response(render_template(
        "community/map.html", community=found, base=mapdata.base_map(get_store(), community_id),
        feature_kinds=FEATURE_KINDS, print_size=size, can_manage=rules.can_manage(get_access(), community_id),
        **_common(community_id)))
    tiles = get_settings().map_tile_url
    if tiles:  # the optional tile server: its images (and only those) may load on this page
        from urllib.parse import urlsplit

        from web.security import CSP

        origin = "{0.scheme}://{0.netloc}".format(urlsplit(tiles.replace("{s}.", "*.").replace("{", "").replace("}", "")))
        response.headers["Content-Security-Policy"] = CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")
    return response


@bp.get("/community/<community_id>/map.json")
@roles_required("community", "reviewer")
def map_json(community_id):
    _community(community_id)
    base = mapdata.base_map(get_store(), community_id)
    data = mapdata.map_data(get_store(), get_access(), community_id, cipher=cipher(),
                            base_url=url_for("community.map_image", community_id=community_id,
                                             name=base["file"]) if base else "",
                            tile_url=get_settings().map_tile_url)
    return current_app.json.response(data)


@bp.get("/community/<community_id>/map/<name>")
@roles_required("community", "reviewer")
def map_image(community_id, name):
    _community(community_id)
    try:
        path = files.path_of(data_dir(), community_id, name)
    except DomainError:
        abort(404)
    return send_file(path, mimetype="image/jpeg" if name.endswith(".jpg") else "image/png", max_age=3600)


@bp.post("/community/<community_id>/map/base")
@roles_required("community")
def upload_base(community_id):
    def save():
        data = uploaded("image")
        if not data:
            from kg.community.model import CommunityInvalid
            raise CommunityInvalid("底图：请选择图片文件")
        return mapdata.set_base_map(get_store(), community_id, data[0], data_dir=data_dir(), max_bytes=photo_limit(),
                                    now=now(), title=request.form.get("caption", ""))["id"]
    return _save(community_id, "basemap", save, "community.map_page")


@bp.post("/community/<community_id>/map/features")
@roles_required("community")
def add_feature(community_id):
    return _save(community_id, "feature", lambda: mapdata.save_feature(get_store(), community_id,
                                                                       request.form.to_dict()), "community.map_page")


# --- offline: the outbox page and the service worker ------------------------------------------------------
@bp.get("/community/<community_id>/outbox")
@roles_required("community")
def outbox(community_id):
    _community(community_id)
    return render_template("community/outbox.html", **_common(community_id))


@bp.get("/community/sw.js")
@public
def service_worker():
    """The service worker (scope /community/): caches the report form and its assets."""
    path = current_app.static_folder + "/js/community-sw.js"  # type: ignore[operator]
    response = send_file(path, mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/community/"
    return response

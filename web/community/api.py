"""The community workspace through the JSON API (/api/v1/communities/…, described in
web/static/openapi.yaml): the overview, the ledger (read, report, transitions), handling rates,
residents (masked, for those allowed) and the map.

Reports carry a ``client_id`` (a UUID the phone made): sending the same report again answers
200 with the case it made the first time instead of 201, and writes nothing.
"""

from __future__ import annotations

from flask import jsonify, request

from kg.community import access as rules
from kg.community import ledger, mapdata, residents
from kg.community.workspace import overview
from kg.errors import DomainError
from web import audit
from web.community import api_bp as bp
from web.community.helpers import (
    actor,
    check_api_csrf,
    cipher,
    data_dir,
    photo_limit,
    search_embedder,
    today,
    uploaded,
)
from web.extensions import get_access, get_settings, get_store, now
from web.security import csrf, login_required, roles_required
from web.shell import int_arg


def _error(exc_or_code, message: str | None = None):
    if isinstance(exc_or_code, DomainError):
        code, message = exc_or_code.status, exc_or_code.translated()
    else:
        code = exc_or_code
    response = jsonify(error={"code": code, "message": message or ""})
    response.status_code = code
    return response


def _reach(community_id: str):
    node = get_store().get_node(community_id) if get_access().can_reach_community(community_id) else None
    if node is None or node["label"] != "Community":
        return _error(404, "no such community, or not one this user may see")
    return None


def _case_json(case: ledger.Case) -> dict:
    return case.as_dict(today())


@bp.get("/communities/<community_id>")
@roles_required("community", "reviewer")
def community(community_id):
    if (refused := _reach(community_id)) is not None:
        return refused
    try:
        data = overview(get_store(), get_access(), community_id, now=now(), zone=get_settings().zone)
    except DomainError as exc:
        return _error(exc)
    community_props = {k: data["community"].get(k) for k in ("id", "name", "population", "households", "area_km2",
                                                               "town", "area", "sample") if k in data["community"]}
    return jsonify(community=community_props, counts=data["counts"], rate=data["rate"], grid_rates=data["grid_rates"],
                   coverage=data["coverage"], risk=data["risk"],
                   supplies={k: data["supplies"][k] for k in ("items", "expired_count", "expiring_count")}
                   | {"missing": [{"kind": m["kind"], "missing": m["missing"]} for m in data["supplies"]["missing"]]},
                   overdue=[c["id"] for c in data["overdue"]], residents=data["residents"])


@bp.get("/communities/<community_id>/cases")
@roles_required("community", "reviewer")
def cases(community_id):
    if (refused := _reach(community_id)) is not None:
        return refused
    skip = int_arg("skip", 0, 0, 1_000_000)
    limit = int_arg("limit", 50, 1, 500)
    statuses = request.args.getlist("status")
    bad = [s for s in statuses if s not in ledger.STATE_NAMES]
    if bad:
        return _error(400, f"unknown status {bad[0][:40]!r}")
    rows, total = ledger.list_cases(get_store(), community_id, statuses=statuses, grid=request.args.get("grid"),
                                    hazard=request.args.get("hazard"),
                                    overdue_on=today() if request.args.get("overdue") in ("1", "true") else None,
                                    skip=skip, limit=limit)
    items = [{k: v for k, v in r.items() if k not in ledger.PRIVATE_FIELDS} | {"overdue": ledger.is_overdue(r, today())}
             for r in rows]
    return jsonify(community=community_id, total=total, skip=skip, limit=limit, items=items)


@bp.post("/communities/<community_id>/cases")
@roles_required("community")
def report(community_id):
    check_api_csrf()
    if (refused := _reach(community_id)) is not None:
        return refused
    fields = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(fields, dict):
        return _error(400, "send a JSON object or a form")
    try:
        case, created = ledger.report_case(get_store(), actor(), community_id, fields, now=now(),
                                           client_id=fields.get("client_id") or None, photos=uploaded("photos"),
                                           data_dir=data_dir(), photo_max_bytes=photo_limit(),
                                           embedder=search_embedder())
    except DomainError as exc:
        return _error(exc)
    if created:
        audit.record("community.case.report", case.id, case.props.get("hazard", ""))
    response = jsonify(created=created, case=_case_json(case))
    response.status_code = 201 if created else 200
    return response


@bp.get("/communities/<community_id>/cases/<case_id>")
@login_required
def case(community_id, case_id):
    try:
        found = ledger.get_case(get_store(), get_access(), case_id)
    except DomainError as exc:
        return _error(exc)
    if found.community != community_id:
        return _error(404, "no such case, or not one this user may see")
    return jsonify(case=_case_json(found), allowed_actions=ledger.allowed_actions(get_access(), found))


@bp.post("/communities/<community_id>/cases/<case_id>/transitions")
@login_required
def transition(community_id, case_id):
    check_api_csrf()
    fields = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(fields, dict):
        return _error(400, "send a JSON object or a form")
    try:
        found = ledger.get_case(get_store(), get_access(), case_id)
        if found.community != community_id:
            return _error(404, "no such case, or not one this user may see")
        updated = ledger.transition(get_store(), actor(), case_id, str(fields.get("action") or ""), fields,
                                    expected_version=fields.get("version"), now=now(), today=today(),
                                    photos=uploaded("photos"), data_dir=data_dir(), photo_max_bytes=photo_limit())
    except DomainError as exc:
        return _error(exc)
    audit.record(f"community.case.{fields.get('action')}", case_id, updated.status)
    return jsonify(case=_case_json(updated), allowed_actions=ledger.allowed_actions(get_access(), updated))


@bp.get("/community-rates")
@roles_required("community", "reviewer")
def rates():
    """The handling rate of every community this user reaches (admins: all)."""
    communities = get_access().communities()
    found = ledger.handling_rates(get_store(), now=now(), communities=communities)
    return jsonify(months=ledger.RATE_MONTHS,
                   items=[dict(r.as_dict(), community=c) for c, r in sorted(found.items())])


@bp.get("/communities/<community_id>/residents")
@login_required
def resident_list(community_id):
    viewer = get_access().viewer
    if rules.residents_scope(get_store(), viewer, community_id) is None:
        return _error(404, "no such community, or not one this user may see")
    rows = residents.list_residents(get_store(), cipher(), viewer, community_id)
    return jsonify(community=community_id, items=rows)


@bp.get("/communities/<community_id>/map")
@roles_required("community", "reviewer")
def map_data(community_id):
    if (refused := _reach(community_id)) is not None:
        return refused
    from flask import url_for

    base = mapdata.base_map(get_store(), community_id)
    return jsonify(mapdata.map_data(get_store(), get_access(), community_id, cipher=cipher(),
                                    base_url=url_for("community.map_image", community_id=community_id,
                                                     name=base["file"]) if base else "",
                                    tile_url=get_settings().map_tile_url))


for _view in (report, transition):
    csrf.exempt(_view)  # checked by check_api_csrf (session cookie) or not needed (bearer token)

"""Survey pages: thin — validate the form, call kg.survey, render."""

from __future__ import annotations

import io
import logging
import random
import secrets

import segno
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from limits import RateLimitItemPerSecond

from kg.access import Viewer
from kg.errors import DomainError
from kg.survey import survey as sv
from web import audit
from web.extensions import get_access, get_settings, get_store, now
from web.i18n import _
from web.security import client_address, limiter, public, roles_required, seconds_left
from web.survey import bp
from web.survey.forms import AnswerForm, CloseForm, OpenSurveyForm

log = logging.getLogger(__name__)
DEVICE_KEY = "survey_device"


def _viewer() -> Viewer:
    return Viewer.of(current_user)


def _community_name(community_id: str) -> str:
    node = get_store().get_node(community_id)
    return (node or {}).get("properties", {}).get("name", community_id)


@bp.get("/survey/")
@roles_required("community", "reviewer")
def index():
    viewer = _viewer()
    if viewer.community and "community" in viewer.roles and not (viewer.is_reviewer or viewer.is_admin):
        return redirect(url_for("survey.community", community_id=viewer.community))
    reach = get_access().communities()
    nodes = get_store().nodes_by_label("Community", limit=5000)
    communities = [dict(n["properties"], id=n["id"]) for n in nodes if reach is None or n["id"] in reach]
    return render_template("survey/index.html", communities=sorted(communities, key=lambda c: c["id"]))


@bp.route("/survey/community/<community_id>", methods=["GET", "POST"])
@roles_required("community", "reviewer")
def community(community_id):
    viewer = _viewer()
    surveys = sv.list_surveys(get_store(), viewer, community_id)
    form = OpenSurveyForm()
    may_edit = viewer.is_admin or viewer.member_of(community_id)
    if may_edit and form.validate_on_submit():
        try:
            survey = sv.open_survey(get_store(), viewer, community_id, name=form.name.data, size=form.size.data,
                                    pass_mark=float(form.pass_mark.data) / 100, now=now())
        except DomainError as exc:
            flash(exc.translated(), "error")
        else:
            audit.record("survey.open", survey.id, survey.name)
            flash(_("问卷已开启：把链接或二维码发给居民。"), "success")
            return redirect(url_for("survey.show", survey_id=survey.id)), 303
    elif request.method == "POST" and not may_edit:
        abort(403)
    shares = {s.id: sv.results(get_store(), s).share for s in surveys}
    return render_template("survey/community.html", community_id=community_id,
                           community_name=_community_name(community_id), surveys=surveys, shares=shares,
                           form=form, may_edit=may_edit), (400 if form.errors else 200)


def _public_url(survey: sv.Survey) -> str:
    return url_for("survey.answer", slug=survey.slug, _external=True)


@bp.get("/survey/<survey_id>")
@roles_required("community", "reviewer")
def show(survey_id):
    viewer = _viewer()
    survey = sv.survey_for(get_store(), viewer, survey_id)
    res = sv.results(get_store(), survey)
    return render_template("survey/show.html", survey=survey, results=res, public_url=_public_url(survey),
                           community_name=_community_name(survey.community), target=80,
                           may_edit=viewer.is_admin or viewer.member_of(survey.community), close_form=CloseForm())


def _qr_svg(survey: sv.Survey) -> str:
    out = io.BytesIO()
    segno.make(_public_url(survey), error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                                     svgns=True, title=survey.name)
    return out.getvalue().decode("utf-8")


@bp.get("/survey/<survey_id>/qr.svg")
@roles_required("community", "reviewer")
def qr(survey_id):
    survey = sv.survey_for(get_store(), _viewer(), survey_id)
    return Response(_qr_svg(survey), mimetype="image/svg+xml")


@bp.get("/survey/<survey_id>/poster")
@roles_required("community", "reviewer")
def poster(survey_id):
    survey = sv.survey_for(get_store(), _viewer(), survey_id)
    return render_template("survey/poster.html", survey=survey, public_url=_public_url(survey),
                           community_name=_community_name(survey.community))


@bp.post("/survey/<survey_id>/close")
@roles_required("community")
def close(survey_id):
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    survey = sv.close_survey(get_store(), _viewer(), survey_id, now=now())
    audit.record("survey.close", survey.id, survey.name)
    flash(_("问卷已结束，不再接受答卷。"), "success")
    return redirect(url_for("survey.show", survey_id=survey.id)), 303


# --- the public answer sheet -------------------------------------------------------------------------

def _device() -> str:
    if not session.get(DEVICE_KEY):
        session[DEVICE_KEY] = secrets.token_hex(12)
    return session[DEVICE_KEY]


def _limited() -> int:
    """Count one answer sheet for this browser and this address; 0 when it may be kept, else the
    seconds until the window ends."""
    settings = get_settings()
    strategy = limiter()
    waits = []
    for key, limit in ((f"d:{_device()}", settings.survey_limit_device),
                       (f"a:{client_address()}", settings.survey_limit_address)):
        item = RateLimitItemPerSecond(limit, settings.survey_limit_window)
        if not strategy.hit(item, "survey", key):
            waits.append(seconds_left(item, "survey", key))
    return max(waits) if waits else 0


def _sheet(survey: sv.Survey):
    questions = sv.questions_of(get_store(), survey)
    rng = random.SystemRandom()
    return [(q, sv.shown_order(q, rng)) for q in questions]


@bp.route("/s/<slug>", methods=["GET", "POST"])
@public
def answer(slug):
    survey = sv.by_slug(get_store(), slug)
    _device()
    form = AnswerForm()
    name = _community_name(survey.community)
    if request.method == "GET" or not survey.open:
        return render_template("survey/answer.html", survey=survey, form=form, sheet=_sheet(survey),
                               community_name=name, chosen={})
    if not form.validate_on_submit():
        abort(400)
    raw = {key: request.form.getlist(key) for key in request.form if key.startswith("q-")}
    try:
        chosen = sv.parse_choices(survey, raw)
    except DomainError as exc:
        flash(exc.translated(), "error")
        picked = {k[2:]: {int(v) for v in vals if v.isdigit()} for k, vals in raw.items()}
        return render_template("survey/answer.html", survey=survey, form=form, sheet=_sheet(survey),
                               community_name=name, chosen=picked), 400
    wait = _limited()
    if wait:
        response = Response(render_template("survey/limited.html", survey=survey, community_name=name,
                                            minutes=max(1, wait // 60)), status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    if (form.website.data or "").strip():
        log.warning("survey %s: an answer sheet with the honeypot filled in was not counted", survey.id)
        return render_template("survey/thanks.html", survey=survey, community_name=name, sheet=None)
    try:
        sheet = sv.record_response(get_store(), survey, chosen, now=now())
    except DomainError as exc:
        flash(exc.translated(), "error")
        return render_template("survey/answer.html", survey=survey, form=form, sheet=_sheet(survey),
                               community_name=name, chosen={}), exc.status
    # Only the score: showing the key would let the next answer sheet from the same family's
    # phone copy it, and the survey measures what residents know.
    return render_template("survey/thanks.html", survey=survey, community_name=name, sheet=sheet)

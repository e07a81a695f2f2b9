"""Demonstration-community self-assessment pages (the engine is the ``assessments`` package):
community dashboards with reminders, the criterion-by-criterion form with evidence, results
with SVG charts, gap plans, the printable report, review, readiness, and the JSON export
``/api/v1/assessments/<id>``."""

from flask import Blueprint

bp = Blueprint("assessment", __name__)

#: Endpoints whose request may carry an upload larger than the app-wide MAX_CONTENT_LENGTH.
UPLOAD_ENDPOINTS = ("assessment.add_evidence",)


def _raise_upload_limit():
    """Uploads may be larger than the app's default request limit.  This runs before CSRF
    checking reads the form (so it is put first), and only for the evidence upload view."""
    from flask import request

    from web.extensions import get_settings

    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = get_settings().upload_max_bytes + 256 * 1024


def points(value) -> str:
    """2.50 -> "2.5", 3.0 -> "3", None -> "—"."""
    if value is None:
        return "—"
    try:
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return str(value)


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    app.before_request_funcs.setdefault(None, []).insert(0, _raise_upload_limit)
    from assessments.errors import translated

    app.jinja_env.filters["points"] = points
    app.jinja_env.globals["assessment_text"] = translated  # an engine message (or label) in the page's language
    register_nav(app, "assessment.index", _l("社区自评"), order=40, roles=("community", "reviewer", "admin"),
                 description=_l("示范社区创建标准自评、差距整改计划、审核与达标情况"))


from web.assessment import routes  # noqa: E402,F401

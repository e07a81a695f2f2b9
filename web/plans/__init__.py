"""The community comprehensive plan (社区综合应急预案): draft it from the knowledge graph for the
hazards the community faces, edit it in the browser (every save a version: who, when, what
changed), put one version in force, print it on A4 with a cover page and the version table, and
see what the standard requires and the plan lacks (the plan check).  The engine is ``kg.plans``."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "plans.index", _l("应急预案"), order=42, roles=("community", "reviewer", "admin"),
                 description=_l("由知识图谱起草社区综合应急预案：工作组职责、启动条件、预警级别，版本管理和预案检查"))


from web.plans import routes  # noqa: E402,F401

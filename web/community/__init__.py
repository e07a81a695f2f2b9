"""The community workspace (/community/<id>/…): the overview, the hazard ledger, vulnerable
residents, grids and people, shelters, supplies, teams, risk assessments and the risk map; the
same through /api/v1/communities/…; the offline report form (service worker + outbox)."""

from flask import Blueprint

bp = Blueprint("community", __name__)
api_bp = Blueprint("community_api", __name__, url_prefix="/api/v1")


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "community.workspace", _l("我的社区"), order=30, roles=("community",),
                 args=lambda user: {"community_id": user.community_id} if user.community_id else None,
                 description=_l("隐患台账、网格、脆弱人群结对、避难场所、物资、队伍和风险地图"))
    app.register_blueprint(api_bp)


from web.community import api, routes  # noqa: E402,F401

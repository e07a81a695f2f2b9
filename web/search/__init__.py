"""Semantic search pages (/search) and the JSON search endpoint (/api/v1/search)."""

from flask import Blueprint

bp = Blueprint("search", __name__)


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "search.index", _l("搜索"), order=20,
                 description=_l("用中文或英文检索经验教训、职责、预案和灾害风险，查看“该怎么做”"))


from web.search import routes  # noqa: E402,F401

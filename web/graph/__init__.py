"""Graph browsing: label lists, node pages, the neighbourhood view."""

from flask import Blueprint

bp = Blueprint("graph", __name__)


def init_app(app):
    from web.graph.names import label_name, property_name, rel_name, value_name
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "graph.index", _l("知识图谱"), order=10,
                 description=_l("浏览灾害风险、职责、组织、预案与经验教训及其关系"))
    app.jinja_env.globals.update(label_name=label_name, rel_name=rel_name, property_name=property_name,
                                 value_name=value_name)


from web.graph import routes  # noqa: E402,F401

"""Training pages: courses, units, quizzes, certificates, practice, staff tools (/training)."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")


def init_app(app):
    from curricula.errors import localised
    from web.i18n import _l
    from web.shell import register_nav
    from web.training.render import emphasis

    app.jinja_env.filters["emphasis"] = emphasis
    app.jinja_env.globals["engine_message"] = localised  # an engine message, its times in CEM_TIMEZONE
    register_nav(app, "training.home", _l("培训"), order=30,
                 description=_l("应急第一响应人课程：阅读单元、知识检查、结业考试、证书与复训"))
    register_nav(app, "training.staff", _l("培训管理"), order=80, roles=("instructor", "admin"),
                 description=_l("实操考核签认、证书到期提醒、题目分析与受训人数"))


from web.training import routes  # noqa: E402,F401

"""The lessons-learned workspace for reviewers (/lessons): add lessons in the record shape,
near-duplicate warnings, corrective actions, the overdue list and recurrence flags."""

from flask import Blueprint

bp = Blueprint("lessons", __name__, url_prefix="/lessons")


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "lessons.index", _l("经验教训"), order=25,
                 description=_l("录入经验教训、查重、跟踪整改措施和逾期事项"))


from web.lessons import routes  # noqa: E402,F401

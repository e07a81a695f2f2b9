"""Drills (应急演练) and their after-action reviews (HSEEP AAR/IP): record a drill of the plan in
force, then review it per objective — strengths, and areas for improvement with their analysis,
each turned into a lesson learned and a corrective action in the lessons workspace; the same
problem found in two drills is flagged.  The engine is ``kg.drills``."""

from flask import Blueprint

bp = Blueprint("drills", __name__, url_prefix="/drills")


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "drills.index", _l("应急演练"), order=43, roles=("community", "reviewer", "admin"),
                 description=_l("记录演练，按目标评估（做得好的、需要改进的），改进事项转为经验教训和整改措施"))


from web.drills import routes  # noqa: E402,F401

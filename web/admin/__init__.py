"""Administration: user accounts and the audit log (admins only)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "admin.users", _l("用户管理"), order=90, roles=("admin",),
                 description=_l("创建账户、分配角色、重置密码、停用账户"))
    register_nav(app, "admin.audit", _l("审计日志"), order=95, roles=("admin",),
                 description=_l("谁在何时、从何处做了哪些修改"))


from web.admin import routes  # noqa: E402,F401

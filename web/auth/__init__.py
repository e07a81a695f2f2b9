"""Sign-in, sign-out, self-registration (when enabled) and the user's own account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)


def init_app(app):
    app.config.setdefault("SELF_REGISTRATION", False)


from web.auth import routes  # noqa: E402,F401

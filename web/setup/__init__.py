"""First-run set-up: the one-time page ``/setup/<token>`` that creates the first admin.

``cem serve`` prints the URL while no active admin exists (``kg.ops.setup``); the token is
checked against the hash kept in the store, so it works whichever web worker answers, and it
stops working once the admin is created.
"""

from flask import Blueprint

bp = Blueprint("setup", __name__)

from web.setup import routes  # noqa: E402,F401

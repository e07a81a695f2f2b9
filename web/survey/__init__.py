"""The residents' knowledge survey (criterion 5.3): community editors open a survey and print
its link as a QR code; residents answer it without an account at ``/s/<slug>``; the results page
shows the share reaching the pass mark with its confidence interval and the sample size.

Abuse limits on the public form: a per-browser and a per-address rate limit (the app's
store-backed limiter, ``web.security.limiter()``), and a honeypot field.  A honeypot rather than a
proof-of-work: residents answer on old phones inside WeChat's browser, where a proof-of-work
costs them seconds and battery while it costs a script on a server almost nothing; the form
works without JavaScript; and the rate limits, not the puzzle, are what bound the volume one
device or address can send.  The honeypot is a text field hidden from people (off-screen,
``aria-hidden``, out of the tab order) that simple form-filling bots fill in; such a sheet gets
the same thank-you page and is not counted."""

from flask import Blueprint

bp = Blueprint("survey", __name__)


def init_app(app):
    from web.i18n import _l
    from web.shell import register_nav

    register_nav(app, "survey.index", _l("居民问卷"), order=44, roles=("community", "reviewer", "admin"),
                 description=_l("居民防灾避险和自救互救知识问卷：二维码、匿名答卷、掌握率及其置信区间"))


from web.survey import routes  # noqa: E402,F401

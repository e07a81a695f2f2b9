"""What every page shares, set up in one place: proxies, languages, sign-in and security,
error pages and the shell (navigation)."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_platform(app: Flask) -> None:
    from web.errors import init_errors
    from web.i18n import init_i18n
    from web.requestlog import init_request_log
    from web.security import init_security
    from web.shell import init_shell

    settings = app.extensions["cem_settings"]
    app.config["JSON_AS_ASCII"] = False
    init_request_log(app)  # request ids and the access log, inside ProxyFix (the client's address)
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    init_i18n(app)
    init_security(app)
    init_errors(app)
    init_shell(app)


__all__ = ["init_platform"]

"""Request ids and the server's two logs: the access log and the error log.

Every request gets an id (16 hex characters, or a well-formed ``X-Request-ID`` that a trusted
reverse proxy sent): it is on every log line written while the request runs, in the
``X-Request-ID`` response header, and on the 500 page, so a person who reports an error can
quote it and the operator can find the matching lines.

* The **access log** (logger ``cem.access``) has one line per request in the Combined Log Format
  (Apache/nginx) followed by the request id and the time taken::

    127.0.0.1 - - [06/Dec/2026:14:07:23 +0000] "GET /search?q=x HTTP/1.1" 200 5120 "-" "curl/8" rid=4f2a… 12.3ms

* The **error log** (every other logger) has ``time [pid] [LEVEL] [request id] logger: message``
  — the layout of gunicorn's error log, with the request id added (``-`` outside a request).

Both go to standard error (systemd's journal, or a file the service manager names), at the level
of ``CEM_LOG_LEVEL``.  The same middleware runs under waitress, gunicorn and the debug server.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g

ACCESS_LOGGER = "cem.access"
HEADER = "X-Request-ID"
ENVIRON_KEY = "cem.request_id"
ERROR_FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] [%(request_id)s] %(name)s: %(message)s"
#: Paths whose rest is a secret (never written to the log).
SECRET_PATH = "/setup/"
#: An id a proxy may hand us: letters, digits, - and _, at most 64 characters.
GOOD_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("cem_request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the request being served by this thread, or ``-``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class AccessFormatter(logging.Formatter):
    """Access records carry their line ready-made."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


def configure_logging(level: str = "INFO", stream=None) -> None:
    """Send the error log and the access log to ``stream`` (standard error) at ``level``.
    Called once by ``cem serve`` (and by each gunicorn worker); replaces earlier handlers of
    the root logger so that lines are never written twice."""
    stream = stream or sys.stderr
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_cem", False):
            root.removeHandler(handler)
    errors = logging.StreamHandler(stream)
    errors._cem = True  # type: ignore[attr-defined]
    errors.setFormatter(logging.Formatter(ERROR_FORMAT))
    errors.addFilter(RequestIdFilter())
    root.addHandler(errors)
    root.setLevel(level)
    access = logging.getLogger(ACCESS_LOGGER)
    for handler in list(access.handlers):
        if getattr(handler, "_cem", False):
            access.removeHandler(handler)
    line = logging.StreamHandler(stream)
    line._cem = True  # type: ignore[attr-defined]
    line.setFormatter(AccessFormatter())
    access.addHandler(line)
    access.setLevel(logging.INFO)
    access.propagate = False
    # waitress logs each queue overflow and socket error on its own logger: keep them, with ids.
    logging.getLogger("waitress").setLevel(level)


def _without_secret(url: str | None) -> str | None:
    """A referring URL without the set-up token (the set-up page refers to itself)."""
    if url and SECRET_PATH in url:
        return url.split(SECRET_PATH, 1)[0] + SECRET_PATH + "…"
    return url


def _clf_time(at: float) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(at))


def _quote(value: str | None) -> str:
    if not value:
        return "-"
    return value.replace("\\", "\\\\").replace('"', '\\"')


class InFlight:
    """Counts requests inside the app, so that a server can wait for them before it stops."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def enter(self) -> None:
        with self._lock:
            self._count += 1

    def leave(self) -> None:
        with self._lock:
            self._count -= 1
            if self._count == 0:
                self._idle.notify_all()

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def wait_idle(self, timeout: float) -> bool:
        """True when no request is in the app (waits up to ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
            return True


class RequestLogMiddleware:
    """WSGI middleware: gives each request its id, counts it in flight, and writes its access
    line when the response has been sent (or the client went away)."""

    def __init__(self, app: Callable, *, trust_incoming_id: bool, in_flight: InFlight):
        self.app = app
        self.trust_incoming_id = trust_incoming_id
        self.in_flight = in_flight
        self.log = logging.getLogger(ACCESS_LOGGER)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if self.trust_incoming_id and GOOD_ID.match(incoming) else uuid.uuid4().hex[:16]
        environ[ENVIRON_KEY] = request_id
        token = current_request_id.set(request_id)
        started = time.time()
        state: dict[str, Any] = {"status": "-", "bytes": 0}

        def logged_start_response(status, headers, exc_info=None):
            state["status"] = status.split(" ", 1)[0]
            headers = [(k, v) for k, v in headers if k.lower() != HEADER.lower()] + [(HEADER, request_id)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        self.in_flight.enter()
        try:
            body = self.app(environ, logged_start_response)
        except BaseException:
            current_request_id.reset(token)
            self.in_flight.leave()
            state["status"] = "500"
            self._write(environ, request_id, started, state)
            raise
        current_request_id.reset(token)
        return _ClosingBody(body, self, environ, request_id, started, state)

    def _write(self, environ: dict, request_id: str, started: float, state: dict) -> None:
        if not self.log.isEnabledFor(logging.INFO):
            return
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if environ.get("PATH_INFO", "").startswith(SECRET_PATH):
            path = environ.get("SCRIPT_NAME", "") + SECRET_PATH + "…"  # the one-time set-up token
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        request_line = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        size = state["bytes"] or "-"
        self.log.info(
            '%s - %s [%s] "%s" %s %s "%s" "%s" rid=%s %.1fms',
            environ.get("REMOTE_ADDR") or "-", environ.get("REMOTE_USER") or "-", _clf_time(started),
            _quote(request_line), state["status"], size, _quote(_without_secret(environ.get("HTTP_REFERER"))),
            _quote(environ.get("HTTP_USER_AGENT")), request_id, (time.time() - started) * 1000)


class _ClosingBody:
    """The response body, counted as it is sent; closing it ends the request."""

    def __init__(self, body, middleware: RequestLogMiddleware, environ, request_id, started, state):
        self.body, self.middleware = body, middleware
        self.environ, self.request_id, self.started, self.state = environ, request_id, started, state

    def __iter__(self):
        token = current_request_id.set(self.request_id)
        try:
            for chunk in self.body:
                self.state["bytes"] += len(chunk)
                yield chunk
        finally:
            current_request_id.reset(token)

    def close(self) -> None:
        token = current_request_id.set(self.request_id)
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            current_request_id.reset(token)
            self.middleware.in_flight.leave()
            self.middleware._write(self.environ, self.request_id, self.started, self.state)


def request_id() -> str:
    """The current request's id (``-`` outside a request)."""
    try:
        return g.cem_request_id
    except (AttributeError, RuntimeError):
        return current_request_id.get()


def init_request_log(app: Flask) -> None:
    """Wrap the app (inside ``ProxyFix``, so the logged address is the client's) and show the
    request id to templates (the 500 page prints it)."""
    from flask import request

    settings = app.extensions["cem_settings"]
    in_flight = InFlight()
    app.extensions["cem_in_flight"] = in_flight
    app.wsgi_app = RequestLogMiddleware(app.wsgi_app, trust_incoming_id=bool(settings.trusted_proxies),  # type: ignore[method-assign]
                                        in_flight=in_flight)

    @app.before_request
    def _remember_request_id():
        g.cem_request_id = request.environ.get(ENVIRON_KEY) or uuid.uuid4().hex[:16]

    @app.context_processor
    def _request_id_for_templates():
        return {"request_id": request_id()}


__all__ = [
    "ACCESS_LOGGER",
    "ERROR_FORMAT",
    "HEADER",
    "InFlight",
    "RequestIdFilter",
    "configure_logging",
    "init_request_log",
    "request_id",
]

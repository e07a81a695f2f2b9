"""One way to answer an error: the error page for browsers, JSON under ``/api/``.

``DomainError`` (``kg.errors``: every engine's errors) is answered with its status and its
message in the request's language; ``StoreUnavailable`` (the graph database cannot be reached:
every driver error that means "try later") with 503 and a ``Retry-After`` hint; other store
errors and anything unexpected with 500 (logged).  Views that show an engine error inside a
form catch it themselves; everything else reaches these handlers.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kg.errors import DomainError
from kg.store import StoreError, StoreUnavailable
from web.i18n import _l

log = logging.getLogger(__name__)

RETRY_SECONDS = 10

ERROR_TEXT = {
    400: (_l("请求有误"), _l("请求的内容不完整或格式不对。请返回上一页检查后重试。")),
    401: (_l("需要登录"), _l("请先登录。")),
    403: (_l("无权访问"), _l("您的账户没有打开此页面的权限。如需访问，请联系管理员。")),
    404: (_l("页面不存在"), _l("找不到您要的页面或条目，它可能已被删除，或链接有误。")),
    405: (_l("请求方式不允许"), _l("此页面不接受这种请求方式。")),
    409: (_l("操作冲突"), _l("当前状态不允许这项操作，或内容已被他人修改。请刷新页面后重试。")),
    413: (_l("内容过大"), _l("提交的内容超过了允许的大小。")),
    415: (_l("文件类型不支持"), _l("不支持这种文件类型。")),
    429: (_l("尝试次数过多"), _l("请求过于频繁，请稍后再试。")),
    500: (_l("服务器出错"), _l("处理请求时出现意外错误，已记录。请稍后再试。")),
    503: (_l("服务暂不可用"), _l("图数据库暂时无法访问，请稍后再试；您刚才的操作没有保存，可以稍后重新提交。")),
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, message: str | None = None, *, retry_after: int | None = None,
                   reason: str | None = None):
    """The error page (or JSON under /api/) for ``code``, with ``message`` or the default text.
    ``reason`` is a fixed word for scripts (e.g. ``csrf``: fetch a fresh token and try again),
    which must not have to read the message: it is in the reader's language."""
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500] if code >= 500 else ERROR_TEXT[400])
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    if is_api_request():
        error = {"code": code, "message": str(message or title)}
        if reason:
            error["reason"] = reason
        response = jsonify(error=error)
        response.status_code = code
        response.headers.update(headers)
        if code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="cem"'
        return response
    try:
        return render_template("errors/error.html", code=code, title=title, text=message or text), code, headers
    except Exception:
        log.exception("error page %s could not be rendered", code)
        return f"{code} {title}", code, dict(headers, **{"Content-Type": "text/plain; charset=utf-8"})


def _http_error(exc: HTTPException):
    code = exc.code or 500
    if code == 400 and isinstance(exc, CSRFError):
        return error_response(400, str(_l("表单已过期或缺少安全令牌，请刷新页面后重试。")), reason="csrf")
    if exc.response is not None:  # abort(some_response)
        return exc.response
    return error_response(code)


def _domain_error(exc: DomainError):
    return error_response(exc.status, exc.translated(), retry_after=exc.retry_after)


def _store_error(exc: StoreError):
    if isinstance(exc, StoreUnavailable):
        log.warning("store unavailable on %s: %s", request.path, exc)
        return error_response(503, retry_after=RETRY_SECONDS)
    log.error("store error on %s: %s", request.path, exc)
    return error_response(500)


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    if current_app.testing or current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise exc
    log.exception("unexpected error on %s", request.path, exc_info=exc)
    return error_response(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(Exception, _unexpected)


__all__ = ["ERROR_TEXT", "error_response", "init_errors", "is_api_request"]

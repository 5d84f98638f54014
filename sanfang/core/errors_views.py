"""Error pages that say, in the user's language, what happened and what to do (issue 8 item 5, issue 10.5).

400 and 413 come from `handler400` (Django reports an over-large request as a SuspiciousOperation), 403/404/500 from
their handlers (500 turns a database outage into 503 and a full disk into 507), a CSRF failure from CSRF_FAILURE_VIEW,
and 405 and 429 from `ErrorPagesMiddleware`: Django's own 405 has an empty body, and a rate limit or any other rule
error that no view caught would otherwise be a 500.

Under /api/ every one of them is JSON in the API's one error shape, `{"detail": "…"}` (sanfang/api.py): an unknown
path, a method the path does not take, a request refused before the API saw it (a NUL in the query string, an
over-large body) or a server error is answered as the API's clients parse every other error (issue 10 item 2:
schemathesis found HTML answers to API requests, tests/security/test_api_fuzzing.py).
"""

import logging
import sys

from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import DomainError
from .storage import is_disk_full

logger = logging.getLogger(__name__)


def _pages() -> dict[int, tuple[str, str]]:
    """Status → (title, what happened and what to do)."""
    return {
        400: (
            _("请求有误"),
            _("页面收到的内容不完整或格式不对，没有保存任何内容。请返回上一页，检查填写的内容后重新提交。"),
        ),
        405: (
            _("不能这样打开此页面"),
            _("此地址只接受表单提交，不能直接打开或刷新。请返回上一页，通过页面上的按钮操作。"),
        ),
        413: (
            _("上传的内容太大"),
            _("提交的文件或内容超过了允许的大小，没有保存任何内容。请压缩照片或减少附件数量后重新提交。"),
        ),
        429: (
            _("操作太频繁"),
            _("短时间内提交次数过多，为防止滥用已暂时拦截，没有保存本次内容。请过一会儿再试。"),
        ),
    }


def _page(request, status: int, detail: str = "") -> HttpResponse:
    title, advice = _pages()[status]
    return render(
        request, "errors/page.html", {"title": title, "advice": advice, "detail": detail}, status=status
    )


def _api_error(status: int, detail: str, **headers) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, headers=headers, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request, exception=None):
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    if _is_api(request):
        if too_big:
            return _api_error(413, _("提交的内容超过了允许的大小。"))
        # A BadRequest raised on purpose carries its own message (e.g. a NUL in the query string).
        message = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
        return _api_error(400, message or _("请求内容不完整或格式不对，没有保存任何内容。"))
    return _page(request, 413 if too_big else 400)


def forbidden(request, exception=None):
    if _is_api(request):
        return _api_error(403, _("您无权进行此操作。"))
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    if _is_api(request):
        return _api_error(404, _("没有这个接口：请核对地址（接口说明见 /api/v1/docs）。"))
    return render(request, "errors/404.html", status=404)


def _fault(exc: BaseException | None) -> tuple[int, str, str] | None:
    """Faults of the platform's surroundings, not bugs: the database away, the disk full (issue 10.5)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return (
            503,
            _("系统暂时无法访问数据库"),
            _("数据库暂时连接不上，您这次提交的内容没有保存。请过一两分钟再试；恢复后一切照常。"),
        )
    if is_disk_full(exc):
        return (
            507,
            _("服务器存储空间已满"),
            _(
                "服务器存储空间已满，这次上传没有保存（也没有留下不完整的文件）。请稍后再试，并告知平台管理员。"
            ),
        )
    return None


def server_error(request):
    """Called by Django inside the `except` of an unhandled error, so `sys.exc_info()` is that error."""
    fault = _fault(sys.exc_info()[1])
    if fault is None:
        if _is_api(request):  # the same words as the page (errors/500.html)
            return _api_error(
                500,
                _(
                    "处理您的请求时发生了错误，您填写的内容没有被保存一半：要么全部保存，要么完全没有变化。请稍后再试；问题持续时请联系平台管理员。"
                ),
            )
        return render(request, "errors/500.html", status=500)
    status, title, message = fault
    if status == 503:
        _drop_broken_connections()
    logger.error("request failed: %s (%s %s)", title, request.method, request.path, exc_info=True)
    headers = {"Retry-After": "60"} if status == 503 else {}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, headers=headers)
    # Rendered without the request's context processors: they read the database, which may be away.
    html = render_to_string("errors/unavailable.html", {"title": title, "message": message})
    return HttpResponse(html, status=status, headers=headers)


def _drop_broken_connections() -> None:
    """Close a connection the server dropped, so the next request opens a new one (the database came back)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own page is in English and speaks of cookies and referers."""
    return render(request, "errors/csrf.html", status=403)


class ErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # django-ninja's 405 is text/html "Method not allowed"; Django's own has an empty body.
        if response.status_code == 405 and _is_api(request) and not _is_json(response):
            allowed = response.get("Allow", "")
            return _api_error(
                405,
                _("此接口不接受 %(method)s 请求，可用的方法：%(allowed)s。")
                % {"method": request.method, "allowed": allowed},
                Allow=allowed,
            )
        if response.status_code == 405 and not response.content:
            page = _page(request, 405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response

    def process_exception(self, request, exception):
        if _is_api(request) or not isinstance(exception, DomainError):
            return None
        status = exception.status if exception.status in (400, 429) else 400
        page = _page(request, status, exception.message)
        if retry_after := getattr(exception, "retry_after", None):  # a rate limit says when its window ends
            page["Retry-After"] = str(retry_after)
        return page


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")

"""Error pages that say, in the user's language, what happened and what to do."""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .storage import is_disk_full

logger = logging.getLogger(__name__)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
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

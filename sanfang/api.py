"""The JSON API: one NinjaAPI at /api/v1/ mounting each app's router (each app keeps its own api.py)."""

from __future__ import annotations

import importlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from sanfang.core.api_auth import AUTH
from sanfang.core.errors import DomainError

api = NinjaAPI(
    title="三方联动平台 API",
    version="1",
    description=(
        "社区党组织领导下的居委会、业委会、物业服务企业三方联动平台接口。浏览器使用会话登录（写操作需 CSRF 令牌），"
        '系统集成使用个人 API 令牌：`Authorization: Bearer sf_…`。错误统一返回 `{"detail": "…"}`。'
    ),
    auth=AUTH,
    urls_namespace="api",
)


def _error(request, message, status, **extra):
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.message, exc.status, **({"field": exc.field} if exc.field else {}))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, str(exc) or _("您无权进行此操作。"), 403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, _("对象不存在，或不在您的工作范围内。"), 404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, _("请先登录，或在 Authorization 头中提供有效的 API 令牌。"), 401)


@api.exception_handler(ValidationError)
def on_django_validation(request, exc: ValidationError):
    return _error(request, "；".join(exc.messages), 400)


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc: NinjaValidationError):
    return _error(request, _("提交的数据格式不正确。"), 422, errors=exc.errors)


for app in (
    "directory",
    "core",
    "meetings",
    "cases",
    "publicity",
    "bulletins",
    "reports",
    "appraisal",
    "campaigns",
):
    try:
        module = importlib.import_module(f"sanfang.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"sanfang.{app}.api":
            raise
        continue
    api.add_router(f"/{app}/", module.router)

"""The JSON API: one NinjaAPI at /api/v1/ mounting each app's router (each app keeps its own api.py)."""

from __future__ import annotations

import functools
import importlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from sanfang.core.api_auth import AUTH
from sanfang.core.errors import DomainError

# The one error shape every handler below returns, documented on every operation so that the OpenAPI document
# describes every answer the API can give (schemathesis checks it: tests/security/test_api_fuzzing.py).
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "field": {"title": "Field", "type": "string"},
        "errors": {"title": "Errors", "type": "array", "items": {"type": "object"}},
    },
    "required": ["detail"],
}
# Marked with gettext_noop and translated when the document is built, in the reader's language (see below).
ERROR_RESPONSES = {
    "400": gettext_noop("请求不符合业务规则。"),
    "401": gettext_noop("未登录，或 API 令牌无效。"),
    "403": gettext_noop("无权进行此操作。"),
    "404": gettext_noop("对象不存在，或不在您的工作范围内。"),
    "409": gettext_noop("对象已被他人修改，请刷新后重试。"),
    "413": gettext_noop("请求体过大。"),
    "422": gettext_noop("提交的数据格式不正确。"),
    "429": gettext_noop("操作过于频繁，请稍后再试。"),
}


def in_requested_language(view):
    """The OpenAPI document and its page in the language asked for: `?lang=en`, else the reader's choice (profile
    or language switch), else the Accept-Language of the integrator's tool, else Chinese. Unlike the pages
    (Chinese unless chosen, core.middleware.LanguageMiddleware), a machine client's header is honoured here.
    The document is built for every request, never cached, and says which language it is in."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        supported = dict(settings.LANGUAGES)
        user = getattr(request, "user", None)
        choices = [
            request.GET.get("lang", ""),
            getattr(user, "language", "") if user is not None and user.is_authenticated else "",
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            translation.get_language_from_request(request),
        ]
        language = next((c for c in choices if c in supported), settings.LANGUAGE_CODE)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapper


def _translated(text):
    return gettext(text) if isinstance(text, str) and text else text


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class NulInBody(ValueError):
    """A JSON body holding a NUL character (django-ninja turns the parser's error into its HttpError 400)."""


def _nul_message() -> str:
    return _("提交的内容中含有无效字符（NUL），没有保存任何内容。")


class RefuseNulParser(Parser):
    """PostgreSQL refuses NUL in every text column (a 500 there, found by schemathesis) and no field of the platform
    means one: a JSON body holding one is refused with a 400 before any view sees it, on every database alike. (A NUL
    in the query string is refused earlier, by sanfang.core.middleware.RefuseNulMiddleware; the API takes no forms.)"""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _holds_nul(data):
            raise NulInBody
        return data


class SanfangAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The document in the active language: titles, summaries and answers are catalogue entries (operation
        summaries are extracted from the `summary=` of each route by `sanfang makemessages_py`)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        info = schema.get("info", {})
        for key in ("title", "description"):
            info[key] = _translated(info.get(key))
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["summary"] = _translated(operation.get("summary"))
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status == "401" and not operation.get("security"):
                        continue  # an open operation never asks for credentials
                    if status not in responses and int(status) not in responses:
                        responses[status] = {"description": gettext(description), "content": ref}
        return schema


api = SanfangAPI(
    title=gettext_noop("三方联动平台 API"),
    version="1",
    description=gettext_noop(
        "社区党组织领导下的居委会、业委会、物业服务企业三方联动平台接口。浏览器使用会话登录（写操作需 CSRF 令牌），"
        '系统集成使用个人 API 令牌：`Authorization: Bearer sf_…`。错误统一返回 `{"detail": "…"}`。'
        "本文档默认为中文；英文版：`?lang=en` 或 `Accept-Language: en`。"
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_decorator=in_requested_language,
    parser=RefuseNulParser(),
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
    return _error(request, _("；").join(exc.messages), 400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # django-ninja's own refusals are in English; the one a caller meets is an unreadable body.
    message = str(exc)
    if isinstance(exc.__cause__, NulInBody):
        message = _nul_message()
    elif message.startswith("Cannot parse request body"):
        message = "请求内容无法解析：请以 UTF-8 编码的 JSON（或表单）提交，并设置正确的 Content-Type。"
    return _error(request, message, exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _error(request, _("提交的内容超过了允许的大小。"), 413)


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

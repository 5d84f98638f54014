"""Request-scoped context (client address, acting user) that services read without taking the request."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


@dataclass
class RequestContext:
    ip: str | None = None
    user_id: int | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "sanfang_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request) -> str | None:
    # Behind a proxy set SANFANG_TRUST_X_FORWARDED_FOR=1; otherwise the header is client-controlled and ignored.
    import os

    if os.environ.get("SANFANG_TRUST_X_FORWARDED_FOR") == "1":
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        ctx = RequestContext(ip=client_ip(request), user_id=getattr(user, "pk", None))
        token = _current.set(ctx)
        # A signed-in person's chosen language wins over the browser's.
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class LanguageMiddleware(LocaleMiddleware):
    """Chinese unless the person chose English (switch cookie or profile), whatever the browser prefers.

    The users are Chinese offices and residents; many of their phones and office PCs send an English
    Accept-Language, and a page half in the language of an untranslated string is worse than either.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """A NUL character in the query string is never meaningful, and PostgreSQL refuses it in any text comparison
    (a 500 otherwise): answer 400 before a view filters with it. Form fields refuse NUL by themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            from django.core.exceptions import BadRequest

            raise BadRequest(_("请求地址中含有无效字符。"))
        return self.get_response(request)

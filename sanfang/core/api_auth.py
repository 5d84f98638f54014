"""API authentication: the browser's session, or a personal API token (`Authorization: Bearer sf_…`)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.utils import timezone, translation
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken

TOKEN_PREFIX = "sf_"  # noqa: S105 - a public prefix, not a secret


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(person, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(person=person, name=name, prefix=raw[:10], digest=_digest(raw))
    return token, raw


def person_for_token(raw: str):
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(digest=_digest(raw), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is not None:
            request.user = person
            # The middleware ran before the token was read: answer in the person's own language (issue 8.3).
            if person.language:
                translation.activate(person.language)
                request.LANGUAGE_CODE = translation.get_language()
        return person


class SessionAuth(APIKeyCookie):
    """Django's session cookie; unsafe methods also need the CSRF token, as for any form."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # ninja's cookie auth checks the CSRF token in its own _get_key: keep that (an override that only read
        # the cookie let a session POST through without the token). No session cookie -> not this method.
        if request.COOKIES.get(self.param_name) is None:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class OptionalAuth:
    """Lets anonymous callers through (public fields only) while still recognising a session or token."""

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            person = person_for_token(header[7:].strip())
            if person is not None:
                request.user = person
        return True


session_auth = SessionAuth(csrf=True)
token_auth = TokenAuth()
AUTH = [token_auth, session_auth]
OPTIONAL_AUTH = [OptionalAuth()]

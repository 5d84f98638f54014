"""Issue 10, item 7: SANFANG_ENV=production refuses an insecure configuration, and the secure one it accepts
turns on HTTPS-only cookies, HSTS, the SSL redirect and a cache shared by every web process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sanfang import settings as sanfang_settings

ROOT = Path(__file__).resolve().parents[3]
SECRET = "q7Vx-production-secret-key-for-the-tests-9f3KpLm2Zr8TnW4"


def _production_env(tmp_path, **overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("SANFANG_", "DJANGO_", "DATABASE_URL", "EMAIL_", "SECURE_", "SECRET_KEY", "DEBUG")
        )
    }
    env.update(
        SANFANG_ENV="production",
        SANFANG_VAR_DIR=str(tmp_path),
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="sanfang.example.cn",
        SITE_URL="https://sanfang.example.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        DJANGO_SETTINGS_MODULE="sanfang.settings",
    )
    env.update(overrides)
    return env


def _run(tmp_path, code: str, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(tmp_path, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SESSION_COOKIE_AGE")}
    | {"cache": s.CACHES["default"]["BACKEND"]}))
"""


def test_production_settings_turn_on_secure_cookies_hsts_ssl_redirect_and_a_shared_cache(tmp_path):
    result = _run(tmp_path, SHOW)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["DEBUG"] is False
    assert got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"]
    assert got["SESSION_COOKIE_HTTPONLY"] and got["CSRF_COOKIE_HTTPONLY"]
    assert got["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert got["SECURE_HSTS_SECONDS"] >= 31536000 and got["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert got["SECURE_SSL_REDIRECT"] and got["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
    assert got["SECURE_CONTENT_TYPE_NOSNIFF"] and got["X_FRAME_OPTIONS"] == "DENY"
    assert got["SESSION_COOKIE_AGE"] == 12 * 3600
    assert got["cache"].endswith("FileBasedCache")  # rate limits hold across gunicorn workers


def test_production_refuses_to_start_with_debug_on_an_http_site_url_and_a_wildcard_host(tmp_path):
    result = _run(tmp_path, SHOW, DEBUG="1", SITE_URL="http://sanfang.example.cn", ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "Insecure production configuration" in result.stderr
    for words in ("DEBUG must be off", "SITE_URL must be https://", "ALLOWED_HOSTS"):
        assert words in result.stderr


def _secure() -> dict:
    """The configuration production runs with (as the subprocess above proves), in the refusal's terms."""
    cfg = {name: getattr(sanfang_settings, name) for name in dir(sanfang_settings) if name.isupper()}
    cfg.update(
        DEBUG=False,
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS=["sanfang.example.cn"],
        SITE_URL="https://sanfang.example.cn",
        CSRF_TRUSTED_ORIGINS=["https://sanfang.example.cn"],
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        SECURE_HSTS_SECONDS=31536000,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}},
    )
    return cfg


def test_the_secure_production_configuration_passes_the_refusal_check():
    assert sanfang_settings.insecure_production_problems(_secure()) == []


INSECURE = [
    ({"DEBUG": True}, "DEBUG must be off"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"SECRET_KEY": "django-insecure-" + "a" * 50}, "SECRET_KEY"),
    ({"SECRET_KEY": "x" * 60}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": []}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": ["*"]}, "ALLOWED_HOSTS"),
    ({"SITE_URL": "http://sanfang.example.cn"}, "SITE_URL must be https://"),
    ({"CSRF_TRUSTED_ORIGINS": ["http://sanfang.example.cn"]}, "CSRF_TRUSTED_ORIGINS"),
    ({"SESSION_COOKIE_SECURE": False}, "must be Secure"),
    ({"CSRF_COOKIE_SECURE": False}, "must be Secure"),
    ({"CSRF_COOKIE_HTTPONLY": False}, "must be HttpOnly"),
    ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE"),
    ({"SECURE_HSTS_SECONDS": 0}, "HSTS"),
    ({"SESSION_COOKIE_AGE": 30 * 86400}, "sessions expire"),
    ({"LOGIN_FAILURE_LIMIT": 0}, "lock-out"),
    ({"LOGIN_LOCKOUT_MINUTES": 0}, "lock-out"),
    (
        {"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {"style-src": ["'self'", "'unsafe-inline'"]}}},
        "Content-Security-Policy",
    ),
    ({"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}, "cache"),
]


@pytest.mark.parametrize(("change", "named"), INSECURE, ids=[named for _c, named in INSECURE])
def test_production_refuses_each_insecure_setting_and_names_it(change, named):
    problems = sanfang_settings.insecure_production_problems(_secure() | change)
    assert len(problems) == 1 and named in problems[0]


@pytest.mark.django_db
def test_with_production_settings_plain_http_is_redirected_and_https_answers_carry_hsts_and_secure_cookies(
    world, client, settings
):
    from sanfang.core.testing import PASSWORD

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    plain = client.get("/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    page = client.get("/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies[settings.CSRF_COOKIE_NAME]["secure"]
    signed_in = client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD}, secure=True)
    assert signed_in.status_code == 302
    assert signed_in.cookies[settings.SESSION_COOKIE_NAME]["secure"]

"""The interface shell and the platform's edges: health check, OpenAPI, language switch, large-type mode,
every role landing on its to-dos, and production settings passing `check --deploy`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sanfang.core.testing import PASSWORD, PERSONAS

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"] == "ok"
    assert data["vendor"]


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_openapi_schema_is_valid_json_with_the_directory_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/directory/me",
        "/api/v1/directory/places",
        "/api/v1/directory/places/{code}",
        "/api/v1/directory/places/{code}/organisations",
    ):
        assert path in paths, path
    assert client.get("/api/v1/docs").status_code == 200


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login/").content.decode()
    assert '<html lang="zh-Hans"' in page
    assert "登录三方联动平台" in page and "手机号或用户名" in page


def test_login_page_is_english_after_the_language_switch(client):
    response = client.post("/preferences/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response.url == "/login/"
    page = client.get("/login/").content.decode()
    assert '<html lang="en"' in page
    assert "Sign in" in page
    assert "登录三方联动平台" not in page
    client.post("/preferences/", {"language": "zh-hans", "next": "/login/"})
    assert "登录三方联动平台" in client.get("/login/").content.decode()


def test_a_signed_in_persons_language_is_kept_on_the_profile(world, login):
    client = login(world.rc_member)
    client.post("/preferences/", {"language": "en", "next": "/todos/"})
    world.rc_member.refresh_from_db()
    assert world.rc_member.language == "en"
    client.cookies.pop("django_language", None)
    assert '<html lang="en"' in client.get("/todos/").content.decode()


def test_the_language_switch_ignores_unknown_languages_and_external_targets(client):
    response = client.post("/preferences/", {"language": "fr", "next": "https://evil.example/"})
    assert response.url == "/"
    assert "django_language" not in response.cookies


def test_large_type_toggle_sets_the_class_on_html(client):
    assert 'class="large-type"' not in client.get("/login/").content.decode()
    client.post("/preferences/", {"large_type": "1", "next": "/login/"})
    assert '<html lang="zh-Hans" class="large-type">' in client.get("/login/").content.decode()
    client.post("/preferences/", {"large_type": "0", "next": "/login/"})
    assert 'class="large-type"' not in client.get("/login/").content.decode()


def test_large_type_is_remembered_on_the_profile(world, client):
    client.post("/login/", {"username": world.resident.phone, "password": PASSWORD})
    client.post("/preferences/", {"large_type": "1", "next": "/todos/"})
    world.resident.refresh_from_db()
    assert world.resident.large_type
    client.post("/logout/")
    client.post("/login/", {"username": world.resident.phone, "password": PASSWORD})  # a fresh session
    assert 'class="large-type"' in client.get("/todos/").content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_lands_on_todos_after_login(world, client, persona):
    person = getattr(world, persona)
    if persona == "admin":
        person.phone = "13600000000"
        person.save(update_fields=["phone"])
    response = client.post("/login/", {"username": person.phone, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/todos/"
    page = client.get("/todos/")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert client.get("/").url == "/todos/"


def test_home_page_for_visitors_and_todos_need_login(client):
    assert client.get("/").status_code == 200
    response = client.get("/todos/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_unknown_page_gives_the_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_manage_check_deploy_passes_with_production_settings(tmp_path):
    root = Path(__file__).resolve().parents[3]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SANFANG_", "DJANGO_", "DATABASE_URL", "EMAIL_", "SECURE_"))
    }
    env.update(
        SANFANG_ENV="production",
        SECRET_KEY="x" * 20 + "-production-secret-key-for-the-check-0123456789",
        ALLOWED_HOSTS="sanfang.example.cn",
        SITE_URL="https://sanfang.example.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        DJANGO_SETTINGS_MODULE="sanfang.settings",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and command, fixed arguments
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANFANG_", "SECRET_KEY", "DJANGO_"))}
    env.update(
        SANFANG_ENV="production",
        ALLOWED_HOSTS="sanfang.example.cn",
        SITE_URL="https://sanfang.example.cn",
        DJANGO_SETTINGS_MODULE="sanfang.settings",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and command, fixed arguments
        [sys.executable, "-m", "django", "check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_chinese_stays_the_default_even_when_the_browser_prefers_english(client):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录三方联动平台" in html
    client.cookies["django_language"] = "en"
    assert "登录三方联动平台" not in client.get("/login/").content.decode()


def test_the_unread_badge_counts_the_persons_unread_messages_only(login, world):
    """Issue 9: the count is a plain query now; it counts this person's unread messages, not others' or read ones."""
    from django.utils import timezone

    from sanfang.core.models import Message

    for k in range(3):
        Message.objects.create(recipient=world.rc_member, subject=f"通知{k}", key=f"t:{k}")
    Message.objects.create(recipient=world.rc_member, subject="已读", key="t:read", read_at=timezone.now())
    Message.objects.create(recipient=world.oc_member, subject="别人的", key="t:other")
    body = login(world.rc_member).get("/todos/").content.decode()
    assert '<span class="badge" aria-label="3 条未读">3</span>' in body
    assert login(world.oc_member).get("/todos/").context["unread_count"] == 1

"""Issue 10, item 7 for accounts: TOTP codes cannot be replayed, login, second step and sign-up are rate
limited with a Chinese 429 answer, and sessions expire after SESSION_COOKIE_AGE whatever the activity."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from django.conf import settings

from sanfang.core.testing import PASSWORD
from sanfang.directory.auth import accept_totp
from sanfang.directory.models import Person

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def _with_totp(person) -> pyotp.TOTP:
    person.totp_secret, person.totp_enabled = pyotp.random_base32(), True
    person.save(update_fields=["totp_secret", "totp_enabled"])
    return pyotp.TOTP(person.totp_secret)


def test_totp_code_accepted_once_is_refused_when_replayed_within_its_window(world):
    person = world.rc_member
    totp = _with_totp(person)
    with time_machine.travel(START, tick=False):
        code = totp.now()
        assert accept_totp(person, code)
        assert not accept_totp(person, code)  # the same code again, same step
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        assert not accept_totp(person, code)  # still inside the ±1 step window, still spent
        assert accept_totp(person, totp.now())  # the next step's code is fresh
    person.refresh_from_db()
    assert person.totp_last_step == totp.timecode(START + dt.timedelta(seconds=30))


def test_totp_code_of_an_earlier_step_is_refused_after_a_later_one_was_used(world):
    person = world.rc_member
    totp = _with_totp(person)
    with time_machine.travel(START, tick=False):
        earlier = totp.now()
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        assert accept_totp(person, totp.now())
        assert not accept_totp(person, earlier)  # valid within the window, but older than the last one used


def test_totp_replayed_code_cannot_complete_a_second_login(world, client):
    person = world.rc_member
    totp = _with_totp(person)
    with time_machine.travel(START, tick=False):
        code = totp.now()
        client.post("/login/", {"username": person.phone, "password": PASSWORD})
        assert client.post("/login/verify/", {"code": code}).status_code == 302
        client.logout()
        client.post("/login/", {"username": person.phone, "password": PASSWORD})
        replay = client.post("/login/verify/", {"code": code})
        assert replay.status_code == 200 and "验证码不正确或已过期。" in replay.content.decode()
        assert not client.get("/todos/").wsgi_request.user.is_authenticated


def test_totp_accepts_only_six_digits(world):
    _with_totp(world.rc_member)
    assert not accept_totp(world.rc_member, "")
    assert not accept_totp(world.rc_member, "12345a")
    assert not accept_totp(world.rc_member, "1234567")


def test_login_is_rate_limited_per_address_with_a_chinese_429(world, client, settings):
    settings.RATE_LIMITS = {"login": "3/m"}
    for _ in range(3):
        assert client.post("/login/", {"username": "nobody", "password": "x"}).status_code == 200
    response = client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD})
    assert response.status_code == 429
    assert "操作太频繁，请稍后再试。" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated  # even the right password waits


def test_second_login_step_is_rate_limited_with_a_chinese_429(world, client, settings):
    settings.RATE_LIMITS = {"login.totp": "2/m"}
    _with_totp(world.rc_member)
    client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD})
    for _ in range(2):
        assert client.post("/login/verify/", {"code": "000000"}).status_code == 200
    response = client.post("/login/verify/", {"code": "000000"})
    assert response.status_code == 429 and "操作太频繁" in response.content.decode()


def test_registration_is_rate_limited_with_a_chinese_429_and_nothing_stored(world, client, settings):
    settings.RATE_LIMITS = {"register": "1/h"}

    def register(phone):
        return client.post(
            f"/directory/register/?compound={world.compound_a1.code}",
            {
                "name": "李秀英",
                "phone": phone,
                "password": "a-long-pass-phrase",
                "compound": world.compound_a1.pk,
                "building": world.building_a1.pk,
                "room": "2单元 301",
                "relation": "owner",
            },
        )

    assert register("13712345678").status_code == 302
    client.logout()
    response = register("13712345679")
    assert response.status_code == 429 and "操作太频繁" in response.content.decode()
    assert not Person.objects.filter(phone="13712345679").exists()


def test_session_expires_after_session_cookie_age_even_with_activity(world, client):
    """Session expiry: SESSION_COOKIE_AGE (a working day) from sign-in, not from the last click."""
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(START, tick=False):
        client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD})
        assert client.get("/todos/").status_code == 200
    with time_machine.travel(START + age - dt.timedelta(minutes=5), tick=False):
        assert client.get("/todos/").status_code == 200  # busy all day
    with time_machine.travel(START + age + dt.timedelta(minutes=1), tick=False):
        response = client.get("/todos/")
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_session_and_csrf_cookies_are_httponly_and_samesite_lax(world, client):
    response = client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == settings.SESSION_COOKIE_AGE
    page = client.get("/directory/me/")
    csrf = page.cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies.get(settings.CSRF_COOKIE_NAME)
    assert csrf is not None and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_a_session_read_from_its_cache_ends_at_sign_out_and_at_a_password_change(world, client):
    """Issue 9: sessions are read from a cache (settings.SESSION_ENGINE, cached_db); a copy of the cookie taken
    before the sign-out or before the password changed signs nobody in afterwards."""
    from django.test import Client

    def replay(cookie: str) -> bool:
        other = Client()
        other.cookies[settings.SESSION_COOKIE_NAME] = cookie
        return other.get("/todos/").wsgi_request.user.is_authenticated

    client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert replay(cookie)
    client.post("/logout/")
    assert not replay(cookie)

    client.post("/login/", {"username": world.rc_member.phone, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert replay(cookie)
    person = Person.objects.get(pk=world.rc_member.pk)
    person.set_password("another-long-password-2026")
    person.save()
    assert not replay(cookie)

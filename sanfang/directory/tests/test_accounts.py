"""Accounts: login by phone or username, Chinese error messages, lock-out, TOTP for staff, resident sign-up
verified by the Residents' Committee or the company serving the compound, and personal API tokens."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from sanfang.core.api_auth import issue_token
from sanfang.core.models import ApiToken, AuditEvent
from sanfang.core.testing import PASSWORD
from sanfang.directory.models import Person, Residency
from sanfang.directory.scopes import Role, get_scope

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def test_login_by_phone_number_lands_on_todos(world, client):
    response = _login(client, world.rc_member.phone)
    assert response.status_code == 302 and response.url == "/todos/"
    assert client.get("/todos/").wsgi_request.user == world.rc_member
    assert AuditEvent.objects.filter(actor=world.rc_member, verb="login").exists()


def test_login_by_phone_number_with_country_code_and_spaces(world, client):
    phone = world.rc_member.phone
    response = _login(client, f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}")
    assert response.status_code == 302


def test_login_by_username(world, client):
    world.admin.username = "pingtai"
    world.admin.save(update_fields=["username"])
    response = _login(client, "pingtai")
    assert response.status_code == 302 and response.url == "/todos/"


def test_wrong_password_is_refused_with_a_chinese_message(world, client):
    response = _login(client, world.rc_member.phone, "wrong-password")
    assert response.status_code == 200
    assert "手机号（用户名）或密码不正确。" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_unknown_account_gets_the_same_message(world, client):
    response = _login(client, "13900000000", "whatever-password")
    assert "手机号（用户名）或密码不正确。" in response.content.decode()


def test_empty_form_asks_for_both_fields_in_chinese(client, db):
    page = client.post("/login/", {}).content.decode()
    assert "请填写手机号或用户名。" in page and "请填写密码。" in page


def test_login_keeps_a_safe_next_and_ignores_an_external_one(world, client):
    assert _login(client, world.rc_member.phone, next="/inbox/").url == "/inbox/"
    client.logout()
    assert _login(client, world.rc_member.phone, next="https://evil.example/").url == "/todos/"


def test_lockout_after_repeated_failures_even_the_right_password_fails_until_it_expires(world, client):
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    phone = world.rc_member.phone
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            _login(client, phone, "wrong-password")
        person = Person.objects.get(pk=world.rc_member.pk)
        assert person.is_locked
        response = _login(client, phone)  # the right password
        assert response.status_code == 200
        assert "账号已暂时锁定" in response.content.decode()
        assert not response.wsgi_request.user.is_authenticated
    with time_machine.travel(start + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 1), tick=False):
        assert _login(client, phone).status_code == 200  # still locked
    with time_machine.travel(start + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1), tick=False):
        response = _login(client, phone)
        assert response.status_code == 302
    person.refresh_from_db()
    assert person.failed_logins == 0


def test_a_success_resets_the_failure_count(world, client):
    phone = world.rc_member.phone
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, phone, "wrong-password")
    assert _login(client, phone).status_code == 302
    client.logout()
    _login(client, phone, "wrong-password")
    assert not Person.objects.get(pk=world.rc_member.pk).is_locked


def test_inactive_person_cannot_log_in(world, client):
    world.rc_member.is_active = False
    world.rc_member.save(update_fields=["is_active"])
    assert _login(client, world.rc_member.phone).status_code == 200


def _enable_totp(client, person) -> str:
    """The enable flow on the profile page: start, read the secret, confirm with a first code."""
    client.force_login(person, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    assert client.post("/directory/me/totp/", {"action": "start"}).status_code == 302
    person.refresh_from_db()
    secret = person.totp_secret
    assert secret and not person.totp_enabled
    assert secret in client.get("/directory/me/").content.decode()
    client.post("/directory/me/totp/", {"action": "confirm", "code": "000000"})
    person.refresh_from_db()
    assert not person.totp_enabled  # a wrong first code does not switch it on
    client.post("/directory/me/totp/", {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    person.refresh_from_db()
    assert person.totp_enabled
    client.logout()
    return secret


def test_totp_for_staff_login_then_requires_the_code(world, client):
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        secret = _enable_totp(client, world.rc_member)
    # Half a minute later: the code that switched it on is spent (no replay), the next one is fresh.
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        response = _login(client, world.rc_member.phone)
        assert response.status_code == 302 and response.url == "/login/verify/"
        assert not client.get("/todos/").wsgi_request.user.is_authenticated  # not signed in yet
        bad = client.post("/login/verify/", {"code": "123456"})
        assert "验证码不正确或已过期。" in bad.content.decode()
        good = client.post("/login/verify/", {"code": pyotp.TOTP(secret).now()})
        assert good.status_code == 302 and good.url == "/todos/"
        assert client.get("/todos/").wsgi_request.user == world.rc_member
    assert AuditEvent.objects.filter(actor=world.rc_member, verb="totp.enable").exists()


def test_totp_verify_without_a_pending_login_goes_back_to_login(client, db):
    response = client.get("/login/verify/")
    assert response.status_code == 302 and response.url == "/login/"


def test_residents_cannot_turn_on_totp(world, login):
    assert login(world.resident).post("/directory/me/totp/", {"action": "start"}).status_code == 403


def test_staff_can_turn_totp_off_again(world, client):
    _enable_totp(client, world.rc_member)
    client.force_login(world.rc_member, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    client.post("/directory/me/totp/", {"action": "disable"})
    world.rc_member.refresh_from_db()
    assert not world.rc_member.totp_enabled and world.rc_member.totp_secret == ""


def _register(client, world, phone="13712345678", **extra):
    data = {
        "name": "李秀英",
        "phone": phone,
        "password": "a-long-pass-phrase",
        "compound": world.compound_a1.pk,
        "building": world.building_a1.pk,
        "room": "2单元 301",
        "relation": Residency.Relation.OWNER,
        **extra,
    }
    return client.post(f"/directory/register/?compound={world.compound_a1.code}", data)


def test_resident_registers_against_a_compound_and_is_pending(world, client):
    assert client.get(f"/directory/register/?compound={world.compound_a1.code}").status_code == 200
    response = _register(client, world)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(phone="13712345678")
    residency = Residency.objects.get(person=person)
    assert residency.status == Residency.Status.PENDING and residency.compound == world.compound_a1
    assert get_scope(person).roles == frozenset()
    assert client.get("/todos/").wsgi_request.user == person  # signed in right away


def test_registration_refuses_a_taken_phone_with_a_chinese_message(world, client):
    response = _register(client, world, phone=world.rc_member.phone)
    assert response.status_code == 200
    assert "该手机号已注册，请直接登录。" in response.content.decode()


def test_registration_refuses_a_building_of_another_compound(world, client):
    from sanfang.directory.models import Building

    other = Building.objects.create(compound=world.compound_a2, name="9栋")
    response = _register(client, world, building=other.pk)
    assert response.status_code == 200
    assert not Person.objects.filter(phone="13712345678").exists()


@pytest.fixture
def pending(world, client):
    _register(client, world)
    client.logout()
    return Residency.objects.get(person__phone="13712345678")


def test_residents_committee_verifies_a_pending_resident(world, pending, login):
    client = login(world.rc_member)
    page = client.get("/directory/residents/pending/")
    assert "李秀英" in page.content.decode()
    response = client.post(f"/directory/residents/{pending.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Residency.Status.VERIFIED and pending.verified_by == world.rc_member
    assert Role.RESIDENT in get_scope(Person.objects.get(pk=pending.person_id)).roles
    assert AuditEvent.objects.for_target(pending).filter(verb="residency.verify").exists()


def test_the_company_serving_the_compound_verifies_a_pending_resident(world, pending, login):
    login(world.company_head).post(f"/directory/residents/{pending.pk}/decide/", {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.status == Residency.Status.VERIFIED and pending.verified_by == world.company_head


def test_another_company_cannot_see_or_verify_the_resident(world, pending, login):
    client = login(world.other_company_head)
    assert "李秀英" not in client.get("/directory/residents/pending/").content.decode()
    response = client.post(f"/directory/residents/{pending.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Residency.Status.PENDING


def test_rejecting_needs_a_reason(world, pending, login):
    client = login(world.rc_member)
    response = client.post(f"/directory/residents/{pending.pk}/decide/", {"decision": "reject"}, follow=True)
    assert "不通过时请写明原因" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Residency.Status.PENDING
    client.post(f"/directory/residents/{pending.pk}/decide/", {"decision": "reject", "reason": "查无此房号"})
    pending.refresh_from_db()
    assert pending.status == Residency.Status.REJECTED and pending.reject_reason == "查无此房号"


def test_a_decided_residency_cannot_be_decided_again(world, pending, login):
    from sanfang.core.errors import RuleViolation
    from sanfang.directory.services import verify_residency

    verify_residency(actor=world.rc_member, residency=pending, approve=True)
    with pytest.raises(RuleViolation):
        verify_residency(actor=world.company_head, residency=pending, approve=False, reason="x")


def test_api_token_bearer_authenticates_and_a_revoked_token_gets_401(world, client, login):
    token, raw = issue_token(world.rc_member, "集成")
    response = client.get("/api/v1/directory/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["id"] == world.rc_member.pk
    assert any(r["role"] == Role.RESIDENTS_COMMITTEE for r in response.json()["roles"])
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Revoke through the profile page.
    owner = login(world.rc_member)
    assert owner.post(f"/directory/me/tokens/{token.pk}/revoke/").status_code == 302
    owner.logout()
    revoked = client.get("/api/v1/directory/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert revoked.status_code == 401
    assert "detail" in revoked.json()


def test_a_made_up_token_and_no_credentials_get_401(world, client):
    assert client.get("/api/v1/directory/me", HTTP_AUTHORIZATION="Bearer sf_madeup").status_code == 401
    assert client.get("/api/v1/directory/me").status_code == 401


def test_tokens_are_created_on_the_profile_page_and_only_their_hash_is_stored(world, login):
    client = login(world.rc_member)
    client.post("/directory/me/tokens/", {"name": "数据报送"})
    page = client.get("/directory/me/").content.decode()
    token = ApiToken.objects.get(person=world.rc_member)
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("sf_") and raw not in token.digest
    assert raw not in client.get("/directory/me/").content.decode()  # shown once
    # Someone else cannot revoke it.
    assert login(world.company_head).post(f"/directory/me/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_of_a_deactivated_person_no_longer_works(world, client):
    _token, raw = issue_token(world.rc_member, "x")
    Person.objects.filter(pk=world.rc_member.pk).update(is_active=False)
    assert client.get("/api/v1/directory/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_logout_is_post_only(world, login):
    client = login(world.rc_member)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert not client.get("/todos/").wsgi_request.user.is_authenticated


def test_the_lock_message_names_the_configured_lockout_time(world, client, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            _login(client, world.rc_member.phone, "wrong-password")
        page = _login(client, world.rc_member.phone).content.decode()
    assert "30" in page

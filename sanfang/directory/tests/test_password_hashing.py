"""Passwords are stored as Argon2id with RFC 9106's parameters for limited memory (sanfang/directory/hashers.py):
a login no longer makes a web worker allocate Django's default 100 MiB (issue 9, peak memory per worker), and
hashes made with the old parameters keep working and are upgraded at their owner's next login."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import override_settings

from sanfang.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

# Production's list (the test settings put a fast MD5 hasher first).
PRODUCTION = {"PASSWORD_HASHERS": ["sanfang.directory.hashers.Argon2PasswordHasher"]}


@override_settings(**PRODUCTION)
def test_passwords_are_hashed_with_argon2id_three_passes_over_64_mib_in_four_lanes():
    algorithm, variety, version, params, _salt, _hash = make_password(PASSWORD).split("$")
    assert (algorithm, variety, version) == ("argon2", "argon2id", "v=19")
    assert params == "m=65536,t=3,p=4"


@override_settings(**PRODUCTION)
def test_a_password_hashed_with_djangos_defaults_still_logs_in_and_is_upgraded(world, client):
    person = world.rc_member
    person.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    person.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in person.password
    response = client.post("/login/", {"username": person.phone, "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert "m=65536,t=3,p=4" in person.password and person.check_password(PASSWORD)
    assert client.post("/logout/").status_code == 302
    assert client.post("/login/", {"username": person.phone, "password": "wrong-password"}).status_code == 200

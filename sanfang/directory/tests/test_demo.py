"""The demo county: every role populated, idempotent, and it refuses to mix with real data."""

import pytest
from django.core.management import CommandError, call_command

from sanfang.core.demo import DEMO_PASSWORD
from sanfang.directory.demo import PERSONAS
from sanfang.directory.models import Organisation, OrgKind, Person, Place
from sanfang.directory.scopes import Role, get_scope

pytestmark = pytest.mark.django_db


def test_demo_populates_every_role_with_a_login(client):
    call_command("demo", verbosity=0)
    roles = set()
    for username, _label in PERSONAS:
        person = Person.objects.get(username=username)
        assert person.check_password(DEMO_PASSWORD)
        roles |= get_scope(person).roles
    assert roles == set(Role.ALL)
    assert Place.objects.filter(name="阳新县", code="420222").exists()
    assert Organisation.objects.filter(kind=OrgKind.PARTY_ORG).count() == Place.objects.communities().count()


def test_demo_persona_logs_in_and_lands_on_todos(client):
    call_command("demo", verbosity=0)
    response = client.post("/login/", {"username": "office", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/todos/"
    assert "我的待办" in client.get("/todos/").content.decode()


def test_demo_is_idempotent():
    call_command("demo", verbosity=0)
    counts = (Place.objects.count(), Person.objects.count())
    call_command("demo", verbosity=0)
    assert (Place.objects.count(), Person.objects.count()) == counts


def test_demo_refuses_a_database_with_real_data():
    from sanfang.core.testing import make_place

    make_place("county", name="真实县", code="999999")
    with pytest.raises(CommandError):
        call_command("demo", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0)  # make run: skips quietly
    assert not Place.objects.filter(is_demo=True).exists()

"""Issue 10 item 8 (PIPL): a resident's copy of their data, deletion on request, and the retention sweep."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from sanfang.cases import services as cases
from sanfang.cases.models import Case, CasePhoto, Status
from sanfang.core import tick
from sanfang.core.errors import RuleViolation
from sanfang.core.models import AuditEvent, Message
from sanfang.core.testing import PASSWORD
from sanfang.directory import privacy
from sanfang.directory.models import Person, Residency

pytestmark = pytest.mark.django_db


def _photo(name="p.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _report(world, person, **kw) -> Case:
    return cases.submit_case(
        actor=person,
        compound=world.compound_a1,
        category="sanitation",
        title="楼道堆放杂物",
        description="三单元楼道长期堆放杂物，影响通行",
        reporter_name=person.name,
        reporter_contact=person.phone,
        **kw,
    )


def test_resident_downloads_a_zip_of_everything_kept_about_them(world, login, media):
    resident = world.resident
    case = _report(world, resident, photos=[_photo()])
    client = login(resident)
    assert reverse("directory:my-data") in client.get(reverse("directory:profile")).content.decode()

    response = client.get(reverse("directory:my-data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["person"]["phone"] == resident.phone
    assert data["residencies"][0]["room"] == Residency.objects.get(person=resident).room
    [reported] = data["cases_reported"]
    assert reported["tracking_no"] == case.tracking_no
    assert reported["reporter_contact"] == resident.phone
    photo = CasePhoto.objects.get(case=case)
    assert archive.read(f"case_photos/{photo.image.name}") == photo.image.open("rb").read()
    assert data["files"] == [f"case_photos/{photo.image.name}"]
    assert AuditEvent.objects.filter(verb="privacy.export", actor=resident).count() == 1


def test_staff_member_downloads_their_positions_and_trail(world, login):
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(login(world.epmc_lead).get(reverse("directory:my-data")).content)).read(
            "data.json"
        )
    )
    assert data["positions"][0]["contact"] == "0714-7300001"
    assert data["person"]["phone"] == world.epmc_lead.phone


def test_nobody_can_export_another_persons_data(world):
    with pytest.raises(PermissionDenied):
        privacy.export_archive(actor=world.rc_member, person=world.resident)


def test_anonymous_visitor_is_sent_to_log_in_for_the_data_export(client):
    response = client.get(reverse("directory:my-data"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_resident_erases_their_account_and_the_case_stays_on_the_public_record_anonymised(
    world, login, media
):
    resident = world.resident
    phone = resident.phone
    case = _report(world, resident)
    entered = cases.submit_case(  # entered by the grid worker for the resident, with the resident's phone
        actor=world.grid_worker,
        compound=world.compound_a1,
        category="facility",
        title="路灯不亮",
        description="二号楼前路灯坏了三天",
        reporter_name=resident.name,
        reporter_contact=phone,
        source="grid",
    )
    trail_before = list(AuditEvent.objects.order_by("id").values_list("id", "actor_label", "summary"))
    client = login(resident)

    response = client.post(reverse("directory:erase-account"), {"password": PASSWORD})

    assert response.status_code == 302
    person = Person.objects.get(pk=resident.pk)
    assert (person.name, person.phone, person.username, person.email) == (privacy.ERASED_NAME, None, None, "")
    assert not person.is_active and not person.has_usable_password()
    assert not Residency.objects.filter(person=person).exists()
    assert not Message.objects.filter(recipient=person).exists()
    for c in Case.objects.filter(pk__in=[case.pk, entered.pk]):
        assert (c.reporter_id, c.reporter_name, c.reporter_contact) == (None, "", "")
    assert Case.objects.filter(tracking_no=case.tracking_no, description=case.description).exists()
    # The audit trail is untouched and records the erasure itself.
    assert (
        list(
            AuditEvent.objects.filter(id__in=[t[0] for t in trail_before])
            .order_by("id")
            .values_list("id", "actor_label", "summary")
        )
        == trail_before
    )
    assert AuditEvent.objects.filter(verb="privacy.erase", target_id=str(person.pk)).count() == 1
    # Signed out, and the phone can no longer log in.
    assert client.get(reverse("directory:profile")).status_code == 302
    assert not client.login(username=phone, password=PASSWORD)


def test_erasure_with_a_wrong_password_changes_nothing(world, login):
    client = login(world.resident)
    response = client.post(reverse("directory:erase-account"), {"password": "wrong"})
    assert response.status_code == 400
    assert "密码不正确" in response.content.decode()
    person = Person.objects.get(pk=world.resident.pk)
    assert person.name == world.resident.name and person.is_active
    assert Residency.objects.filter(person=person).exists()
    assert not AuditEvent.objects.filter(verb="privacy.erase").exists()


def test_staff_holding_a_current_position_cannot_erase_their_own_account(world, login):
    client = login(world.rc_member)
    page = client.get(reverse("directory:erase-account")).content.decode()
    assert "请先由所在组织结束您的职务" in page
    client.post(reverse("directory:erase-account"), {"password": PASSWORD})
    assert Person.objects.get(pk=world.rc_member.pk).is_active
    with pytest.raises(RuleViolation):
        privacy.erase_person(actor=world.rc_member, person=world.rc_member, password=PASSWORD)


def _close(case: Case, at: dt.datetime) -> None:
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=at)


def test_retention_sweep_clears_contacts_and_photos_after_their_periods(
    world, media, settings, django_capture_on_commit_callbacks
):
    settings.SANFANG = {
        **settings.SANFANG,
        "CASE_CONTACT_RETENTION_DAYS": 30,
        "CASE_PHOTO_RETENTION_DAYS": 90,
    }
    start = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        closed = _report(world, world.resident, photos=[_photo()])
        still_open = _report(world, world.other_resident, photos=[_photo()])
        _close(closed, timezone.now())
    photo = CasePhoto.objects.get(case=closed)
    path = media / photo.image.name
    assert path.exists()
    assert "privacy.case_retention" in [e.name for e in tick.registered()]

    tick.run_all(start + dt.timedelta(days=29), only=["privacy.case_retention"])
    assert Case.objects.get(pk=closed.pk).reporter_contact == world.resident.phone

    with time_machine.travel(start + dt.timedelta(days=31), tick=False):
        tick.run_all(timezone.now(), only=["privacy.case_retention"])
    c = Case.objects.get(pk=closed.pk)
    assert (c.reporter_name, c.reporter_contact) == ("", "")
    assert path.exists()  # photos are kept longer than contacts

    with (
        time_machine.travel(start + dt.timedelta(days=91), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tick.run_all(timezone.now(), only=["privacy.case_retention"]) == {"privacy.case_retention": 1}
        assert tick.run_all(timezone.now(), only=["privacy.case_retention"]) == {"privacy.case_retention": 0}
    assert not CasePhoto.objects.filter(case=closed).exists() and not path.exists()
    # An open case keeps its contact and photos, however old.
    assert Case.objects.get(pk=still_open.pk).reporter_contact == world.other_resident.phone
    assert CasePhoto.objects.filter(case=still_open).exists()
    assert AuditEvent.objects.filter(verb="privacy.retention").count() == 2


# Roles that call the reporter back see the phone; oversight roles only need to know that there is one.
FULL_PHONE = [
    "rc_member",
    "epmc_lead",
    "party_secretary",
    "compound_party_head",
    "oc_member",
    "company_head",
    "grid_worker",
    "admin",
]
MASKED_PHONE = ["street_official", "county_official"]


@pytest.mark.parametrize("persona", FULL_PHONE + MASKED_PHONE)
def test_reporter_phone_is_masked_on_staff_page_and_api_for_roles_that_do_not_call_back(
    world, client, persona
):
    phone = "13912345678"
    case = cases.submit_case(
        actor=None,
        compound=world.compound_a1,
        category="sanitation",
        title="垃圾清运不及时",
        description="三号楼旁垃圾桶满溢两天",
        reporter_name="王小明",
        reporter_contact=phone,
    )
    client.force_login(getattr(world, persona), backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    page = client.get(reverse("cases:detail", args=[case.pk]))
    api = client.get(f"/api/v1/cases/{case.pk}")
    assert page.status_code == 200 and api.status_code == 200
    html, data = page.content.decode(), api.json()
    if persona in MASKED_PHONE:
        assert phone not in html and "王小明" not in html
        assert "139****5678" in html and "王**" in html
        assert (data["reporter_contact"], data["reporter_name"]) == ("139****5678", "王**")
    else:
        assert phone in html and "王小明" in html
        assert (data["reporter_contact"], data["reporter_name"]) == (phone, "王小明")


def test_reporter_is_not_shown_at_all_to_residents_or_the_public(world, client):
    case = cases.submit_case(
        actor=None,
        compound=world.compound_a1,
        category="sanitation",
        title="垃圾清运不及时",
        description="三号楼旁垃圾桶满溢两天",
        reporter_name="王小明",
        reporter_contact="13912345678",
    )
    cases.classify_case(actor=world.epmc_lead, case=case, case_class="routine")
    public = client.get(reverse("cases:public", args=[case.tracking_no])).content.decode()
    assert "1391234" not in public and "王小明" not in public and "5678" not in public


def test_erasure_cancels_unsent_emails_to_the_person_and_blanks_the_log_of_sent_ones(world):
    from sanfang.core.models import Delivery

    resident = world.resident
    Person.objects.filter(pk=resident.pk).update(email="wang@example.cn")
    resident.refresh_from_db()
    sent = Delivery.objects.create(
        key="e1", channel="email", address=resident.email, subject="s", body="您的问题已办结", status="sent"
    )
    pending = Delivery.objects.create(
        key="e2", channel="email", address=resident.email, subject="s", body="b"
    )
    privacy.erase_person(actor=resident, person=resident, password=PASSWORD)
    sent.refresh_from_db()
    pending.refresh_from_db()
    assert (sent.status, sent.address, sent.body) == ("sent", "", "")
    assert (pending.status, pending.address, pending.body) == ("failed", "", "")

"""WN-1: EPMC members and activities, the special work records document, the idle flag."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from docx import Document

from sanfang.campaigns import documents, services, sweeps
from sanfang.campaigns.models import EpmcActivity, EpmcIdleFlag
from sanfang.core.errors import RuleViolation
from sanfang.core.models import Message
from sanfang.core.testing import appoint


def _record(world, **over):
    kw = {
        "community": world.community_a,
        "date": dt.date(2026, 2, 26),
        "kind": EpmcActivity.Kind.INSPECTION,
        "title": "春季环境卫生巡查",
        "content": "巡查幸福家园、和谐苑公共区域",
        "participants": [world.epmc_lead, world.rc_member],
        "other_participants": "物业项目经理",
    }
    kw.update(over)
    return services.record_epmc_activity(actor=world.epmc_lead, **kw)


def test_wn1_epmc_members_come_from_directory_positions(world):
    member = appoint(
        __import__("sanfang.core.testing", fromlist=["make_person"]).make_person(), world.epmc_a, "委员"
    )
    people = [p.person for p in services.epmc_members(world.community_a)]
    assert world.epmc_lead in people and member.person in people
    assert world.rc_member not in people  # an RC member not in charge of the EPMC


def test_wn1_rc_records_an_activity_with_participants_and_attachments(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = _record(world, files=[SimpleUploadedFile("签到表.pdf", b"%PDF-1.4", "application/pdf")])
    assert set(activity.participants.all()) == {world.epmc_lead, world.rc_member}
    assert activity.attachments.get().name == "签到表.pdf"


@pytest.mark.parametrize(
    "persona", ["company_head", "oc_member", "other_street_official", "resident", "street_official"]
)
def test_wn1_others_cannot_record_epmc_activities(world, persona):
    with pytest.raises(PermissionDenied):
        services.record_epmc_activity(
            actor=getattr(world, persona),
            community=world.community_a,
            date=dt.date(2026, 2, 26),
            kind="meeting",
            title="x",
            content="x",
            other_participants="x",
        )


def test_wn1_activity_needs_content_participants_and_a_past_date(world):
    with pytest.raises(RuleViolation, match="参加人员"):
        _record(world, participants=[], other_participants="")
    with pytest.raises(RuleViolation, match="晚于今天"):
        _record(world, date=dt.date(2026, 3, 3))
    assert not EpmcActivity.objects.exists()


def test_wn1_special_work_records_docx_for_a_period_names_people_per_jm3(world):
    _record(world)
    _record(world, date=dt.date(2026, 1, 5), title="一月例会", kind="meeting")
    _record(world, date=dt.date(2025, 6, 1), title="去年的活动")
    data = documents.epmc_records_docx(world.community_a, dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "专项工作资料" in text
    assert "活动记录（共 2 次）" in text
    assert "一月例会" in text and "去年的活动" not in text
    lead = world.epmc_lead.name
    assert text.count(f"城东社区居民委员会委员{lead}") == 1  # position + name at the first mention only
    assert text.count(lead) >= 3


@override_settings(SANFANG={"EPMC_IDLE_DAYS": 20, "MEETING_LEAD_DAYS": 21})
def test_wn1_community_without_epmc_activity_is_flagged_to_the_street_and_cleared_by_the_next(world, frozen):
    _record(world, date=dt.date(2026, 2, 10))
    from django.utils import timezone

    created = sweeps.epmc_idle(timezone.now())
    flagged = set(EpmcIdleFlag.objects.active().values_list("community_id", flat=True))
    assert flagged == {world.community_b.pk}  # A was active 2026-02-10, within 20 working days
    assert created == 1
    frozen.move_to(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC))
    sweeps.epmc_idle(timezone.now())
    assert EpmcIdleFlag.objects.active().filter(community=world.community_a).exists()
    assert Message.objects.filter(
        recipient=world.street_official, subject__contains="长期未开展活动"
    ).exists()
    assert sweeps.epmc_idle(timezone.now()) == 0  # idempotent
    _record(world, date=dt.date(2026, 3, 19))
    assert not EpmcIdleFlag.objects.active().filter(community=world.community_a).exists()
    assert EpmcIdleFlag.objects.filter(community=world.community_a, cleared_at__isnull=False).exists()


def test_wn1_activities_visible_within_scope(world):
    _record(world)
    assert EpmcActivity.objects.visible_to(world.street_official).count() == 1
    assert EpmcActivity.objects.visible_to(world.party_secretary).count() == 1
    assert not EpmcActivity.objects.visible_to(world.other_street_official).exists()
    assert not EpmcActivity.objects.visible_to(world.company_head).exists()


def test_wn1_attachments_download_only_within_scope(world, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    activity = _record(world, files=[SimpleUploadedFile("签到表.pdf", b"%PDF-1.4", "application/pdf")])
    url = reverse("campaigns:epmc-attachment", args=[activity.attachments.get().pk])
    response = login(world.street_official).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4"
    assert login(world.company_head).get(url).status_code == 404

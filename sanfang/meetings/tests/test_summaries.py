"""JM-6: half-year and annual summaries drafted from the data, signed off by the convener, submitted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import Message
from sanfang.core.testing import appraisal_subjects, batch_matches_each
from sanfang.meetings import hooks, services
from sanfang.meetings.models import Resolution, SignedDocumentLocked, Summary

TZ = dt.timezone(dt.timedelta(hours=8))


def _hold(world, year, month, frozen):
    meeting, _ = services.create_regular_meeting(world.community_a, year, month)
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title="停车"
    )
    services.screen_item(actor=world.epmc_lead, item=item, decision="accept")
    frozen.move_to(dt.datetime(meeting.date.year, meeting.date.month, meeting.date.day, 10, tzinfo=TZ))
    for p in meeting.participants.all():
        services.record_attendance(
            actor=world.epmc_lead,
            participant=p,
            present=p.role != "property_company" or p.person_id == world.company_head.pk,
            reason="出差",
        )
    services.mark_held(actor=world.epmc_lead, meeting=meeting)
    return meeting


@pytest.fixture
def half_year(world, frozen):
    frozen.move_to(dt.datetime(2026, 2, 1, 9, tzinfo=TZ))
    feb = _hold(world, 2026, 2, frozen)
    r1 = services.add_resolution(
        actor=world.epmc_lead, meeting=feb, text="a", owner=world.company_x, working_days=3
    )
    r2 = services.add_resolution(
        actor=world.epmc_lead, meeting=feb, text="b", owner=world.oc_a1, working_days=3
    )
    services.add_progress(actor=world.company_head, resolution=r1, text="完成", done=True)
    frozen.move_to(dt.datetime(2026, 4, 6, 9, tzinfo=TZ))
    _hold(world, 2026, 4, frozen)
    frozen.move_to(dt.datetime(2026, 7, 3, 9, tzinfo=TZ))
    return r1, r2


def test_jm6_half_year_summary_is_drafted_from_the_data(world, half_year):
    s = services.generate_summary(
        actor=world.epmc_lead, community=world.community_a, kind="half_year", year=2026, half=1
    )
    f = s.figures
    assert f["meetings_due"] == 3  # Feb, Apr, Jun
    assert f["meetings_held"] == 2 and f["held_on_schedule"] == 2
    assert f["resolutions_total"] == 2 and f["resolutions_done"] == 1 and f["resolutions_on_time"] == 1
    assert f["resolutions_overdue"] == 1
    # Two raised items plus the follow-up (督办) of the resolution overdue by April.
    assert f["items_total"] == 3
    assert {k["kind"]: k["n"] for k in f["items_by_kind"]} == {"common": 2, "follow_up": 1}
    pc = next(a for a in f["attendance"] if a["role"] == "property_company")
    assert pc["invited"] == 4 and pc["present"] == 2
    assert "应召开例会 3 次" in s.narrative
    assert s.period_start == dt.date(2026, 1, 1) and s.period_end == dt.date(2026, 6, 30)


def test_jm6_summary_is_editable_then_signed_by_the_convener_and_submitted(world, half_year):
    s = services.generate_summary(
        actor=world.epmc_lead, community=world.community_a, kind="annual", year=2026
    )
    s = services.edit_summary(
        actor=world.epmc_lead, summary=s, version=1, narrative="情况", suggestions="建议"
    )
    with pytest.raises(Conflict):
        services.edit_summary(actor=world.epmc_lead, summary=s, version=1, narrative="x", suggestions="")
    with pytest.raises(RuleViolation):
        services.submit_summary(actor=world.epmc_lead, summary=s)
    with pytest.raises(PermissionDenied):
        services.sign_summary(actor=world.epmc_lead, summary=s, version=s.version)
    with pytest.raises(Conflict):
        services.sign_summary(actor=world.party_secretary, summary=s, version=1)
    services.sign_summary(actor=world.party_secretary, summary=s, version=s.version)
    services.submit_summary(actor=world.epmc_lead, summary=s)
    s.refresh_from_db()
    assert s.submitted_at is not None
    assert Message.objects.filter(
        recipient=world.party_secretary, key=f"meetings:summary:{s.pk}:submitted"
    ).exists()


def test_jm6_signed_summary_cannot_change(world, half_year):
    s = services.generate_summary(
        actor=world.epmc_lead, community=world.community_a, kind="annual", year=2026
    )
    services.sign_summary(actor=world.party_secretary, summary=s, version=s.version)
    s.refresh_from_db()
    with pytest.raises(RuleViolation):
        services.edit_summary(
            actor=world.epmc_lead, summary=s, version=s.version, narrative="x", suggestions=""
        )
    with pytest.raises(RuleViolation):
        services.generate_summary(
            actor=world.epmc_lead, community=world.community_a, kind="annual", year=2026
        )
    s.narrative = "篡改"
    with pytest.raises(SignedDocumentLocked):
        s.save()


def test_jm6_summary_uses_indicators_of_other_apps_when_provided(world, half_year):
    from sanfang.core import extensions
    from sanfang.core.extensions import Indicator

    def cases_indicator(subject, community, year):
        return [Indicator(code="cases.closed", label="问题办结", numerator=8, denominator=10, source="cases")]

    extensions.provides("indicators")(cases_indicator)
    try:
        s = services.generate_summary(
            actor=world.epmc_lead, community=world.community_a, kind="annual", year=2026
        )
    finally:
        extensions._PROVIDERS["indicators"].remove(cases_indicator)
    assert any(i["code"] == "cases.closed" for i in s.figures["other_indicators"])
    assert not any(i["source"] == "meetings" for i in s.figures["other_indicators"])


def test_jm6_summary_docx_is_generated(world, half_year):
    import io

    from docx import Document

    from sanfang.meetings.documents import summary_docx

    s = services.generate_summary(
        actor=world.epmc_lead, community=world.community_a, kind="half_year", year=2026
    )
    parsed = Document(io.BytesIO(summary_docx(s)))
    assert any("工作小结" in p.text for p in parsed.paragraphs)


def test_jm3_jm5_indicators_per_appraisal_subject(world, half_year):
    inds = {i.code: i for i in services.indicators_for(world.company_x, world.community_a, 2026)}
    assert inds["meetings.on_schedule"].numerator == 2
    assert (
        inds["meetings.resolutions_on_time"].numerator == 1
        and inds["meetings.resolutions_on_time"].denominator == 1
    )
    assert inds["meetings.attendance"].denominator == 2 and inds["meetings.attendance"].numerator == 2
    # Closing a round asks for every subject at once (issue 9): the same values.
    each = batch_matches_each(hooks.meeting_indicators, appraisal_subjects(world), world.community_a, 2026)
    assert {i.denominator for inds in each.values() for i in inds if i.code == "meetings.attendance"} != {0}


def test_jm5_street_overview_counts_overdue_resolutions(world, half_year):
    rows = services.street_overview(world.street_a, 2026)
    row = next(r for r in rows if r["community"] == world.community_a)
    assert row["held"] == 2 and row["on_schedule"] == 2 and row["overdue_resolutions"] == 1
    assert Resolution.objects.overdue().count() == 1
    assert Summary.objects.count() == 0

"""WN-4: progress reports from each street by the deadline: four sections, contact, statistics, lock, roll-up."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.campaigns import services, sweeps
from sanfang.campaigns.models import Conclusion, ProgressReport
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import Message

SECTIONS = {
    "basic_situation": "全镇共有住宅小区 2 个",
    "measures": "召开动员会，逐一摸排",
    "problems": "部分小区收支未公示",
    "suggestions": "建议出台公示模板",
    "contact_name": "陈志强",
    "contact_phone": "0714-7312001",
}


def _write(world, campaign, **over):
    report = services.report_for(campaign, world.street_a)
    return services.save_report(
        actor=world.street_official, report=report, version=report.version, **{**SECTIONS, **over}
    )


def test_wn4_report_needs_four_sections_and_a_contact(world, campaign):
    report = _write(world, campaign, suggestions="", contact_phone="")
    with pytest.raises(RuleViolation, match="意见建议、联系电话"):
        services.submit_report(actor=world.street_official, report=report)
    report.refresh_from_db()
    assert not report.is_submitted


def test_wn4_statistics_are_filled_from_the_data_and_the_report_is_locked(world, campaign, approved):
    inv = services.open_investigation(actor=world.rc_member, survey=approved)
    services.add_problem(
        actor=world.rc_member, investigation=inv, description="x", owner=world.company_x, working_days=5
    )
    report = _write(world, campaign)
    report = services.submit_report(actor=world.street_official, report=report)
    assert report.stats["compounds"] == 2
    assert report.stats["surveyed"] == 1 and report.stats["approved"] == 1
    assert report.stats["in_scope"] == 1 and report.stats["investigated"] == 1
    assert report.stats["problems"] == 1 and report.stats["rectified"] == 0
    assert report.is_late is False
    with pytest.raises(RuleViolation, match="已经提交"):
        services.save_report(
            actor=world.street_official, report=report, version=report.version, measures="改"
        )
    assert Message.objects.filter(
        recipient=world.county_official, key=f"progress-report:{report.pk}:submitted"
    ).exists()


def test_wn4_only_the_street_itself_files_its_report(world, campaign):
    report = services.report_for(campaign, world.street_a)
    for persona in (world.other_street_official, world.rc_member, world.county_official):
        with pytest.raises(PermissionDenied):
            services.save_report(actor=persona, report=report, version=None, **SECTIONS)


def test_wn4_concurrent_edit_of_a_report_is_a_conflict(world, campaign):
    _write(world, campaign)
    report = ProgressReport.objects.get()
    with pytest.raises(Conflict):
        services.save_report(actor=world.street_official, report=report, version=1, measures="x")


def test_wn4_reminders_before_the_deadline_are_sent_once(world, campaign, frozen):
    frozen.move_to(dt.datetime(2026, 4, 12, 10, 0, tzinfo=dt.UTC))  # three days before 15 April
    from django.utils import timezone

    assert sweeps.report_reminders(timezone.now()) == 2
    assert sweeps.report_reminders(timezone.now()) == 2  # idempotent by key: still one message each
    assert Message.objects.filter(recipient=world.street_official, key__contains=":remind:3").count() == 1


def test_wn4_submitted_street_gets_no_reminder(world, campaign, frozen):
    services.submit_report(actor=world.street_official, report=_write(world, campaign))
    frozen.move_to(dt.datetime(2026, 4, 14, 10, 0, tzinfo=dt.UTC))
    from django.utils import timezone

    assert sweeps.report_reminders(timezone.now()) == 1  # only street B


def test_wn4_after_the_deadline_missing_reports_are_flagged_overdue_and_late_submission_is_marked(
    world, campaign, frozen
):
    frozen.move_to(dt.datetime(2026, 4, 16, 10, 0, tzinfo=dt.UTC))
    from django.utils import timezone

    assert sweeps.report_overdue(timezone.now()) == 2
    assert sweeps.report_overdue(timezone.now()) == 0
    report = ProgressReport.objects.get(street=world.street_a)
    assert report.overdue_flagged_at and services.is_report_overdue(report)
    assert Message.objects.filter(recipient=world.county_official, urgent=True).count() == 2
    report = services.submit_report(actor=world.street_official, report=_write(world, campaign))
    assert report.is_late is True


def test_wn4_county_roll_up_has_one_row_per_street_with_totals(world, campaign, approved, frozen):
    services.submit_report(actor=world.street_official, report=_write(world, campaign))
    frozen.move_to(dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC))
    rows = services.rollup(campaign)
    assert [r["street"] for r in rows] == [world.street_a, world.street_b]
    a, b = rows
    assert a["submitted"] and not a["late"] and not a["overdue"]
    assert not b["submitted"] and b["overdue"]
    total = services.totals(rows)
    assert total["compounds"] == 3 and total["surveyed"] == 1


def test_wn4_rollup_statistics_count_conclusions(world, campaign, approved):
    inv = services.open_investigation(actor=world.rc_member, survey=approved)
    rows = {i.pk: {"result": "ok"} for i in inv.checklist.all()}
    inv = services.update_investigation(
        actor=world.rc_member, investigation=inv, version=inv.version, findings="规范", checklist=rows
    )
    services.conclude_investigation(actor=world.rc_member, investigation=inv, conclusion=Conclusion.COMPLIANT)
    stats = services.stats_for(campaign, world.street_a)
    assert stats["compliant"] == 1 and stats["investigated"] == 1
    assert services.stats_for(campaign, world.community_a)["compliant"] == 1


def test_wn3_streets_with_unfinished_surveys_after_the_deadline_are_flagged(
    world, campaign, submitted, frozen
):
    assert not any(r["survey_overdue"] for r in services.rollup(campaign))
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    flags = {r["street"].pk: r["survey_overdue"] for r in services.rollup(campaign)}
    assert flags == {world.street_a.pk: True, world.street_b.pk: True}

"""Sweeps (reminders, overdue flags) and to-dos of WN-3 and WN-4."""

import datetime as dt

from django.utils import timezone

from sanfang.campaigns import services, sweeps
from sanfang.campaigns.hooks import campaign_todos
from sanfang.core.models import AuditEvent, Message
from sanfang.core.testing import appraisal_subjects, batch_matches_each


def test_wn3_survey_reminders_go_to_communities_with_forms_still_to_submit(
    world, campaign, submitted, frozen
):
    frozen.move_to(dt.datetime(2026, 3, 17, 10, 0, tzinfo=dt.UTC))  # three days before 20 March
    assert sweeps.survey_reminders(timezone.now()) == 2  # community A (A2 pending) and community B
    message = Message.objects.get(recipient=world.epmc_lead)
    assert "还有 1 个小区" in message.subject
    sweeps.survey_reminders(timezone.now())
    assert Message.objects.filter(recipient=world.epmc_lead).count() == 1


def test_wn3_overdue_problem_is_flagged_once_to_owner_and_street(world, submitted, frozen):
    inv = services.open_investigation(actor=world.rc_member, survey=submitted)
    services.add_problem(
        actor=world.rc_member,
        investigation=inv,
        description="未公示",
        owner=world.company_x,
        due_on=dt.date(2026, 3, 5),
    )
    assert sweeps.problem_overdue(timezone.now()) == 0
    frozen.move_to(dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC))
    assert sweeps.problem_overdue(timezone.now()) == 1
    assert sweeps.problem_overdue(timezone.now()) == 0
    assert Message.objects.filter(recipient=world.company_head, urgent=True).exists()
    assert Message.objects.filter(recipient=world.street_official, urgent=True).exists()
    assert AuditEvent.objects.filter(verb="problem.overdue").exists()


def test_wn4_street_sees_report_due_and_surveys_to_review_in_todos(world, campaign, submitted):
    titles = [t.title for t in campaign_todos(world.street_official)]
    assert any("待街道审核" in t for t in titles)
    assert any("报送进展报告" in t for t in titles)
    assert campaign_todos(world.company_head) == []
    assert not any("待街道审核" in t.title for t in campaign_todos(world.other_street_official))


def test_wn4_report_todo_turns_overdue_after_the_deadline(world, campaign, frozen):
    frozen.move_to(dt.datetime(2026, 4, 16, 10, 0, tzinfo=dt.UTC))
    todo = next(t for t in campaign_todos(world.street_official) if "报送进展报告" in t.title)
    assert todo.overdue


def test_wn3_rc_sees_a_returned_form_in_todos(world, submitted):
    services.review_survey(actor=world.street_official, survey=submitted, approve=False, comment="请核实户数")
    assert any("被退回" in t.title for t in campaign_todos(world.rc_member))
    assert any("待县级审核" in t.title for t in campaign_todos(world.county_official)) is False


def test_wn1_wn3_indicators_feed_the_appraisal(world, submitted, frozen):
    from sanfang.campaigns.hooks import campaign_indicators

    services.record_epmc_activity(
        actor=world.epmc_lead,
        community=world.community_a,
        date=dt.date(2026, 2, 3),
        kind="meeting",
        title="例会",
        content="x",
        other_participants="委员",
    )
    [months] = campaign_indicators(world.rc_a, world.community_a, 2026)
    assert (months.numerator, months.denominator) == (1, 3)
    inv = services.open_investigation(actor=world.rc_member, survey=submitted)
    p = services.add_problem(
        actor=world.rc_member,
        investigation=inv,
        description="x",
        owner=world.company_x,
        due_on=dt.date(2026, 3, 5),
    )
    services.rectify_problem(actor=world.rc_member, problem=p, rectification="done")
    frozen.move_to(dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC))
    [rect] = campaign_indicators(world.company_x, world.community_a, 2026)
    assert (rect.numerator, rect.denominator) == (1, 1)
    assert campaign_indicators(world.oc_a1, world.community_a, 2026) == []
    # Closing a round asks for every subject at once (issue 9): the same values.
    for year in (2025, 2026):
        batch_matches_each(campaign_indicators, appraisal_subjects(world), world.community_a, year)


def test_wn1_street_sees_idle_epmcs_in_todos(world):
    services.flag_idle_epmcs()
    titles = [t.title for t in campaign_todos(world.street_official)]
    assert any("1 个社区的环境和物业管理委员会长期未开展活动" in t for t in titles)

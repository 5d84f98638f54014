"""Campaign sweeps for `sanfang tick`: report reminders and overdue flags (WN-4), idle EPMCs (WN-1)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import audit, delivery
from sanfang.core.tick import sweep
from sanfang.directory.models import OrgKind

from . import services
from .models import Campaign, ProgressReport

# Reminders go out this many days before a progress report is due, and on the day itself.
REMINDER_DAYS = (3, 1, 0)


@sweep("campaigns.report_reminders", "专项整治进展报告：截止前提醒各街道（WN-4）")
def report_reminders(now: dt.datetime) -> int:
    """WN-4: remind every street that has not submitted its progress report a few days before the deadline."""
    today = timezone.localdate(now)
    sent = 0
    for campaign in Campaign.objects.open().select_related("county"):
        days_left = (campaign.report_due - today).days
        if days_left not in REMINDER_DAYS:
            continue
        submitted = set(
            ProgressReport.objects.submitted().filter(campaign=campaign).values_list("street_id", flat=True)
        )
        for street in services._streets_of(campaign.county):
            if street.pk in submitted:
                continue
            with transaction.atomic():
                report = services.report_for(campaign, street)
                delivery.notify(
                    recipients=services.people_in(street, OrgKind.STREET),
                    organisations=services._orgs_at(street, OrgKind.STREET),
                    subject=lambda campaign=campaign: (
                        _("请于 %(due)s 前报送“%(title)s”进展报告")
                        % {"due": campaign.report_due, "title": campaign.title}
                    ),
                    key=f"progress-report:{report.pk}:remind:{days_left}",
                    url=reverse("campaigns:report", args=[report.pk]),
                )
            sent += 1
    return sent


@sweep("campaigns.report_overdue", "专项整治进展报告：逾期未报标记并通知（WN-4）")
def report_overdue(now: dt.datetime) -> int:
    """WN-4: after the deadline, flag each street's missing report and tell the street and the county once."""
    today = timezone.localdate(now)
    flagged = 0
    for campaign in Campaign.objects.open().filter(report_due__lt=today).select_related("county"):
        for street in services._streets_of(campaign.county):
            with transaction.atomic():
                report = services.report_for(campaign, street)
                if report.is_submitted or report.overdue_flagged_at:
                    continue
                report.overdue_flagged_at = now
                report.save(update_fields=["overdue_flagged_at"])
                audit.record(actor="系统", verb="progress_report.overdue", target=report, place=street)
                delivery.notify(
                    recipients=services.people_in(street, OrgKind.STREET)
                    + services.people_in(campaign.county, OrgKind.COUNTY),
                    subject=lambda street=street, campaign=campaign: (
                        _("%(street)s“%(title)s”进展报告已逾期未报")
                        % {"street": street.name, "title": campaign.title}
                    ),
                    key=f"progress-report:{report.pk}:overdue",
                    url=reverse("campaigns:report", args=[report.pk]),
                    urgent=True,
                )
            flagged += 1
    return flagged


@sweep("campaigns.epmc_idle", "环境和物业管理委员会长期未活动的社区标记并通知街道（WN-1）")
def epmc_idle(now: dt.datetime) -> int:
    return services.flag_idle_epmcs(timezone.localdate(now))


@sweep("campaigns.survey_reminders", "小区摸排认定：截止前提醒尚未提交的社区（WN-3）")
def survey_reminders(now: dt.datetime) -> int:
    """WN-3: three days before the survey deadline, and on the day, remind each community with forms still to submit."""
    from django.db.models import Q

    from sanfang.directory.models import Place

    from .models import EDITABLE_SURVEY_STATUSES, CompoundSurvey

    today = timezone.localdate(now)
    sent = 0
    for campaign in Campaign.objects.open().filter(survey_due__in=[today, today + dt.timedelta(days=3)]):
        days_left = (campaign.survey_due - today).days
        done = set(
            CompoundSurvey.objects.filter(campaign=campaign)
            .exclude(status__in=EDITABLE_SURVEY_STATUSES)
            .values_list("compound_id", flat=True)
        )
        pending: dict[int, int] = {}
        for pk, parent_id in (
            Place.objects.compounds()
            .filter(path__startswith=campaign.county.path)
            .values_list("pk", "parent_id")
            .order_by("pk")
        ):
            if pk not in done:
                pending[parent_id] = pending.get(parent_id, 0) + 1
        for community in Place.objects.filter(Q(pk__in=list(pending))).order_by("code"):
            with transaction.atomic():
                delivery.notify(
                    recipients=services.people_in(community, OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC),
                    subject=lambda pending=pending, community=community, campaign=campaign: (
                        _("还有 %(n)d 个小区的摸排认定表未提交，截止日期 %(due)s")
                        % {"n": pending[community.pk], "due": campaign.survey_due}
                    ),
                    key=f"campaign:{campaign.pk}:survey-remind:{community.pk}:{days_left}",
                    url=reverse("campaigns:place", args=[campaign.pk, community.code]),
                )
            sent += 1
    return sent


@sweep("campaigns.problem_overdue", "专项整治问题逾期未整改：提醒责任单位和街道（WN-3）")
def problem_overdue(now: dt.datetime) -> int:
    """WN-3 follow-up: a problem past its rectification deadline is flagged once to its owner and the street."""
    from .models import Problem

    today = timezone.localdate(now)
    flagged = 0
    overdue = (
        Problem.objects.overdue(today)
        .filter(overdue_notified_at__isnull=True)
        .select_related("owner", "investigation__survey__street")
        .order_by("due_on", "id")[:500]
    )
    for problem in overdue:
        survey = problem.investigation.survey
        with transaction.atomic():
            Problem.objects.filter(pk=problem.pk).update(overdue_notified_at=now)
            audit.record(actor="系统", verb="problem.overdue", target=problem, place=survey.compound)
            recipients = services.people_in(survey.street, OrgKind.STREET)
            if problem.owner_id:
                recipients += [
                    p.person
                    for p in problem.owner.positions.current().select_related("person").order_by("id")
                ]
            delivery.notify(
                recipients=recipients,
                subject=lambda survey=survey, problem=problem: (
                    _("%(name)s：整改问题已逾期（期限 %(due)s）")
                    % {"name": survey.name, "due": problem.due_on}
                ),
                body=problem.description,
                key=f"campaign-problem:{problem.pk}:overdue",
                url=reverse("campaigns:investigation", args=[problem.investigation_id]),
                urgent=True,
            )
        flagged += 1
    return flagged

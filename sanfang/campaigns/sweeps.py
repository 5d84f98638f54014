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
                    subject=_("请于 %(due)s 前报送“%(title)s”进展报告")
                    % {"due": campaign.report_due, "title": campaign.title},
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
                    subject=_("%(street)s“%(title)s”进展报告已逾期未报")
                    % {"street": street.name, "title": campaign.title},
                    key=f"progress-report:{report.pk}:overdue",
                    url=reverse("campaigns:report", args=[report.pk]),
                    urgent=True,
                )
            flagged += 1
    return flagged


@sweep("campaigns.epmc_idle", "环境和物业管理委员会长期未活动的社区标记并通知街道（WN-1）")
def epmc_idle(now: dt.datetime) -> int:
    return services.flag_idle_epmcs(timezone.localdate(now))

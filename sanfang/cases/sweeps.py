"""Scheduled sweeps: deadline reminders, overdue notices, legacy reviews, summons replies, auto-close."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.calendar import add_working_days
from sanfang.core.delivery import notify
from sanfang.core.tick import sweep
from sanfang.directory.models import Position

from . import services
from .models import Case, CaseClass, Status, Summons


def _recipients(case: Case):
    people = [case.handler, *case.co_handlers.all()]
    return [p for p in people if p is not None]


@sweep("cases.deadlines")
def deadlines(now) -> int:
    """Remind handlers one working day before a case's step is due, and tell them (urgently) once overdue."""
    today = timezone.localdate(now)
    tomorrow = add_working_days(today, 1)
    done = 0
    qs = (
        Case.objects.open()
        .exclude(case_class=CaseClass.LEGACY)
        .filter(due_on__isnull=False, due_on__lte=tomorrow)
    )
    for case in qs.select_related("community").prefetch_related("co_handlers").order_by("id")[:2000]:
        overdue = case.due_on < today
        people = _recipients(case)
        if case.status == Status.NEW:
            lead = services.directory.epmc_lead_for(case.community)
            people = [lead.person] if lead else []
        label = gettext_lazy("已逾期") if overdue else gettext_lazy("即将到期")
        notify(
            recipients=people,
            subject=lambda case=case, label=label: (
                _("问题 %(no)s %(l)s（%(d)s）") % {"no": case.tracking_no, "l": label, "d": case.due_on}
            ),
            key=f"case:{case.pk}:{'overdue' if overdue else 'due'}:{case.step}:{case.due_on}",
            body=case.title,
            url=services.case_url(case),
            urgent=overdue,
        )
        done += 1
    return done


@sweep("cases.legacy_reviews")
def legacy_reviews(now) -> int:
    """CS-5: remind the office when a legacy case's periodic review falls due; flag missing joint explanations."""
    today = timezone.localdate(now)
    done = 0
    qs = (
        Case.objects.open()
        .of_class(CaseClass.LEGACY)
        .filter(next_review_on__lte=today)
        .select_related("handler")
    )
    for case in qs.order_by("id")[:2000]:
        explained = services.has_joint_explanation(case)
        notify(
            recipients=[case.handler] if case.handler else [],
            subject=lambda case=case: _("历史遗留问题 %(no)s 到了定期跟踪日") % {"no": case.tracking_no},
            key=f"case:{case.pk}:review:{case.next_review_on}",
            body=lambda case=case, explained=explained: (
                case.title if explained else case.title + "\n" + _("尚无三方共同解释记录（CS-5）。")
            ),
            url=services.case_url(case),
        )
        done += 1
    return done


@sweep("cases.summonses")
def summons_overdue(now) -> int:
    """CS-4: tell the summoned unit and the summoner when a report-in is overdue."""
    today = timezone.localdate(now)
    done = 0
    for s in (
        Summons.objects.overdue(today).select_related("case", "to_org", "issued_by").order_by("id")[:2000]
    ):
        people = [
            p.person
            for p in Position.objects.current().filter(organisation=s.to_org).select_related("person")
        ]
        if s.issued_by:
            people.append(s.issued_by)
        notify(
            recipients=people,
            subject=lambda s=s: (
                _("吹哨报到已逾期：%(org)s · %(t)s") % {"org": s.to_org.name, "t": s.case.title}
            ),
            key=f"summons:{s.pk}:overdue",
            body=s.request,
            url=services.case_url(s.case),
            urgent=True,
            organisations=[s.to_org],
        )
        done += 1
    return done


@sweep("cases.autoclose")
def autoclose(now) -> int:
    """Close resolved cases whose feedback window passed without a rating."""
    today = timezone.localdate(now)
    done = 0
    for case in Case.objects.filter(status=Status.RESOLVED, due_on__lt=today).order_by("id")[:2000]:
        services.close_unrated(case=case)
        done += 1
    return done

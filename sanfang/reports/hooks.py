"""Reports: menu entry, to-dos (opinions to answer, reports to receive) and indicators (PN-4, PN-5)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import extensions, nav, todos
from sanfang.core.extensions import Indicator
from sanfang.directory.scopes import Role, get_scope

from .models import Opinion, ReportRecipient

nav.register(
    gettext_lazy("报告"),
    "reports:list",
    roles=(
        Role.PARTY_ORG,
        Role.COMPOUND_PARTY_ORG,
        Role.RESIDENTS_COMMITTEE,
        Role.OWNERS_COMMITTEE,
        Role.PROPERTY_COMPANY,
        Role.STREET,
        Role.COUNTY,
    ),
    order=41,
)


def _org_q(scope, field: str) -> Q:
    q = Q(**{f"{field}_id__in": list(scope.organisation_ids)})
    epmc_places = [g.place_id for g in scope.grants if g.leads_epmc]
    if epmc_places:
        q |= Q(**{f"{field}__kind": "epmc", f"{field}__place_id__in": epmc_places})
    return q


@todos.provider
def report_todos(user):
    """Opinions my organisation must answer (PN-5) and reports my organisation has not received yet (PN-4)."""
    scope = get_scope(user)
    if not scope.is_authenticated or not scope.organisation_ids:
        return []
    today = timezone.localdate()
    out = []
    opinions = (
        Opinion.objects.unanswered()
        .filter(_org_q(scope, "report__reporting_org"))
        .select_related("report", "recipient__organisation")
        .order_by("due_on", "pk")[:50]
    )
    for op in opinions:
        out.append(
            todos.Todo(
                title=_("答复报告意见：%(title)s") % {"title": op.report.title},
                url=reverse("reports:detail", args=[op.report_id]) + f"#opinion-{op.pk}",
                app="reports",
                due=op.due_on,
                overdue=bool(op.due_on and op.due_on < today),
                detail=_("%(org)s 的意见") % {"org": op.recipient.organisation.name},
            )
        )
    rows = (
        ReportRecipient.objects.filter(_org_q(scope, "organisation"), received_at__isnull=True)
        .exclude(report__status="closed")
        .select_related("report")
        .order_by("report__submitted_at", "pk")[:50]
    )
    for row in rows:
        out.append(
            todos.Todo(
                title=_("接收报告：%(title)s") % {"title": row.report.title},
                url=reverse("reports:detail", args=[row.report_id]),
                app="reports",
                detail=row.report.get_type_display(),
            )
        )
    return out


@extensions.provides("indicators")
def report_indicators(subject, community, year: int):
    """PN-5 indicator: opinions on the subject's reports answered (of those raised in the year)."""
    rows = Opinion.objects.filter(report__reporting_org=subject, created_at__year=year)
    if community is not None:
        rows = rows.filter(report__community=community)
    return _opinion_indicators(list(rows.values_list("answered_at", "due_on")))


@extensions.batch_of(report_indicators)
def report_indicators_each(subjects, community, year: int):
    """`report_indicators` of every subject of a round in one query."""
    rows = Opinion.objects.filter(report__reporting_org__in=subjects, created_at__year=year)
    if community is not None:
        rows = rows.filter(report__community=community)
    pairs: dict[int, list] = {s.pk: [] for s in subjects}
    for org_id, at, due in rows.values_list("report__reporting_org_id", "answered_at", "due_on"):
        pairs[org_id].append((at, due))
    return {pk: _opinion_indicators(found) for pk, found in pairs.items()}


def _opinion_indicators(pairs: list) -> list:
    if not pairs:
        return []
    answered = sum(1 for at, _due in pairs if at is not None)
    in_time = sum(
        1 for at, due in pairs if at is not None and (due is None or timezone.localtime(at).date() <= due)
    )
    return [
        Indicator(
            code="reports.opinions_answered",
            label=_("报告意见答复率"),
            numerator=answered,
            denominator=len(pairs),
            source="reports",
        ),
        Indicator(
            code="reports.opinions_answered_in_time",
            label=_("报告意见按期答复率"),
            numerator=in_time,
            denominator=len(pairs),
            source="reports",
        ),
    ]

"""Bulletins: menu entry, to-dos (bulletins awaiting my party's acknowledgement) and indicators (PN-3)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import extensions, nav, todos
from sanfang.core.extensions import Indicator
from sanfang.directory.scopes import Role, get_scope

from .models import BulletinRecipient, Urgency

nav.register(
    gettext_lazy("通报"),
    "bulletins:inbox",
    roles=(
        Role.PARTY_ORG,
        Role.COMPOUND_PARTY_ORG,
        Role.RESIDENTS_COMMITTEE,
        Role.OWNERS_COMMITTEE,
        Role.PROPERTY_COMPANY,
        Role.STREET,
    ),
    order=40,
)


@todos.provider
def bulletins_to_acknowledge(user):
    """Bulletins that wait for my organisation's acknowledgement (PN-3); one query."""
    scope = get_scope(user)
    if not scope.is_authenticated:
        return []
    orgs = list(scope.organisation_ids)
    epmc_places = [g.place_id for g in scope.grants if g.leads_epmc]
    q = Q(organisation_id__in=orgs)
    if epmc_places:
        q |= Q(organisation__kind="epmc", organisation__place_id__in=epmc_places)
    rows = (
        BulletinRecipient.objects.filter(q, acknowledged_at__isnull=True, bulletin__ack_due_at__isnull=False)
        .select_related("bulletin", "organisation")
        .order_by("bulletin__ack_due_at", "pk")[:50]
    )
    now = timezone.now()
    out = []
    for row in rows:
        b = row.bulletin
        out.append(
            todos.Todo(
                title=_("签收通报：%(title)s") % {"title": b.title},
                url=reverse("bulletins:detail", args=[b.pk]),
                app="bulletins",
                due=timezone.localtime(b.ack_due_at).date(),
                overdue=b.ack_due_at < now,
                urgent=b.urgency == Urgency.URGENT,
                detail=_("%(org)s 待签收，截止 %(due)s")
                % {
                    "org": row.organisation.name,
                    "due": timezone.localtime(b.ack_due_at).strftime("%m-%d %H:%M"),
                },
            )
        )
    return out


@extensions.provides("indicators")
def bulletin_indicators(subject, community, year: int):
    """PN-3 indicator: urgent bulletins the subject organisation acknowledged within the set time."""
    rows = BulletinRecipient.objects.filter(
        organisation=subject,
        bulletin__urgency=Urgency.URGENT,
        bulletin__ack_due_at__isnull=False,
        bulletin__sent_at__year=year,
    )
    if community is not None:
        rows = rows.filter(bulletin__community=community)
    return _ack_indicators(list(rows.values_list("acknowledged_at", "bulletin__ack_due_at")))


@extensions.batch_of(bulletin_indicators)
def bulletin_indicators_each(subjects, community, year: int):
    """`bulletin_indicators` of every subject of a round in one query."""
    rows = BulletinRecipient.objects.filter(
        organisation__in=subjects,
        bulletin__urgency=Urgency.URGENT,
        bulletin__ack_due_at__isnull=False,
        bulletin__sent_at__year=year,
    )
    if community is not None:
        rows = rows.filter(bulletin__community=community)
    pairs: dict[int, list] = {s.pk: [] for s in subjects}
    for org_id, ack, due in rows.values_list("organisation_id", "acknowledged_at", "bulletin__ack_due_at"):
        pairs[org_id].append((ack, due))
    return {pk: _ack_indicators(found) for pk, found in pairs.items()}


def _ack_indicators(pairs: list) -> list:
    if not pairs:
        return []
    in_time = sum(1 for ack, due in pairs if ack is not None and ack <= due)
    return [
        Indicator(
            code="bulletins.urgent_ack_in_time",
            label=_("紧急通报按时签收率"),
            numerator=in_time,
            denominator=len(pairs),
            source="bulletins",
        )
    ]


@extensions.provides("bulletins.for_case")
def bulletins_for_case(tracking_no: str, user=None):
    """Bulletins that link a case (PN-3), for the case page: [{"id", "title", "urgency", "urgency_label",
    "sender", "sent_at", "acknowledged", "total", "url"}]; only those the user may read when a user is given."""
    from django.db.models import Count

    from .models import Bulletin

    qs = Bulletin.objects.filter(case_ref=tracking_no)
    if user is not None:
        qs = qs.visible_to(user)
    qs = qs.select_related("sender_org").annotate(
        total=Count("recipients"),
        acked=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)),
    )
    return [
        {
            "id": b.pk,
            "title": b.title,
            "urgency": b.urgency,
            "urgency_label": b.get_urgency_display(),
            "sender": b.sender_org.name,
            "sent_at": b.sent_at,
            "acknowledged": b.acked,
            "total": b.total,
            "url": reverse("bulletins:detail", args=[b.pk]),
        }
        for b in qs.order_by("-sent_at", "-pk")[:20]
    ]

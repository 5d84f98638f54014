"""Bulletin pages: inbox/outbox with acknowledge buttons, compose, detail (PN-3). Thin: parse, access, call
a service, render or redirect."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfang.core.errors import DomainError
from sanfang.directory.models import Organisation, Place
from sanfang.directory.scopes import Role, get_scope

from . import links, permissions, services
from .forms import AcknowledgeForm, BulletinForm
from .models import Bulletin, BulletinRecipient

# Lazy: the labels are read per request, in the reader's language (a module-level gettext froze them in Chinese).
BOXES = {"in": gettext_lazy("收到的"), "out": gettext_lazy("发出的"), "all": gettext_lazy("全部")}


def _my_org_q(user) -> Q:
    scope = get_scope(user)
    q = Q(organisation_id__in=list(scope.organisation_ids))
    epmc_places = [g.place_id for g in scope.grants if g.leads_epmc]
    if epmc_places:
        q |= Q(organisation__kind="epmc", organisation__place_id__in=epmc_places)
    return q


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    # Parties land on what was sent to them; oversight (street, county) on everything in its area.
    box = request.GET.get("box") or ("in" if scope.has_role(*permissions.SENDER_ROLES) else "all")
    if box not in BOXES:
        box = "in"
    qs = Bulletin.objects.visible_to(request.user)
    mine = BulletinRecipient.objects.filter(_my_org_q(request.user), bulletin=OuterRef("pk"))
    if box == "in":
        qs = qs.filter(Exists(mine))
    elif box == "out":
        qs = qs.filter(sender_org_id__in=list(scope.organisation_ids))
    if request.GET.get("pending"):
        qs = qs.filter(Exists(mine.filter(acknowledged_at__isnull=True)), ack_due_at__isnull=False)
    qs = qs.select_related("sender_org", "community", "compound").prefetch_related(
        Prefetch(
            "recipients", queryset=BulletinRecipient.objects.select_related("organisation", "acknowledged_by")
        )
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [_row(request.user, b) for b in page.object_list]
    return render(
        request,
        "bulletins/inbox.html",
        {
            "page": page,
            "rows": rows,
            "box": box,
            "boxes": BOXES,
            "pending": bool(request.GET.get("pending")),
            "can_compose": bool(_communities_for(request.user)),
            "can_overview": scope.is_superuser or scope.has_role(*OVERSIGHT_ROLES),
            "now": timezone.now(),
        },
    )


OVERSIGHT_ROLES = (Role.STREET, Role.COUNTY, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Per community, this year: bulletins, urgent ones, late or missing acknowledgements, escalations (PN-3)."""
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(*OVERSIGHT_ROLES)):
        raise PermissionDenied
    roles = None if scope.is_superuser else OVERSIGHT_ROLES
    communities = Place.objects.communities().filter(scope.place_q("path", roles=roles))
    page = Paginator(communities.select_related("parent").order_by("path"), 50).get_page(
        request.GET.get("page")
    )
    ids = [c.pk for c in page.object_list]
    now = timezone.now()
    year = timezone.localdate().year
    bulletins = {
        row["community"]: row
        for row in Bulletin.objects.filter(community_id__in=ids, sent_at__year=year)
        .values("community")
        .annotate(
            total=Count("pk"),
            urgent=Count("pk", filter=Q(urgency="urgent")),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        )
        .order_by()
    }
    acks = {
        row["bulletin__community"]: row
        for row in BulletinRecipient.objects.filter(
            bulletin__community_id__in=ids, bulletin__sent_at__year=year, bulletin__ack_due_at__isnull=False
        )
        .values("bulletin__community")
        .annotate(
            required=Count("pk"),
            in_time=Count("pk", filter=Q(acknowledged_at__lte=F("bulletin__ack_due_at"))),
            late=Count("pk", filter=Q(acknowledged_at__gt=F("bulletin__ack_due_at"))),
            missing=Count("pk", filter=Q(acknowledged_at__isnull=True, bulletin__ack_due_at__lt=now)),
        )
        .order_by()
    }
    rows = [{"community": c, "b": bulletins.get(c.pk, {}), "a": acks.get(c.pk, {})} for c in page.object_list]
    return render(request, "bulletins/overview.html", {"page": page, "rows": rows, "year": year})


def _row(user, b: Bulletin) -> dict:
    """One inbox row: acknowledgement counts and the recipient parties the user may still sign for."""
    recips = list(b.recipients.all())
    return {
        "bulletin": b,
        "acked": sum(1 for r in recips if r.acknowledged_at),
        "total": len(recips),
        "late": any(r.late for r in recips),
        "my_pending": [
            r for r in recips if r.acknowledged_at is None and permissions.acts_for(user, r.organisation)
        ],
    }


def _communities_for(user) -> list[Place]:
    scope = get_scope(user)
    if not scope.is_authenticated:
        return []
    qs = (
        Place.objects.communities()
        .filter(scope.place_q("path", roles=permissions.SENDER_ROLES))
        .order_by("path")
    )
    return [c for c in qs[:50] if permissions.sender_orgs_for(user, c)]


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    communities = _communities_for(request.user)
    if not communities:
        raise PermissionDenied
    code = request.GET.get("community") or request.POST.get("community")
    community = next((c for c in communities if c.code == code), None)
    if community is None and len(communities) == 1:
        community = communities[0]
    if community is None:
        return render(request, "bulletins/choose_community.html", {"communities": communities})
    senders = permissions.sender_orgs_for(request.user, community)
    parties = permissions.community_parties(community)
    compounds = list(Place.objects.compounds().filter(path__startswith=community.path).order_by("name"))
    if len(senders) == 1:
        parties = [o for o in parties if o.pk != senders[0].pk]
    # Preselect the party organisation and the three parties; compound party branches and the EPMC are optional.
    preselected = [o.pk for o in parties if o.kind not in ("compound_party_org", "epmc")]
    initial = {
        "title": request.GET.get("title", ""),
        "case_ref": request.GET.get("case", ""),
        "recipients": preselected,
    }
    form = BulletinForm(
        request.POST or None, initial=initial, senders=senders, parties=parties, compounds=compounds
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {o.pk: o for o in parties}
        hours = data.get("ack_hours")
        try:
            bulletin = services.send_bulletin(
                actor=request.user,
                community=community,
                sender_org=Organisation.objects.get(pk=data["sender_org"]),
                recipient_orgs=[by_pk[pk] for pk in data["recipients"] if pk in by_pk],
                title=data["title"],
                body=data["body"],
                urgency=data["urgency"],
                topic=data["topic"],
                compound=next((c for c in compounds if c.pk == data.get("compound")), None),
                case_ref=data.get("case_ref", ""),
                include_street=data.get("include_street", False),
                ack_minutes=int(hours * Decimal(60)) if hours else None,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("通报已发出。"))
            return redirect("bulletins:detail", bulletin.pk)
    return render(request, "bulletins/compose.html", {"form": form, "community": community})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = permissions.get_bulletin_for(request.user, pk)
    recipients = list(bulletin.recipients.select_related("organisation", "acknowledged_by"))
    my_pending = [
        r
        for r in recipients
        if r.acknowledged_at is None and permissions.acts_for(request.user, r.organisation)
    ]
    return render(
        request,
        "bulletins/detail.html",
        {
            "bulletin": bulletin,
            "recipients": recipients,
            "my_pending": my_pending,
            "can_acknowledge": bool(my_pending),
            "case_url": links.case_url(bulletin.case_ref),
            "overdue": bulletin.ack_due_at is not None
            and bulletin.ack_due_at < timezone.now()
            and any(r.acknowledged_at is None for r in recipients),
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = permissions.get_bulletin_for(request.user, pk)
    form = AcknowledgeForm(request.POST)
    org = None
    if request.POST.get("organisation"):
        org = Organisation.objects.filter(pk=request.POST.get("organisation")).first()
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.acknowledge(actor=request.user, bulletin=bulletin, organisation=org, note=note)
    except DomainError as exc:
        if request.htmx:
            return HttpResponse(f'<p class="error" role="alert">{escape(exc.message)}</p>', status=200)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            # htmx: swap just this bulletin's card in the inbox (no page reload on a phone).
            fresh = (
                Bulletin.objects.select_related("sender_org", "community", "compound")
                .prefetch_related(
                    Prefetch("recipients", queryset=BulletinRecipient.objects.select_related("organisation"))
                )
                .get(pk=bulletin.pk)
            )
            return render(request, "bulletins/_row.html", {"row": _row(request.user, fresh)})
        messages.success(request, _("已签收。"))
    nxt = request.POST.get("next")
    if nxt == "inbox":
        return redirect("bulletins:inbox")
    return redirect("bulletins:detail", bulletin.pk)

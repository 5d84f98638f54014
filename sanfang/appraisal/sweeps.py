"""Scheduled sweeps: December round reminders and the end of publicity periods (EV-1, EV-5)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sanfang.core import delivery
from sanfang.core.tick import sweep
from sanfang.directory.models import Organisation, OrgKind, Place, Position

from .models import Round


def _heads(orgs):
    return [
        p.person for p in Position.objects.current().filter(organisation__in=orgs).select_related("person")
    ]


@sweep("appraisal.december_rounds")
def december_rounds(now) -> int:
    """In December, remind each street of its communities without a round, and party orgs of open rounds."""
    today = timezone.localdate(now)
    if today.month != 12:
        return 0
    year, done = today.year, 0
    have = set(Round.objects.filter(year=year).values_list("community_id", flat=True))
    streets: dict[int, list[Place]] = {}
    for community in Place.objects.communities().select_related("parent").order_by("path"):
        if community.pk not in have:
            streets.setdefault(community.parent_id, []).append(community)
    for street_id, missing in streets.items():
        offices = Organisation.objects.filter(kind=OrgKind.STREET, place_id=street_id)
        people = _heads(offices)
        if not people:
            continue
        delivery.notify(
            recipients=people,
            subject=lambda missing=missing: (
                _("%(year)s 年度评议：还有 %(n)d 个社区未开启") % {"year": year, "n": len(missing)}
            ),
            body=lambda missing=missing: pgettext("list separator", "、").join(c.name for c in missing[:20]),
            key=f"appraisal:december:{year}:street:{street_id}",
            url=reverse("appraisal:index"),
            organisations=list(offices),
        )
        done += 1
    for rnd in Round.objects.open().filter(year=year).select_related("run_by", "community"):
        heads = _heads([rnd.run_by])
        if heads:
            delivery.notify(
                recipients=heads,
                subject=lambda rnd=rnd: (
                    _("%(community)s %(year)s 年度评议进行中，截止 %(end)s")
                    % {"community": rnd.community.name, "year": year, "end": rnd.closes_on}
                ),
                key=f"appraisal:december:{year}:round:{rnd.pk}",
                url=reverse("appraisal:round", args=[rnd.pk]),
            )
            done += 1
    return done


@sweep("appraisal.publicity_end")
def publicity_end(now) -> int:
    """When a publicity period has ended, tell the street it may approve (or which objections still wait)."""
    today = timezone.localdate(now)
    done = 0
    for rnd in (
        Round.objects.in_publicity().filter(due_on__lt=today).select_related("community", "street", "run_by")
    ):
        unanswered = rnd.objections.unanswered().count()
        if unanswered:
            delivery.notify(
                recipients=_heads([rnd.run_by]),
                subject=lambda rnd=rnd, unanswered=unanswered: (
                    _("%(community)s 年度评议公示期已结束，还有 %(n)d 条异议未答复")
                    % {"community": rnd.community.name, "n": unanswered}
                ),
                key=f"appraisal:round:{rnd.pk}:publicity_end:unanswered:{unanswered}",
                url=reverse("appraisal:publicity", args=[rnd.pk]),
                urgent=True,
            )
        else:
            offices = Organisation.objects.filter(kind=OrgKind.STREET, place=rnd.street)
            delivery.notify(
                recipients=_heads(offices),
                subject=lambda rnd=rnd: (
                    _("%(community)s %(year)s 年度评议公示期已结束，请审定")
                    % {"community": rnd.community.name, "year": rnd.year}
                ),
                key=f"appraisal:round:{rnd.pk}:publicity_end",
                url=reverse("appraisal:approve", args=[rnd.pk]),
                organisations=list(offices),
            )
        done += 1
    return done

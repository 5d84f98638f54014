"""Menu entry, to-dos and the "credit.history" extension point (EV-5)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import extensions, nav, todos
from sanfang.directory.scopes import Role, get_scope

from .models import Participant, Round

nav.register(gettext_lazy("年度评议"), "appraisal:index", roles=Role.STAFF, order=60)


@extensions.provides("credit.history")
def credit_history(company):
    """The appraisal results and good/bad entries of a property company's credit record (EV-5)."""
    from .services import credit_history as history

    return history(company)


@extensions.provides("appraisal.history")
def appraisal_history(organisation):
    """An organisation's approved appraisal results, newest first (EV-5: a basis for the Owners' Committee's
    re-election and the RC's performance appraisal). Keys: year, community, score, rank, grade, url."""
    from .models import Subject

    rows = (
        Subject.objects.filter(
            organisation=organisation, round__status__in=(Round.Status.APPROVED, Round.Status.CIRCULATED)
        )
        .select_related("round__community")
        .order_by("-round__year", "round__community__path")
    )
    return [
        {
            "year": s.round.year,
            "community": s.round.community.name,
            "score": float(s.final_score) if s.final_score is not None else None,
            "rank": s.rank,
            "grade": s.grade,
            "url": reverse("appraisal:history", args=[organisation.pk]),
        }
        for s in rows
    ]


@extensions.provides("board.appraisal")
def board_appraisal(compound):
    """The community's latest public appraisal result for a compound's board (EV-5), no personal data.

    [{"year", "status", "status_label", "published_on", "publicity_ends_on", "url", "objection_url",
      "subjects": [{"name", "kind_label", "score", "rank", "grade"}]}] — empty when nothing is public.
    """
    from .queries import ordered_subjects

    community = compound.community
    if community is None:
        return []
    rnd = (
        Round.objects.filter(community=community)
        .filter(status__in=(Round.Status.PUBLICITY, Round.Status.APPROVED, Round.Status.CIRCULATED))
        .order_by("-year")
        .first()
    )
    if rnd is None:
        return []
    return [
        {
            "year": rnd.year,
            "status": rnd.status,
            "status_label": str(rnd.get_status_display()),
            "published_on": rnd.published_on,
            "publicity_ends_on": rnd.due_on,
            "url": reverse("appraisal:public", args=[rnd.pk]),
            "objection_url": reverse("appraisal:publicity", args=[rnd.pk]),
            "subjects": [
                {
                    "name": s.organisation.name,
                    "kind_label": str(s.get_kind_display()),
                    "score": float(s.final_score) if s.final_score is not None else None,
                    "rank": s.rank,
                    "grade": s.grade,
                }
                for s in ordered_subjects(rnd)
            ],
        }
    ]


@todos.provider
def appraisal_todos(user):
    """Ballots to cast; rounds to run, close or answer objections on; rounds awaiting street approval."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    today = timezone.localdate()
    mine = (
        Participant.objects.filter(person=user, has_voted=False, round__status=Round.Status.OPEN)
        .filter(round__opens_on__lte=today, round__closes_on__gte=today)
        .select_related("round__community")[:10]
    )
    for p in mine:
        items.append(
            todos.Todo(
                title=_("参加 %(community)s %(year)s 年度评议测评")
                % {"community": p.round.community.name, "year": p.round.year},
                url=reverse("appraisal:vote", args=[p.round_id]),
                app="appraisal",
                due=p.round.closes_on,
            )
        )
    scope = get_scope(user)
    if scope.has_role(Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE):
        rounds = (
            Round.objects.filter(
                scope.place_q("community__path", roles=(Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE))
            )
            .filter(
                Q(status=Round.Status.OPEN, closes_on__lt=today)
                | Q(status=Round.Status.CLOSED)
                | Q(
                    status=Round.Status.PUBLICITY,
                    objections__answered_at__isnull=True,
                    objections__isnull=False,
                )
            )
            .select_related("community")
            .distinct()[:10]
        )
        for r in rounds:
            items.append(
                todos.Todo(
                    title=_("%(community)s %(year)s 年度评议：%(status)s，待处理")
                    % {"community": r.community.name, "year": r.year, "status": r.get_status_display()},
                    url=reverse("appraisal:round", args=[r.pk]),
                    app="appraisal",
                )
            )
    if scope.has_role(Role.STREET):
        rounds = (
            Round.objects.filter(scope.place_q("community__path", roles=(Role.STREET,)))
            .filter(Q(status=Round.Status.PUBLICITY, due_on__lt=today) | Q(status=Round.Status.APPROVED))
            .select_related("community")[:10]
        )
        for r in rounds:
            items.append(
                todos.Todo(
                    title=_("%(community)s %(year)s 年度评议待审定或通报")
                    % {"community": r.community.name, "year": r.year},
                    url=reverse("appraisal:approve", args=[r.pk]),
                    app="appraisal",
                )
            )
    return items

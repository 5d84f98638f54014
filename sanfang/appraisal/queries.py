"""Read helpers shared by pages, the API and exports (no writes)."""

from __future__ import annotations

from django.db.models import Q

from sanfang.directory.models import Place
from sanfang.directory.scopes import Role, get_scope

from . import scoring
from .models import Content, Round, Standard, Subject, SubjectKind


def streets_for(user) -> list[Place]:
    """The streets whose standard and rounds the user manages (street role; superusers: all)."""
    scope = get_scope(user)
    if scope.is_superuser:
        return list(Place.objects.streets().order_by("path"))
    ids = [g.place_id for g in scope.grants if g.role == Role.STREET]
    return list(Place.objects.streets().filter(pk__in=ids).order_by("path"))


def standards_visible_to(user):
    """Standards of the streets the user works in (a county official: all its streets; a company: the streets
    of the compounds it serves)."""
    scope = get_scope(user)
    qs = Standard.objects.all()
    if scope.is_superuser:
        return qs
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role not in Role.STAFF or g.role == Role.PROPERTY_COMPANY:
            continue
        q |= Q(street__path__startswith=g.place_path)
        parts = g.place_path.strip("/").split("/")
        if len(parts) >= 2:
            q |= Q(street__path="/" + "/".join(parts[:2]) + "/")
    if scope.has_role(Role.PROPERTY_COMPANY):
        served = Place.objects.compounds().filter(scope.place_q("path", roles=(Role.PROPERTY_COMPANY,)))
        q |= Q(street__children__children__in=served)
    return qs.filter(q).distinct()


def result_rows(rnd: Round) -> list[dict]:
    """Per subject: scores, raw distributions per criterion, indicators. Only for closed rounds."""
    if not rnd.results_visible:
        return []
    criteria = list(rnd.standard.criteria.all())
    tree = [c for c, _d in scoring.ordered_tree(criteria) if c in scoring.leaves(criteria)]
    rows = []
    for s in ordered_subjects(rnd):
        score = scoring.score_subject(rnd.standard, criteria, s.kind, s.distribution, s.indicators)
        details = []
        for c in tree:
            dist = s.distribution.get(str(c.pk))
            if dist is None:
                continue
            details.append(
                {
                    "criterion": c,
                    "dist": dist,
                    "counts": [(label, dist.get("counts", {}).get(value, 0)) for value, label in _levels()],
                    "scores": scoring.score_counts(dist) if dist["scale"] == "score" else [],
                    "n": scoring.answers_given(dist),
                    "mean": score.by_criterion.get(c.pk),
                }
            )
        rows.append({"subject": s, "details": details, "score": score})
    return rows


KIND_ORDER = {kind.value: i for i, kind in enumerate(SubjectKind)}


def ordered_subjects(rnd: Round) -> list[Subject]:
    """RC first, then Owners' Committees, then companies; by rank within each kind."""
    subjects = list(rnd.subjects.select_related("organisation"))
    subjects.sort(key=lambda s: (KIND_ORDER.get(s.kind, 9), s.rank or 10**6, s.order, s.pk))
    return subjects


def _levels():
    from .models import Level

    return Level.choices


def circulation_groups(street: Place, year: int) -> list[dict]:
    """The street's ranking of its communities' subjects for a year, by kind (approved or circulated rounds)."""
    subjects = (
        Subject.objects.filter(
            round__street=street,
            round__year=year,
            round__status__in=(Round.Status.APPROVED, Round.Status.CIRCULATED),
            final_score__isnull=False,
        )
        .select_related("organisation", "round__community")
        .order_by("kind", "-final_score", "round__community__path", "pk")
    )
    groups: dict[str, list[Subject]] = {}
    for s in subjects:
        groups.setdefault(s.kind, []).append(s)
    out = []
    for kind in SubjectKind:
        items = groups.get(kind.value, [])
        ranked, previous, rank = [], None, 0
        for i, s in enumerate(items, start=1):
            if s.final_score != previous:
                rank, previous = i, s.final_score
            ranked.append({"rank": rank, "subject": s})
        out.append({"kind": kind, "rows": ranked})
    return out


CONTENT_LABELS = dict(Content.choices)

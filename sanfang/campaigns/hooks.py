from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import extensions, nav, todos
from sanfang.directory.scopes import Role, get_scope

from .permissions import CAMPAIGN_VIEWERS, EPMC_VIEWERS

nav.register(gettext_lazy("专项整治"), "campaigns:index", roles=CAMPAIGN_VIEWERS, order=60)
nav.register(gettext_lazy("环境和物业管理委员会"), "campaigns:epmc", roles=EPMC_VIEWERS, order=61)


@todos.provider
def campaign_todos(user):
    """Surveys to review (street/county), progress reports due (street), returned surveys (RC)."""
    from .models import Campaign, CompoundSurvey, ProgressReport, SurveyStatus

    scope = get_scope(user)
    if not scope.has_role(Role.STREET, Role.COUNTY, Role.RESIDENTS_COMMITTEE):
        return []
    out = []
    today = timezone.localdate()
    surveys = CompoundSurvey.objects.visible_to(user)
    if scope.has_role(Role.STREET):
        n = surveys.filter(
            scope.place_q("compound__path", roles=(Role.STREET,)), status=SurveyStatus.SUBMITTED
        ).count()
        if n:
            out.append(
                todos.Todo(
                    title=_("%(n)d 张小区摸排认定表待街道审核") % {"n": n},
                    url=reverse("campaigns:index"),
                    app="campaigns",
                )
            )
        for grant in scope.grants_for(Role.STREET):
            for campaign in Campaign.objects.open().filter(
                county_id=int(grant.place_path.strip("/").split("/")[0])
            ):
                submitted = ProgressReport.objects.filter(
                    campaign=campaign, street_id=grant.place_id, submitted_at__isnull=False
                ).exists()
                if not submitted:
                    out.append(
                        todos.Todo(
                            title=_("报送进展报告：%(title)s") % {"title": campaign.title},
                            url=reverse("campaigns:report-street", args=[campaign.pk, _code(grant.place_id)]),
                            app="campaigns",
                            due=campaign.report_due,
                            overdue=campaign.report_due < today,
                        )
                    )
    if scope.has_role(Role.STREET):
        from .models import EpmcIdleFlag

        idle = (
            EpmcIdleFlag.objects.active()
            .filter(scope.place_q("community__path", roles=(Role.STREET,)))
            .count()
        )
        if idle:
            out.append(
                todos.Todo(
                    title=_("%(n)d 个社区的环境和物业管理委员会长期未开展活动") % {"n": idle},
                    url=reverse("campaigns:epmc-overview") + "?idle=1",
                    app="campaigns",
                )
            )
    if scope.has_role(Role.COUNTY):
        n = surveys.filter(status=SurveyStatus.STREET_APPROVED).count()
        if n:
            out.append(
                todos.Todo(
                    title=_("%(n)d 张小区摸排认定表待县级审核") % {"n": n},
                    url=reverse("campaigns:index"),
                    app="campaigns",
                )
            )
    if scope.has_role(Role.RESIDENTS_COMMITTEE):
        for s in surveys.filter(
            scope.place_q("compound__path", roles=(Role.RESIDENTS_COMMITTEE,)), status=SurveyStatus.RETURNED
        ).select_related("campaign")[:20]:
            out.append(
                todos.Todo(
                    title=_("摸排认定表被退回，请修改：%(name)s") % {"name": s.name},
                    url=reverse("campaigns:survey", args=[s.pk]),
                    app="campaigns",
                    due=s.campaign.survey_due,
                    overdue=s.campaign.survey_due < today,
                )
            )
    return out


def _code(place_id: int) -> str:
    from sanfang.directory.models import Place

    return Place.objects.filter(pk=place_id).values_list("code", flat=True).first() or ""


@extensions.provides("indicators")
def campaign_indicators(subject, community, year: int) -> list:
    """EV-4 from WN-1/WN-3 data: a company's rectifications done on time; the RC's months with EPMC activity."""
    from django.db.models import F, Q

    from sanfang.core.extensions import Indicator
    from sanfang.directory.models import OrgKind

    from .models import Problem

    if subject.kind == OrgKind.PROPERTY_COMPANY:
        problems = Problem.objects.filter(
            owner=subject,
            due_on__year=year,
            investigation__survey__compound__path__startswith=community.path,
        )
        due = problems.filter(due_on__lt=timezone.localdate()).count()
        on_time = problems.filter(
            Q(rectified_at__isnull=False) & Q(rectified_at__date__lte=F("due_on"))
        ).count()
        return [
            Indicator(
                "campaigns.rectified_on_time", _("专项整治问题按期整改"), on_time, due, source="campaigns"
            )
        ]
    if subject.kind == OrgKind.RESIDENTS_COMMITTEE:
        return [_epmc_months_indicator(community, year)]
    return []


@extensions.batch_of(campaign_indicators)
def campaign_indicators_each(subjects, community, year: int) -> dict:
    """`campaign_indicators` of every subject of a round: the companies' problems counted per owner in one
    query, the community's EPMC months once."""
    from django.db.models import Count, F, Q

    from sanfang.core.extensions import Indicator
    from sanfang.directory.models import OrgKind

    from .models import Problem

    companies = [s for s in subjects if s.kind == OrgKind.PROPERTY_COMPANY]
    counts = {}
    if companies:
        counts = {
            row["owner_id"]: row
            for row in Problem.objects.filter(
                owner__in=companies,
                due_on__year=year,
                investigation__survey__compound__path__startswith=community.path,
            )
            .values("owner_id")
            .annotate(
                due=Count("id", filter=Q(due_on__lt=timezone.localdate())),
                on_time=Count(
                    "id", filter=Q(rectified_at__isnull=False) & Q(rectified_at__date__lte=F("due_on"))
                ),
            )
            .order_by()
        }
    months = None
    out = {}
    for subject in subjects:
        if subject.kind == OrgKind.PROPERTY_COMPANY:
            row = counts.get(subject.pk, {"due": 0, "on_time": 0})
            out[subject.pk] = [
                Indicator(
                    "campaigns.rectified_on_time",
                    _("专项整治问题按期整改"),
                    row["on_time"],
                    row["due"],
                    source="campaigns",
                )
            ]
        elif subject.kind == OrgKind.RESIDENTS_COMMITTEE:
            months = months or _epmc_months_indicator(community, year)
            out[subject.pk] = [months]
        else:
            out[subject.pk] = []
    return out


def _epmc_months_indicator(community, year: int):
    """The months of the year with EPMC activity in the community, of the months elapsed (WN-3)."""
    from sanfang.core.extensions import Indicator

    from .models import EpmcActivity

    months = EpmcActivity.objects.filter(community=community, date__year=year).dates("date", "month").count()
    today = timezone.localdate()
    elapsed = 12 if year < today.year else (today.month if year == today.year else 0)
    return Indicator(
        "campaigns.epmc_active_months",
        _("环境和物业管理委员会有活动的月份"),
        months,
        elapsed,
        source="campaigns",
    )

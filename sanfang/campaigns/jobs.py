"""Campaign work that can be large, run by the worker (core/jobs.py): the survey table of a county or street,
the county roll-up (.xlsx and .docx) and the bulk import of survey tables. Each runner checks again, as the
job's owner, what the view checked when the job was requested: rights may change while a job waits."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from sanfang.core import jobs
from sanfang.core.lazy import lazy_module
from sanfang.directory.models import Place, PlaceKind
from sanfang.directory.scopes import Role, get_scope

from . import permissions, services
from .models import CompoundSurvey

# openpyxl and python-docx load only when a job needs them (the worker's memory, issue 9).
documents = lazy_module(__package__ + ".documents")
imports = lazy_module(__package__ + ".imports")


def survey_place(user, campaign, code: str | None) -> Place:
    """The county, or the street/community named by `code` that the person reaches (else 404)."""
    from django.http import Http404

    if not code:
        return campaign.county
    place = (
        Place.objects.filter(code=code, kind__in=(PlaceKind.STREET, PlaceKind.COMMUNITY))
        .select_related("parent")
        .first()
    )
    scope = get_scope(user)
    if place is None or not (scope.is_superuser or scope.reaches(place)):
        raise Http404
    return place


def check_rollup(user, campaign) -> None:
    scope = get_scope(user)
    if not (scope.is_superuser or scope.has_role(Role.COUNTY, at=campaign.county)):
        raise PermissionDenied


def _counted(items, ctx: jobs.Context, total: int, stage: str):
    for n, item in enumerate(items, start=1):
        yield item
        ctx.progress(n, total, stage=stage, force=n == total)


@jobs.runner("campaigns.surveys_xlsx")
def surveys_xlsx(job, ctx):
    user = job.owner
    campaign = permissions.get_campaign_for(user, job.params["campaign"])
    place = survey_place(user, campaign, job.params.get("place"))
    qs = (
        CompoundSurvey.objects.visible_to(user)
        .filter(campaign=campaign, compound__path__startswith=place.path)
        .select_related("street", "community", "company")
        .order_by("compound__code")
    )
    total = qs.count()
    ctx.progress(0, total, stage=_("正在逐个小区写入表格"), force=True)
    data = documents.survey_table_xlsx(
        campaign, _counted(qs.iterator(), ctx, total, _("正在逐个小区写入表格")), place.name
    )
    return jobs.Output(
        data=data,
        name=_("小区摸排认定表-%(name)s") % {"name": place.name} + ".xlsx",
        content_type=documents.XLSX,
        message=_("已导出 %(n)d 个小区的摸排认定表。") % {"n": total},
    )


def _rollup(job, ctx):
    campaign = permissions.get_campaign_for(job.owner, job.params["campaign"])
    check_rollup(job.owner, campaign)
    ctx.progress(0, 2, stage=_("正在统计各街道（乡镇）的进展"), force=True)
    rows = services.rollup(campaign)
    ctx.progress(1, 2, stage=_("正在生成文件"), force=True)
    return campaign, rows


@jobs.runner("campaigns.rollup_xlsx")
def rollup_xlsx(job, ctx):
    campaign, rows = _rollup(job, ctx)
    return jobs.Output(
        data=documents.rollup_xlsx(campaign, rows),
        name=_("进展汇总-%(name)s") % {"name": campaign.title} + ".xlsx",
        content_type=documents.XLSX,
        message=_("已汇总 %(n)d 个街道（乡镇）的进展。") % {"n": len(rows)},
    )


@jobs.runner("campaigns.rollup_docx")
def rollup_docx(job, ctx):
    campaign, rows = _rollup(job, ctx)
    return jobs.Output(
        data=documents.rollup_docx(campaign, rows),
        name=_("进展情况汇总-%(name)s") % {"name": campaign.title} + ".docx",
        content_type=documents.DOCX,
        message=_("已汇编 %(n)d 个街道（乡镇）的进展报告。") % {"n": sum(1 for r in rows if r["submitted"])},
    )


def check_import(user, campaign) -> None:
    scope = get_scope(user)
    if not (scope.is_superuser or scope.has_role(*permissions.SURVEY_EDITORS)):
        raise PermissionDenied


@jobs.runner("campaigns.import")
def import_surveys(job, ctx):
    """WN-3 bulk import: every row checked first (with progress), then all rows written in one transaction
    together with the job's end, so a bad file or a killed worker leaves nothing imported."""
    user = job.owner
    campaign = permissions.get_campaign_for(user, job.params["campaign"])
    check_import(user, campaign)
    data = jobs.read_input(job)
    try:
        result = imports.import_surveys(
            actor=user,
            campaign=campaign,
            data=data,
            submit=bool(job.params.get("submit")),
            progress=lambda done, total, stage: ctx.progress(done, total, stage=stage),
            before_commit=lambda result: ctx.complete(
                jobs.Output(
                    url=reverse("campaigns:campaign", args=[campaign.pk]),
                    message=_("已导入 %(n)d 个小区的摸排认定表。") % {"n": len(result.surveys)},
                )
            ),
        )
    except imports.ImportRejected as exc:
        raise jobs.JobFailed(exc.message + " " + _("请按下面的提示改正文件后重新上传。"), exc.errors) from exc
    return None if ctx.completed else jobs.Output(message=str(len(result.surveys)))

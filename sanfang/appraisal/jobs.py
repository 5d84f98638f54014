"""Appraisal documents made by the worker (core/jobs.py): a round's result table carries every score of every
ballot (tens of thousands in a large community), the street's circulation notice ranks all its communities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sanfang.core import jobs

from . import exports, permissions, queries


@jobs.runner("appraisal.results_xlsx")
def results_xlsx(job, ctx):
    rnd = permissions.get_round_for(job.owner, job.params["round"])
    if not permissions.can_view_results(job.owner, rnd):
        raise PermissionDenied
    ctx.progress(1, 2, stage=_("正在生成结果表"), force=True)
    return jobs.Output(
        data=exports.results_xlsx(rnd),
        name=_("%(community)s%(year)s年度评议结果.xlsx")
        % {"community": rnd.community.name, "year": rnd.year},
        content_type=exports.XLSX,
        message=_("已生成评议结果表。"),
    )


@jobs.runner("appraisal.circulation_docx")
def circulation_docx(job, ctx):
    from .views import _street_for

    street = _street_for(job.owner, job.params["street"])
    year = int(job.params["year"])
    ctx.progress(0, 2, stage=_("正在汇总各社区的评议结果"), force=True)
    groups = queries.circulation_groups(street, year)
    ctx.progress(1, 2, stage=_("正在生成通报"), force=True)
    return jobs.Output(
        data=exports.circulation_docx(street, year, groups),
        name=_("%(street)s%(year)s年度评议结果通报.docx") % {"street": street.name, "year": year},
        content_type=exports.DOCX,
        message=_("已生成评议结果通报。"),
    )

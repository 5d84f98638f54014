"""JM-6 summary drafts made by the worker (core/jobs.py): the figures of a half-year or a year come from every
meeting, participant, agenda item and resolution of the community, and from the other apps' indicators."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanfang.core import jobs
from sanfang.directory.models import Place

from . import services


@jobs.runner("meetings.summary")
def summary(job, ctx):
    """Draft (or refresh the figures of) one community's summary, as the office member who asked."""
    community = Place.objects.communities().get(pk=job.params["community"])
    ctx.progress(0, 1, stage=_("正在从会议记录、议题和议定事项统计数据"), force=True)
    s = services.generate_summary(
        actor=job.owner,
        community=community,
        kind=job.params["kind"],
        year=int(job.params["year"]),
        half=int(job.params.get("half") or 1),
        before_commit=lambda s: ctx.complete(
            jobs.Output(
                url=reverse("meetings:summary", args=[s.pk]),
                message=_("已根据数据生成总结：%(title)s") % {"title": str(s)},
            )
        ),
    )
    return None if ctx.completed else jobs.Output(url=reverse("meetings:summary", args=[s.pk]))

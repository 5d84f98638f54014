"""Pages of background jobs: the progress page, its JSON for the polling script, the result, my jobs.

Only the job's owner sees any of them; for everyone else a job does not exist (404). `start` is what a view
calls after its own permission and scope checks: a POST queues the job and goes to its progress page; a GET
(a bookmarked link, the no-JS path of an old link) shows a page with one button that starts it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import jobs
from .files import serve_upload
from .models import Job


def start(
    request: HttpRequest,
    *,
    kind: str,
    title: str,
    params: dict | None = None,
    place=None,
    description: str = "",
    back_url: str = "",
) -> HttpResponse:
    """After the caller's checks: POST queues the job (→ its progress page); GET offers a button that does."""
    if request.method == "POST":
        job = jobs.submit(
            actor=request.user,
            kind=kind,
            title=title,
            params={**(params or {}), "back": back_url},
            place=place,
        )
        return redirect(job)
    return render(
        request,
        "core/job_offer.html",
        {"title": title, "description": description, "back_url": back_url},
    )


def _status(job: Job) -> dict:
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "stage": job.stage,
        "finished": job.finished,
        "count_label": (_("已完成 %(done)d / %(total)d") % {"done": job.done, "total": job.total})
        if job.total
        else _("正在准备……"),
    }


def _stalled(job: Job) -> bool:
    return job.state == Job.State.QUEUED and timezone.now() - job.enqueued_at > jobs.STALLED_AFTER


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs.visible_to(request.user).order_by("-created_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "core/jobs.html", {"page": page})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.get_for(request.user, pk)
    return render(
        request,
        "core/job.html",
        {
            "job": job,
            "status": _status(job),
            "stalled": _stalled(job),
            "back_url": (job.params or {}).get("back", ""),
            "expired": job.state == Job.State.DONE and job.result_name and not job.result_file,
        },
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = jobs.get_for(request.user, pk)
    response = JsonResponse({**_status(job), "stalled": _stalled(job)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.get_for(request.user, pk)
    if job.state != Job.State.DONE or not job.result_file:
        raise Http404
    return serve_upload(
        job.result_file, filename=job.result_name or "result", content_type=job.result_type or None
    )

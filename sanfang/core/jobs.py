"""Long operations as background jobs: imports, large exports, generated summaries (issue 8 item 5).

A view checks permission and scope as it always did, then calls `submit(...)` instead of doing the work; the
person is sent to the job's progress page (`/jobs/<pk>/`), which polls a JSON endpoint (static JS; without JS a
plain reload link) and offers the result when it is done. The work itself runs in the existing task worker
(`sanfang worker`, started by `make run` through `sanfang serve --with-worker`): `submit` enqueues the
`run_job` task after commit, the worker calls `run(pk)`.

    queued --claim (committed, lease)--> running --runner returns--> done (result file / URL, message)
                                           |--JobFailed / DomainError / crash--> failed (message in the
                                           |                                      owner's language)
                                           |--worker killed--> lease ends --recover--> queued … (or failed
                                                                                  after MAX_ATTEMPTS)

Every claim takes a new lease token (`attempts`); progress, the final state and a runner's own transaction
(`ctx.complete()` inside it) update the row only while the token is still theirs, so a worker whose lease was
taken over stops at its next step and its work is rolled back: a job's effect happens once. Imports write
everything in one transaction with `ctx.complete()` inside it, so a killed import changed nothing and runs
again from the start.

Apps register runners in `<app>/jobs.py`:

    @jobs.runner("campaigns.rollup_xlsx")
    def rollup(job, ctx):
        ...checks again with job.owner (rights may have changed while it waited)...
        ctx.progress(done, total)
        return jobs.Output(data=bytes, name="….xlsx", content_type=XLSX)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .errors import DomainError
from .models import Job

logger = logging.getLogger(__name__)

# How long a running job may go without reporting progress before it counts as interrupted (the worker died).
LEASE = dt.timedelta(seconds=getattr(settings, "JOB_LEASE_SECONDS", 300))
MAX_ATTEMPTS = 3
# A queued job no worker has picked up after this long is enqueued again (a lost task).
REQUEUE_AFTER = dt.timedelta(minutes=10)
# On the progress page: past this, say that the worker may not be running.
STALLED_AFTER = dt.timedelta(minutes=2)
# Results (and uploaded inputs) are kept this long, then removed by the sweep.
KEEP_RESULTS = dt.timedelta(days=7)
# Progress is written at most this often (every call still checks the lease when it writes).
PROGRESS_EVERY = dt.timedelta(seconds=0.5)


@dataclass
class Output:
    """What a runner returns: a file to download and/or a page to go to, and a sentence saying what was done."""

    data: bytes | None = None
    name: str = ""
    content_type: str = ""
    url: str = ""
    message: str = ""


class JobFailed(Exception):
    """The job cannot be done; `message` (and `errors`, e.g. one per bad row) tell the owner what and why."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])


class Interrupted(Exception):
    """This worker no longer holds the job's lease (it ran out and another worker took the job over)."""


Runner = Callable[[Job, "Context"], Output | None]
_RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    def decorator(func: Runner) -> Runner:
        _RUNNERS[kind] = func
        return func

    return decorator


def registered() -> list[str]:
    return sorted(_RUNNERS)


# --- requesting ------------------------------------------------------------------------------------------


def submit(
    *,
    actor,
    kind: str,
    title: str,
    params: dict[str, Any] | None = None,
    place=None,
    input_data: bytes | None = None,
    input_name: str = "upload.xlsx",
) -> Job:
    """Queue a job for `actor` (the caller has checked permission and scope). Runs after the commit."""
    if kind not in _RUNNERS:
        raise ValueError(f"no runner for job kind {kind!r}")
    with transaction.atomic():
        job = Job(
            kind=kind,
            title=str(title)[:200],
            owner=actor,
            place=place,
            params=params or {},
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        if input_data is not None:
            job.input_file.save(input_name, ContentFile(input_data), save=False)
        job.save()
        audit.record(actor=actor, verb="core.job.request", target=job, place=place, summary=kind)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(pk: int) -> None:
    from .tasks import run_job

    try:
        run_job.enqueue(pk)
    except Exception:  # noqa: BLE001 - the recover sweep enqueues it again; the request must not fail
        logger.exception("could not enqueue job %s", pk)


def visible_to(user):
    """The jobs a person may see: their own (no one else's, whatever their role)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner=user)


def get_for(user, pk: int) -> Job:
    job = visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


# --- running (the worker's side) -------------------------------------------------------------------------


class Context:
    """Handed to a runner: report progress, and complete inside the runner's own transaction."""

    def __init__(self, job: Job):
        self.job = job
        self.token = job.attempts
        self.completed = False
        self._last = None

    def _mine(self):
        return Job.objects.filter(pk=self.job.pk, attempts=self.token, state=Job.State.RUNNING)

    def progress(
        self, done: int, total: int | None = None, stage: str | None = None, force: bool = False
    ) -> None:
        """Record how far the job is and renew the lease; raises Interrupted if the lease was taken over.
        Call it outside the runner's transaction (inside it, nobody else would see it)."""
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        if stage is not None:
            job.stage = str(stage)[:200]
        now = timezone.now()
        if not force and self._last is not None and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        if not self._mine().update(done=job.done, total=job.total, stage=job.stage, lease_until=now + LEASE):
            raise Interrupted

    def complete(self, output: Output | None = None) -> None:
        """Mark the job done inside the caller's transaction: its writes and the job's end commit together,
        or neither does (a worker that lost its lease rolls its work back)."""
        self._finish(output or Output())
        self.completed = True

    def _finish(self, output: Output) -> None:
        job = self.job
        fields: dict[str, Any] = {
            "state": Job.State.DONE,
            "finished_at": timezone.now(),
            "message": output.message,
            "result_url": output.url,
            "error": "",
            "errors": [],
            "done": max(job.done, job.total),
        }
        saved = ""
        if output.data is not None:
            name = output.name or "result"
            saved = job.result_file.storage.save(
                job.result_file.field.generate_filename(job, name), ContentFile(output.data)
            )
            fields.update(result_file=saved, result_name=name[:200], result_type=output.content_type[:100])
        try:
            if not self._mine().update(**fields):
                raise Interrupted
        except BaseException:
            if saved:
                with suppress(OSError):
                    job.result_file.storage.delete(saved)
            raise
        for key, value in fields.items():
            setattr(job, key, value)


def claim(pk: int) -> Job | None:
    """Take a queued job (committed before the work starts). None if it is not queued (done, or taken)."""
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if job is None or job.state != Job.State.QUEUED:
            return None
        job.state = Job.State.RUNNING
        job.attempts += 1
        job.lease_until = now + LEASE
        job.started_at = job.started_at or now
        job.save(update_fields=["state", "attempts", "lease_until", "started_at"])
    return job


def run(pk: int) -> str:
    """The worker step: claim the job, run its runner in the owner's language, record the outcome."""
    job = claim(pk)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        return _run_claimed(job)


def _run_claimed(job: Job) -> str:
    ctx = Context(job)
    func = _RUNNERS.get(job.kind)
    try:
        if func is None:
            raise JobFailed(_("系统不再支持这种后台任务，请回到原页面重新操作。"))
        output = func(job, ctx)
        if not ctx.completed:
            ctx.complete(output)
    except Interrupted:
        logger.warning("job %s: lease lost, another worker has it", job.pk)
        return "interrupted"
    except JobFailed as exc:
        _fail(ctx, exc.message, exc.errors)
    except DomainError as exc:
        _fail(ctx, exc.message)
    except (PermissionDenied, Http404):
        _fail(ctx, _("您已无权进行这项操作（权限或管辖范围在提交后发生了变化），未做任何更改。"))
    except Exception:  # noqa: BLE001 - any crash is recorded on the job, with the details in the log
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(
            ctx,
            _("处理时出现系统错误，未做任何更改。请稍后重新提交；如果再次失败，请把本页地址发给系统管理员。"),
        )
    else:
        _drop_input(job)
        return "done"
    _drop_input(job)
    return "failed"


def _fail(ctx: Context, message: str, errors: list[str] | None = None) -> None:
    updated = ctx._mine().update(  # noqa: SLF001 - the same lease check as progress
        state=Job.State.FAILED, error=message, errors=list(errors or [])[:1000], finished_at=timezone.now()
    )
    if updated:
        ctx.job.state, ctx.job.error, ctx.job.errors = Job.State.FAILED, message, list(errors or [])


def _drop_input(job: Job) -> None:
    if job.input_file:
        name = job.input_file.name
        with suppress(OSError):
            job.input_file.storage.delete(name)
        Job.objects.filter(pk=job.pk).update(input_file="")


def read_input(job: Job) -> bytes:
    if not job.input_file:
        raise JobFailed(_("上传的文件已不在服务器上，请重新上传。"))
    try:
        with job.input_file.open("rb") as f:
            return f.read()
    except OSError:
        raise JobFailed(_("上传的文件已不在服务器上，请重新上传。")) from None


def run_pending(limit: int = 100) -> int:
    """Run queued jobs in this process (tests, `sanfang worker --batch`); returns how many ran."""
    n = 0
    for pk in Job.objects.filter(state=Job.State.QUEUED).order_by("pk").values_list("pk", flat=True)[:limit]:
        if run(pk) != "skipped":
            n += 1
    return n


def recover(now: dt.datetime | None = None) -> int:
    """Jobs whose worker died (lease over): queue again, or fail after MAX_ATTEMPTS; enqueue lost ones; remove
    results past KEEP_RESULTS. Returns how many jobs were queued again or failed."""
    now = now or timezone.now()
    count = 0
    stuck = list(
        Job.objects.filter(state=Job.State.RUNNING, lease_until__lte=now).values_list(
            "pk", "attempts", "language"
        )
    )
    for pk, attempts, language in stuck:
        base = Job.objects.filter(pk=pk, state=Job.State.RUNNING, attempts=attempts, lease_until__lte=now)
        if attempts >= MAX_ATTEMPTS:
            with translation.override(language):
                message = _(
                    "后台任务多次中断（服务器重启或任务进程停止），未完成，也未做任何更改。请重新提交；"
                    "如果仍然失败，请联系系统管理员。"
                )
            count += base.update(state=Job.State.FAILED, error=message, finished_at=now)
        elif base.update(state=Job.State.QUEUED, enqueued_at=now, lease_until=None):
            count += 1
            transaction.on_commit(lambda pk=pk: _enqueue(pk))
    lost = list(
        Job.objects.filter(state=Job.State.QUEUED, enqueued_at__lte=now - REQUEUE_AFTER).values_list(
            "pk", flat=True
        )[:200]
    )
    Job.objects.filter(pk__in=lost).update(enqueued_at=now)
    for pk in lost:
        transaction.on_commit(lambda pk=pk: _enqueue(pk))
    for job in Job.objects.filter(finished_at__lte=now - KEEP_RESULTS).exclude(result_file=""):
        with suppress(OSError):
            job.result_file.storage.delete(job.result_file.name)
        Job.objects.filter(pk=job.pk).update(result_file="")
    return count


@contextmanager
def progress_steps(ctx: Context, total: int):
    """A counter for runners that do `total` steps: `step()` after each."""
    state = {"n": 0}
    ctx.progress(0, total, force=True)

    def step(stage: str | None = None) -> None:
        state["n"] += 1
        ctx.progress(state["n"], total, stage=stage, force=state["n"] >= total)

    yield step


def counted(items, ctx: Context, total: int, stage: str = ""):
    """Yield from `items`, telling the job's progress after each (written at most every PROGRESS_EVERY)."""
    ctx.progress(0, total, stage=stage, force=True)
    n = 0
    for n, item in enumerate(items, start=1):
        yield item
        ctx.progress(n, total, stage=stage)
    ctx.progress(n, max(total, n), stage=stage, force=True)

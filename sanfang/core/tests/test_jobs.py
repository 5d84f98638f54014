"""Issue 8 item 5: long operations run as background jobs in the worker, with a progress page for their owner.

The job mechanism itself (core/jobs.py): the request queues, the worker step claims with a lease, progress is
visible on the owner's page and in its JSON, a killed worker's job is queued again (or failed with a message)
and never finished twice, and nobody but the owner sees a job or its result.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from sanfang.core import jobs
from sanfang.core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


@jobs.runner("tests.count")
def _count_runner(job, ctx):
    """A test job: counts to params["n"], reporting each step; fails on request."""
    n = job.params.get("n", 3)
    for i in range(1, n + 1):
        ctx.progress(i, n, stage=f"step {i}", force=True)
    if job.params.get("fail"):
        raise jobs.JobFailed("第 2 行有错", ["第 2 行“户数”：应为整数"])
    if job.params.get("crash"):
        raise RuntimeError("boom")
    wb = Workbook()
    wb.active.append(["counted", n])
    buf = io.BytesIO()
    wb.save(buf)
    return jobs.Output(
        data=buf.getvalue(), name="计数.xlsx", content_type="application/xlsx", message="数完了"
    )


def _submit(person, **params) -> Job:
    return jobs.submit(actor=person, kind="tests.count", title="数数", params=params)


def test_issue8_a_job_is_queued_by_the_request_and_run_by_the_worker_step(world, login):
    job = _submit(world.county_official, n=4)
    assert job.state == Job.State.QUEUED
    assert AuditEvent.objects.filter(verb="core.job.request", target_id=str(job.pk)).exists()
    client = login(world.county_official)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and 'id="job-progress"' in page and "<progress" in page
    assert "sanfang/jobs.js" in page  # polling from a static file, no inline script
    assert f'href="{job.get_absolute_url()}"' in page  # the no-JS way: a plain reload link
    status = client.get(reverse("core:job-status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["finished"] is False

    assert jobs.run(job.pk) == "done"
    assert jobs.run(job.pk) == "skipped"  # a second delivery of the task does nothing
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.done == job.total == 4 and job.attempts == 1
    status = client.get(reverse("core:job-status", args=[job.pk])).json()
    assert status["finished"] is True and status["percent"] == 100
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已完成" in page and "数完了" in page and reverse("core:job-result", args=[job.pk]) in page
    assert "sanfang/jobs.js" not in page
    response = client.get(reverse("core:job-result", args=[job.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["counted", 4]
    assert job.get_absolute_url() in client.get(reverse("core:jobs")).content.decode()


def test_issue8_progress_is_visible_while_the_job_runs(world, login):
    job = _submit(world.county_official, n=5)
    claimed = jobs.claim(job.pk)
    ctx = jobs.Context(claimed)
    ctx.progress(2, 5, stage="正在写入第 2 个小区", force=True)
    client = login(world.county_official)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'value="40"' in page and "已完成 2 / 5" in page and "正在写入第 2 个小区" in page
    status = client.get(reverse("core:job-status", args=[job.pk])).json()
    assert status == {
        "state": "running",
        "state_label": "进行中",
        "done": 2,
        "total": 5,
        "percent": 40,
        "stage": "正在写入第 2 个小区",
        "finished": False,
        "count_label": "已完成 2 / 5",
        "stalled": False,
    }


def test_issue8_only_the_owner_sees_a_job_others_get_404(world, login, client):
    job = _submit(world.county_official)
    jobs.run(job.pk)
    urls = [
        job.get_absolute_url(),
        reverse("core:job-status", args=[job.pk]),
        reverse("core:job-result", args=[job.pk]),
    ]
    for outsider in (world.street_official, world.admin, world.resident):
        c = login(outsider)
        for url in urls:
            assert c.get(url).status_code == 404, (outsider, url)
        assert job.title not in c.get(reverse("core:jobs")).content.decode()
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page


def test_issue8_a_failed_job_says_what_happened_and_what_to_do_in_the_owners_language(world, login):
    job = _submit(world.county_official, fail=True)
    assert jobs.run(job.pk) == "failed"
    page = login(world.county_official).get(job.get_absolute_url()).content.decode()
    assert "任务失败" in page and "第 2 行有错" in page and "应为整数" in page
    assert reverse("core:job-result", args=[job.pk]) not in page

    crash = _submit(world.county_official, crash=True)
    assert jobs.run(crash.pk) == "failed"
    crash.refresh_from_db()
    assert "系统错误" in crash.error and "boom" not in crash.error  # details go to the log, not the page

    world.county_official.language = "en"
    world.county_official.save(update_fields=["language"])
    from django.utils import translation

    with translation.override("en"):
        english = _submit(world.county_official, crash=True)
    jobs.run(english.pk)
    english.refresh_from_db()
    assert english.language == "en" and "system error" in english.error.lower()
    page = login(world.county_official).get(english.get_absolute_url()).content.decode()
    assert "Failed" in page or "failed" in page


def test_issue8_a_killed_workers_job_is_resumed_once_its_lease_ends_and_never_finished_twice(world):
    job = _submit(world.county_official, n=3)
    stale = jobs.claim(job.pk)  # the worker that will be "SIGKILLed": it claimed and reported progress
    stale_ctx = jobs.Context(stale)
    stale_ctx.progress(1, 3, force=True)
    assert jobs.recover() == 0  # the lease is still running: nothing to recover
    with time_machine.travel(timezone.now() + jobs.LEASE + dt.timedelta(seconds=1), tick=False):
        assert jobs.recover() == 1
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.attempts == 1
    assert jobs.run(job.pk) == "done"  # another worker takes it over and finishes it
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
    # The old worker comes back to life: its progress and its end are refused, the job stays as it is.
    with pytest.raises(jobs.Interrupted):
        stale_ctx.progress(2, 3, force=True)
    with pytest.raises(jobs.Interrupted):
        stale_ctx.complete(jobs.Output(message="second"))
    job.refresh_from_db()
    assert job.message == "数完了"


def test_issue8_a_job_interrupted_again_and_again_fails_with_a_message(world):
    job = _submit(world.county_official)
    now = timezone.now()
    for _attempt in range(jobs.MAX_ATTEMPTS):
        assert jobs.claim(job.pk) is not None
        now += jobs.LEASE + dt.timedelta(seconds=1)
        jobs.recover(now)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.attempts == jobs.MAX_ATTEMPTS
    assert "多次中断" in job.error and "重新提交" in job.error


def test_issue8_a_lost_queued_job_is_enqueued_again_and_old_results_are_removed(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    job = _submit(world.county_official)
    enqueued = []
    monkeypatch.setattr(jobs, "_enqueue", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.recover()
    assert enqueued == []  # queued a moment ago: not lost
    later = timezone.now() + jobs.REQUEUE_AFTER + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.recover(later)
    assert enqueued == [job.pk]
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result_file
    name = job.result_file.name
    assert job.result_file.storage.exists(name)
    jobs.recover(timezone.now() + jobs.KEEP_RESULTS + dt.timedelta(days=1))
    job.refresh_from_db()
    assert not job.result_file and not job.result_file.storage.exists(name)


def test_issue8_the_recovery_runs_in_tick_and_in_the_worker(world):
    from sanfang.core import tick
    from sanfang.core.management.commands.worker import Command

    job = _submit(world.county_official)
    jobs.claim(job.pk)  # …and the worker is killed
    later = timezone.now() + jobs.LEASE + dt.timedelta(seconds=1)
    assert tick.run_all(later, only=["jobs.recover"]) == {"jobs.recover": 1}
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    parser = Command().create_parser("sanfang", "worker")
    assert parser.parse_args([]).recover_every == 30  # the worker's own loop: within seconds, not a tick

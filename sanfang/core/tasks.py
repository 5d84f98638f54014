"""Background work of the core: sending deliveries."""

from __future__ import annotations

from django_tasks import task


@task()
def send_delivery(delivery_id: int) -> str:
    from .sending import send

    return send(delivery_id)


@task()
def run_job(job_id: int) -> str:
    from .jobs import run

    return run(job_id)

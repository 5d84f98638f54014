"""Core sweeps: recompute estimated deadlines once their year's calendar is known; retry deliveries."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from . import calendar
from .models import DeadlineMixin
from .tick import sweep


@sweep("calendar.recompute_estimated", "重算估算的截止日期（录入新一年日历之后）")
def recompute_estimated(now: dt.datetime) -> int:
    changed = 0
    for model in apps.get_models():
        if not issubclass(model, DeadlineMixin):
            continue
        for obj in model.objects.filter(due_estimated=True, due_from__isnull=False):
            due = calendar.add_working_days(obj.due_from, obj.due_working_days or 0)
            if due.estimated:
                continue
            with transaction.atomic():
                model.objects.filter(pk=obj.pk).update(due_on=due, due_estimated=False)
            changed += 1
    return changed


# A first send still not attempted after this long is taken to be lost and is enqueued again.
LOST_AFTER = dt.timedelta(minutes=15)
LEASE = dt.timedelta(minutes=15)


@sweep("delivery.retry", "重新发送到期的失败投递（指数退避）")
def retry_deliveries(now: dt.datetime) -> int:
    from .models import Delivery
    from .tasks import send_delivery

    # A send whose worker died mid-way (its lease is over): back to pending, to go again with the same key.
    Delivery.objects.filter(status=Delivery.Status.SENDING, next_attempt_at__lte=now).update(
        status=Delivery.Status.PENDING, last_error="interrupted: the worker stopped during the send"
    )
    # Failed attempts whose back-off is over, and first sends that never ran (a lost task, a crashed worker).
    retry = Q(attempts__gt=0, next_attempt_at__lte=now)
    lost = Q(attempts=0, created_at__lte=now - LOST_AFTER, next_attempt_at__lte=now)
    due = list(
        Delivery.objects.filter(retry | lost, status=Delivery.Status.PENDING)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    # Lease them while the task is queued, so the next tick does not enqueue them again (a failed attempt
    # sets its own back-off; a task that is lost for good comes back when the lease ends).
    Delivery.objects.filter(pk__in=due).update(next_attempt_at=now + LEASE)
    for pk in due:
        send_delivery.enqueue(pk)
    return len(due)


@sweep("jobs.recover", "恢复中断的后台任务（导入、导出、总结），清理过期的结果文件")
def recover_jobs(now: dt.datetime) -> int:
    from . import jobs

    return jobs.recover(now)

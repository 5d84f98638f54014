"""Core sweeps: recompute estimated deadlines once their year's calendar is known; retry deliveries."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction

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


@sweep("delivery.retry", "重新发送到期的失败投递（指数退避）")
def retry_deliveries(now: dt.datetime) -> int:
    from .models import Delivery
    from .tasks import send_delivery

    due = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, attempts__gt=0, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        send_delivery.enqueue(pk)
    return len(due)

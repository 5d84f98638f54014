"""Sending one delivery over its channel, with retries and back-off (implemented in the delivery work)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Delivery

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, capped at 6 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def send(delivery_id: int) -> str:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return "skipped"
        delivery.attempts += 1
        try:
            if delivery.channel == Delivery.Channel.EMAIL:
                EmailMessage(delivery.subject, delivery.body, to=[delivery.address]).send(fail_silently=False)
            else:
                from .webhooks import post

                post(delivery)
        except Exception as exc:  # noqa: BLE001 - any transport failure is recorded and retried
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
            delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("delivery %s failed: %s", delivery.pk, delivery.last_error)
            return "retry" if delivery.status == Delivery.Status.PENDING else "failed"
        delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return "sent"

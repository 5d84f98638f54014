"""Sending one delivery over its channel: a small state machine with retries, back-off and a lease.

    pending --claim (committed)--> sending --ok--> sent
                                      |--error--> pending (back-off) … failed after DELIVERY_MAX_ATTEMPTS
                                      |--worker killed--> (lease ends) --retry sweep--> pending --> sending …

The claim is committed before the network call, so no database transaction or row lock is held while a
robot or SMTP server answers, and a worker killed mid-send leaves a visible `sending` row instead of nothing.
Such a send is repeated with the same idempotency key (`Idempotency-Key` header for webhooks, a stable
`Message-ID` for e-mail): a receiver that honours it, and every mail client for the Message-ID, sees each
message exactly once (issue 10.5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)


def idempotency_key(delivery: Delivery) -> str:
    """Stable for the delivery across every attempt; reveals nothing of the key's content."""
    return hashlib.sha256(f"sanfang:{delivery.key}".encode()).hexdigest()[:40]


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return None  # sent, failed, or being sent by another worker right now
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.next_attempt_at = now + lease()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    return delivery


def _transport(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.EMAIL:
        domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "sanfang"
        headers = {"Message-ID": f"<{idempotency_key(delivery)}@{domain}>"}
        EmailMessage(delivery.subject, delivery.body, to=[delivery.address], headers=headers).send(
            fail_silently=False
        )
    else:
        from .webhooks import post

        post(delivery, idempotency_key=idempotency_key(delivery))


def send(delivery_id: int) -> str:
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    try:
        _transport(delivery)
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"[:2000]
        failed = delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS
        status = Delivery.Status.FAILED if failed else Delivery.Status.PENDING
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            status=status, last_error=error, next_attempt_at=timezone.now() + backoff(delivery.attempts)
        )
        logger.warning("delivery %s failed: %s", delivery.pk, error)
        return "failed" if failed else "retry"
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"

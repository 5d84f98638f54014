"""One way for every app to tell people things: web inbox, e-mail (SMTP) and group-robot webhooks.

Call `notify(...)` inside your service's transaction. It writes inbox messages and delivery rows at once and
hands the real sends to the task worker after commit, so a rolled-back change tells nobody anything. Every
send is idempotent (one row per key), retried with back-off, and logged in `Delivery`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import Delivery, Message, WebhookEndpoint


def notify(
    *,
    recipients: Iterable,
    subject: str,
    key: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
    organisations: Iterable = (),
    email: bool = True,
) -> list[Message]:
    """Tell people (and the group robots of organisations) something once per `key`.

    - `recipients`: Person objects; each gets an inbox message (read receipt = opening it) and, if they
      have an e-mail address and `email` is true, an e-mail.
    - `organisations`: Organisation objects whose active group robots (WeCom/DingTalk) get the text too.
    - `key`: an idempotency key such as "meeting:12:notice:v3"; calling again with the same key is a no-op
      for those already told.
    """
    messages: list[Message] = []
    deliveries: list[Delivery] = []
    for person in {p.pk: p for p in recipients if p is not None}.values():
        message, created = Message.objects.get_or_create(
            recipient=person,
            key=key,
            defaults={"subject": subject[:200], "body": body, "url": url, "urgent": urgent},
        )
        messages.append(message)
        if created and email and person.email:
            deliveries.append(
                _delivery(
                    f"email:{person.pk}:{key}",
                    Delivery.Channel.EMAIL,
                    person.email,
                    subject,
                    body,
                    url,
                    message=message,
                )
            )
    org_ids = [o.pk for o in organisations]
    if org_ids:
        for hook in WebhookEndpoint.objects.filter(organisation_id__in=org_ids, active=True):
            deliveries.append(
                _delivery(
                    f"webhook:{hook.pk}:{key}",
                    Delivery.Channel.WEBHOOK,
                    hook.url,
                    subject,
                    body,
                    url,
                    webhook=hook,
                )
            )
    created_ids = [d.pk for d in deliveries if d is not None]
    if created_ids:
        transaction.on_commit(lambda: _enqueue(created_ids))
    return messages


def _delivery(key, channel, address, subject, body, url, **links) -> Delivery | None:
    text = body if not url else f"{body}\n\n{absolute(url)}".strip()
    delivery, created = Delivery.objects.get_or_create(
        key=key[:255],
        defaults={"channel": channel, "address": address, "subject": subject[:200], "body": text, **links},
    )
    return delivery if created else None


def absolute(url: str) -> str:
    from django.conf import settings

    if url.startswith("http://") or url.startswith("https://"):
        return url
    return settings.SITE_URL + url


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_delivery

    for pk in ids:
        send_delivery.enqueue(pk)

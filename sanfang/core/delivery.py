"""One way for every app to tell people things: web inbox, e-mail (SMTP) and group-robot webhooks.

Call `notify(...)` inside your service's transaction. It writes inbox messages and delivery rows at once and
hands the real sends to the task worker after commit, so a rolled-back change tells nobody anything. Every
send is idempotent (one row per key), retried with back-off, and logged in `Delivery`.

Each person is told in their own language, not in the language of whoever caused the notice: pass the subject
and body as a function (`subject=lambda: _("…") % {...}`) and `notify` calls it once per language, with that
language active, for the people who chose it (`Person.language`; no choice means Chinese, as for residents).
Group robots post in the platform's language: their groups are Chinese offices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import Delivery, Message, WebhookEndpoint

# A notice's subject or body: a function that builds the text in the active language, or fixed text (a
# person's own words, a title) that reads the same in every language.
Text = Callable[[], str] | str


def language_of(person) -> str:
    """The language a person reads notices in: the one they chose, else the platform's (Chinese)."""
    chosen = getattr(person, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render(text: Text, language: str) -> str:
    """The text as it reads in `language`: builds it with that language active (lazy strings included)."""
    with translation.override(language):
        return str(text() if callable(text) else text)


def notify(
    *,
    recipients: Iterable,
    subject: Text,
    key: str,
    body: Text = "",
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
    - `subject`, `body`: functions building the text (see the module's docstring), so that each recipient
      reads it in their own language; plain text is sent as it is.
    """
    texts: dict[str, tuple[str, str]] = {}

    def texts_in(language: str) -> tuple[str, str]:
        if language not in texts:
            texts[language] = (render(subject, language), render(body, language))
        return texts[language]

    messages: list[Message] = []
    deliveries: list[Delivery] = []
    for person in {p.pk: p for p in recipients if p is not None}.values():
        subject_text, body_text = texts_in(language_of(person))
        message, created = Message.objects.get_or_create(
            recipient=person,
            key=key,
            defaults={"subject": subject_text[:200], "body": body_text, "url": url, "urgent": urgent},
        )
        messages.append(message)
        if created and email and person.email:
            deliveries.append(
                _delivery(
                    f"email:{person.pk}:{key}",
                    Delivery.Channel.EMAIL,
                    person.email,
                    subject_text,
                    body_text,
                    url,
                    message=message,
                )
            )
    org_ids = [o.pk for o in organisations]
    if org_ids:
        subject_text, body_text = texts_in(settings.LANGUAGE_CODE)
        for hook in WebhookEndpoint.objects.filter(organisation_id__in=org_ids, active=True):
            deliveries.append(
                _delivery(
                    f"webhook:{hook.pk}:{key}",
                    Delivery.Channel.WEBHOOK,
                    hook.url,
                    subject_text,
                    body_text,
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

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
    fresh: bool = False,
) -> list[Message]:
    """Tell people (and the group robots of organisations) something once per `key`.

    - `recipients`: Person objects; each gets an inbox message (read receipt = opening it) and, if they
      have an e-mail address and `email` is true, an e-mail.
    - `organisations`: Organisation objects whose active group robots (WeCom/DingTalk) get the text too.
    - `key`: an idempotency key such as "meeting:12:notice:v3"; calling again with the same key is a no-op
      for those already told.
    - `subject`, `body`: functions building the text (see the module's docstring), so that each recipient
      reads it in their own language; plain text is sent as it is.
    - `fresh`: the key names a row created in the caller's own transaction (a case just reported), so no one
      can have been told under it: the two look-ups of who was told already are skipped (issue 9). The inserts
      still keep a row that exists, as always.
    """
    texts: dict[str, tuple[str, str]] = {}

    def texts_in(language: str) -> tuple[str, str]:
        if language not in texts:
            texts[language] = (render(subject, language), render(body, language))
        return texts[language]

    people = {p.pk: p for p in recipients if p is not None}
    # Everyone's message in two statements, however many they are (issue 9): who was told under this key
    # already, then one insert for the others.
    told = (
        {}
        if fresh
        else {m.recipient_id: m for m in Message.objects.filter(key=key, recipient_id__in=list(people))}
    )
    new: list[Message] = []
    for pk, person in people.items():
        if pk not in told:
            subject_text, body_text = texts_in(language_of(person))
            new.append(
                Message(
                    recipient=person,
                    key=key,
                    subject=subject_text[:200],
                    body=body_text,
                    url=url,
                    urgent=urgent,
                )
            )
    _insert_once(Message, new, ["recipient", "key"])
    mine = {**told, **{m.recipient_id: m for m in new}}
    messages = [mine[pk] for pk in people]
    deliveries: list[Delivery] = []
    for message in new:
        person = people[message.recipient_id]
        if email and person.email:
            deliveries.append(
                _delivery(
                    f"email:{person.pk}:{key}",
                    Delivery.Channel.EMAIL,
                    person.email,
                    message.subject,
                    message.body,
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
    sent = (
        set()
        if fresh
        else set(Delivery.objects.filter(key__in=[d.key for d in deliveries]).values_list("key", flat=True))
    )
    # One row per key (a truncated key may repeat within the batch; one statement cannot write a row twice).
    created = list({d.key: d for d in deliveries if d.key not in sent}.values())
    _insert_once(Delivery, created, ["key"])
    created_ids = [d.pk for d in created]
    if created_ids:
        transaction.on_commit(lambda: _enqueue(created_ids))
    return messages


def _insert_once(model, rows: list, unique_fields: list[str]) -> None:
    """Insert the rows in one statement and give each its id. A row that a concurrent transaction inserted
    meanwhile under the same unique fields is kept as it is (only its key is written again, unchanged); the
    object then gets that row's id. So a notice is stored once per key even in a race, and a delivery enqueued
    twice is still sent once (sending.py claims it)."""
    if rows:
        model.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=unique_fields, update_fields=["key"]
        )


def _delivery(key, channel, address, subject, body, url, **links) -> Delivery:
    text = body if not url else f"{body}\n\n{absolute(url)}".strip()
    return Delivery(
        key=key[:255], channel=channel, address=address, subject=subject[:200], body=text, **links
    )


def absolute(url: str) -> str:
    from django.conf import settings

    if url.startswith("http://") or url.startswith("https://"):
        return url
    return settings.SITE_URL + url


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_delivery

    for pk in ids:
        send_delivery.enqueue(pk)

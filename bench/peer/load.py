"""Load the peer with tickets (bulk inserts) and print what the benchmark needs, as JSON.

`python -m bench.peer.load TOTAL` brings the ticket count up to TOTAL: eight queues (one per county, as
Sanfang's cases are spread), each ticket with its opening follow-up, as helpdesk itself records a submission.
Tickets an earlier run's anonymous submissions left (a reused database) are deleted first, so that the count and
the benchmarked ticket are the loaded ones.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys

import django

BATCH = 5000
STAFF = ("bench-staff", "bench-peer-2026")
SUBMITTER = "resident@bench.invalid"  # the benchmark's anonymous submissions (bench/run.py)


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    total = int(sys.argv[1])
    rng = random.Random(2026)
    user_model = get_user_model()
    staff = user_model.objects.filter(username=STAFF[0]).first()
    if staff is None:
        staff = user_model.objects.create_superuser(STAFF[0], "staff@bench.invalid", STAFF[1])
    queues = list(Queue.objects.order_by("id"))
    if not queues:
        queues = [
            Queue.objects.create(title=f"County {i + 1}", slug=f"county{i + 1}", allow_public_submission=True)
            for i in range(8)
        ]
    Ticket.objects.filter(submitter_email=SUBMITTER).delete()
    have = Ticket.objects.count()
    start = timezone.now() - dt.timedelta(days=3 * 365)
    span = 3 * 365 * 86400
    statuses = [Ticket.CLOSED_STATUS] * 85 + [Ticket.RESOLVED_STATUS] * 7 + [Ticket.OPEN_STATUS] * 8
    n = have
    while n < total:
        size = min(BATCH, total - n)
        with transaction.atomic():
            tickets = []
            for k in range(size):
                created = start + dt.timedelta(seconds=span * (n + k) / max(total, 1))
                status = statuses[rng.randrange(100)] if (n + k) < total * 0.97 else Ticket.OPEN_STATUS
                tickets.append(
                    Ticket(
                        title="楼道垃圾堆放多日无人清理",
                        queue=queues[(n + k) % len(queues)],
                        created=created,
                        modified=created,
                        submitter_email=f"resident{n + k}@bench.invalid",
                        status=status,
                        description="楼道垃圾堆放多日无人清理，希望尽快处理。",
                        priority=3,
                        assigned_to=staff if status != Ticket.OPEN_STATUS or k % 2 else None,
                    )
                )
            Ticket.objects.bulk_create(tickets)
            FollowUp.objects.bulk_create(
                [
                    FollowUp(
                        ticket=t, date=t.created, title="Ticket Opened", comment=t.description, public=True
                    )
                    for t in tickets
                ]
            )
        n += size
    ticket = Ticket.objects.filter(queue=queues[0], status=Ticket.OPEN_STATUS).order_by("-id").first()
    print(
        json.dumps(
            {
                "tickets": Ticket.objects.count(),
                "ticket_id": ticket.id,
                "ticket_ref": ticket.ticket_for_url,
                "email": ticket.submitter_email,
                "key": ticket.secret_key,
                "queue_id": queues[0].id,
                "staff": STAFF[0],
                "password": STAFF[1],
            }
        )
    )


if __name__ == "__main__":
    main()

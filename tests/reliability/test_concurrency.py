"""Issue 10 item 4 (and issue 9's tally): concurrent writers, on PostgreSQL with real parallel connections (one per thread).

Each test starts its writers together at a barrier, each thread on its own database connection, so the
database's row locks (select_for_update) and constraints decide, not the order of Python statements.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection, connections

from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.testing import make_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks and parallel connections (SQLite's test database is one in-memory "
        "connection with a single writer); CI runs this on PostgreSQL",
    ),
]


def race(*writers: Callable[[], object]) -> list[object]:
    """Run the writers at the same moment, each in its own thread and connection; return results or errors."""
    barrier = threading.Barrier(len(writers))
    results: list[object] = [None] * len(writers)

    def run(i: int, writer: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = writer()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each writer met
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer hung (deadlock?)"
    return results


def test_two_editors_of_one_draft_notice_the_second_gets_a_conflict_and_nothing_is_lost():
    from sanfang.meetings import services
    from sanfang.meetings.models import DocumentVersion, MeetingDocument

    with time_machine.travel(dt.datetime(2026, 4, 6, 1, 0, tzinfo=dt.UTC), tick=False):
        world = make_world()
        meeting, _ = services.create_regular_meeting(world.community_a, 2026, 4)
        doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
        version = doc.version

        def edit(actor, body):
            return lambda: services.edit_document(
                actor=actor, document=doc, version=version, title="会议通知", body=body
            )

        results = race(edit(world.epmc_lead, "甲的修改：议题一"), edit(world.admin, "乙的修改：议题二"))

    conflicts = [r for r in results if isinstance(r, Conflict)]
    saved = [r for r in results if isinstance(r, MeetingDocument)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    doc.refresh_from_db()
    assert doc.version == version + 1 and doc.body == saved[0].body
    # Every version is kept: the draft as first written, and the one edit that won.
    bodies = list(
        DocumentVersion.objects.filter(document=doc).order_by("number").values_list("body", flat=True)
    )
    assert bodies[-1] == saved[0].body and len(bodies) == 2


def test_the_same_ballot_token_used_twice_at_once_yields_exactly_one_ballot():
    from sanfang.appraisal import services
    from sanfang.appraisal.models import Ballot, Participant, Scale

    with time_machine.travel(dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        world = make_world()
        standard = services.create_standard(actor=world.street_official, street=world.street_a, name="标准")
        services.add_default_criteria(actor=world.street_official, standard=standard)
        services.publish_standard(actor=world.street_official, standard=standard)
        rnd = services.open_round(actor=world.street_official, community=world.community_a, year=2026)
        services.add_participant(
            actor=world.epmc_lead,
            round=rnd,
            person=world.resident,
            category=Participant.Category.RESIDENT_REP,
        )
        links = {p.person_id: url for p, url in services.issue_links(actor=world.epmc_lead, round=rnd)}
        token = links[world.resident.pk].rstrip("/").rsplit("/", 1)[-1]
        answers = {
            str(block["subject"].pk): {
                str(c.pk): (90 if c.scale == Scale.SCORE else "satisfied") for c in block["criteria"]
            }
            for block in services.ballot_form(rnd)
        }

        def cast():
            participant = services.participant_for_token(token)
            if participant is None:
                raise RuleViolation("链接已失效")
            return services.cast_ballot(participant=participant, answers=answers)

        results = race(cast, cast, cast)

    assert Ballot.objects.filter(round=rnd).count() == 1
    assert sum(r is None for r in results) == 1, results
    assert all(isinstance(r, RuleViolation) for r in results if r is not None), results
    assert Participant.objects.get(round=rnd, person=world.resident).has_voted


def _open_round_with_voters(world, n):
    from sanfang.appraisal import services
    from sanfang.appraisal.models import Participant
    from sanfang.core.testing import make_person

    standard = services.create_standard(actor=world.street_official, street=world.street_a, name="标准")
    services.add_default_criteria(actor=world.street_official, standard=standard)
    services.publish_standard(actor=world.street_official, standard=standard)
    rnd = services.open_round(actor=world.street_official, community=world.community_a, year=2026)
    voters = [
        services.add_participant(
            actor=world.epmc_lead,
            round=rnd,
            person=make_person(password=None),
            category=Participant.Category.RESIDENT_REP,
        )
        for _ in range(n)
    ]
    return rnd, voters


def test_issue9_ballots_cast_at_the_same_moment_lose_no_increment_of_the_kept_tally():
    from sanfang.appraisal import services, tally
    from sanfang.appraisal.models import Ballot, Level, Scale

    with time_machine.travel(dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        world = make_world()
        rnd, voters = _open_round_with_voters(world, 8)
        form = services.ballot_form(rnd)
        levels = list(Level.values)

        def cast(i, participant):
            answers = {
                str(b["subject"].pk): {
                    str(c.pk): (50.0 + i if c.scale == Scale.SCORE else levels[i % 3]) for c in b["criteria"]
                }
                for b in form
            }
            return lambda: services.cast_ballot(participant=participant, answers=answers)

        results = race(*(cast(i, p) for i, p in enumerate(voters)))

    assert results == [None] * 8, results
    assert Ballot.objects.filter(round=rnd).count() == 8
    kept = tally.read(rnd)
    assert kept == tally.recount(rnd)
    assert all(kept[(b["subject"].pk, None, "")] == 8 for b in form)


def test_issue9_parallel_increments_of_the_same_tally_rows_are_atomic_without_the_round_lock():
    """The increments themselves (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n) lose nothing, even
    for writers that do not serialise on the round as the services do."""
    from django.db import transaction

    from sanfang.appraisal import tally

    with time_machine.travel(dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        world = make_world()
        rnd, _voters = _open_round_with_voters(world, 0)
        subjects = list(rnd.subjects.values_list("pk", flat=True))
        criterion = rnd.standard.criteria.filter(parent__isnull=False).first()
        counts = {(s, criterion.pk, v): 1 for s in subjects for v in ("satisfied", "basic")}
        counts.update({(s, None, ""): 1 for s in subjects})

        def writer():
            for _ in range(25):
                with transaction.atomic():
                    tally.add_counts(rnd.pk, counts)

        results = race(*([writer] * 6))

    assert results == [None] * 6, results
    kept = tally.read(rnd)
    assert set(kept) == set(counts) and set(kept.values()) == {150}


def test_simultaneous_hand_overs_of_one_case_leave_a_consistent_history():
    from sanfang.cases import services
    from sanfang.cases.models import Case, Handover

    with time_machine.travel(dt.datetime(2026, 4, 7, 2, 0, tzinfo=dt.UTC), tick=False):
        world = make_world()
        case = services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="sanitation",
            title="垃圾清运不及时",
            description="三号楼旁垃圾桶满溢两天",
        )
        case = services.classify_case(actor=world.epmc_lead, case=case, case_class="routine")
        case.refresh_from_db()
        version = case.version
        targets = [world.oc_a1, world.company_x, world.rc_a]

        # Both with the version they read: one wins, the others are told the case changed.
        def hand(to, with_version):
            return lambda: services.hand_over(
                actor=world.epmc_lead,
                case=case,
                to_org=to,
                reason="请协助处理",
                version=version if with_version else None,
            )

        first = race(*(hand(t, True) for t in targets if t.pk != case.holder_id))
        assert sum(isinstance(r, Case) for r in first) == 1, first
        assert all(isinstance(r, Conflict) for r in first if not isinstance(r, Case)), first

        # Without a version (e.g. an API client that sends none) they queue on the row lock, one after another.
        case.refresh_from_db()
        second = race(*(hand(t, False) for t in targets if t.pk != case.holder_id))
        assert all(isinstance(r, Case | RuleViolation) for r in second), second

    case.refresh_from_db()
    chain = list(Handover.objects.filter(case=case).order_by("at", "id"))
    assert len(chain) == 1 + sum(isinstance(r, Case) for r in second)
    # A consistent history: each hand-over starts where the previous one ended, and the case is where the
    # last one put it; the version counts every change once.
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.from_org_id == before.to_org_id
    assert case.holder_id == chain[-1].to_org_id
    assert case.version == version + len(chain)

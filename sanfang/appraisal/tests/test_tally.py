"""Issue 9: the round's tally is kept as ballots are cast, and always equals a full recount of the ballots."""

import importlib
import logging
import random

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from sanfang.appraisal import scoring, services, tally
from sanfang.appraisal.models import (
    Ballot,
    BallotTally,
    Criterion,
    Level,
    Participant,
    Round,
    Scale,
    Subject,
)
from sanfang.core.errors import RuleViolation
from sanfang.core.models import AuditEvent
from sanfang.core.testing import make_person, run_job


def _random_answers(rnd, rng):
    out = {}
    for block in services.ballot_form(rnd):
        out[str(block["subject"].pk)] = {
            str(c.pk): (
                rng.randrange(0, 1001) / 10 if c.scale == Scale.SCORE else rng.choice(list(Level.values))
            )
            for c in block["criteria"]
        }
    return out


def _add_voters(world, rnd, n):
    return [
        services.add_participant(
            actor=world.epmc_lead,
            round=rnd,
            person=make_person(password=None),
            category=Participant.Category.RESIDENT_REP,
        )
        for _ in range(n)
    ]


def _walk_ballots(rnd):
    """The tally as it was before issue 9: every ballot, one answer at a time."""
    criteria = list(rnd.standard.criteria.all())
    leaf_list = scoring.leaves(criteria)
    dists = {
        s.pk: {str(c.pk): scoring.empty_distribution(c) for c in leaf_list if c.applies(s.kind)}
        for s in rnd.subjects.all()
    }
    responses = dict.fromkeys(dists, 0)
    for answers in Ballot.objects.filter(round=rnd).values_list("answers", flat=True):
        for sid, row in answers.items():
            responses[int(sid)] += 1
            for cid, value in row.items():
                scoring.add_answer(dists[int(sid)][cid], value)
    return {sid: {c: scoring.finish(d) for c, d in ds.items()} for sid, ds in dists.items()}, responses


def _cast_mixed_ballots(world, rnd, rng, n_link=40):
    """Link ballots with random answers, plus paper ballots; rejected, duplicate and void ones on the way."""
    voters = _add_voters(world, rnd, n_link)
    for participant in voters:
        services.cast_ballot(participant=participant, answers=_random_answers(rnd, rng))
    # a duplicate and an invalid ballot are refused and count nothing
    with pytest.raises(RuleViolation):
        services.cast_ballot(participant=voters[0], answers=_random_answers(rnd, rng))
    bad = _random_answers(rnd, rng)
    next(iter(bad.values())).popitem()
    fresh = _add_voters(world, rnd, 1)[0]
    with pytest.raises(RuleViolation):
        services.cast_ballot(participant=fresh, answers=bad)
    # paper: two matching entries count once; a mismatch and a discarded sheet count nothing
    for p in _add_voters(world, rnd, 3):
        services.mark_paper_voted(actor=world.epmc_lead, participant=p)
    for sheet in ("P1", "P2"):
        answers = _random_answers(rnd, rng)
        services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no=sheet, answers=answers)
        assert (
            services.enter_paper_ballot(actor=world.rc_member, round=rnd, sheet_no=sheet, answers=answers)
            == "matched"
        )
    services.enter_paper_ballot(
        actor=world.epmc_lead, round=rnd, sheet_no="P3", answers=_random_answers(rnd, rng)
    )
    assert (
        services.enter_paper_ballot(
            actor=world.rc_member, round=rnd, sheet_no="P3", answers=_random_answers(rnd, rng)
        )
        == "mismatch"
    )
    services.discard_paper_sheet(actor=world.epmc_lead, round=rnd, sheet_no="P3", reason="字迹无法辨认")
    with pytest.raises(RuleViolation):  # the same sheet number twice
        services.enter_paper_ballot(
            actor=world.epmc_lead, round=rnd, sheet_no="P1", answers=_random_answers(rnd, rng)
        )
    return n_link + 2


def test_issue9_kept_tally_of_random_ballots_equals_a_full_recount_and_the_same_result(world, rnd):
    rng = random.Random(9)
    n = _cast_mixed_ballots(world, rnd, rng)
    assert Ballot.objects.filter(round=rnd).count() == n
    kept = tally.read(rnd)
    assert kept == tally.recount(rnd)
    assert kept[tally.BALLOTS] == n and all(kept[(s.pk, None, "")] == n for s in rnd.subjects.all())
    assert tally.verify(rnd).ok

    expected, responses = _walk_ballots(rnd)
    services.close_round(actor=world.party_secretary, round=rnd)
    rnd.refresh_from_db()
    assert rnd.ballots_cast == n
    criteria = list(rnd.standard.criteria.all())
    for s in Subject.objects.filter(round=rnd):
        assert s.distribution == expected[s.pk]  # identical raw distributions, scores in the same order
        assert s.responses == responses[s.pk] == n
        score = scoring.score_subject(rnd.standard, criteria, s.kind, expected[s.pk], s.indicators)
        assert s.ballot_score == services._dec(score.ballot) and s.ballot_score is not None


def test_issue9_mean_from_counts_equals_the_mean_of_every_answer():
    c = Criterion(pk=1, weight=1, content="linkage", scale=Scale.SCORE)
    rng = random.Random(3)
    scores = [rng.randrange(0, 1001) / 10 for _ in range(2000)]
    values = sorted(scores)
    dist = scoring.empty_distribution(c)
    for v in scores:
        scoring.add_answer(dist, v)
    assert scoring.answers_given(dist) == 2000
    assert [float(k) for k, n in scoring.score_counts(dist) for _ in range(n)] == values
    for drop, kept in ((False, values), (True, values[1:-1])):
        mean = scoring.criterion_mean(c, dist, drop)
        assert mean == pytest.approx(sum(kept) / len(kept), abs=1e-9)
    levels = Criterion(pk=2, weight=1, content="linkage", scale=Scale.LEVELS)
    dist = {"scale": "levels", "counts": {Level.SATISFIED: 5, Level.BASIC: 0, Level.UNSATISFIED: 1}}
    assert scoring.criterion_mean(levels, dist, True) == 100.0  # the one 0 and one 100 dropped
    assert scoring.criterion_mean(levels, dist, False) == pytest.approx(500 / 6)


def test_issue9_publishing_refuses_a_result_whose_tally_differs_from_the_ballots(world, rnd, caplog):
    n = _cast_mixed_ballots(world, rnd, random.Random(5), n_link=6)
    row = BallotTally.objects.filter(round=rnd, criterion__isnull=False).order_by("pk").first()
    BallotTally.objects.filter(pk=row.pk).update(n=models.F("n") + 1)  # a lost or doubled increment
    services.close_round(actor=world.party_secretary, round=rnd)
    with (
        caplog.at_level(logging.ERROR, logger="sanfang.appraisal.tally"),
        pytest.raises(RuleViolation) as exc,
    ):
        services.publish_results(actor=world.party_secretary, round=rnd)
    assert "计票核对不一致" in exc.value.message and "--repair" in exc.value.message
    assert any("differs from the recount" in r.getMessage() for r in caplog.records)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.CLOSED

    with pytest.raises(CommandError):
        call_command("appraisal", "tally", "--round", str(rnd.pk))
    call_command("appraisal", "tally", "--round", str(rnd.pk), "--repair")
    assert AuditEvent.objects.filter(verb="appraisal.tally.repair").count() == 1
    expected, _responses = _walk_ballots(rnd)
    for s in Subject.objects.filter(round=rnd):
        assert s.distribution == expected[s.pk] and s.responses == n
    services.publish_results(actor=world.party_secretary, round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PUBLICITY
    with pytest.raises(CommandError):  # a public result is never recounted silently
        call_command("appraisal", "tally", "--round", str(rnd.pk), "--repair")


def test_issue9_the_audit_command_reports_a_mismatch_without_revealing_an_open_rounds_counts(
    world, rnd, capsys
):
    _cast_mixed_ballots(world, rnd, random.Random(7), n_link=4)
    call_command("appraisal", "tally")
    assert "全部与选票一致" in capsys.readouterr().out
    BallotTally.objects.filter(round=rnd, criterion__isnull=True).update(n=0)
    with pytest.raises(CommandError):
        call_command("appraisal", "tally")
    out = capsys.readouterr().out
    assert "处不一致" in out and "累计" not in out  # open round: where, not how many


def test_issue9_the_data_migration_fills_the_tally_of_existing_rounds_from_their_ballots(world, rnd):
    _cast_mixed_ballots(world, rnd, random.Random(11), n_link=8)
    recount = tally.recount(rnd)
    BallotTally.objects.all().delete()
    for name in ("0003_fill_ballot_tally", "0005_ballot_tally_round_row"):
        importlib.import_module(f"sanfang.appraisal.migrations.{name}").fill(apps, None)
    assert tally.read(rnd) == recount


def test_EV_3_the_tally_knows_no_voter_and_no_time(world, rnd):
    """The kept counts add nothing that could tie an answer to a person or a moment (EV-3)."""
    for f in BallotTally._meta.get_fields():
        if f.is_relation:
            assert f.related_model in (Round, Subject, Criterion), f.name
        assert not isinstance(f, models.DateField | models.DateTimeField), f.name
    from django.contrib import admin as django_admin

    from sanfang.appraisal import admin  # noqa: F401 - registers the app's admin

    assert BallotTally not in django_admin.site._registry  # the admin is no path to running counts


def test_issue9_score_distributions_of_closed_rounds_become_counts_and_back_without_loss(world, rnd):
    _cast_mixed_ballots(world, rnd, random.Random(13), n_link=6)
    services.close_round(actor=world.party_secretary, round=rnd)
    subject = Subject.objects.filter(round=rnd).first()
    current = subject.distribution
    assert any(d["scale"] == "score" for d in current.values())
    migration = importlib.import_module("sanfang.appraisal.migrations.0004_score_distribution_counts")
    migration.backwards(apps, None)  # the stored form before issue 9: every score in a list
    subject.refresh_from_db()
    lists = [d for d in subject.distribution.values() if d["scale"] == "score"]
    assert lists and all(len(d["scores"]) == 6 + 2 and d["scores"] == sorted(d["scores"]) for d in lists)
    migration.forwards(apps, None)
    subject.refresh_from_db()
    assert subject.distribution == current


def test_issue9_results_page_and_table_show_each_score_once_with_how_many_gave_it(world, rnd, login):
    import io

    import openpyxl
    from django.urls import reverse

    for participant in _add_voters(world, rnd, 5):
        answers = _random_answers(rnd, random.Random(1))
        for row in answers.values():
            for cid in row:
                if Criterion.objects.get(pk=cid).scale == Scale.SCORE:
                    row[cid] = 88.5
        services.cast_ballot(participant=participant, answers=answers)
    services.close_round(actor=world.party_secretary, round=rnd)
    client = login(world.party_secretary)
    page = client.get(reverse("appraisal:results", args=[rnd.pk])).content.decode()
    assert "88.5×5" in page and "88.5 88.5" not in page
    _job, table = run_job(client, reverse("appraisal:results-xlsx", args=[rnd.pk]))
    book = openpyxl.load_workbook(io.BytesIO(table.data))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "88.5×5" in cells

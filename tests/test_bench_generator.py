"""Issue 9: the benchmark's data generator, at its smallest scale, so that it cannot rot between runs."""

from __future__ import annotations

import pytest

from bench import generate, loader
from sanfang.appraisal import tally
from sanfang.appraisal.models import Ballot, Round
from sanfang.cases.models import Case, CaseEvent, Feedback
from sanfang.meetings.models import Meeting
from sanfang.publicity import services as publicity
from sanfang.publicity.models import BoardChain, ItemVersion

pytestmark = pytest.mark.django_db


def test_generator_builds_every_part_of_the_city_in_the_real_models_shapes():
    city = generate.build("micro", log=lambda _s: None)
    shape = city.shape
    assert len(city.compounds) == shape.counties * shape.streets * shape.communities * shape.compounds
    assert Case.objects.count() == shape.cases
    assert CaseEvent.objects.count() >= 5 * shape.cases
    assert Feedback.objects.exclude(case__latest_rating="").count() == Feedback.objects.count()
    assert Meeting.objects.count() == shape.meetings
    assert Ballot.objects.count() == shape.ballots
    big = Round.objects.order_by("-ballots_cast").first()
    assert big.ballots.count() == shape.big_round
    for rnd in Round.objects.all():  # the bulk-written ballots are in the running tally too
        assert tally.verify(rnd).ok, rnd.pk
    assert Case.objects.filter(compound=city.compounds[0]).count() == shape.board_compound_cases
    loader.check_foreign_keys([Case, CaseEvent, Feedback, ItemVersion])


def test_generated_board_versions_are_chained_exactly_as_publishing_chains_them():
    city = generate.build("micro", steps=("boards",), log=lambda _s: None)
    assert ItemVersion.objects.count() > 0
    for compound in city.compounds:
        report = publicity.verify_chain(compound)
        chain = BoardChain.objects.get(compound=compound)
        assert report.breaks == []
        assert report.length == chain.length == ItemVersion.objects.filter(compound=compound).count()

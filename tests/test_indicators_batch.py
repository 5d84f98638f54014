"""Issue 9 / EV-4: closing a round gathers every subject's objective indicators with one set of grouped queries per
providing app (`extensions.collect_each`), and the values are exactly those each subject gets on its own
(`appraisal.services.indicators_for`, the per-subject providers) — on the benchmark generator's data, where every
app has history: cases with ratings, meetings with attendance and resolutions, boards.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import generate
from sanfang.appraisal import services
from sanfang.appraisal.models import Round
from sanfang.core import extensions

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return generate.build("micro", log=lambda _s: None)


def test_ev4_a_rounds_indicators_gathered_at_once_equal_each_subjects_own(city):
    rounds = list(Round.objects.select_related("community"))
    assert rounds
    sources = set()
    for rnd in rounds:
        subjects = list(rnd.subjects.select_related("organisation", "round__community"))
        batch = services.indicators_of_round(rnd, subjects)
        for s in subjects:
            assert batch[s.pk] == services.indicators_for(s), (rnd.pk, s.organisation.kind)
            sources |= {i["source"] for i in batch[s.pk] if i["numerator"]}
    # Not vacuous: non-zero indicators from the apps the generator gives history (campaigns, bulletins and
    # reports are proven in their own apps' tests, with the same helper: core.testing.batch_matches_each).
    assert {"cases", "meetings", "publicity"} <= sources


def test_issue9_a_rounds_indicators_take_the_same_queries_however_many_subjects(city):
    """One set of queries per provider, not per subject: a round's count does not grow with its subjects."""
    counts = {}
    for rnd in Round.objects.select_related("community"):
        subjects = list(rnd.subjects.select_related("organisation", "round__community"))
        with CaptureQueriesContext(connection) as ctx:
            services.indicators_of_round(rnd, subjects)
        counts[len(subjects)] = len(ctx)
        with CaptureQueriesContext(connection) as one:
            services.indicators_for(subjects[0])
    assert len(counts) > 1 or max(counts) > 3, counts  # rounds with different numbers of subjects
    assert max(counts.values()) <= len(one) + 8, (counts, len(one))
    assert len(extensions._PROVIDERS["indicators"]) == 6  # every app's provider took part

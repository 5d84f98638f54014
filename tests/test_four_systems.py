"""WN-2: the four systems are put into practice together — the demo county's home community runs all of them."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanfang.appraisal.models import Round
from sanfang.bulletins.models import Bulletin
from sanfang.cases.models import Case
from sanfang.core import extensions
from sanfang.directory.models import Residency
from sanfang.meetings.models import Meeting
from sanfang.publicity.models import BoardItem
from sanfang.reports.models import Report

pytestmark = pytest.mark.django_db


def test_wn2_the_home_community_runs_all_four_systems_on_the_demo_county():
    call_command("demo", verbosity=0)
    compound = Residency.objects.get(person__username="resident").compound
    community = compound.parent

    # JM: joint meetings held with signed minutes.
    assert Meeting.objects.filter(community=community, status=Meeting.Status.CLOSED).count() >= 3
    # CS: cases of all four classes.
    classes = set(Case.objects.filter(compound__parent=community).values_list("case_class", flat=True))
    assert {"routine", "major", "beyond_remit", "legacy"} <= classes
    # PN: a published board, inter-party bulletins and typed reports.
    assert BoardItem.objects.published().filter(compound=compound).exists()
    assert Bulletin.objects.filter(community=community).exists()
    assert Report.objects.filter(community=community).exists()
    # EV: an appraisal round for the community.
    assert Round.objects.filter(community=community).exists()
    # The systems feed each other: the board shows cases, and the appraisal reads indicators from every app.
    assert extensions.collect("board.cases", compound)
    company = Case.objects.filter(compound=compound).first().compound.contracts.first().company
    sources = {
        i.source
        for i in extensions.collect("indicators", company, community, timezone.localdate().year)
        if i.source
    }
    assert len(sources) >= 3

"""The demo story of issue 7 runs through the services on the small demo county (WN-1, WN-3, WN-4)."""

import datetime as dt

import pytest

from sanfang.campaigns import demo
from sanfang.campaigns.models import (
    Campaign,
    CompoundSurvey,
    EpmcActivity,
    EpmcIdleFlag,
    Investigation,
    ProgressReport,
    SurveyReview,
)
from sanfang.directory import demo as directory_demo


@pytest.fixture
def ctx(db, frozen):
    return directory_demo.build(scale="small", today=dt.date(2026, 3, 2))


def test_wn1_wn3_wn4_demo_tells_the_whole_story(ctx):
    demo.populate(ctx)
    campaign = Campaign.objects.get()
    streets = list(ctx.county.children.order_by("code"))
    a, b = streets[0], streets[1]
    assert CompoundSurvey.objects.filter(street=a).count() == 6
    assert CompoundSurvey.objects.filter(street=b).count() == 7  # the import registered one new compound
    assert CompoundSurvey.objects.filter(street=b, compound__name="港湾新村", compound__is_demo=True).exists()
    assert SurveyReview.objects.filter(decision="return").count() == 1
    assert SurveyReview.objects.filter(decision="scope").count() == 1
    assert Investigation.objects.exists()
    assert Investigation.objects.filter(status="closed").exists()
    report_a = ProgressReport.objects.get(campaign=campaign, street=a)
    report_b = ProgressReport.objects.get(campaign=campaign, street=b)
    assert report_a.is_submitted and not report_a.is_late
    assert report_b.is_submitted and report_b.is_late
    assert EpmcActivity.objects.filter(community=ctx.home_community).count() == 10
    assert not EpmcIdleFlag.objects.filter(community=ctx.home_community).exists()

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def campaign(world):
    from sanfang.campaigns import services

    return services.open_campaign(
        actor=world.county_official,
        county=world.county,
        title="专业化物业服务收费信息不透明问题专项整治",
        purpose="让业主明明白白消费",
        survey_due=dt.date(2026, 3, 20),
        investigation_due=dt.date(2026, 4, 10),
        report_due=dt.date(2026, 4, 15),
    )


def fill(survey, actor, **extra):
    """Fill the required facts of a survey and return it saved."""
    from sanfang.campaigns import services

    facts = {
        "address": "兴国镇城东路1号",
        "year_built": 2008,
        "households": 320,
        "fee_standard": "住宅 1.20 元/㎡·月",
    }
    facts.update(extra)
    return services.save_survey(actor=actor, survey=survey, version=survey.version, **facts)


@pytest.fixture
def submitted(world, campaign):
    """Compound A1's survey filled and submitted by the RC."""
    from sanfang.campaigns import services

    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    survey = fill(survey, world.rc_member)
    return services.submit_survey(actor=world.rc_member, survey=survey, version=survey.version)


@pytest.fixture
def approved(world, submitted):
    from sanfang.campaigns import services

    s = services.review_survey(
        actor=world.street_official, survey=submitted, approve=True, version=submitted.version
    )
    return services.review_survey(actor=world.county_official, survey=s, approve=True, version=s.version)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded attachments go to a temporary directory, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _chinese_first():
    """Every test starts in the source language (a request in English must not leak into the next test)."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()

import datetime as dt

import pytest
import time_machine

from sanfang.appraisal import services
from sanfang.appraisal.models import Level, Participant, Scale
from sanfang.core.testing import make_resident

# A Thursday in December 2026 with no holidays around it.
DEC_10 = dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def december():
    with time_machine.travel(DEC_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def standard(world):
    std = services.create_standard(
        actor=world.street_official, street=world.street_a, name="兴国镇三方评议标准"
    )
    services.add_default_criteria(actor=world.street_official, standard=std)
    return services.publish_standard(actor=world.street_official, standard=std)


@pytest.fixture
def rnd(world, standard, december):
    r = services.open_round(actor=world.street_official, community=world.community_a, year=2026)
    # an owner representative from the directory, and the resident as an office addition
    rep = make_resident(world.compound_a1)
    rep.residencies.update(is_owner_representative=True)
    services.sync_participants(actor=world.party_secretary, round=r)
    services.add_participant(
        actor=world.epmc_lead, round=r, person=world.resident, category=Participant.Category.RESIDENT_REP
    )
    return r


def full_answers(rnd, level=Level.SATISFIED, score=90):
    out = {}
    for block in services.ballot_form(rnd):
        out[str(block["subject"].pk)] = {
            str(c.pk): (score if c.scale == Scale.SCORE else level) for c in block["criteria"]
        }
    return out


def vote(participant, **kw):
    services.cast_ballot(participant=participant, answers=full_answers(participant.round, **kw))


@pytest.fixture(autouse=True)
def _no_sibling_indicators():
    """This app's tests supply their own "indicators" providers; the siblings' are tested in their apps."""
    from sanfang.core import extensions

    saved = list(extensions._PROVIDERS["indicators"])
    extensions._PROVIDERS["indicators"][:] = []
    yield
    extensions._PROVIDERS["indicators"][:] = saved

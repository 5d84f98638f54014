"""The demo: every compound of the small demo county has a board; published history verifies; some are overdue."""

import datetime as dt
import time

import pytest
import time_machine
from django.urls import reverse

from sanfang.directory import demo as directory_demo
from sanfang.publicity import demo, services
from sanfang.publicity.models import BoardItem, ItemKind, ItemVersion


@pytest.fixture
def demo_county(db, no_cases, fee_gate):
    fee_gate["gate"] = {
        "id": 1,
        "kind": "fee_change",
        "title": "停车服务费调整",
        "status": "已介入",
        "gate_open": True,
    }
    moment = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(moment, tick=False):
        ctx = directory_demo.build(scale="small", today=moment.date())
        started = time.monotonic()
        demo.populate(ctx)
        ctx.populate_seconds = time.monotonic() - started
        yield ctx


def test_pn1_every_demo_compound_gets_a_board_with_history_and_some_overdue(demo_county, client):
    ctx = demo_county
    compounds = list(ctx.compounds())
    assert all(BoardItem.objects.filter(compound=c).exists() for c in compounds)
    assert BoardItem.objects.overdue().exists()
    assert ItemVersion.objects.filter(number__gt=1).exclude(compound=ctx.home_compound).exists()
    published = {c for c in compounds if ItemVersion.objects.filter(compound=c).exists()}
    assert len(published) == len(compounds)  # the small demo publishes history for every compound
    for compound in compounds:
        assert services.verify_chain(compound).ok
    home = ctx.home_compound
    assert BoardItem.objects.filter(compound=home, kind=ItemKind.PRICE_DISPLAY, version__gte=2).exists()
    response = client.get(reverse("publicity:board", args=[home.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert BoardItem.objects.filter(compound=home, kind=ItemKind.CHARGE_CHANGE).exists()
    assert ctx.populate_seconds < 60
    assert "12358" in html and "逾期未公示" in html and ctx.personas["oc"].name in html

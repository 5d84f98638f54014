import datetime as dt

import pytest
import time_machine


@pytest.fixture
def frozen():
    """Time frozen on Monday 2026-04-06 09:00 (Asia/Shanghai)."""
    with time_machine.travel(
        dt.datetime(2026, 4, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ) as t:
        yield t


@pytest.fixture
def meeting(world, frozen):
    """The April 2026 regular meeting of community A (created by the schedule)."""
    from sanfang.meetings import services

    m, _created = services.create_regular_meeting(world.community_a, 2026, 4)
    return m

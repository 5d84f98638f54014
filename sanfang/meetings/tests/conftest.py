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


@pytest.fixture(autouse=True)
def _urlconf(settings, monkeypatch):
    """Use the real root URLconf; fall back to core+directory+meetings only if a sibling app is mid-edit
    (and then hide the menu entries of the apps that could not be mounted)."""
    try:
        import sanfang.urls  # noqa: F401
    except Exception:  # noqa: BLE001 - any import error of another app's module
        from django.urls import NoReverseMatch, clear_url_caches, reverse

        from sanfang.core import nav

        settings.ROOT_URLCONF = "sanfang.meetings.tests.fallback_urls"
        clear_url_caches()
        kept = []
        for entry in nav._ENTRIES:  # noqa: SLF001 - test-only filtering of the shared menu
            try:
                reverse(entry.url_name)
            except NoReverseMatch:
                continue
            kept.append(entry)
        monkeypatch.setattr(nav, "_ENTRIES", kept)
    yield

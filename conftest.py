import os

os.environ.setdefault("SANFANG_TESTING", "1")

import pytest  # noqa: E402


@pytest.fixture
def world(db):
    """The persona world (see sanfang.core.testing.World)."""
    from sanfang.core.testing import make_world

    return make_world()


@pytest.fixture(autouse=True)
def _clear_calendar_cache():
    from sanfang.core import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _source_language_first():
    """Every test starts in Chinese: a request or token in English must not leak into the next test (issue 8.3)."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (per-process) cache: each test starts with none, whatever ran before."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Rendered pages (the boards) are kept in a cache of their own: each test starts with none."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield


@pytest.fixture
def login(client):
    """login(person) signs the test client in as that person and returns the client."""

    def _login(person):
        client.force_login(person, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
        return client

    return _login


@pytest.fixture(autouse=True)
def _source_language_after_each_test():
    """A request in English activates English for the thread; without a reset it leaked into the next test (and
    into module fixtures such as the crawl's demo data, whose campaign import then failed in English)."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)

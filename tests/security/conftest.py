import pytest
import time_machine
from django.db import transaction
from django.test.utils import override_settings

from .world import NOW, build


@pytest.fixture(scope="module")
def security_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One populated world per module (tests/security/world.py), inside a transaction rolled back at its end;
    time stays frozen at NOW meanwhile, uploads go to a temporary directory."""
    media = tmp_path_factory.mktemp("security-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        time_machine.travel(NOW, tick=False),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; these tests meet permissions and validators, not the throttle."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

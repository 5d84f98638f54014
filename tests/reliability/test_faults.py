"""Issue 10 item 5: faults of the surroundings — the database going away, a full disk during an upload.

(The worker killed in the middle of a delivery is in test_worker_kill.py.)
"""

from __future__ import annotations

import errno
import io
import os
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse
from PIL import Image

from sanfang.cases.models import Case, CasePhoto

pytestmark = pytest.mark.django_db


def _image(name: str, seed: int) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.effect_noise((64, 48), 40 + seed).convert("RGB").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _database_away():
    """Every query fails the way a lost PostgreSQL server or a vanished SQLite file makes it fail."""
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    )


@pytest.fixture
def quiet_client(client):
    # See the response the user gets, not the exception the test client would re-raise.
    client.raise_request_exception = False
    return client


def test_database_going_away_gives_a_clean_chinese_503_page_and_recovers(world, quiet_client):
    quiet_client.force_login(world.rc_member, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    url = reverse("cases:triage")
    assert quiet_client.get(url).status_code == 200

    with _database_away():
        page = quiet_client.get(url)
        api = quiet_client.get("/api/v1/cases/")

    assert page.status_code == 503 and page["Retry-After"] == "60"
    html = page.content.decode()
    assert "数据库暂时连接不上" in html and "Traceback" not in html and "OperationalError" not in html
    assert api.status_code == 503 and "数据库暂时连接不上" in api.json()["detail"]
    # The database is back: the same pages work again, with nothing to restart.
    assert quiet_client.get(url).status_code == 200
    assert quiet_client.get("/api/v1/cases/").status_code == 200


def test_a_report_submitted_while_the_database_is_away_is_refused_cleanly_and_stores_nothing(
    world, quiet_client
):
    url = reverse("cases:report", args=[world.compound_a1.code])
    data = {"category": "sanitation", "description": "垃圾桶满溢两天无人清运"}
    with _database_away():
        response = quiet_client.post(url, data)
    assert response.status_code == 503 and "没有保存" in response.content.decode()
    assert not Case.objects.exists()
    assert quiet_client.post(url, data).status_code == 302
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a real PostgreSQL backend")
def test_a_postgresql_server_dropping_the_connection_gives_503_then_the_next_request_reconnects(quiet_client):
    import psycopg
    from django.conf import settings

    from sanfang.core.testing import make_world

    world = make_world()
    quiet_client.force_login(world.rc_member, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    url = reverse("cases:triage")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    first = quiet_client.get(url)
    assert first.status_code == 503 and "数据库暂时连接不上" in first.content.decode()
    assert quiet_client.get(url).status_code == 200


class _DiskFills:
    """Storage writes succeed for the first `ok_files` files; the next one gets half its bytes, then ENOSPC."""

    def __init__(self, ok_files: int):
        self.ok_files = ok_files
        self.opened = 0
        self.real_fdopen = os.fdopen

    def fdopen(self, fd, mode="r", *args, **kwargs):
        real = self.real_fdopen(fd, mode, *args, **kwargs)
        self.opened += 1
        if self.opened <= self.ok_files:
            return real
        outer = self

        class Filling:
            def write(self, data):
                real.write(data[: len(data) // 2])
                real.flush()
                outer.partial_written = True
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            def close(self):
                real.close()

            def __getattr__(self, name):
                return getattr(real, name)

        return Filling()

    def __enter__(self):
        self.patch = mock.patch("django.core.files.storage.filesystem.os.fdopen", self.fdopen)
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_full_disk_during_a_case_photo_upload_leaves_no_rows_and_no_files(
    world, quiet_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    url = reverse("cases:report", args=[world.compound_a1.code])
    data = {
        "category": "sanitation",
        "description": "垃圾桶满溢两天无人清运",
        "photos": [_image("a.png", 1), _image("b.png", 2), _image("c.png", 3)],
    }
    with _DiskFills(ok_files=1) as disk:  # the first photo is stored, the disk fills during the second
        response = quiet_client.post(url, data)
    assert disk.partial_written
    assert response.status_code == 507
    assert "存储空间已满" in response.content.decode()
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert _files(settings.MEDIA_ROOT) == []


def test_a_full_disk_during_an_evidence_upload_leaves_no_rows_and_no_files(
    world, quiet_client, settings, tmp_path
):
    import datetime as dt

    import time_machine

    from sanfang.meetings import services
    from sanfang.meetings.models import ProgressNote, Resolution
    from sanfang.meetings.tests.test_cycle import _held_meeting

    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(
        dt.datetime(2026, 4, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ) as frozen:
        meeting, _ = services.create_regular_meeting(world.community_a, 2026, 4)
        _held_meeting(world, meeting, frozen)
        res = services.add_resolution(
            actor=world.epmc_lead, meeting=meeting, text="修复路灯", owner=world.company_x, working_days=5
        )
        quiet_client.force_login(world.company_head, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
        evidence = SimpleUploadedFile(
            "照片说明.pdf", b"%PDF-1.4 " + b"x" * 4000, content_type="application/pdf"
        )
        with _DiskFills(ok_files=0) as disk:
            response = quiet_client.post(
                reverse("meetings:resolution", args=[res.pk]),
                {"text": "已修复", "done": "on", "evidence": evidence},
            )
    assert disk.partial_written
    assert response.status_code == 507 and "存储空间已满" in response.content.decode()
    assert not ProgressNote.objects.filter(resolution=res).exists()
    assert Resolution.objects.get(pk=res.pk).status == Resolution.Status.OPEN
    assert _files(settings.MEDIA_ROOT) == []

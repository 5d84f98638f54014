"""Issue 10 item 6: `sanfang backup` / `sanfang restore` give back identical data and files — on the suite's
database (SQLite in the first CI run, PostgreSQL in the second), and across the two (PostgreSQL → SQLite)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from sanfang.cases import services as cases
from sanfang.core import backup
from sanfang.core.testing import make_world
from sanfang.core.tests.test_backup import _dump

ROOT = Path(__file__).resolve().parents[2]
SANFANG = str(Path(sys.executable).with_name("sanfang"))


def _photo(seed: int) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.effect_noise((48, 32), 30 + seed).convert("RGB").save(buf, format="PNG")
    return SimpleUploadedFile(f"p{seed}.png", buf.getvalue(), content_type="image/png")


def _media(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _some_data(world) -> None:
    """Rows in most apps' tables plus real uploaded files (case photos) under nested folders."""
    case = cases.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="sanitation",
        title="楼道堆放杂物",
        description="三单元楼道长期堆放杂物，影响通行",
        reporter_contact=world.resident.phone,
        photos=[_photo(1), _photo(2)],
    )
    cases.classify_case(actor=world.epmc_lead, case=case, case_class="routine")


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_identical_rows_and_media_files_on_this_database(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _some_data(make_world())
    rows, files = _dump(), _media(settings.MEDIA_ROOT)
    assert len(files) == 2
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("restore", str(archive), stdout=io.StringIO())

    assert _dump() == rows
    assert _media(settings.MEDIA_ROOT) == files


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the cross test starts from PostgreSQL")
def test_a_postgresql_backup_restores_identically_onto_a_fresh_sqlite_installation(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _some_data(make_world())
    rows, files = _dump(), _media(settings.MEDIA_ROOT)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert backup.read(archive)[0]["database"] == "postgresql"

    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "fresh-media"),
        SANFANG_VAR_DIR=str(tmp_path / "var"),
        SANFANG_TESTING="1",
    )
    (tmp_path / "var").mkdir()
    out = tmp_path / "restored.json"

    def sanfang(*args):
        subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [SANFANG, *args], env=env, cwd=ROOT, check=True, timeout=240, capture_output=True
        )

    sanfang("migrate", "-v0")
    sanfang("restore", str(archive))
    sanfang(
        "shell",
        "-c",
        "import json; from sanfang.core.tests.test_backup import _dump; "
        f"open({str(out)!r}, 'w').write(json.dumps(_dump()))",
    )

    assert json.loads(out.read_text()) == json.loads(json.dumps(rows))
    assert _media(tmp_path / "fresh-media") == files

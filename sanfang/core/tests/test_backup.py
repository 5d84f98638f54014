"""Backup and restore: the restored data and files are identical (SQLite and PostgreSQL alike)."""

import datetime
import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from sanfang.core import audit, backup
from sanfang.core.testing import make_world


def _dump() -> list:
    """Every row by primary key, with content type references as (app label, model) so ids may differ."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    out = io.StringIO()
    call_command("dumpdata", *[f"--exclude={e}" for e in backup.EXCLUDE], "--format=backupjson", stdout=out)
    labels = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    rows = json.loads(out.getvalue())
    for row in rows:
        for field in apps.get_model(row["model"])._meta.concrete_fields:
            if field.is_relation and field.related_model is ContentType and row["fields"].get(field.name):
                row["fields"][field.name] = labels[row["fields"][field.name]]
    return sorted(rows, key=lambda r: (r["model"], str(r["pk"])))


@pytest.mark.django_db(transaction=True)
def test_restore_rebuilds_identical_data_and_files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "cases" / "2026").mkdir(parents=True)
    photo = settings.MEDIA_ROOT / "cases" / "2026" / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    world = make_world()
    audit.record(actor=world.party_secretary, verb="test.event", target=world.compound_a1, summary="备份前")
    # A time whose milliseconds are zero but microseconds are not: Django's own JSON would restore it as 10:00:04.
    joined = datetime.datetime(2026, 3, 1, 10, 0, 4, 123, tzinfo=datetime.UTC)
    type(world.party_secretary).objects.filter(pk=world.party_secretary.pk).update(date_joined=joined)
    before = _dump()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    call_command("flush", "--noinput", verbosity=0)
    photo.unlink()
    assert backup.database_is_empty()
    call_command("restore", str(archive), stdout=io.StringIO())

    assert _dump() == before
    assert type(world.party_secretary).objects.get(pk=world.party_secretary.pk).date_joined == joined
    assert photo.read_bytes() == b"\xff\xd8\xff\xe0 a photo"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_archive(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_world()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    manifest, members = backup.read(archive)
    members["data.json"] = (
        members["data.json"].replace(b"\\u9633\\u65b0", b"XX").replace("阳新".encode(), b"XX")
    )
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        for name, blob in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    call_command("flush", "--noinput", verbosity=0)
    with pytest.raises(CommandError, match="校验和不符：data.json"):
        call_command("restore", str(tampered), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_world()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="数据库中已有数据"):
        call_command("restore", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="the database is not empty"):  # issue 8.3: --language en
        call_command("restore", str(archive), stdout=io.StringIO(), language="en")

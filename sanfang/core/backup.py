"""Backup and restore: one archive with the data (JSON fixture), the uploaded files and a checksummed manifest.

The data is dumped with Django's serializers (primary keys kept; content types by natural key; times to the
microsecond, backup_json.py), so an archive made on SQLite restores onto PostgreSQL and vice versa. The archive holds personal data and password hashes: store it encrypted.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang import __version__

FORMAT = 1
# Rebuilt by migrations, or transient: not part of a backup.
# core.stamp: cache keys (core/stamps.py), not data; a restored installation draws fresh ones, so no cache that
# outlived the old database can serve a page under them.
EXCLUDE = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "django_tasks_database",
    "core.stamp",
]


class BackupError(Exception):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def create(path: Path) -> dict:
    """Write the archive to `path`; return its manifest."""
    out = io.StringIO()
    call_command(
        "dumpdata", *[f"--exclude={e}" for e in EXCLUDE], "--format=backupjson", "--indent=0", stdout=out
    )
    data = out.getvalue().encode()
    counts: dict[str, int] = {}
    for row in json.loads(data):
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    content_types = {str(ct.pk): [ct.app_label, ct.model] for ct in ContentType.objects.all()}
    files = {"data.json": _sha256(data)}
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".partial")
    with tarfile.open(tmp, "w:gz") as tar:
        _add(tar, "data.json", data)
        for file in media:
            blob = file.read_bytes()
            name = "media/" + file.relative_to(media_root).as_posix()
            files[name] = _sha256(blob)
            _add(tar, name, blob)
        manifest = {
            "format": FORMAT,
            "version": __version__,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "files": files,
            "counts": counts,
            "content_types": content_types,
        }
        _add(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    tmp.replace(path)  # never leave a half-written archive under the real name
    return manifest


def read(path: Path) -> tuple[dict, dict[str, bytes]]:
    """Read and verify an archive: every member's checksum must match the manifest."""
    members: dict[str, bytes] = {}
    with tarfile.open(path, "r:gz") as tar:
        for info in tar.getmembers():
            if not info.isfile():
                continue
            name = PurePosixPath(info.name)
            if name.is_absolute() or ".." in name.parts:
                raise BackupError(_("归档中有不安全的路径：%(name)s") % {"name": info.name})
            fh = tar.extractfile(info)
            members[str(name)] = fh.read() if fh else b""
    if "manifest.json" not in members:
        raise BackupError(_("归档中没有 manifest.json。"))
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError(_("未知的归档格式：%(format)s") % {"format": manifest.get("format")})
    if set(manifest["files"]) != set(members):
        raise BackupError(_("归档中的文件与清单不符。"))
    for name, digest in manifest["files"].items():
        if _sha256(members[name]) != digest:
            raise BackupError(_("校验和不符：%(name)s") % {"name": name})
    return manifest, members


def _remap_content_types(rows: list[dict], manifest: dict) -> list[dict]:
    """Point every foreign key to ContentType at this installation's id for the same app label and model."""
    old = manifest.get("content_types", {})
    new_ids = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    mapping = {}
    for old_id, (app_label, model) in old.items():
        if (app_label, model) not in new_ids:
            new_ids[(app_label, model)] = ContentType.objects.create(app_label=app_label, model=model).pk
        mapping[int(old_id)] = new_ids[(app_label, model)]
    for row in rows:
        model = apps.get_model(row["model"])
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is ContentType and row["fields"].get(field.name):
                row["fields"][field.name] = mapping[int(row["fields"][field.name])]
    return rows


def database_is_empty() -> bool:
    from sanfang.directory.models import Person, Place

    return not Place.objects.exists() and not Person.objects.exists()


def restore(path: Path) -> dict:
    """Rebuild a fresh installation from the archive: data into the (migrated, empty) database, then files."""
    manifest, members = read(path)
    if not database_is_empty():
        raise BackupError(_("数据库中已有数据：只能恢复到全新的安装中。"))
    fixture = Path(settings.VAR_DIR) / "restore-data.json"
    fixture.write_text(json.dumps(_remap_content_types(json.loads(members["data.json"]), manifest)))
    try:
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
    finally:
        fixture.unlink(missing_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    for name, blob in members.items():
        if name.startswith("media/"):
            target = media_root / name[len("media/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
    return manifest

"""Photo checks for case intake: the type is judged by content, size and pixel count are bounded, and the
picture is re-encoded so EXIF (GPS position, camera, time) never reaches storage."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sanfang.core.errors import RuleViolation

MAX_PHOTOS = 6
MAX_BYTES = getattr(settings, "CASES_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
MAX_PIXELS = getattr(settings, "CASES_PHOTO_MAX_PIXELS", 40_000_000)
MAX_EDGE = 2560  # stored pictures are scaled down to this longest edge
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass
class CleanPhoto:
    content: ContentFile
    name: str
    width: int
    height: int
    size: int


def clean_photo(upload) -> CleanPhoto:
    """Check one uploaded file and return a re-encoded JPEG without metadata; raise RuleViolation if bad."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise RuleViolation(
            _("照片不能超过 %(mb)d MB。") % {"mb": MAX_BYTES // (1024 * 1024)}, field="photos"
        )
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RuleViolation(_("只能上传图片（JPEG、PNG、WebP 或 GIF）。"), field="photos") from exc
    if fmt not in ALLOWED_FORMATS:
        raise RuleViolation(_("只能上传图片（JPEG、PNG、WebP 或 GIF）。"), field="photos")
    if width * height > MAX_PIXELS:
        raise RuleViolation(_("照片像素过多，请缩小后再上传。"), field="photos")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            # In place where Pillow allows it: each copy of a phone photo is megabytes of a web worker's peak
            # memory (issue 9).
            ImageOps.exif_transpose(img, in_place=True)
            if img.mode != "RGB":
                img = img.convert("RGB")
            img.thumbnail((MAX_EDGE, MAX_EDGE))
            out = io.BytesIO()
            # Saving without `exif=` drops every metadata block, GPS included.
            img.save(out, format="JPEG", quality=85, optimize=True)
            width, height = img.size
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RuleViolation(_("照片文件已损坏，无法读取。"), field="photos") from exc
    now = timezone.now()
    name = f"cases/{now:%Y/%m}/{secrets.token_urlsafe(18)}.jpg"
    payload = out.getvalue()
    return CleanPhoto(ContentFile(payload), name, width, height, len(payload))


def clean_photos(uploads) -> list[CleanPhoto]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_PHOTOS:
        raise RuleViolation(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    return [clean_photo(u) for u in uploads]

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
# A large JPEG is decoded at 1/2, 1/4 or 1/8 of its size straight from its DCT coefficients when that leaves at
# least this longest edge (Full HD): a 12-megapixel phone photo (4032x3024) is stored at 2016x1512 for a quarter
# of the CPU time and memory of decoding it in full and resampling it to 2560 (issue 9).
DRAFT_MIN_EDGE = 1920
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
    try:
        # Reads the header only; Pillow refuses a decompression bomb here. The upload is read in place, not
        # copied: a photo may be 10 MB of a web worker's memory (issue 9).
        img = Image.open(upload)
        fmt = img.format
        width, height = img.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RuleViolation(_("只能上传图片（JPEG、PNG、WebP 或 GIF）。"), field="photos") from exc
    with img:
        if fmt not in ALLOWED_FORMATS:
            raise RuleViolation(_("只能上传图片（JPEG、PNG、WebP 或 GIF）。"), field="photos")
        if width * height > MAX_PIXELS:
            raise RuleViolation(_("照片像素过多，请缩小后再上传。"), field="photos")
        try:
            _draft(img)
            img.load()  # decodes every pixel: a truncated or corrupt picture fails here
            # In place where Pillow allows it: each copy of a phone photo is megabytes of a web worker's peak
            # memory (issue 9).
            ImageOps.exif_transpose(img, in_place=True)
            if img.mode != "RGB":
                img = img.convert("RGB")
            img.thumbnail((MAX_EDGE, MAX_EDGE))
            # Nothing of the original's metadata may be written again: Pillow copies a JPEG or GIF comment
            # from `info` unless told otherwise, and saving without `exif=`, `icc_profile=` or `xmp=` drops
            # the rest (GPS position, camera, time).
            img.info.clear()
            out = io.BytesIO()
            # optimize=False: optimal Huffman tables take a second pass over the picture, which made the file
            # ~12% smaller for ~60% more encoding time in the request (issue 9).
            img.save(out, format="JPEG", quality=85, optimize=False)
            width, height = img.size
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise RuleViolation(_("照片文件已损坏，无法读取。"), field="photos") from exc
    now = timezone.now()
    name = f"cases/{now:%Y/%m}/{secrets.token_urlsafe(18)}.jpg"
    payload = out.getvalue()
    return CleanPhoto(ContentFile(payload), name, width, height, len(payload))


def _draft(img: Image.Image) -> None:
    """Let a large JPEG decode at the smallest size (1/2, 1/4 or 1/8) that keeps DRAFT_MIN_EDGE on its longest
    edge; any other picture decodes in full."""
    if img.format not in ("JPEG", "MPO"):
        return
    width, height = img.size
    for scale in (8, 4, 2):
        if max(width, height) // scale >= DRAFT_MIN_EDGE:
            img.draft(None, (max(1, width // scale), max(1, height // scale)))
            return


def clean_photos(uploads) -> list[CleanPhoto]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_PHOTOS:
        raise RuleViolation(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    return [clean_photo(u) for u in uploads]

"""Photo checks for case intake: the type is judged by content, size and pixel count are bounded, and the
picture is re-encoded so EXIF (GPS position, camera, time) never reaches storage — unless it is a JPEG whose
bytes hold nothing but the picture (`_picture_only`): that one is decoded to prove it whole and kept as sent."""

from __future__ import annotations

import io
import re
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
# A JPEG up to this size whose bytes carry no metadata is stored as sent (issue 9: the re-encode was ~40% of the
# photo's CPU time in the request, for nothing to remove). Bounded because the check reads the file into memory.
KEEP_MAX_BYTES = 4 * 1024 * 1024


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
        kept = _as_sent(upload, img, size)
        if kept is not None:
            return kept
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
    payload = out.getvalue()
    return CleanPhoto(ContentFile(payload), _new_name(), width, height, len(payload))


def _new_name() -> str:
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}.jpg"


def _as_sent(upload, img: Image.Image, size: int) -> CleanPhoto | None:
    """The upload itself, when re-encoding it would change nothing that matters: an RGB JPEG (not MPO), upright
    (no EXIF, hence no orientation), within MAX_EDGE, whose bytes `_picture_only` finds free of metadata. It is
    still decoded in full (at 1/8 scale: every coefficient is read, so a truncated or corrupt file fails as in
    the re-encode) before it is kept. None: take the re-encode."""
    width, height = img.size
    if img.format != "JPEG" or img.mode != "RGB" or max(width, height) > MAX_EDGE or size > KEEP_MAX_BYTES:
        return None
    upload.seek(0)
    data = upload.read()
    if not _picture_only(data):
        return None
    try:
        with Image.open(io.BytesIO(data)) as check:
            check.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            check.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RuleViolation(_("照片文件已损坏，无法读取。"), field="photos") from exc
    return CleanPhoto(ContentFile(data), _new_name(), width, height, len(data))


# The segments a JPEG needs to be decoded, and nothing else: baseline, extended and progressive frames (Huffman
# coded), Huffman and quantisation tables, the restart interval. Scans (SOS) are followed through their coded data.
_PICTURE_SEGMENTS = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD}
_SOF = {0xC0, 0xC1, 0xC2}
# In a scan's coded data 0xFF is followed by 0x00 (a stuffed byte), a restart marker (D0-D7) or fill (0xFF):
# anything else is the next segment's marker.
_END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# A camera's or an editor's JPEG has a few dozen segments (a progressive one: ten or so scans with their tables);
# past this many the file is re-encoded rather than walked segment by segment in Python.
MAX_SEGMENTS = 200


def _picture_only(data: bytes) -> bool:
    """True only for a JPEG made of SOI, at most a bare JFIF header (APP0 of 16 bytes: no thumbnail), one frame,
    tables and scans, and EOI as its last two bytes. Any other segment — EXIF or XMP (APP1), ICC (APP2), any
    other APPn, a comment (COM), a JFIF extension or thumbnail — or a byte after EOI or between segments, and the
    picture is re-encoded instead, which writes none of them."""
    if not data.startswith(b"\xff\xd8"):
        return False
    pos, end, frames = 2, len(data), 0
    for _segment in range(MAX_SEGMENTS):
        if pos + 2 > end or data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xD9:  # EOI
            return pos + 2 == end and frames == 1
        if pos + 4 > end:
            return False
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > end:
            return False
        if marker == 0xE0:  # APP0: JFIF's header only ("JFIF\0", version, units, density, no thumbnail)
            body = data[pos + 4 : pos + 2 + length]
            if pos != 2 or length != 16 or not body.startswith(b"JFIF\x00") or body[12:14] != b"\x00\x00":
                return False
        elif marker == 0xDA:  # SOS: its header, then coded data up to the next marker
            if not frames:
                return False
            found = _END_OF_SCAN.search(data, pos + 2 + length)
            if found is None:
                return False
            pos = found.start()
            continue
        elif marker not in _PICTURE_SEGMENTS:
            return False
        frames += marker in _SOF
        if frames > 1:
            return False
        pos += 2 + length
    return False


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

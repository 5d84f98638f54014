"""Photo intake (CS-1, issue 9): what is stored is a JPEG, upright, within MAX_EDGE, and carries none of the
original's metadata — EXIF with GPS, XMP, ICC profile or a comment — whatever the picture's size or format: a
re-encode, or the upload itself when its bytes hold nothing but the picture. A picture that does not decode in
full is refused before anything is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sanfang.cases import images
from sanfang.cases.models import Case, CasePhoto
from sanfang.core.errors import RuleViolation

from .test_pages import _jpeg_with_gps, _report

pytestmark = pytest.mark.django_db

GPS_TEXT = "GPS 30.0N 115.0E 张三家"


def _upload(data: bytes, name="p.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _stored(photo: images.CleanPhoto) -> Image.Image:
    img = Image.open(io.BytesIO(photo.content.read()))
    img.load()
    return img


def _jpeg(size=(64, 32), **save) -> bytes:
    img = Image.new("RGB", size, (200, 10, 10))
    img.paste((10, 10, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows which way it turned
    buf = io.BytesIO()
    img.save(buf, format="JPEG", **save)
    return buf.getvalue()


def test_a_sideways_phone_photo_is_stored_upright_without_its_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90° clockwise
    exif[0x8825] = {1: "N", 2: (30.0, 1.0, 2.0), 3: "E", 4: (115.0, 3.0, 4.0)}
    photo = images.clean_photo(_upload(_jpeg((64, 32), exif=exif)))
    img = _stored(photo)
    assert (photo.width, photo.height) == img.size == (32, 64)
    assert img.getpixel((16, 4))[2] > 150  # the blue left half is now on top
    assert not img.getexif() and "exif" not in img.info


def test_no_comment_xmp_or_icc_profile_of_the_original_is_stored():
    icc = Image.open(io.BytesIO(_jpeg())).info.get("icc_profile") or b"\0" * 128
    data = _jpeg(
        comment=GPS_TEXT.encode(), xmp=f"<x:xmpmeta>{GPS_TEXT}</x:xmpmeta>".encode(), icc_profile=icc
    )
    assert GPS_TEXT.encode() in data
    photo = images.clean_photo(_upload(data))
    raw = photo.content.read()
    assert GPS_TEXT.encode() not in raw
    img = Image.open(io.BytesIO(raw))
    assert not {"comment", "xmp", "icc_profile", "exif"} & set(img.info)


def test_a_gif_comment_does_not_reach_the_stored_jpeg():
    buf = io.BytesIO()
    Image.new("P", (20, 20), 3).save(buf, format="GIF", comment=GPS_TEXT.encode())
    photo = images.clean_photo(_upload(buf.getvalue(), "p.gif", "image/gif"))
    raw = photo.content.read()
    assert GPS_TEXT.encode() not in raw
    assert Image.open(io.BytesIO(raw)).format == "JPEG"


@pytest.mark.parametrize(
    "size, stored",
    [
        ((1280, 960), (1280, 960)),  # small enough: as it is
        ((3264, 2448), (2560, 1920)),  # half would be below Full HD: decoded in full, scaled to MAX_EDGE
        ((4032, 3024), (2016, 1512)),  # a 12-megapixel phone photo: decoded at half its size
        ((3024, 4032), (1512, 2016)),
        ((6000, 4000), (2560, 1707)),  # decoded at half its size, then scaled to MAX_EDGE
        ((7800, 5000), (1950, 1250)),  # decoded at a quarter
    ],
)
def test_a_large_jpeg_is_stored_between_full_hd_and_the_longest_edge(size, stored):
    photo = images.clean_photo(_upload(_jpeg(size, quality=30)))
    img = _stored(photo)
    assert img.size == (photo.width, photo.height) == stored
    assert max(img.size) <= images.MAX_EDGE
    assert max(img.size) >= min(max(size), images.DRAFT_MIN_EDGE)


def test_a_transparent_png_is_stored_as_an_rgb_jpeg():
    buf = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 128, 0, 100)).save(buf, format="PNG")
    img = _stored(images.clean_photo(_upload(buf.getvalue(), "p.png", "image/png")))
    assert img.format == "JPEG" and img.mode == "RGB" and img.size == (30, 20)


def test_a_truncated_photo_is_refused_as_damaged():
    data = _jpeg((640, 480), quality=95)
    with pytest.raises(RuleViolation) as refused:
        images.clean_photo(_upload(data[: len(data) // 2]))
    assert "损坏" in str(refused.value.message)


def test_a_truncated_photo_in_a_report_stores_nothing(client, world, settings):
    data = _jpeg_with_gps((640, 480))
    response = _report(client, world, photos=[_upload(data[: len(data) // 2])])
    assert response.status_code == 200
    assert "照片文件已损坏" in response.content.decode()
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_a_report_failing_after_its_photos_were_stored_leaves_neither_rows_nor_files(
    world, settings, monkeypatch
):
    """Nothing half-written: the files go with the rolled-back rows, whatever statement failed."""
    from sanfang.cases import services

    def broken(*args, **kwargs):
        raise RuntimeError("the office lookup failed")

    monkeypatch.setattr(services, "_office", broken)
    with pytest.raises(RuntimeError):
        services.submit_case(
            actor=None,
            compound=world.compound_a1,
            category="sanitation",
            title="",
            description="垃圾桶满溢三天无人清运",
            photos=[_upload(_jpeg_with_gps()), _upload(_jpeg_with_gps())],
        )
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


# --- a JPEG without metadata is kept as sent (issue 9) ---------------------------------------------------------


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _first_scan(data: bytes) -> int:
    """Where the first SOS segment starts (the tables and the frame are before it)."""
    pos = 2
    while data[pos + 1] != 0xDA:
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return pos


@pytest.mark.parametrize(
    "save",
    [{}, {"progressive": True}, {"restart_marker_blocks": 1}, {"quality": 95, "subsampling": 0}],
    ids=["baseline", "progressive", "restart-markers", "4:4:4"],
)
def test_a_jpeg_that_carries_nothing_but_the_picture_is_stored_as_sent(save):
    """Re-encoding it would remove nothing: its bytes are stored as they came, after a decode."""
    data = _jpeg((640, 480), **save)
    assert images._picture_only(data)
    photo = images.clean_photo(_upload(data))
    assert photo.content.read() == data
    assert (photo.width, photo.height, photo.size) == (640, 480, len(data))


SECRET = b"GPS 30.0N 115.0E at home"  # ASCII: an EXIF text tag holds it as it is


def _with_gps(**save) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 1.0, 2.0), 3: "E", 4: (115.0, 3.0, 4.0)}
    exif[0x010E] = SECRET.decode()  # ImageDescription
    return _jpeg((64, 32), exif=exif, **save)


JFIF_THUMBNAIL = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01" + bytes([len(SECRET), 1]) + SECRET * 3


def _inject(where: str, extra: bytes) -> bytes:
    data = _jpeg((64, 32), progressive=True)
    at = {"after SOI": 2, "before the scan": _first_scan(data), "before EOI": len(data) - 2}.get(where)
    if where == "in place of JFIF":
        return data[:2] + extra + data[20:]
    if where == "between scans":
        second = data.index(b"\xff\xc4", _first_scan(data))  # progressive: the next scan's tables
        return data[:second] + extra + data[second:]
    if where == "after EOI":
        return data + extra
    return data[:at] + extra + data[at:]


@pytest.mark.parametrize(
    "data",
    [
        _with_gps(),
        _with_gps(progressive=True),
        _jpeg(comment=SECRET),
        _jpeg(xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>"),
        _inject("after SOI", _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + SECRET)),
        _inject("before the scan", _segment(0xED, b"Photoshop 3.0\x00" + SECRET)),  # IPTC
        _inject("before the scan", _segment(0xE1, b"Exif\x00\x00" + SECRET)),
        _inject("before the scan", _segment(0xEF, SECRET)),
        _inject("between scans", _segment(0xFE, SECRET)),
        _inject("before EOI", _segment(0xFE, SECRET)),
        _inject("after EOI", SECRET),
        _inject("after EOI", _jpeg(comment=SECRET)),  # a second picture (as in MPO)
        _inject("in place of JFIF", _segment(0xE0, JFIF_THUMBNAIL)),
        _inject("in place of JFIF", _segment(0xE0, b"JFXX\x00\x10" + SECRET)),
        _inject("before the scan", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")),
    ],
    ids=[
        "exif-gps",
        "exif-gps-progressive",
        "comment",
        "xmp",
        "icc",
        "iptc",
        "app1-after-tables",
        "app15",
        "comment-between-scans",
        "comment-before-eoi",
        "text-after-eoi",
        "second-picture-after-eoi",
        "jfif-thumbnail",
        "jfif-extension",
        "second-jfif-header",
    ],
)
def test_any_byte_beyond_the_picture_means_a_re_encode_that_drops_it(data):
    assert SECRET in data or b"JFIF" in data[20:]
    assert Image.open(io.BytesIO(data)).size  # a picture Pillow reads
    assert not images._picture_only(data)
    photo = images.clean_photo(_upload(data))
    raw = photo.content.read()
    assert raw != data
    assert SECRET not in raw
    img = Image.open(io.BytesIO(raw))
    assert not {"comment", "xmp", "icc_profile", "exif", "photoshop"} & set(img.info)
    assert [name for name, _body in img.applist] == ["APP0"]  # Pillow's own JFIF header, nothing else


def test_garbage_between_segments_is_not_kept():
    data = _jpeg((64, 32))
    assert not images._picture_only(data[:20] + SECRET + data[20:])
    # a marker no picture segment has (a second SOI) where EOI or the next scan's tables should be
    assert not images._picture_only(data[:-2] + b"\xff\xd8" + data[-2:])


def test_a_jpeg_without_metadata_that_does_not_decode_is_refused():
    """Kept only after a decode: a scan naming a Huffman table the file never defines is damaged."""
    data = bytearray(_jpeg((640, 480)))
    sos = _first_scan(bytes(data))
    data[sos + 6] = 0x33  # the first component's DC/AC tables: 3 and 3, none defined
    assert images._picture_only(bytes(data))
    with pytest.raises(RuleViolation) as refused:
        images.clean_photo(_upload(bytes(data)))
    assert "损坏" in str(refused.value.message)


def test_only_a_plain_rgb_jpeg_within_the_longest_edge_is_kept():
    grey = io.BytesIO()
    Image.new("L", (40, 30), 99).save(grey, format="JPEG")
    big = _jpeg((images.MAX_EDGE + 8, 100), quality=30)
    for data in (grey.getvalue(), big):
        assert images._picture_only(data)
        photo = images.clean_photo(_upload(data))
        img = _stored(photo)
        assert photo.content.read() != data and img.mode == "RGB" and max(img.size) <= images.MAX_EDGE


def test_a_jpeg_of_very_many_segments_is_re_encoded_not_walked():
    data = _jpeg((64, 32))
    dqt = data.index(b"\xff\xdb")
    table = data[dqt : dqt + 2 + int.from_bytes(data[dqt + 2 : dqt + 4], "big")]
    few, many = (data[:dqt] + table * n + data[dqt:] for n in (20, images.MAX_SEGMENTS))
    assert images._picture_only(few)  # the same table defined again is allowed …
    assert not images._picture_only(many)  # … but not without end
    raw = images.clean_photo(_upload(many)).content.read()
    assert raw != many and _stored(images.clean_photo(_upload(many))).size == (64, 32)

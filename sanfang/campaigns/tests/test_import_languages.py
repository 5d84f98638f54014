"""Issue 8.3: the survey import (WN-3) reads a file whatever language its template was downloaded in and
whatever language the importer reads the site in; bad headers are explained in the importer's language."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sanfang.campaigns import imports
from sanfang.campaigns.models import CompoundSurvey, ManagementMode

# One compound's facts by column key; coded cells hold the stored value and are written as the template's
# language labels them.
FACTS = {
    "compound_code": None,
    "name": "和谐苑",
    "address": "城东路8号",
    "year_built": 2010,
    "households": 200,
    "buildings": 6,
    "floor_area": 12000,
    "housing_nature": "commodity",
    "is_old_compound": False,
    "management_mode": "professional",
    "fee_regime": "lump_sum",
    "fee_standard": "1.0元/㎡·月",
    "has_owners_committee": True,
    "disclosure_status": "partial",
    "preliminary_type": "professional",
}


def _speaks(person, language):
    person.language = language
    person.save(update_fields=["language"])
    return person


def _cell(col, value, language):
    """What a person filling in the template of `language` types into the cell."""
    with translation.override(language):
        if col.kind == "choice" and value is not None:
            return str(dict(col.choices)[value])
        if col.kind == "bool":
            return str(imports.YES if value else imports.NO)
    return value


def _filled(template: bytes, rows: list[dict], language: str) -> bytes:
    """The downloaded template with rows typed into it under its own headers."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    for facts in rows:
        ws.append([_cell(col, facts.get(col.key), language) for col in imports.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, campaign, data: bytes):
    """Upload through the page; the worker's step runs the import job (issue 8.5). Returns the finished job."""
    from sanfang.core.testing import run_job

    upload = SimpleUploadedFile("surveys.xlsx", data)
    return run_job(client, reverse("campaigns:import", args=[campaign.pk]), {"file": upload})[0]


@pytest.mark.parametrize("downloaded_in", ["zh-hans", "en"])
@pytest.mark.parametrize("imported_in", ["zh-hans", "en"])
def test_issue8_a_template_downloaded_in_either_language_imports_in_either_language(
    world, login, campaign, downloaded_in, imported_in
):
    official = _speaks(world.street_official, downloaded_in)
    client = login(official)
    template = client.get(reverse("campaigns:import-template", args=[campaign.pk])).content
    header = [c.value for c in load_workbook(io.BytesIO(template)).worksheets[0][1]]
    assert ("Community code*" in header) == (downloaded_in == "en")
    assert ("社区代码*" in header) == (downloaded_in == "zh-hans")

    rows = [
        {**FACTS, "community_code": world.community_a.code, "company_name": world.company_y.name},
        {
            **FACTS,
            "community_code": world.community_a.code,
            "name": "新建小区",
            "management_mode": "community",
            "preliminary_type": "community",
            "fee_regime": "commission",
            "is_old_compound": True,
        },
    ]
    data = _filled(template, rows, downloaded_in)
    _speaks(official, imported_in)
    job = _upload(login(official), campaign, data)
    assert job.state == "done", job.errors
    existing = CompoundSurvey.objects.get(compound=world.compound_a2)
    assert existing.households == 200 and existing.management_mode == ManagementMode.PROFESSIONAL
    assert existing.has_owners_committee is True and existing.disclosure_status == "partial"
    new = CompoundSurvey.objects.get(compound__name="新建小区")
    assert new.management_mode == ManagementMode.COMMUNITY and new.is_old_compound is True


def test_issue8_an_import_module_first_loaded_in_english_still_reads_chinese_files(world, campaign):
    """The bug: option labels were frozen in whatever language was active when the module was first
    imported, so after an English visitor started the process every Chinese file was refused."""
    try:
        with translation.override("en"):
            importlib.reload(imports)
        with translation.override("zh-hans"):
            template = imports.template_xlsx()
        data = _filled(
            template,
            [{**FACTS, "community_code": world.community_a.code, "company_name": world.company_y.name}],
            "zh-hans",
        )
        with translation.override("zh-hans"):
            result = imports.import_surveys(actor=world.street_official, campaign=campaign, data=data)
        assert len(result.surveys) == 1
    finally:
        importlib.reload(imports)


def test_issue8_headers_match_by_key_and_in_any_order_with_full_or_half_width_brackets(world, campaign):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "preliminary_type",
            "Households",
            "小区名称",
            "地址",
            "Year Built *",
            "建筑面积(㎡)",
            "community_code",
            "管理模式",
        ]
    )
    ws.append(
        [
            "owner-managed COMPOUND",
            80,
            "自治小区",
            "城东路1号",
            1998,
            "3500.5",
            world.community_a.code,
            "self_managed",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    result = imports.read_rows(world.street_official, campaign, buf.getvalue())
    assert result.errors == []
    result = imports.import_surveys(actor=world.street_official, campaign=campaign, data=buf.getvalue())
    survey = result.surveys[0]
    assert survey.households == 80 and survey.management_mode == ManagementMode.SELF_MANAGED
    assert str(survey.floor_area) == "3500.50" and survey.preliminary_type == "self_managed"


def _bad_header_file(world) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["社区代码", "小区名称", "地址", "建成年份", "户数", "Households", "楼层数"])
    ws.append([world.community_a.code, "和谐苑", "城东路8号", 2010, 200, 200, 6])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_issue8_bad_headers_are_explained_in_the_importers_language(world, login, campaign):
    chinese = _upload(login(world.street_official), campaign, _bad_header_file(world))
    errors = chinese.errors
    assert "第 6 列“Households”与第 5 列重复。" in errors
    assert any(e.startswith("无法识别第 7 列的列名“楼层数”") for e in errors)
    assert "缺少必填列“管理模式”，请使用系统提供的模板。" in errors

    _speaks(world.street_official, "en")
    english = _upload(login(world.street_official), campaign, _bad_header_file(world))
    errors = english.errors
    assert "Column 6 “Households” repeats column 5." in errors
    assert any(e.startswith("Column 7 is headed “楼层数”, which is not a column of the form") for e in errors)
    assert 'The required column "Management mode" is missing; please use the template.' in errors
    assert not CompoundSurvey.objects.exists()


def test_issue8_bad_cells_are_explained_in_the_importers_language(world, login, campaign):
    _speaks(world.street_official, "en")
    client = login(world.street_official)
    template = client.get(reverse("campaigns:import-template", args=[campaign.pk])).content
    rows = [{**FACTS, "community_code": world.community_a.code, "company_name": world.company_y.name}]
    wb = load_workbook(io.BytesIO(_filled(template, rows, "en")))
    wb.worksheets[0]["K2"] = "物业"  # management mode
    buf = io.BytesIO()
    wb.save(buf)
    errors = _upload(client, campaign, buf.getvalue()).errors
    assert any(
        e.startswith('Row 2, "Management mode": "物业" is not an option')
        and "Professional property service" in e
        for e in errors
    ), errors

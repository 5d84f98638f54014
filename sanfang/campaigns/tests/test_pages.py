"""The pages: county overview, street view, the RC's survey form, investigation, progress report, EPMC log.

Every page is checked for the outsider and the wrong role, for escaping (XSS canary in names) and query counts.
"""

import datetime as dt

import pytest
from django.urls import reverse

from sanfang.campaigns import documents, services
from sanfang.campaigns.models import CompoundSurvey, EpmcActivity, SurveyStatus
from sanfang.core.testing import XSS


def test_wn3_county_opens_a_campaign_through_the_page(world, login):
    client = login(world.county_official)
    response = client.post(
        reverse("campaigns:index"),
        {
            "title": "收费信息不透明专项整治",
            "survey_due": "2026-03-20",
            "investigation_due": "2026-04-10",
            "report_due": "2026-04-15",
        },
    )
    assert response.status_code == 302
    assert "campaigns/" in response["Location"]


def test_wn3_campaign_form_is_not_offered_to_a_street(world, login, campaign):
    response = login(world.street_official).get(reverse("campaigns:index"))
    assert response.status_code == 200
    assert "发起专项整治" not in response.content.decode()


@pytest.mark.parametrize("persona", ["company_head", "resident", "oc_member"])
def test_campaign_pages_are_closed_to_the_wrong_roles(world, login, campaign, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("campaigns:index")).status_code == 403
    assert client.get(reverse("campaigns:campaign", args=[campaign.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, campaign):
    response = client.get(reverse("campaigns:campaign", args=[campaign.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_wn4_county_overview_shows_streets_progress_and_escapes(
    world, login, submitted, django_assert_max_num_queries
):
    client = login(world.county_official)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("campaigns:campaign", args=[submitted.campaign_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "兴国镇" in html and "富池镇" in html and '<progress class="surveyed" max="100" value="50"' in html
    assert XSS not in html


def test_street_official_lands_on_their_street_and_not_another(world, login, submitted):
    client = login(world.street_official)
    response = client.get(reverse("campaigns:campaign", args=[submitted.campaign_id]))
    assert response["Location"] == reverse(
        "campaigns:place", args=[submitted.campaign_id, world.street_a.code]
    )
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert XSS not in response.content.decode()
    other = reverse("campaigns:place", args=[submitted.campaign_id, world.street_b.code])
    assert client.get(other).status_code == 404


def test_street_view_query_count_is_bounded(world, login, campaign, django_assert_max_num_queries):
    for compound in (world.compound_a1, world.compound_a2):
        services.start_survey(actor=world.rc_member, campaign=campaign, compound=compound)
    client = login(world.street_official)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("campaigns:place", args=[campaign.pk, world.street_a.code]))
    assert response.status_code == 200


def test_wn3_rc_fills_and_submits_the_survey_form_on_the_page(world, login, campaign):
    client = login(world.rc_member)
    response = client.post(reverse("campaigns:survey-start", args=[campaign.pk, world.compound_a1.code]))
    survey = CompoundSurvey.objects.get()
    assert response["Location"] == reverse("campaigns:survey", args=[survey.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'name="viewport"' in page and "一、基本情况" in page
    data = {
        "version": survey.version,
        "name": "幸福家园",
        "address": "城东路1号",
        "year_built": "2008",
        "households": "320",
        "housing_nature": "commodity",
        "management_mode": "professional",
        "company": world.company_x.pk,
        "fee_regime": "lump_sum",
        "fee_standard": "1.2元/㎡·月",
        "disclosure_status": "partial",
        "preliminary_type": "professional",
        "submit": "1",
    }
    response = client.post(reverse("campaigns:survey", args=[survey.pk]), data)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED and survey.households == 320


def test_wn3_bad_year_on_the_form_shows_a_chinese_message(world, login, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    response = login(world.rc_member).post(
        reverse("campaigns:survey", args=[survey.pk]),
        {
            "version": 1,
            "name": "x",
            "year_built": "1800",
            "housing_nature": "commodity",
            "management_mode": "none",
            "disclosure_status": "none",
            "preliminary_type": "other",
        },
    )
    assert response.status_code == 200
    assert "建成年份应在 1949 年" in response.content.decode()


def test_wn3_street_reviews_on_the_page_and_the_company_cannot_see_the_form(world, login, submitted):
    url = reverse("campaigns:survey", args=[submitted.pk])
    assert login(world.company_head).get(url).status_code == 404
    assert login(world.other_street_official).get(url).status_code == 404
    client = login(world.street_official)
    page = client.get(url).content.decode()
    assert "街道审核" in page
    client.post(
        reverse("campaigns:survey-review", args=[submitted.pk]),
        {"decision": "return", "comment": "", "version": submitted.version},
    )
    submitted.refresh_from_db()
    assert submitted.status == SurveyStatus.SUBMITTED  # a return without comments is refused
    client.post(
        reverse("campaigns:survey-review", args=[submitted.pk]),
        {"decision": "return", "comment": "请补充合同期限", "version": submitted.version},
    )
    submitted.refresh_from_db()
    assert submitted.status == SurveyStatus.RETURNED


def test_rc_cannot_post_a_review(world, login, submitted):
    login(world.rc_member).post(
        reverse("campaigns:survey-review", args=[submitted.pk]),
        {"decision": "approve", "version": submitted.version},
    )
    submitted.refresh_from_db()
    assert submitted.status == SurveyStatus.SUBMITTED


def test_wn3_investigation_page_flow(world, login, submitted):
    client = login(world.rc_member)
    response = client.post(
        reverse("campaigns:investigation-open", args=[submitted.pk]), {"investigators": "李秀英"}
    )
    inv = submitted.__class__.objects.get(pk=submitted.pk).investigation
    assert response["Location"] == reverse("campaigns:investigation", args=[inv.pk])
    page = client.get(response["Location"]).content.decode()
    assert "公示事项核查" in page and XSS not in page
    client.post(
        reverse("campaigns:problem-add", args=[inv.pk]),
        {"description": "收支未公示", "owner": world.company_x.pk, "working_days": "10"},
    )
    assert inv.problems.count() == 1
    response = client.get(reverse("campaigns:investigation-docx", args=[inv.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(world.company_head).get(reverse("campaigns:investigation", args=[inv.pk])).status_code == 404


def test_wn4_street_fills_and_submits_the_report_page_and_county_reads_it(world, login, campaign):
    client = login(world.street_official)
    response = client.get(reverse("campaigns:report-street", args=[campaign.pk, world.street_a.code]))
    url = response["Location"]
    report = services.report_for(campaign, world.street_a)
    data = {
        "version": report.version,
        "basic_situation": "基本情况",
        "measures": "措施",
        "problems": "问题",
        "suggestions": "建议",
        "contact_name": "陈志强",
        "contact_phone": "0714-7312001",
        "submit": "1",
    }
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.is_submitted
    page = login(world.county_official).get(url).content.decode()
    assert "已报送" in page and "陈志强" in page
    assert login(world.other_street_official).get(url).status_code == 404
    assert login(world.rc_member).get(url).status_code == 404


def test_issue8_wn4_exports_are_jobs_whose_results_are_real_xlsx_files(world, login, approved):
    from io import BytesIO

    from openpyxl import load_workbook

    from sanfang.core.testing import run_job

    client = login(world.county_official)
    job, download = run_job(client, reverse("campaigns:surveys-xlsx", args=[approved.campaign_id]))
    ws = load_workbook(BytesIO(download.data)).active
    assert ws["D3"].value == "小区名称"
    assert ws["D4"].value == approved.name
    assert job.done == job.total == 1 and "1 个小区" in job.message
    job, download = run_job(client, reverse("campaigns:rollup-xlsx", args=[approved.campaign_id]))
    assert download["Content-Type"] == documents.XLSX
    ws = load_workbook(BytesIO(download.data)).active
    assert ws["A4"].value == "兴国镇" and ws["A6"].value == "合计"
    street = login(world.street_official)
    url = reverse("campaigns:rollup-xlsx", args=[approved.campaign_id])
    assert street.get(url).status_code == 403
    assert street.post(url).status_code == 403
    # The result is its owner's alone.
    assert street.get(reverse("core:job-result", args=[job.pk])).status_code == 404


def test_wn1_epmc_log_page_records_an_activity(world, login):
    client = login(world.epmc_lead)
    assert client.get(reverse("campaigns:epmc"))["Location"] == reverse(
        "campaigns:epmc-community", args=[world.community_a.code]
    )
    url = reverse("campaigns:epmc-community", args=[world.community_a.code])
    response = client.post(
        url,
        {
            "date": "2026-02-27",
            "kind": "meeting",
            "title": "二月例会",
            "participants": [world.epmc_lead.pk],
            "content": "研究收费公示",
        },
    )
    assert response.status_code == 302
    assert EpmcActivity.objects.count() == 1
    page = client.get(url).content.decode()
    assert "二月例会" in page and XSS not in page
    response = client.get(
        reverse("campaigns:epmc-records", args=[world.community_a.code]),
        {"start": "2026-01-01", "end": "2026-03-01"},
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_wn1_epmc_pages_closed_to_outsiders(world, login):
    url = reverse("campaigns:epmc-community", args=[world.community_a.code])
    assert login(world.company_head).get(url).status_code == 404
    assert login(world.other_street_official).get(url).status_code == 404
    assert login(world.street_official).post(url, {"title": "x"}).status_code == 403
    assert login(world.resident).get(reverse("campaigns:epmc-overview")).status_code == 403


def test_wn1_street_overview_flags_idle_communities(world, login, django_assert_max_num_queries):
    services.record_epmc_activity(
        actor=world.epmc_lead,
        community=world.community_a,
        date=dt.date(2026, 2, 27),
        kind="meeting",
        title="例会",
        content="x",
        other_participants="委员",
    )
    client = login(world.street_official)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("campaigns:epmc-overview")).content.decode()
    assert "长期未活动" not in page.split("城东社区")[1][:400] if "城东社区" in page else True
    assert "港湾社区" not in page  # another street's community
    page = login(world.county_official).get(reverse("campaigns:epmc-overview") + "?idle=1").content.decode()
    assert "港湾社区" in page


def test_pages_have_english_translations(world, login, campaign):
    from django.utils import translation

    with translation.override("en"):
        assert str(services.STAT_LABELS["in_scope"]) == "In scope"
        assert translation.gettext("小区摸排认定表") == "Compound survey form"
    client = login(world.county_official)
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("campaigns:campaign", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Progress by street" in html

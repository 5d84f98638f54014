"""Issue 8.3: the county's roll-up of the streets' progress reports comes out in the language of the reader."""

import io

from django.urls import reverse
from docx import Document

from sanfang.campaigns import services


def _text(client, url):
    from sanfang.core.testing import run_job

    job, download = run_job(client, url)
    assert job.state == "done", job.error
    return "\n".join(p.text for p in Document(io.BytesIO(download.data)).paragraphs)


def test_issue8_rollup_docx_frame_follows_the_county_readers_language(world, login, campaign):
    report = services.report_for(campaign, world.street_a)
    report = services.save_report(
        actor=world.street_official,
        report=report,
        version=None,
        basic_situation="兴国镇基本情况",
        measures="措施",
        problems="问题",
        suggestions="建议",
        contact_name="陈志强",
        contact_phone="0714-7312001",
    )
    services.submit_report(actor=world.street_official, report=report)
    url = reverse("campaigns:rollup-docx", args=[campaign.pk])
    assert "未报送：富池镇" in _text(login(world.county_official), url)

    world.county_official.language = "en"
    world.county_official.save(update_fields=["language"])
    english = _text(login(world.county_official), url)
    assert "Reports due:" in english and "not submitted: 富池镇" in english
    assert "未报送" not in english and "报告截止日期" not in english
    assert (
        "富池镇" in english and "兴国镇基本情况" in english
    )  # place names and what the street wrote are data

"""Issue 8.3: the street's disclosure-status workbook comes out in the language of the person who exports it."""

import io

from django.urls import reverse
from openpyxl import load_workbook


def _rows(client, url):
    from sanfang.core.testing import run_job

    _job, download = run_job(client, url)  # a background job (issue 8.5), in the requester's language
    return list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))


def test_issue8_status_workbook_headings_and_states_follow_the_exporters_language(login, scheduled):
    w = scheduled
    url = reverse("publicity:status-export")
    assert _rows(login(w.street_official), url)[0][:4] == ("街道（乡镇）", "社区", "小区", "小区代码")

    w.street_official.language = "en"
    w.street_official.save(update_fields=["language"])
    rows = _rows(login(w.street_official), url)
    assert rows[0][:4] == ("Street (township)", "Community", "Compound", "Compound code")
    assert any(r[9] == "Overdue, not published" for r in rows[1:]) and not any(
        r[9] == "逾期未公示" for r in rows[1:]
    )
    assert {r[3] for r in rows[1:]} == {w.compound_a1.code, w.compound_a2.code}

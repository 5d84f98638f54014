"""Issue 10: every uploaded file is private and reaches its reader only through a permission-checked view.

No route serves MEDIA_ROOT (nor does nginx: tests/test_deploy.py), no template or view turns a stored file into
its `/media/` address, every file field of every model is served by a named view, and each of those views
answers an outsider 404 (the file's existence is private) and a reader the file with headers that keep a hostile
upload inert. The crawl in test_permission_matrix.py fails on any `/media/` address on any page of the world.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import Resolver404, resolve, reverse

import sanfang
from sanfang.core.files import UPLOAD_POLICY

from .harness import clients_for

pytestmark = pytest.mark.django_db

# Every file field of the project, and the view that serves it after its app's permission check.
SERVED_BY = {
    "cases.CasePhoto.image": "cases:photo",
    "reports.Report.attachment": "reports:attachment",
    "campaigns.EpmcAttachment.file": "campaigns:epmc-attachment",
    "appraisal.Subject.report_file": "appraisal:self-report-file",
    "meetings.ProgressNote.evidence": "meetings:evidence",
    "core.Job.result_file": "core:job-result",  # a background job's result, to its owner only (issue 8.5)
}
# Files no view serves: a job's uploaded input is read by the worker alone and removed when the job ends.
NOT_SERVED = {"core.Job.input_file"}
ROOT = Path(sanfang.__file__).parent


def _file_fields() -> dict[str, models.FileField]:
    return {
        f"{model._meta.app_label}.{model.__name__}.{field.name}": field
        for model in apps.get_models()
        if model.__module__.startswith("sanfang.")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }


def test_issue10_every_file_field_is_served_by_a_permission_checked_view():
    """A new upload field fails here until someone names the view (and its guard) that serves it."""
    assert set(_file_fields()) == set(SERVED_BY) | NOT_SERVED
    source = "".join(
        p.read_text(encoding="utf-8") for p in [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py")]
    )
    for route in SERVED_BY.values():
        assert resolve_name(route) in source
    assert source.count("serve_upload(") == len(SERVED_BY)


def resolve_name(route: str) -> str:
    from django.urls import get_resolver

    app, name = route.split(":")
    for pattern in get_resolver().namespace_dict[app][1].url_patterns:
        if getattr(pattern, "name", None) == name:
            return f"def {pattern.callback.__name__}("
    raise AssertionError(f"no route {route}")


def test_issue10_no_template_or_view_turns_a_stored_file_into_a_media_address():
    """`.url` of a FileField is MEDIA_URL plus the stored (guessable) name; neither it nor MEDIA_URL appears in
    any template, view or API module."""
    names = "|".join(sorted({f.name for f in _file_fields().values()}))
    file_url = re.compile(rf"\.(?:{names})\.url\b")
    offenders = []
    for path in [*ROOT.glob("**/templates/**/*.html"), *ROOT.glob("*/views.py"), *ROOT.glob("*/api.py")]:
        text = path.read_text(encoding="utf-8")
        for pattern in (file_url, re.compile(r"MEDIA_URL|/media/|get_media_prefix")):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_issue10_no_route_serves_the_media_directory():
    """The development `/media/` route is gone: a stored file's name opens nothing, in DEBUG either."""
    with pytest.raises(Resolver404):
        resolve("/media/reports/1/x.pdf")


@pytest.fixture(scope="module")
def clients(security_world):
    return clients_for(security_world.world)


def _file_urls(objects) -> dict[str, str]:
    ids = objects.ids
    return {
        "self_report": reverse("appraisal:self-report-file", args=[ids["round"], ids["subject"]]),
        "evidence": reverse("meetings:evidence", args=[ids["resolution"], ids["evidence_note"]]),
        "report": reverse("reports:attachment", args=[ids["report"]]),
        "epmc": reverse("campaigns:epmc-attachment", args=[ids["epmc_attachment"]]),
        "photo": reverse("cases:photo", args=[ids["photo"]]),
        "job": reverse("core:job-result", args=[ids["job"]]),
    }


@pytest.mark.parametrize("kind", ["self_report", "evidence", "report", "epmc", "photo", "job"])
def test_issue10_an_upload_reaches_its_reader_with_inert_headers(security_world, clients, kind):
    reader = "county_official" if kind == "job" else "party_secretary"  # a job's file is its owner's alone
    response = clients[reader].get(_file_urls(security_world)[kind])
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body
    assert response["Content-Security-Policy"] == UPLOAD_POLICY and "sandbox" in UPLOAD_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    # Photos show in the case page; everything else is a download, never rendered on the site's origin.
    assert disposition.startswith("inline" if kind == "photo" else "attachment")


@pytest.mark.parametrize("kind", ["self_report", "evidence", "report", "epmc", "photo", "job"])
def test_issue10_outsiders_get_404_for_an_upload_and_anonymous_visitors_the_login(
    security_world, clients, kind
):
    url = _file_urls(security_world)[kind]
    # Street B's official and compound A2's resident reach nothing of compound A1; a resident of A1 reads no
    # staff file (only the photos of the case they reported). The full rows are in matrix.py.
    outsiders = ["other_street_official", "other_resident"] + ([] if kind == "photo" else ["resident"])
    for persona in outsiders:
        assert clients[persona].get(url).status_code == 404, persona
    anonymous = clients["anonymous"].get(url)
    if kind == "photo":
        assert anonymous.status_code == 404  # the reporter's follow token is the anonymous way in
    else:
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_issue10_evidence_of_another_resolution_is_404(security_world, clients):
    """The note must belong to the resolution named in the address (the resolution's guard is the note's)."""
    from sanfang.meetings.models import Resolution

    ids = security_world.ids
    other = Resolution.objects.exclude(pk=ids["resolution"]).order_by("pk").first()
    pk = other.pk if other else ids["resolution"] + 10_000
    url = reverse("meetings:evidence", args=[pk, ids["evidence_note"]])
    assert clients["admin"].get(url).status_code == 404


def test_issue10_a_subject_without_a_document_answers_404(security_world, clients):
    from sanfang.appraisal.models import Subject

    ids = security_world.ids
    subject = Subject.objects.filter(round_id=ids["round"], report_file="").first()
    assert subject is not None
    url = reverse("appraisal:self-report-file", args=[ids["round"], subject.pk])
    assert clients["party_secretary"].get(url).status_code == 404


def test_issue10_the_admin_links_an_attachment_through_its_checked_view(security_world, clients):
    """Django's admin shows a FileField as a link to its `.url`; the report admin links the checked view."""
    report = security_world.ids["report"]
    response = clients["admin"].get(reverse("admin:reports_report_change", args=[report]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "/media/" not in body
    assert reverse("reports:attachment", args=[report]) in body

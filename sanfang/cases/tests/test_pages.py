"""Pages: the resident's phone form, photo checks, the follow link, public pages without personal data,
the office's list and the case page for insiders, outsiders and wrong roles."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sanfang.cases import services
from sanfang.cases.models import Case, CaseClass, CasePhoto, MajorMatter, Status
from sanfang.core.testing import XSS

pytestmark = pytest.mark.django_db

SECRET_PHONE = "13912345678"
SECRET_NAME = "秘密张三"


def _jpeg_with_gps(size=(64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 1.0, 2.0), 3: "E", 4: (115.0, 3.0, 4.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def _report(client, world, **extra):
    data = {
        "category": "sanitation",
        "description": f"垃圾桶满溢三天无人清运{XSS}",
        "reporter_name": SECRET_NAME,
        "reporter_contact": SECRET_PHONE,
        **extra,
    }
    return client.post(f"/cases/report/{world.compound_a1.code}/", data)


def test_resident_reports_anonymously_from_a_phone_and_gets_a_private_follow_link(client, world):
    """CS-1: intake from the board's QR code, no account needed; the follow link is unguessable."""
    page = client.get(f"/cases/report/{world.compound_a1.code}/")
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()
    photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    resp = _report(client, world, photos=[photo])
    case = Case.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/cases/follow/{case.follow_token}/"
    assert case.reporter is None and case.reporter_contact == SECRET_PHONE
    follow = client.get(resp["Location"])
    body = follow.content.decode()
    assert case.tracking_no in body
    assert XSS not in body
    assert (
        follow["Referrer-Policy"] == "same-origin"
    )  # never sent to other sites; Origin kept for the CSRF check
    assert client.get("/cases/follow/not-the-token/").status_code == 404


def test_a_report_from_the_form_is_due_for_classification_by_its_streets_own_deadline(client, world):
    """The street's working days for classifying come with the compound's own query (issue 9): a street that set
    them gets its value, another street the default, a street that changes it the new value at once."""
    services.set_policy(actor=world.street_official, street=world.street_a, key="classify", value=7)
    assert _report(client, world).status_code == 302
    other = {"category": "sanitation", "description": "楼道灯坏了很久没人修"}
    assert client.post(f"/cases/report/{world.compound_b1.code}/", other).status_code == 302
    services.set_policy(actor=world.street_official, street=world.street_a, key="classify", value=4)
    assert _report(client, world).status_code == 302
    first, in_b, changed = Case.objects.order_by("id")
    assert (first.street, first.due_working_days) == (world.street_a, 7)
    assert (in_b.street, in_b.due_working_days) == (world.street_b, services.DEFAULT_DEADLINES["classify"])
    assert (changed.street, changed.due_working_days) == (world.street_a, 4)
    assert first.response_due_on == first.due_on


def test_photo_is_reencoded_without_exif_and_gps(client, world):
    photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    _report(client, world, photos=[photo])
    stored = CasePhoto.objects.get()
    with stored.image.open("rb") as fh:
        img = Image.open(fh)
        img.load()
        assert img.format == "JPEG"
        assert not img.getexif()
        assert "exif" not in img.info


def test_non_image_and_too_many_photos_are_rejected_with_nothing_saved(client, world):
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    resp = _report(client, world, photos=[fake])
    assert resp.status_code == 200
    assert "只能上传图片" in resp.content.decode()
    photos = [SimpleUploadedFile(f"{i}.jpg", _jpeg_with_gps(), content_type="image/jpeg") for i in range(7)]
    resp = _report(client, world, photos=photos)
    assert "最多上传 6 张照片" in resp.content.decode()
    assert Case.objects.count() == 0


def test_pixel_bomb_is_rejected(client, world, settings):
    from sanfang.cases import images

    old = images.MAX_PIXELS
    images.MAX_PIXELS = 100
    try:
        photo = SimpleUploadedFile("big.png", _jpeg_with_gps((20, 20)), content_type="image/png")
        resp = _report(client, world, photos=[photo])
    finally:
        images.MAX_PIXELS = old
    assert "像素过多" in resp.content.decode()
    assert Case.objects.count() == 0


def test_signed_in_resident_is_prefilled_and_owns_the_case(login, world):
    client = login(world.resident)
    page = client.get(f"/cases/report/{world.compound_a1.code}/")
    assert world.resident.phone in page.content.decode()
    _report(client, world)
    assert Case.objects.get().reporter == world.resident


def test_public_pages_never_show_the_reporter(client, world):
    """PN-1: the board's case page and the follow page of someone else show no name or phone."""
    _report(client, world)
    case = Case.objects.get()
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    public = client.get(f"/cases/public/{case.tracking_no}/")
    assert public.status_code == 200
    body = public.content.decode()
    assert SECRET_PHONE not in body and SECRET_NAME not in body
    follow = client.get(f"/cases/follow/{case.follow_token}/").content.decode()
    assert SECRET_PHONE not in follow and SECRET_NAME not in follow
    board = services.board_cases(world.compound_a1)
    assert board and SECRET_PHONE not in str(board) and SECRET_NAME not in str(board)
    # An unclassified case is not public yet.
    _report(client, world)
    newest = Case.objects.order_by("-id").first()
    assert client.get(f"/cases/public/{newest.tracking_no}/").status_code == 404


def test_photos_are_private_to_staff_and_the_follow_link(client, login, world):
    photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    _report(client, world, photos=[photo])
    case = Case.objects.get()
    p = CasePhoto.objects.get()
    assert client.get(f"/cases/photos/{p.pk}/").status_code in (302, 404)
    assert client.get(f"/cases/photos/{p.pk}/?t={case.follow_token}").status_code == 200
    assert login(world.other_company_head).get(f"/cases/photos/{p.pk}/").status_code == 404
    assert login(world.company_head).get(f"/cases/photos/{p.pk}/").status_code == 200


def test_office_triage_list_is_scoped_and_bounded_in_queries(login, world, django_assert_max_num_queries):
    for _ in range(5):
        services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="other",
            title="",
            description="电梯异响需要检修",
        )
    services.submit_case(
        actor=world.other_resident,
        compound=world.compound_b1,
        category="other",
        title="",
        description="外街道的问题",
    )
    client = login(world.epmc_lead)
    with django_assert_max_num_queries(25):
        resp = client.get("/cases/?view=org&status=new")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert body.count("电梯异响") == 5 and "外街道的问题" not in body
    assert XSS not in body


def test_triage_rows_show_the_class_status_handler_and_overdue_deadline_in_the_readers_language(login, world):
    """The rows' labels and addresses are worked out once per page (issue 9); what they show is unchanged."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone
    from django.utils.html import escape

    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="二号楼水泵坏了",
    )
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    client = login(world.epmc_lead)
    body = client.get("/cases/?view=org").content.decode()
    row = body[body.index(f'<a href="{reverse("cases:detail", args=[case.pk])}">{case.tracking_no}</a>') :]
    row = row[: row.index("</tr>")]
    assert "日常问题" in row and f'<span class="tag">{case.get_status_display()}</span>' in row
    assert escape(case.handler.name) in row and XSS not in row
    assert (timezone.localdate() - dt.timedelta(days=1)).isoformat() in row and "逾期" in row
    client.cookies["django_language"] = "en"
    body = client.get("/cases/?view=org").content.decode()
    assert "Routine" in body and "Overdue" in body and "日常问题" not in body


def test_residents_and_anonymous_cannot_open_the_triage_list(client, login, world):
    assert client.get("/cases/").status_code == 302
    assert login(world.resident).get("/cases/").status_code == 403


def test_case_page_for_office_shows_contact_outsider_gets_404(login, world):
    case = services.submit_case(
        actor=None,
        compound=world.compound_a1,
        category="other",
        title="",
        description="单元门禁损坏",
        reporter_contact=SECRET_PHONE,
    )
    resp = login(world.epmc_lead).get(f"/cases/{case.pk}/")
    assert resp.status_code == 200 and SECRET_PHONE in resp.content.decode()
    assert login(world.other_company_head).get(f"/cases/{case.pk}/").status_code == 404
    assert login(world.other_street_official).get(f"/cases/{case.pk}/").status_code == 404
    assert login(world.other_resident).get(f"/cases/{case.pk}/").status_code == 404


def test_route_actions_through_the_page_classify_and_wrong_role_is_refused(login, world):
    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="单元门禁损坏",
    )
    company = login(world.company_head)
    resp = company.post(f"/cases/{case.pk}/classify/", {"case_class": "routine"}, follow=True)
    assert "无权" in resp.content.decode() or resp.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.NEW
    office = login(world.epmc_lead)
    office.post(f"/cases/{case.pk}/classify/", {"case_class": "routine", "version": case.version})
    case.refresh_from_db()
    assert case.status == Status.HANDLING
    page = office.get(f"/cases/{case.pk}/").content.decode()
    assert "提请居委会协调" in page
    resp = office.post(f"/cases/{case.pk}/cannot-solve/", {"text": "短"}, follow=True)
    assert "书面初步意见" in resp.content.decode()


def test_street_summons_view_lists_open_and_overdue(login, world):
    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="二次供水水压不足",
    )
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.BEYOND_REMIT)
    services.propose_summons(actor=world.epmc_lead, case=case, proposal="需住建部门协调")
    services.issue_street_summons(actor=world.party_secretary, case=case, request="请街道协调")
    resp = login(world.street_official).get("/cases/summonses/?show=open")
    assert resp.status_code == 200 and case.tracking_no in resp.content.decode()
    assert (
        case.tracking_no not in login(world.other_street_official).get("/cases/summonses/").content.decode()
    )
    assert login(world.resident).get("/cases/summonses/").status_code == 403


def test_major_matter_page_shows_gate_and_refuses_advance(login, world):
    """CS-7 through the pages."""
    client = login(world.oc_member)
    client.post(
        "/cases/matters/new/",
        {"compound": world.compound_a1.pk, "kind": "fund_use", "title": "更换电梯使用维修资金"},
    )
    matter = MajorMatter.objects.get()
    resp = client.post(f"/cases/matters/{matter.pk}/advance/", {}, follow=True)
    assert "提前介入" in resp.content.decode()
    matter.refresh_from_db()
    assert matter.step == "proposed"
    assert login(world.other_street_official).get(f"/cases/matters/{matter.pk}/").status_code == 404


def test_overview_for_street_and_not_for_company(login, world):
    assert login(world.street_official).get("/cases/overview/?by=company").status_code == 200
    assert login(world.company_head).get("/cases/overview/").status_code == 403


def test_staff_entry_of_a_phoned_in_case(login, world):
    client = login(world.grid_worker)
    resp = client.post(
        f"/cases/new/?compound={world.compound_a1.code}",
        {
            "compound": world.compound_a1.pk,
            "source": "phone",
            "category": "noise",
            "description": "夜间施工噪音扰民，电话反映",
            "reporter_contact": SECRET_PHONE,
        },
    )
    case = Case.objects.get()
    assert resp.status_code == 302 and case.source == "phone" and case.entered_by == world.grid_worker
    assert (
        login(world.other_company_head).get(f"/cases/new/?compound={world.compound_a1.code}").status_code
        == 403
    )


def test_case_ledger_export_is_a_real_xlsx_without_reporter_data(login, world):
    import openpyxl

    services.submit_case(
        actor=None,
        compound=world.compound_a1,
        category="other",
        title="",
        description="单元门禁损坏",
        reporter_name=SECRET_NAME,
        reporter_contact=SECRET_PHONE,
    )
    from sanfang.core.testing import run_job

    job, resp = run_job(login(world.epmc_lead), "/cases/export.xlsx?view=org")
    assert job.params["view"] == "org" and job.message == "已导出 1 条问题。"
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "受理编号" and len(rows) == 2
    assert SECRET_PHONE not in str(rows) and SECRET_NAME not in str(rows)
    assert login(world.resident).get("/cases/export.xlsx").status_code == 403
    assert login(world.resident).post("/cases/export.xlsx").status_code == 403


def test_my_reports_lists_a_residents_own_cases(login, world):
    client = login(world.resident)
    _report(client, world)
    body = client.get("/cases/mine/").content.decode()
    case = Case.objects.get()
    assert case.follow_token in body
    assert case.follow_token not in login(world.other_resident).get("/cases/mine/").content.decode()


def test_overview_accepts_any_period(login, world):
    services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="单元门禁损坏",
    )
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    resp = login(world.street_official).get(f"/cases/overview/?by=compound&start={today}&end={today}")
    assert resp.status_code == 200 and "单元门禁" not in resp.content.decode()
    assert login(world.street_official).get("/cases/overview/?start=bad").status_code == 200


def test_cs2_office_can_choose_the_compound_party_head_as_convener_on_the_page(login, world):
    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="单元门禁损坏",
    )
    office = login(world.epmc_lead)
    assert world.compound_party_head.name in office.get(f"/cases/{case.pk}/").content.decode().replace(
        "&lt;", "<"
    ).replace("&gt;", ">")
    resp = office.post(
        f"/cases/{case.pk}/classify/",
        {"case_class": "routine", "convener": world.compound_party_head.pk},
        follow=True,
    )
    assert resp.status_code == 200
    case.refresh_from_db()
    assert case.handler == world.compound_party_head


def test_street_sets_its_deadlines_on_the_policy_page_and_others_cannot(login, world):
    from sanfang.cases.models import DeadlinePolicy

    street = login(world.street_official)
    assert street.get("/cases/policy/").status_code == 200
    street.post(f"/cases/policy/?street={world.street_a.pk}", {"routine.handle": "3", "classify": "2"})
    assert DeadlinePolicy.objects.get(street=world.street_a).key == "routine.handle"
    assert services.policy_value(world.street_a, "routine.handle") == 3
    assert login(world.company_head).get("/cases/policy/").status_code == 403
    login(world.other_street_official).post(
        f"/cases/policy/?street={world.street_a.pk}", {"routine.handle": "9"}
    )
    assert services.policy_value(world.street_a, "routine.handle") == 3


def test_public_report_form_is_rate_limited(client, world, settings):
    settings.CASES_REPORT_RATE = "2/h"
    _report(client, world)
    _report(client, world)
    resp = _report(client, world)
    assert resp.status_code == 429 and "操作太频繁" in resp.content.decode()
    assert Case.objects.count() == 2
    api = client.post(
        f"/api/v1/cases/report/{world.compound_a1.code}",
        {"category": "other", "description": "再反映一次问题"},
    )
    assert api.status_code == 429

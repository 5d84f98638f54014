"""Issue 8.3: every notice is written in its recipient's language, not in the language of whoever caused it —
the web inbox, the e-mail that reaches a real (local) SMTP server, and the group robots (Chinese offices)."""

from __future__ import annotations

import ast
import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

import sanfang
from sanfang.core.delivery import language_of, notify
from sanfang.core.models import Delivery, Message, WebhookEndpoint

pytestmark = pytest.mark.django_db


def _speaks(person, language: str, address: str = ""):
    person.language = language
    person.email = address or person.email
    person.save(update_fields=["language", "email"])
    return person


def _mail_to(smtp_server, address: str) -> email.message.EmailMessage:
    for rcpts, content in smtp_server.messages:
        if address in rcpts:
            return email.message_from_bytes(content.encode("utf-8"), policy=email.policy.default)
    raise AssertionError(f"no e-mail reached {address}")


def _subject(message) -> str:
    return " ".join(str(message["Subject"]).split())  # unfolded


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_issue8_each_recipient_reads_the_notice_in_their_own_language(
    world, smtp_server, django_capture_on_commit_callbacks
):
    _speaks(world.rc_member, "en", "rc@example.test")
    _speaks(world.epmc_lead, "", "office@example.test")  # no choice: Chinese, the platform's language
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[world.rc_member, world.epmc_lead],
            subject=lambda: _("新议题待审核：%(title)s") % {"title": "电梯维修"},
            body=lambda: _("已保存为新版本。"),
            key="test:languages",
        )
    english = Message.objects.get(recipient=world.rc_member)
    chinese = Message.objects.get(recipient=world.epmc_lead)
    assert english.subject == "New agenda item to review: 电梯维修"
    assert chinese.subject == "新议题待审核：电梯维修"
    assert _subject(_mail_to(smtp_server, "rc@example.test")) == "New agenda item to review: 电梯维修"
    assert _subject(_mail_to(smtp_server, "office@example.test")) == "新议题待审核：电梯维修"
    assert "已保存为新版本" in _body(_mail_to(smtp_server, "office@example.test"))
    assert "已保存为新版本" not in _body(_mail_to(smtp_server, "rc@example.test"))


def test_issue8_group_robots_get_the_platforms_language_whoever_sends(world, robot_server):
    WebhookEndpoint.objects.create(
        organisation=world.rc_a, kind=WebhookEndpoint.Kind.WECOM, url=f"{robot_server.base}/send?key=k"
    )
    with translation.override("en"):
        notify(
            recipients=[],
            organisations=[world.rc_a],
            subject=lambda: _("新议题待审核：%(title)s") % {"title": "电梯维修"},
            key="test:robot-language",
        )
    assert Delivery.objects.get(channel=Delivery.Channel.WEBHOOK).subject == "新议题待审核：电梯维修"


def test_issue8_a_person_without_a_usable_choice_reads_chinese(world):
    for choice in ("", "fr", "zh-hans"):
        world.resident.language = choice
        assert language_of(world.resident) == "zh-hans"
    world.resident.language = "en"
    assert language_of(world.resident) == "en"


@pytest.fixture
def meeting_document(world):
    from sanfang.meetings import services

    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        meeting, _created = services.create_regular_meeting(world.community_a, 2026, 4)
        with translation.override("zh-hans"):
            doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
        yield meeting, doc


def test_issue8_an_english_office_asks_a_chinese_convener_to_sign_off_in_chinese(
    world, meeting_document, login, smtp_server, django_capture_on_commit_callbacks
):
    meeting, doc = meeting_document
    _speaks(world.epmc_lead, "en")
    convener = _speaks(meeting.convener, "", "convener@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.epmc_lead).post(reverse("meetings:document-request", args=[doc.pk]))
    assert response.status_code == 302
    message = Message.objects.get(recipient=convener)
    assert message.subject == f"请审签：{doc.title}（第 1 版）"
    mail = _mail_to(smtp_server, "convener@example.test")
    assert _subject(mail) == f"请审签：{doc.title}（第 1 版）"
    inbox = login(convener).get(reverse("core:inbox")).content.decode()
    assert "请审签：" in inbox and "Please sign off" not in inbox


def test_issue8_a_chinese_office_asks_an_english_convener_to_sign_off_in_english(
    world, meeting_document, login, smtp_server, django_capture_on_commit_callbacks
):
    meeting, doc = meeting_document
    convener = _speaks(meeting.convener, "en", "convener@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.epmc_lead).post(reverse("meetings:document-request", args=[doc.pk]))
    assert response.status_code == 302
    message = Message.objects.get(recipient=convener)
    assert message.subject == f"Please sign off: {doc.title} (version 1)"
    mail = _mail_to(smtp_server, "convener@example.test")
    assert _subject(mail) == f"Please sign off: {doc.title} (version 1)"
    inbox = login(convener).get(reverse("core:inbox")).content.decode()
    assert "Please sign off:" in inbox and "请审签：" not in inbox


# --- Every caller hands `notify` text it can still translate ------------------------------------------------

TRANSLATING = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def _translates_now(node: ast.AST) -> bool:
    """True when evaluating `node` already translates (a gettext call or a choice's display, outside a lambda)."""
    if isinstance(node, ast.Lambda):
        return False
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in TRANSLATING:
            return True
        if (
            isinstance(func, ast.Attribute)
            and func.attr.startswith("get_")
            and func.attr.endswith("_display")
        ):
            return True
    return any(_translates_now(child) for child in ast.iter_child_nodes(node))


def test_issue8_no_notice_is_translated_before_notify_knows_its_recipients():
    """A subject or body built with `_()` before `notify` is called is in the actor's language for everyone."""
    root = Path(sanfang.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "notify":
                continue
            for keyword in node.keywords:
                if keyword.arg in ("subject", "body") and _translates_now(keyword.value):
                    offenders.append(f"{path.relative_to(root)}:{keyword.value.lineno} {keyword.arg}")
    assert offenders == []

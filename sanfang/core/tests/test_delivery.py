"""Delivery: web inbox with read receipts, e-mail over a real (local) SMTP server, WeCom and DingTalk group
robots over a real (local) HTTP server — idempotent, retried with back-off, logged, and only after commit."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from sanfang.core.delivery import notify
from sanfang.core.models import Delivery, Message, WebhookEndpoint
from sanfang.core.tick import run_all

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _notify(world, key="test:1", **kw):
    kw.setdefault("recipients", [world.rc_member])
    kw.setdefault("subject", "联席会议通知")
    kw.setdefault("body", "定于周五召开联席会议。")
    kw.setdefault("url", "/todos/")
    return notify(key=key, **kw)


def _with_email(person, address):
    person.email = address
    person.save(update_fields=["email"])
    return person


def test_notify_sends_the_email_to_a_real_smtp_server_after_commit(
    world, smtp_server, django_capture_on_commit_callbacks
):
    _with_email(world.rc_member, "rc@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        messages = _notify(world)
        assert smtp_server.messages == []  # nothing leaves before the transaction commits
    assert len(messages) == 1 and messages[0].recipient == world.rc_member
    assert len(smtp_server.messages) == 1
    rcpts, content = smtp_server.messages[0]
    assert rcpts == ["rc@example.test"]
    assert "Subject:" in content
    delivery = Delivery.objects.get()
    assert delivery.channel == Delivery.Channel.EMAIL
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1 and delivery.sent_at is not None and delivery.last_error == ""
    assert delivery.message == messages[0]
    assert delivery.address == "rc@example.test"
    assert "http" in delivery.body and "/todos/" in delivery.body  # the link is absolute in e-mails


def test_a_person_without_an_email_address_gets_only_the_inbox_message(
    world, smtp_server, django_capture_on_commit_callbacks
):
    world.rc_member.email = ""
    world.rc_member.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world)
    assert Message.objects.filter(recipient=world.rc_member).count() == 1
    assert not Delivery.objects.exists()
    assert smtp_server.messages == []


def test_wecom_robot_receives_text_json(world, robot_server, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(
        organisation=world.rc_a,
        kind=WebhookEndpoint.Kind.WECOM,
        url=f"{robot_server.base}/cgi-bin/webhook/send?key=abc",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, recipients=[], organisations=[world.rc_a])
    assert len(robot_server.requests) == 1
    request = robot_server.requests[0]
    assert request["path"] == "/cgi-bin/webhook/send"
    assert request["query"] == {"key": "abc"}
    assert request["content_type"].startswith("application/json")
    assert request["json"]["msgtype"] == "text"
    content = request["json"]["text"]["content"]
    assert content.startswith("联席会议通知\n定于周五召开联席会议。")
    delivery = Delivery.objects.get()
    assert delivery.channel == Delivery.Channel.WEBHOOK and delivery.status == Delivery.Status.SENT


def test_dingtalk_robot_receives_text_json_with_timestamp_and_sign(
    world, robot_server, django_capture_on_commit_callbacks
):
    secret = "SEC0123456789abcdef"  # noqa: S105 - a test robot's signing secret
    WebhookEndpoint.objects.create(
        organisation=world.rc_a,
        kind=WebhookEndpoint.Kind.DINGTALK,
        url=f"{robot_server.base}/robot/send?access_token=tok",
        secret=secret,
    )
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        _notify(world, recipients=[], organisations=[world.rc_a])
    request = robot_server.requests[0]
    assert request["path"] == "/robot/send"
    query = request["query"]
    assert query["access_token"] == "tok"
    assert query["timestamp"] == str(int(T0.timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{query['timestamp']}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected  # parse_qsl undid the URL encoding
    assert request["json"] == {"msgtype": "text", "text": {"content": request["json"]["text"]["content"]}}
    assert "联席会议通知" in request["json"]["text"]["content"]


def test_inactive_robot_and_other_organisations_robots_are_not_told(
    world, robot_server, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/off", active=False
    )
    WebhookEndpoint.objects.create(organisation=world.oc_a1, kind="wecom", url=f"{robot_server.base}/oc")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, recipients=[], organisations=[world.rc_a])
    assert robot_server.requests == []


def test_the_same_key_twice_gives_one_message_and_one_delivery(
    world, smtp_server, robot_server, django_capture_on_commit_callbacks
):
    _with_email(world.rc_member, "rc@example.test")
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/w")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(world, key="meeting:1:notice", organisations=[world.rc_a])
    assert Message.objects.filter(key="meeting:1:notice").count() == 1
    assert Delivery.objects.count() == 2  # one e-mail, one robot post
    assert len(smtp_server.messages) == 1
    assert len(robot_server.requests) == 1
    # Re-sending a delivery that was already sent is a no-op as well.
    from sanfang.core.sending import send

    assert {send(d.pk) for d in Delivery.objects.all()} == {"skipped"}
    assert len(smtp_server.messages) == 1


def test_a_failing_robot_is_retried_with_back_off_then_marked_failed(
    world, robot_server, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    robot_server.answers = [(500, {"errcode": 0})]
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/w")
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(world, recipients=[], organisations=[world.rc_a])
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.PENDING
        assert delivery.attempts == 1
        assert "500" in delivery.last_error
        assert delivery.next_attempt_at == T0 + dt.timedelta(minutes=1)
        # Not due yet: the sweep leaves it alone.
        assert run_all(timezone.now(), only=["delivery.retry"]) == {"delivery.retry": 0}
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        assert run_all(timezone.now(), only=["delivery.retry"]) == {"delivery.retry": 1}
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.status == Delivery.Status.PENDING
        assert delivery.next_attempt_at == timezone.now() + dt.timedelta(minutes=2)  # back-off doubles
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        run_all(timezone.now(), only=["delivery.retry"])
        delivery.refresh_from_db()
        assert delivery.attempts == 3
        assert delivery.status == Delivery.Status.FAILED
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        assert run_all(timezone.now(), only=["delivery.retry"]) == {"delivery.retry": 0}
    assert len(robot_server.requests) == 3


def test_a_robot_answering_a_nonzero_errcode_is_retried_and_succeeds_later(
    world, robot_server, django_capture_on_commit_callbacks
):
    robot_server.answers = [(200, {"errcode": 310000, "errmsg": "sign not match"}), (200, {"errcode": 0})]
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="dingtalk", url=f"{robot_server.base}/d")
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        _notify(world, recipients=[], organisations=[world.rc_a])
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert "310000" in delivery.last_error
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        run_all(timezone.now(), only=["delivery.retry"])
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2 and delivery.last_error == ""


def test_an_unreachable_smtp_server_is_recorded_in_the_delivery_log(
    world, settings, django_capture_on_commit_callbacks
):
    from .conftest import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    _with_email(world.rc_member, "rc@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_error  # e.g. ConnectionRefusedError
    assert Message.objects.filter(recipient=world.rc_member).exists()  # the inbox still has it


def test_nothing_is_sent_when_the_surrounding_transaction_rolls_back(
    world, smtp_server, robot_server, django_capture_on_commit_callbacks
):
    _with_email(world.rc_member, "rc@example.test")
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/w")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(world, organisations=[world.rc_a])
        raise RuntimeError("the service failed after notifying")
    assert callbacks == []
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()
    assert smtp_server.messages == [] and robot_server.requests == []


def test_opening_a_message_is_its_read_receipt(world, login):
    (message,) = _notify(world, url="")
    assert message.read_at is None
    client = login(world.rc_member)
    page = client.get("/inbox/")
    assert page.status_code == 200
    assert "联席会议通知" in page.content.decode()
    with time_machine.travel(T0, tick=False):
        response = client.get(f"/inbox/{message.pk}/")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.read_at == T0
    # Opening it again keeps the first read time.
    client.get(f"/inbox/{message.pk}/")
    message.refresh_from_db()
    assert message.read_at == T0
    assert client.get("/inbox/?unread=1").content.decode().count("联席会议通知") == 0


def test_opening_a_message_with_a_link_follows_it(world, login):
    (message,) = _notify(world, url="/todos/")
    response = login(world.rc_member).get(f"/inbox/{message.pk}/")
    assert response.status_code == 302 and response.url == "/todos/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_another_person_cannot_open_someone_elses_message(world, login, client):
    (message,) = _notify(world)
    assert login(world.company_head).get(f"/inbox/{message.pk}/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None
    client.logout()
    assert client.get(f"/inbox/{message.pk}/").status_code == 302  # to the login page


def test_mark_all_read(world, login):
    _notify(world, key="a")
    _notify(world, key="b")
    response = login(world.rc_member).post("/inbox/read-all/")
    assert response.status_code == 302
    assert not Message.objects.filter(recipient=world.rc_member, read_at__isnull=True).exists()


def test_inbox_list_is_bounded_in_queries(world, login, django_assert_max_num_queries):
    for n in range(20):
        _notify(world, key=f"k{n}")
    client = login(world.rc_member)
    with django_assert_max_num_queries(15):
        assert client.get("/inbox/").status_code == 200


def test_a_queued_retry_is_not_enqueued_again_by_the_next_tick(
    world, robot_server, monkeypatch, django_capture_on_commit_callbacks
):
    from sanfang.core import tasks

    robot_server.answers = [(500, {})]
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/w")
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        _notify(world, recipients=[], organisations=[world.rc_a])
    queued = []

    class BusyWorker:  # tasks wait in the queue
        enqueue = staticmethod(queued.append)

    monkeypatch.setattr(tasks, "send_delivery", BusyWorker)
    later = T0 + dt.timedelta(minutes=2)
    assert run_all(later, only=["delivery.retry"]) == {"delivery.retry": 1}
    assert run_all(later + dt.timedelta(minutes=1), only=["delivery.retry"]) == {"delivery.retry": 0}
    assert len(queued) == 1
    # Lost for good: after the lease the delivery is enqueued again.
    assert run_all(later + dt.timedelta(minutes=16), only=["delivery.retry"]) == {"delivery.retry": 1}


def test_a_first_send_that_never_ran_is_picked_up_by_the_retry_sweep(world, robot_server):
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/w")
    with time_machine.travel(T0, tick=False):
        _notify(world, recipients=[], organisations=[world.rc_a])  # on_commit never runs: the task is lost
        assert run_all(timezone.now(), only=["delivery.retry"]) == {"delivery.retry": 0}
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        assert run_all(timezone.now(), only=["delivery.retry"]) == {"delivery.retry": 1}
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert len(robot_server.requests) == 1


def test_long_texts_are_cut_to_what_the_robots_accept(
    world, robot_server, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(organisation=world.rc_a, kind="wecom", url=f"{robot_server.base}/w")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, recipients=[], organisations=[world.rc_a], body="长" * 3000)
    content = robot_server.requests[0]["json"]["text"]["content"]
    assert len(content.encode()) <= 2048 and content.endswith("…")


def test_a_notice_to_many_people_is_written_in_the_same_statements_as_to_one(
    world, django_capture_on_commit_callbacks
):
    """Issue 9: who was told already, then one insert of messages and one of e-mails, whatever their number; a
    person told already under the key keeps their message and gets no second e-mail."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [
        _with_email(world.rc_member, "rc@example.test"),
        _with_email(world.epmc_lead, "lead@example.test"),
        _with_email(world.party_secretary, "party@example.test"),
    ]
    first = _notify(world, key="case:1:submitted:1", recipients=people[:1])
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as ctx:
        messages = _notify(world, key="case:1:submitted:1", recipients=people)
    assert len(ctx) == 4  # messages told (1) and inserted (1); e-mails sent (1) and inserted (1)
    assert [m.recipient for m in messages] == people
    assert messages[0].pk == first[0].pk and all(m.pk for m in messages)
    assert Message.objects.filter(key="case:1:submitted:1").count() == 3
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        "lead@example.test",
        "party@example.test",
        "rc@example.test",
    ]
    assert len(callbacks) == 1


def test_a_notice_under_a_fresh_key_is_written_without_looking_up_who_was_told(
    world, django_capture_on_commit_callbacks
):
    """Issue 9: a key naming a row of the caller's own transaction (a case just reported) cannot have been used:
    the messages and the e-mails are one insert each, and each is sent once after commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [_with_email(world.rc_member, "rc@example.test"), world.epmc_lead]
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as ctx:
        messages = _notify(world, key="case:9:submitted:1", recipients=people, fresh=True)
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT", "INSERT"]
    assert [m.recipient for m in messages] == people and all(m.pk for m in messages)
    assert Message.objects.filter(key="case:9:submitted:1").count() == 2
    assert list(Delivery.objects.values_list("address", flat=True)) == ["rc@example.test"]
    assert len(callbacks) == 1

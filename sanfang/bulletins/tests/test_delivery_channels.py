"""PN-3 delivery over real channels: a local SMTP server and a local group-robot HTTP endpoint that fails twice
and then succeeds, receiving the urgent bulletin exactly once (retries are idempotent)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from sanfang.bulletins import services
from sanfang.bulletins.models import Urgency
from sanfang.core.models import Delivery, WebhookEndpoint
from sanfang.core.tick import run_all

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FlakyRobot(BaseHTTPRequestHandler):
    """A WeCom-style robot that answers 500 to the first two posts and {"errcode": 0} afterwards."""

    calls: list[int] = []
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        FlakyRobot.calls.append(1)
        if len(FlakyRobot.calls) <= 2:
            self.send_response(500)
            self.end_headers()
            return
        FlakyRobot.received.append(body)
        payload = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    FlakyRobot.calls, FlakyRobot.received = [], []
    server = HTTPServer(("127.0.0.1", 0), FlakyRobot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test"
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_pn3_urgent_bulletin_reaches_email_and_a_flaky_robot_exactly_once(
    world, robot, smtp, django_capture_on_commit_callbacks
):
    world.oc_member.email = "oc@example.test"
    world.oc_member.save(update_fields=["email"])
    WebhookEndpoint.objects.create(organisation=world.oc_a1, kind=WebhookEndpoint.Kind.WECOM, url=robot)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = services.send_bulletin(
            actor=world.company_head,
            community=world.community_a,
            sender_org=world.company_x,
            recipient_orgs=[world.oc_a1],
            title="3栋化粪池外溢",
            body="请业委会协助通知住户。",
            urgency=Urgency.URGENT,
        )
    email = Delivery.objects.get(channel=Delivery.Channel.EMAIL)
    assert email.status == Delivery.Status.SENT
    assert smtp.messages and smtp.messages[0][0] == ["oc@example.test"]
    hook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert hook.status == Delivery.Status.PENDING and hook.attempts == 1
    later = timezone.now()
    for _ in range(4):  # the retry sweep runs on every tick; back-off has passed each time
        later += dt.timedelta(hours=7)
        with django_capture_on_commit_callbacks(execute=True):
            run_all(later, only=["delivery.retry"])
    hook.refresh_from_db()
    assert hook.status == Delivery.Status.SENT and hook.attempts == 3
    assert len(FlakyRobot.received) == 1
    assert bulletin.title in FlakyRobot.received[0]["text"]["content"]

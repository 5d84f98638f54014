"""Issue 10 item 5: the worker killed with SIGKILL in the middle of a delivery → after a restart every message
is delivered exactly once.

A real `sanfang worker` process on a file SQLite database sends three group-robot messages to a local HTTP
receiver. The receiver takes the first request in full and then stalls; the test kills the worker with
SIGKILL while it waits for the answer, starts a new worker, and counts. Like any receiver of an outbox, the
receiver keeps the messages it has taken by their `Idempotency-Key`, so the resend of the interrupted message
(which the sender cannot know arrived) is recognised; the test proves every message arrived, the only repeat
carries the same key as its original, and the delivery log ends with each message sent once.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANFANG = str(Path(sys.executable).with_name("sanfang"))

SETUP = """
from django.db import transaction
from sanfang.core.delivery import notify
from sanfang.core.models import WebhookEndpoint
from sanfang.directory.models import Organisation, Place
county = Place.objects.create(kind="county", name="阳新县", code="420222")
org = Organisation.objects.create(kind="county", place=county, name="阳新县民政局")
WebhookEndpoint.objects.create(organisation=org, kind="wecom", url="{url}")
with transaction.atomic():
    for n in (1, 2, 3):
        notify(recipients=[], organisations=[org], subject=f"通知{{n}}", body=f"第{{n}}条", key=f"kill-test:{{n}}")
"""


class Receiver:
    """A robot endpoint that takes messages once per Idempotency-Key; the first request is left unanswered."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (idempotency key, text) of every request that arrived
        self.taken: dict[str, str] = {}  # what the receiver acted on: one entry per key
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                key = self.headers.get("Idempotency-Key", "")
                text = body["text"]["content"]
                receiver.requests.append((key, text))
                receiver.taken.setdefault(key, text)
                if not receiver.first_arrived.is_set():
                    receiver.first_arrived.set()
                    receiver.release.wait(30)  # stall: the sender is killed while it waits for this answer
                    return
                data = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SANFANG_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SANFANG_TESTING="1",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",  # the real queue, not the tests' immediate one
        WEBHOOK_TIMEOUT="20",
        DELIVERY_LEASE_SECONDS="2",  # a killed send may be retried 2 s after it started
        LOG_LEVEL="WARNING",
    )
    return env


def _run(env, *args, timeout=180) -> None:
    subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [SANFANG, *args], env=env, cwd=ROOT, check=True, timeout=timeout, capture_output=True
    )


def _deliveries(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute("SELECT key, status, attempts FROM core_delivery ORDER BY key").fetchall()


def test_worker_killed_mid_delivery_then_restarted_delivers_each_message_exactly_once(tmp_path):
    env = _env(tmp_path)
    (tmp_path / "var").mkdir()
    receiver = Receiver()
    workers: list[subprocess.Popen] = []
    try:
        _run(env, "migrate", "-v0")
        _run(env, "shell", "-c", SETUP.format(url=receiver.url))
        assert [status for _, status, _ in _deliveries(tmp_path / "db.sqlite3")] == ["pending"] * 3

        first = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [SANFANG, "worker", "--tick-every", "0"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(first)
        assert receiver.first_arrived.wait(90), "the worker never sent anything"
        os.kill(first.pid, signal.SIGKILL)  # in the middle of the send: the request is out, no answer yet
        first.wait(10)
        interrupted = [row for row in _deliveries(tmp_path / "db.sqlite3") if row[1] == "sending"]
        assert len(interrupted) == 1  # the log shows which send was cut short

        # The restarted worker's tick finds the interrupted send once its lease is over, and sends it again.
        second = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [SANFANG, "worker", "--tick-every", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(second)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = _deliveries(tmp_path / "db.sqlite3")
            if all(status == "sent" for _, status, _ in rows):
                break
            time.sleep(0.5)
        rows = _deliveries(tmp_path / "db.sqlite3")
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
                try:
                    w.wait(10)
                except subprocess.TimeoutExpired:
                    w.kill()
        receiver.stop()

    assert [status for _, status, _ in rows] == ["sent"] * 3, rows
    # Each message was taken by the receiver exactly once …
    assert sorted(receiver.taken.values()) == ["通知1\n第1条", "通知2\n第2条", "通知3\n第3条"]
    assert len(receiver.taken) == 3 and all(receiver.taken)
    # … the one repeat on the wire is the interrupted message, with the same idempotency key as its first try.
    keys = [key for key, _ in receiver.requests]
    repeated = {k for k in keys if keys.count(k) > 1}
    assert len(keys) == 4 and repeated == {keys[0]}
    assert sorted(attempts for _, _, attempts in rows) == [1, 1, 2]

"""Group-robot webhooks: WeCom (企业微信) and DingTalk (钉钉) JSON formats."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

import requests
from django.conf import settings

from .models import Delivery, WebhookEndpoint

# WeCom refuses text longer than 2048 bytes (errcode 40058); DingTalk's limit is larger. Stay under both.
MAX_TEXT_BYTES = 2000


def _truncate(text: str, limit: int = MAX_TEXT_BYTES) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - len("…".encode())].decode(errors="ignore") + "…"


def payload(kind: str, subject: str, body: str) -> dict:
    text = _truncate(f"{subject}\n{body}".strip())
    if kind == WebhookEndpoint.Kind.DINGTALK:
        return {"msgtype": "text", "text": {"content": text}}
    return {"msgtype": "text", "text": {"content": text}}


def signed_url(hook: WebhookEndpoint) -> str:
    """DingTalk robots with 加签 need timestamp and HMAC-SHA256 sign parameters."""
    if hook.kind != WebhookEndpoint.Kind.DINGTALK or not hook.secret:
        return hook.url
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(hook.secret.encode(), f"{timestamp}\n{hook.secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    sep = "&" if "?" in hook.url else "?"
    return f"{hook.url}{sep}timestamp={timestamp}&sign={sign}"


def post(delivery: Delivery, idempotency_key: str = "") -> None:
    hook = delivery.webhook
    kind = hook.kind if hook else WebhookEndpoint.Kind.WECOM
    url = signed_url(hook) if hook else delivery.address
    # The same key on every attempt of this delivery, so a receiver can drop a repeat after a crash.
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    response = requests.post(
        url,
        json=payload(kind, delivery.subject, delivery.body),
        headers=headers,
        timeout=settings.WEBHOOK_TIMEOUT,
    )
    response.raise_for_status()
    # Both robots answer HTTP 200 with {"errcode": 0} on success and a non-zero errcode on failure.
    try:
        data = response.json()
    except ValueError:
        return
    if isinstance(data, dict) and data.get("errcode", 0) not in (0, "0"):
        raise RuntimeError(f"robot refused: {data.get('errcode')} {data.get('errmsg', '')}")

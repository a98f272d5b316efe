"""Sending deliveries: email, and the group robots of DingTalk and WeCom (企业微信).

Robots are posted their own JSON message formats with urllib:
  DingTalk {"msgtype": "markdown", "markdown": {"title": …, "text": …}}
  WeCom    {"msgtype": "markdown", "markdown": {"content": …}}
Both answer {"errcode": 0, "errmsg": "ok"}; any other errcode is a failure even with HTTP 200.

A failed delivery is retried with exponential backoff (DUBAN_DELIVERY_BACKOFF_SECONDS, doubling,
capped at a day) until DUBAN_DELIVERY_MAX_ATTEMPTS, then marked FAILED and listed for the
administrator by failed_deliveries(). Each delivery is claimed with a conditional UPDATE before it
is sent, so several processes running the reminders at once never send the same one twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, QuerySet

from duban.clock import now
from duban.notifications import conf
from duban.notifications.models import Channel, Delivery, DeliveryStatus, Notification

WECOM_MAX_BYTES = 4000  # WeCom refuses markdown content over 4096 bytes
DINGTALK_MAX_CHARS = 5000


class DeliveryError(Exception):
    """Sending failed; the message is stored as the delivery's last error."""


def _absolute(link: str) -> str:
    if not link or "://" in link:
        return link
    base = conf.base_url()
    return f"{base}{link}" if base else ""


def dingtalk_payload(n: Notification) -> dict[str, Any]:
    link = _absolute(n.link)
    text = f"#### {n.title}\n\n{n.text[:DINGTALK_MAX_CHARS]}" + (f"\n\n[查看详情]({link})" if link else "")
    return {"msgtype": "markdown", "markdown": {"title": n.title, "text": text}}


def wecom_payload(n: Notification) -> dict[str, Any]:
    link = _absolute(n.link)
    tail = f"\n[查看详情]({link})" if link else ""
    content = f"**{n.title}**\n{n.text}"
    budget = WECOM_MAX_BYTES - len(tail.encode())
    if len(content.encode()) > budget:
        content = content.encode()[: budget - 3].decode("utf-8", errors="ignore") + "…"
    return {"msgtype": "markdown", "markdown": {"content": content + tail}}


def signed_dingtalk_url(url: str, secret: str, at: dt.datetime) -> str:
    """DingTalk's 加签: timestamp (ms) and base64 HMAC-SHA256 of "timestamp\\nsecret", keyed by the secret."""
    timestamp = str(int(at.timestamp() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_json(url: str, payload: dict[str, Any], *, timeout: float) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("Webhook 地址应以 http:// 或 https:// 开头")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"无法连接 {urllib.parse.urlsplit(url).hostname}：{reason}") from exc
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise DeliveryError(f"应答不是 JSON：{body[:100]!r}") from exc
    errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if errcode != 0:
        raise DeliveryError(f"errcode {errcode}：{answer.get('errmsg', '')}")


def send_one(delivery: Delivery, at: dt.datetime) -> None:
    n = delivery.notification
    ch = delivery.unit_channel
    if delivery.channel == Channel.INBOX:
        return
    if n.unit_id is not None and (ch is None or not ch.active):
        raise DeliveryError("该单位的通知渠道已删除或停用")
    if delivery.channel == Channel.EMAIL:
        address = n.recipient.email if n.recipient is not None else (ch.email if ch else "")
        if not address:
            raise DeliveryError("没有邮箱地址")
        link = _absolute(n.link)
        try:
            send_mail(
                f"[督办] {n.title}",
                n.text + (f"\n\n{link}" if link else ""),
                settings.DEFAULT_FROM_EMAIL,
                [address],
                fail_silently=False,
            )
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"邮件发送失败：{exc}") from exc
        return
    assert ch is not None  # robots are unit channels
    if delivery.channel == Channel.DINGTALK:
        url = signed_dingtalk_url(ch.url, ch.secret, at) if ch.secret else ch.url
        post_json(url, dingtalk_payload(n), timeout=conf.webhook_timeout())
    elif delivery.channel == Channel.WECOM:
        post_json(ch.url, wecom_payload(n), timeout=conf.webhook_timeout())
    else:
        raise DeliveryError(f"未知的渠道“{delivery.channel}”")


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failure: base, 2×base, 4×base, … at most a day."""
    return dt.timedelta(seconds=min(conf.delivery_backoff_seconds() * 2 ** max(attempts - 1, 0), 86400))


@dataclass(frozen=True)
class DeliveryRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_pending(at: dt.datetime | None = None, *, limit: int = 500) -> DeliveryRun:
    """Send the deliveries that are due (new ones, and retries whose wait is over)."""
    at = at or now()
    sent = retrying = failed = 0
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=at)
        .exclude(channel=Channel.INBOX)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "attempts")[:limit]
    )
    # While one process sends, the row is leased to it: another process skips it until the lease
    # ends (and retries it then, should the first process have died mid-send).
    lease = at + dt.timedelta(seconds=2 * conf.webhook_timeout() + 60)
    for pk, attempts in list(due):
        claimed = Delivery.objects.filter(
            pk=pk, status=DeliveryStatus.PENDING, attempts=attempts, next_attempt_at__lte=at
        ).update(attempts=attempts + 1, next_attempt_at=lease)
        if not claimed:
            continue
        d = Delivery.objects.select_related("notification__recipient", "unit_channel").get(pk=pk)
        try:
            send_one(d, at)
        except DeliveryError as exc:
            error = str(exc)[:1000]
            if d.attempts >= conf.delivery_max_attempts():
                Delivery.objects.filter(pk=pk).update(
                    status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error
                )
                failed += 1
            else:
                Delivery.objects.filter(pk=pk).update(
                    next_attempt_at=at + backoff(d.attempts), last_error=error
                )
                retrying += 1
            continue
        Delivery.objects.filter(pk=pk).update(status=DeliveryStatus.SENT, sent_at=now(), next_attempt_at=None)
        sent += 1
    return DeliveryRun(sent=sent, retrying=retrying, failed=failed)


def failed_deliveries() -> QuerySet[Delivery]:
    """For the administrator: deliveries that gave up, and those still being retried after an error."""
    return (
        Delivery.objects.filter(
            Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, attempts__gt=0)
        )
        .exclude(last_error="")
        .select_related("notification__recipient", "notification__unit", "unit_channel__unit")
        .order_by("-notification__created_at", "-id")
    )

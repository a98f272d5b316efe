"""Notifications and their deliveries: one message to a user (the in-app inbox) or to a unit's
channels, and one delivery per channel it goes out on.

These models were tracking's until the notifications became a service of their own (below
tracking and the assessment, which both send them): their tables keep tracking's names, so that
databases made before keep their rows without copying them (migration tracking 0004).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from duban.notifications import kinds


class Notification(models.Model):
    """One message to one user (the in-app inbox), or to one unit's channels (its robots, its mailbox)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Each app registers its own kinds (kinds.register): the choices are the registry, never a list here.
    kind = models.CharField("类型", max_length=kinds.MAX_LENGTH, choices=kinds.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The work the notice asks for ("review:r12": review report 12), "" for news that asks nothing.
    # When that work is done the notice resolves itself (notify.resolve): done, and read.
    topic = models.CharField("事项", max_length=100, blank=True, db_index=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Each reminder is created once however often (and however many processes) run the reminders.
    dedupe_key = models.CharField(max_length=200, unique=True)

    class Meta:
        db_table = "tracking_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(unit__isnull=False),
                name="notification_has_addressee",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    INBOX = "inbox", "站内消息"
    EMAIL = "email", "电子邮件"
    DINGTALK = "dingtalk", "钉钉机器人"
    WECOM = "wecom", "企业微信机器人"


class UnitChannel(models.Model):
    """Where a unit's messages go besides the inbox: a mailbox or a group robot's webhook."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    url = models.URLField("Webhook 地址", max_length=500, blank=True)
    email = models.EmailField("邮箱", blank=True)
    # DingTalk robots with 加签 security sign each request with this secret.
    secret = models.CharField("加签密钥", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        db_table = "tracking_unitchannel"
        ordering = ["unit", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "channel"], name="one_channel_kind_per_unit"),
            models.CheckConstraint(condition=~Q(channel="inbox"), name="unit_channel_not_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_channel_display()}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    # Read at send time, so that a corrected webhook address is used by the next retry.
    unit_channel = models.ForeignKey(
        UnitChannel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        db_table = "tracking_delivery"
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.notification} → {self.get_channel_display()}（{self.get_status_display()}）"

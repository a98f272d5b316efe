"""API tokens: a user's key for scripts calling /api/ with `Authorization: Bearer <token>`.

Only the SHA-256 hash of a token is stored: the raw token is shown once when it is made, so a
copy of the database (or of a backup) gives nobody access to the API. Every token expires (at
most a year after it is made), so one forgotten in an old script stops working on its own.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models

from duban.clock import now

LIFETIMES = (30, 90, 365)  # days offered on the tokens page
DEFAULT_LIFETIME = 90
MAX_LIFETIME = 365
EXPIRY_WARNING_DAYS = 14  # the page marks a token this close to its end


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    # The first characters of the raw token, so its owner can tell tokens apart; not a secret.
    prefix = models.CharField("前缀", max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间")
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    # A read-only token reads and downloads; every write it attempts is refused (403), so a
    # reporting screen or a provincial platform that only pulls figures cannot change anything.
    read_only = models.BooleanField("只读", default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return now() >= self.expires_at

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def days_left(self) -> int:
        """Whole days until expiry, rounded up (0 once expired)."""
        return max(0, math.ceil((self.expires_at - now()).total_seconds() / 86400))

    @property
    def expires_soon(self) -> bool:
        return self.is_active and self.days_left <= EXPIRY_WARNING_DAYS

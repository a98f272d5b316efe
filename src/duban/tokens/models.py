"""API tokens: a user's key for scripts calling /api/ with `Authorization: Bearer <token>`.

Only the SHA-256 hash of a token is stored: the raw token is shown once when it is made, so a
copy of the database (or of a backup) gives nobody access to the API.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    # The first characters of the raw token, so its owner can tell tokens apart; not a secret.
    prefix = models.CharField("前缀", max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

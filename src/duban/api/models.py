"""What the API keeps of its own: the answers to creating calls sent with an Idempotency-Key,
so that a client that retries after a lost answer gets the first answer, not a second object."""

from __future__ import annotations

from django.db import models


class IdempotentRequest(models.Model):
    # Who sent it: a bearer token's hash or a session's user, so one caller's key never answers
    # another caller.
    caller = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    # What was sent, in brief: a retry must be the same request (method, path, size, type).
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # Empty while the first request is being answered.
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_caller_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]
        verbose_name = "接口幂等记录"

"""Users and their roles: who may see and change what is decided in access.py from these."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    MANAGER = "manager", "方案管理员"
    REPORTER = "reporter", "单位填报员"
    LEADER = "leader", "领导"


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_reporter(self) -> bool:
        return self.role == Role.REPORTER

    def __str__(self) -> str:
        return self.display_name or self.username

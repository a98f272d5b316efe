"""The directory of units (单位): departments, districts, streets, groups; with aliases and merges."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    DEPARTMENT = "department", "部门"
    DISTRICT = "district", "区县"
    STREET = "street", "街镇"
    COMMUNITY = "community", "社区（村）"
    GROUP = "group", "单位组（如“各区县”）"
    OTHER = "other", "其他"


class Unit(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # A group reference ("各区县") stands for its members.
    members = models.ManyToManyField(
        "self", verbose_name="成员单位", symmetrical=False, blank=True, related_name="groups"
    )
    active = models.BooleanField("有效", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "单位"

    def __str__(self) -> str:
        return self.name


class Alias(models.Model):
    """Another printed name of the same body (市民宗局 = 市民族宗教事务局)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

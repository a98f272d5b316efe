"""The order list's filters, read from a query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from duban.params import choice_param, id_param, text_param
from duban.tracking.models import (
    OrderLevel,
    OrderStatus,
    SupervisionOrder,
)


@dataclass(frozen=True)
class OrderFilter:
    level: str = ""
    status: str = ""
    plan: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> OrderFilter:
        """Read a query string; a value a filter cannot take is refused (duban.params: a 400)."""
        return cls(
            level=choice_param(params, "level", "级别", OrderLevel.values),
            status=choice_param(params, "status", "状态", OrderStatus.values),
            plan=id_param(params, "plan", "方案"),
            q=text_param(params, "q", "搜索", 100),
        )

    def apply(self, orders: QuerySet[SupervisionOrder]) -> QuerySet[SupervisionOrder]:
        if self.level:
            orders = orders.filter(level=self.level)
        if self.status:
            orders = orders.filter(status=self.status)
        if self.plan is not None:
            orders = orders.filter(task__plan_id=self.plan)
        if self.q:
            orders = orders.filter(
                Q(serial__icontains=self.q)
                | Q(text__icontains=self.q)
                | Q(task__title__icontains=self.q)
                | Q(task__text__icontains=self.q)
            )
        return orders

    def is_empty(self) -> bool:
        return self == OrderFilter()

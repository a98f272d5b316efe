"""The order list's filters, read from a query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

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
        """Read a query string; bad values are ignored rather than failing the page."""
        level, status, plan = params.get("level", ""), params.get("status", ""), params.get("plan", "")
        return cls(
            level=level if level in OrderLevel.values else "",
            status=status if status in OrderStatus.values else "",
            plan=int(plan) if plan.isdigit() else None,
            q=(params.get("q") or "").strip()[:100],
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

"""The unit list's search box, a question about the directory alone (the list's task counts are
the plans' and live in duban.plans.duties)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from duban.params import choice_param, text_param
from duban.units.models import Kind, Unit


@dataclass(frozen=True)
class UnitSearch:
    """The unit list's search box: a name or alias fragment, and a kind."""

    q: str = ""
    kind: str = ""

    @classmethod
    def from_params(cls, params: Any) -> UnitSearch:
        # A value the search cannot take is refused (duban.params), not silently dropped.
        return cls(
            q=text_param(params, "q", "名称", 50), kind=choice_param(params, "kind", "类型", Kind.values)
        )

    def apply(self, units: QuerySet[Unit]) -> QuerySet[Unit]:
        if self.q:
            # Through a subquery: joining aliases into the counted query would repeat units.
            hits = Unit.objects.filter(Q(name__icontains=self.q) | Q(aliases__name__icontains=self.q)).values(
                "pk"
            )
            units = units.filter(pk__in=hits)
        if self.kind:
            units = units.filter(kind=self.kind)
        return units

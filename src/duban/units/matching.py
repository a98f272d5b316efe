"""Match a printed unit name to the directory: exact, alias, a suggested near match, or new."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from duban.units.models import Alias, Unit

How = Literal["exact", "alias", "near", "new"]


@dataclass(frozen=True)
class Match:
    printed: str
    how: How
    unit_id: int | None
    unit_name: str | None


class Matcher:
    """Loads the directory once; matching a whole plan costs no further queries."""

    def __init__(self) -> None:
        self.by_name = {u.name: u.pk for u in Unit.objects.filter(active=True).only("pk", "name")}
        self.by_alias = {a.name: (a.unit_id, a.unit.name) for a in Alias.objects.select_related("unit")}
        self.names = list(self.by_name)

    def match(self, printed: str) -> Match:
        if printed in self.by_name:
            return Match(printed, "exact", self.by_name[printed], printed)
        if printed in self.by_alias:
            uid, name = self.by_alias[printed]
            return Match(printed, "alias", uid, name)
        near = difflib.get_close_matches(printed, self.names, n=1, cutoff=0.75)
        if near:
            return Match(printed, "near", self.by_name[near[0]], near[0])
        return Match(printed, "new", None, None)

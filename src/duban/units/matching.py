"""Match a printed unit name to the directory: exact, alias, by the abbreviation rules (the same
body by duban.units.names' strong key), a near name to check, or new.

Only the first three pre-fill the import's choice. A near name (difflib's likeness) is shown as a
hint and left for the manager to pick: likeness alone guesses wrong too often (市信访办 is not
市信访联席办).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from duban.units.models import Alias, Unit
from duban.units.names import rules

How = Literal["exact", "alias", "rule", "near", "new"]
SURE: tuple[How, ...] = ("exact", "alias", "rule")


@dataclass(frozen=True)
class Match:
    printed: str
    how: How
    unit_id: int | None
    unit_name: str | None

    @property
    def prefill(self) -> int | None:
        """The unit the import chooses unless the manager changes it: only a sure match."""
        return self.unit_id if self.how in SURE else None


class Matcher:
    """Loads the directory once; matching a whole plan costs no further queries."""

    def __init__(self) -> None:
        self.by_name = {u.name: u.pk for u in Unit.objects.filter(active=True).only("pk", "name")}
        self.by_alias = {
            a.name: (a.unit_id, a.unit.name)
            for a in Alias.objects.select_related("unit").filter(unit__active=True)
        }
        self.names = list(self.by_name)
        r = rules()
        # The strong key of every name and alias; a key two units share says nothing (left out).
        keyed: dict[str, set[tuple[int, str]]] = {}
        for name, pk in self.by_name.items():
            keyed.setdefault(r.strong_key(name), set()).add((pk, name))
        for alias, (pk, name) in self.by_alias.items():
            keyed.setdefault(r.strong_key(alias), set()).add((pk, name))
        self.by_key = {k: next(iter(v)) for k, v in keyed.items() if len({pk for pk, _ in v}) == 1}

    def match(self, printed: str) -> Match:
        if printed in self.by_name:
            return Match(printed, "exact", self.by_name[printed], printed)
        if printed in self.by_alias:
            uid, name = self.by_alias[printed]
            return Match(printed, "alias", uid, name)
        hit = self.by_key.get(rules().strong_key(printed))
        if hit is not None:
            return Match(printed, "rule", hit[0], hit[1])
        near = difflib.get_close_matches(printed, self.names, n=1, cutoff=0.75)
        if near:
            return Match(printed, "near", self.by_name[near[0]], near[0])
        return Match(printed, "new", None, None)

"""The protocol every layout family implements, and how overlapping claims are resolved.

A family looks at the document's blocks (after `lines.relined`) and claims the spans it
recognizes — a real table with a task header, tab-separated rows, a table flattened into text —
each with a score (how much it explains: rows read, with how sure a form) and the drafts it found
there.  The assembler keeps the best claims that do not overlap; running text that nobody
claims is read by the outline (`layouts/outline.py`), which knows numbered items, role clauses,
labelled fields and duty lists.  A new family is a new module listed in `layouts.FAMILIES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from duban.extract.document import Block
from duban.extract.draft import Draft


@dataclass(frozen=True)
class Claim:
    family: str
    start: int  # the first block claimed
    end: int  # one past the last
    score: float
    drafts: tuple[Draft, ...]


class Family(Protocol):
    name: str

    def claims(self, blocks: Sequence[Block]) -> Iterable[Claim]:
        """Every span of `blocks` this family recognizes (they may overlap each other)."""
        ...


def resolve(claims: Iterable[Claim]) -> list[Claim]:
    """The claims kept, in document order: the best first, none overlapping one kept before."""
    kept: list[Claim] = []
    for c in sorted(claims, key=lambda c: (-c.score, c.start)):
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)

"""A task as the layouts find it, before ids, targets and roles are settled by assemble."""

from __future__ import annotations

from dataclasses import dataclass, field

from duban.extract.roles import Resp


@dataclass
class Draft:
    number: str | None  # the printed number ("12", "II-4", "(2)"), None when unnumbered
    path: list[str]
    text: str
    where: str
    title: str | None = None
    resp: Resp = field(default_factory=list)
    points: float | None = None
    deadline_text: str | None = None
    # Numbers of the enclosing items, innermost last, to make ids unique where numbering restarts.
    parents: list[str] = field(default_factory=list)
    id: str | None = None
    # How it was recognized ("table:header", "outline:inline-clause", …) and how sure that form
    # is (0–1), for the clerk's review and `duban extract --explain`.
    rule: str = ""
    confidence: float = 1.0
    # A table's target column, read for targets instead of the text ("预算执行进度达到40%").
    target_text: str = ""

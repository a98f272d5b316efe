"""Responsibility clauses: who answers for a task, and in what role.

Three printed forms, all reduced to [(role, [unit, …]), …]:
- labelled fields: "牵头单位：A、B", "（责任单位：A、B，相关区政府）", "牵头单位：A 参与单位：B";
- role phrases:    "（A牵头负责，B、C组织落实）", "（A会同有关部门负责）", "(A、B按职责分工负责)";
- bare lists:      "（A、B）" where every item reads as a body.
Roles: lead, partner, responsible, implementer (ANNOTATION.md: only lead/partner are listed as
such; the others count among the task's units).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Literal

from duban.extract.normalize import squash, strip_markup
from duban.extract.units import directory, split_units

Role = Literal["lead", "partner", "responsible", "implementer"]
Resp = list[tuple[Role, list[str]]]
ROLES: tuple[Role, ...] = ("lead", "partner", "responsible", "implementer")


@lru_cache(maxsize=1)
def _vocab() -> dict[str, object]:
    raw = json.loads(resources.files("duban.extract").joinpath("data/roles.json").read_text("utf-8"))
    assert isinstance(raw, dict)
    return raw


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    labels: dict[str, list[str]] = _vocab()["labels"]  # type: ignore[assignment]
    return re.compile(rf"(?P<label>{_alt([w for ws in labels.values() for w in ws])})\s*[:：]\s*")


@lru_cache(maxsize=1)
def _label_role() -> dict[str, str]:
    labels: dict[str, list[str]] = _vocab()["labels"]  # type: ignore[assignment]
    return {w: role for role, ws in labels.items() for w in ws}


@lru_cache(maxsize=1)
def _verb_re() -> re.Pattern[str]:
    verbs: dict[str, list[str]] = _vocab()["verbs"]  # type: ignore[assignment]
    return re.compile(rf"(?P<verb>{_alt([w for ws in verbs.values() for w in ws])})")


@lru_cache(maxsize=1)
def _verb_role() -> dict[str, Role]:
    verbs: dict[str, list[str]] = _vocab()["verbs"]  # type: ignore[assignment]
    return {w: role for role, ws in verbs.items() for w in ws}  # type: ignore[misc]


@lru_cache(maxsize=1)
def _drop_re() -> re.Pattern[str]:
    drop: list[str] = _vocab()["drop"]  # type: ignore[assignment]
    return re.compile(_alt(drop))


@lru_cache(maxsize=1)
def _first_is_lead_re() -> re.Pattern[str]:
    rules: list[str] = _vocab()["first_is_lead"]  # type: ignore[assignment]
    return re.compile("|".join(rules))


def states_first_is_lead(text: str) -> bool:
    """The document says the first-listed unit leads ("排在第一位的为牵头单位")."""
    return bool(_first_is_lead_re().search(squash(text)))


def label_at_start(line: str) -> str | None:
    """The role ("lead", …, or "deadline") of a field label opening `line`, if any."""
    m = _label_re().match(squash(strip_markup(line)))
    return _label_role()[m.group("label")] if m else None


def field_labels(text: str) -> list[int]:
    """Where field labels ("牵头单位：", "完成时限：") start in `text`, outside any bracket."""
    out: list[int] = []
    depth_at = _bracket_depths(text)
    for m in _label_re().finditer(text):
        if depth_at[m.start()] == 0:
            out.append(m.start())
    return out


def _bracket_depths(text: str) -> list[int]:
    depths = []
    depth = 0
    for ch in text:
        depths.append(depth)
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    depths.append(depth)
    return depths


def parse_fields(text: str) -> tuple[Resp, str | None] | None:
    """Labelled fields, one or several on a line: → (responsibilities, deadline text).

    None when `text` does not start with a label.
    """
    s = squash(strip_markup(text))
    matches = list(_label_re().finditer(s))
    if not matches or matches[0].start() != 0:
        return None
    resp: Resp = []
    deadline: str | None = None
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(s)
        value = s[m.end() : end].strip("，,；;。 ")
        role = _label_role()[m.group("label")]
        if role == "deadline":
            deadline = value or None
        elif value:
            resp.append((role, split_units(value)))  # type: ignore[arg-type]
    return resp, deadline


def parse_clause(inner: str) -> Resp | None:
    """The content of a parenthetical after a task; None when it is not a responsibility clause."""
    s = squash(strip_markup(inner))
    if not s:
        return None
    fields = parse_fields(s)
    if fields is not None:
        resp, _deadline = fields
        return resp if any(units for _, units in resp) else None
    return _parse_role_phrases(s)


def _parse_role_phrases(s: str) -> Resp | None:
    d = directory()
    s = _drop_re().sub("", s)
    resp: Resp = []
    pos = 0
    for m in _verb_re().finditer(s):
        span = s[pos : m.start()].strip("，,、；;")
        pos = m.end()
        if not span:
            continue  # "按职责分工负责" after a verb already closed the span
        if span in d.not_units:
            continue  # "各部门按职责分工牵头负责": a role for nobody in particular
        units = split_units(span)
        if not units or not all(d.looks_like_unit(u) for u in units):
            return None
        resp.append((_verb_role()[m.group("verb")], units))
    tail = s[pos:].strip("，,、；;。")
    if tail:
        units = split_units(tail)
        if not units or not all(d.looks_like_unit(u) for u in units):
            return None
        # Units listed after the lead without a verb of their own work with the lead.
        role: Role = "partner" if any(r == "lead" for r, _ in resp) else "responsible"
        resp.append((role, units))
    return resp or None


# A parenthetical at the very end of a paragraph, one level of brackets allowed inside
# ("建设管理委（交通委）"), optionally followed by the full stop.
_TRAILING = re.compile(r"[（(](?P<inner>(?:[^（）()]|[（(][^（）()]*[）)])+)[）)]\s*[。.；;]?\s*$")


def trailing_clause(paragraph: str) -> tuple[str, Resp] | None:
    """Split "task text（责任单位：…）" → (task text, responsibilities)."""
    m = _TRAILING.search(paragraph)
    if not m:
        return None
    resp = parse_clause(m.group("inner"))
    if resp is None:
        return None
    return paragraph[: m.start()].rstrip(), resp


def parse_unit_line(line: str) -> list[str] | None:
    """A line that is nothing but a list of bodies (a flattened 责任部门 cell)."""
    s = strip_markup(line).strip()
    if not s or len(s) > 200 or any(c in s for c in "。：:；;"):
        return None
    units = split_units(s)
    d = directory()
    if units and all(d.looks_like_unit(u) for u in units):
        return units
    return None

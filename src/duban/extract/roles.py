"""Responsibility clauses: who answers for a task, in what role, and by when.

Printed forms, each reduced to a `Clause`:
- labelled fields, in any order and with any separator, inside brackets or on a line of their
  own: "（牵头单位：A；配合单位：B；完成时限：2024年12月底）", "（6月底完成，牵头单位：X）",
  "牵头单位：A 参与单位：B";
- role phrases: "（A牵头负责，B、C组织落实）", "（A会同有关部门负责）", "（各部门按职责分工牵头
  负责）";
- bare lists: "（A、B）" where every item reads as a body;
- a completion date alone: "（2024年底前完成）".
An item may carry several clauses ("…（A负责）…（B牵头，C配合）"): `find_clauses` finds them all.
Roles: lead, partner, responsible, implementer (ANNOTATION.md: only lead/partner are listed as
such; the others count among the task's units).  The vocabulary is data (data/roles.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, TypedDict

from duban.extract import vocab
from duban.extract.normalize import squash, strip_markup
from duban.extract.units import directory, split_units

Role = Literal["lead", "partner", "responsible", "implementer"]
Resp = list[tuple[Role, list[str]]]
ROLES: tuple[Role, ...] = ("lead", "partner", "responsible", "implementer")


@dataclass
class Clause:
    resp: Resp = field(default_factory=list)
    deadline: str | None = None
    form: str = ""  # "labels", "verbs", "list" or "date": how the clause was read
    points: float | None = None  # "（牵头考核单位：X，20分）"

    @property
    def units(self) -> list[str]:
        return [u for _, us in self.resp for u in us]


class RoleWords(TypedDict):
    """data/roles.json."""

    label_stems: dict[Role, list[str]]  # 牵头 × 单位/部门/… = the field labels of a role
    label_endings: list[str]
    labels_alone: dict[Role, list[str]]
    deadline_labels: list[str]
    verbs: dict[Role, list[str]]
    drop: list[str]
    groups_that_lead: list[str]
    first_is_lead: list[str]


@lru_cache(maxsize=1)
def _vocab() -> RoleWords:
    return vocab.load("roles.json", RoleWords)


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _label_role() -> dict[str, Role | Literal["deadline"]]:
    v = _vocab()
    out: dict[str, Role | Literal["deadline"]] = {
        s + e: role for role, stems in v["label_stems"].items() for s in stems for e in v["label_endings"]
    }
    out.update({w: role for role, ws in v["labels_alone"].items() for w in ws})
    out.update({w: "deadline" for w in v["deadline_labels"]})
    return out


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    return re.compile(rf"(?P<label>{_alt(list(_label_role()))})\s*[:：]\s*")


@lru_cache(maxsize=1)
def _verb_re() -> re.Pattern[str]:
    verbs = _vocab()["verbs"]
    return re.compile(rf"(?P<verb>{_alt([w for ws in verbs.values() for w in ws])})")


@lru_cache(maxsize=1)
def _verb_role() -> dict[str, Role]:
    return {w: role for role, ws in _vocab()["verbs"].items() for w in ws}


@lru_cache(maxsize=1)
def _drop_re() -> re.Pattern[str]:
    return re.compile(_alt(_vocab()["drop"]))


@lru_cache(maxsize=1)
def _first_is_lead_re() -> re.Pattern[str]:
    return re.compile("|".join(_vocab()["first_is_lead"]))


def states_first_is_lead(text: str) -> bool:
    """The document says the first-listed unit leads ("排在第一位的为牵头单位")."""
    s = squash(text)
    # The phrase names 牵头 once: read only around it (a regex over the whole text is slow).
    k = s.find("牵头")
    while k >= 0:
        if _first_is_lead_re().search(s, max(0, k - 24), k + 16):
            return True
        k = s.find("牵头", k + 1)
    return False


def label_at_start(line: str) -> str | None:
    """The role ("lead", …, or "deadline") of a field label opening `line`, if any."""
    m = _label_re().match(squash(strip_markup(line)))
    return _label_role()[m.group("label")] if m else None


def field_labels(text: str) -> list[int]:
    """Where field labels ("牵头单位：", "完成时限：") start in `text`, outside any bracket."""
    out: list[int] = []
    for c in _COLON.finditer(text):
        # A label ends at a colon: look only just before each one (cheap on long lines).
        colon = c.start()
        m = next(
            (
                m
                for m in _label_re().finditer(text, max(0, colon - _LONGEST_LABEL), colon + 1)
                if m.end() > colon
            ),
            None,
        )
        if m is not None and not _inside_brackets(text, m.start()) and (not out or out[-1] != m.start()):
            out.append(m.start())
    return out


_LONGEST_LABEL = 10  # characters, spaces before the colon included
_COLON = re.compile("[：:]")
_SEMICOLON = re.compile("[；;]")
_COMMA = re.compile("[，,]")
_BRACKET_CHAR = re.compile("[（()）]")


def _inside_brackets(text: str, pos: int) -> bool:
    depth = 0
    for ch in _BRACKET_CHAR.findall(text, 0, pos):
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth > 0


# --- completion dates and points inside a clause ----------------------------------------------

_DATE_WORD = (
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年|\d{1,2}月|[一二三四]季度|[上下]半年|年内|年底|年末|月底"
)
# "2024年12月底前完成", "6月底完成", "年内完成", "长期坚持", "持续推进": a completion date phrase.
_DEADLINE = re.compile(
    rf"^(?:(?:{_DATE_WORD})[^，,；;。]{{0,12}}?(?:前|底|末|内|完成|启动|建成|实现|见效|推进)[^，,；;。]{{0,6}}"
    r"|长期坚持|长期推进|持续推进|常态化(?:推进|实施|开展)?|全年推进|年内完成)$"
)


def is_deadline_phrase(s: str) -> bool:
    return bool(_DEADLINE.match(s))


_POINTS_PIECE = re.compile(r"^(?P<p>\d+(?:\.\d+)?)分$")


def _points_piece(piece: str, clause: Clause) -> bool:
    m = _POINTS_PIECE.match(piece.strip())
    if m is not None:
        clause.points = float(m.group("p"))
    return m is not None


# --- clauses ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _label_openers() -> frozenset[str]:
    return frozenset(w[:2] for w in _label_role())


def parse_fields(text: str) -> Clause | None:
    """A line that starts with a field label ("牵头单位：A 参与单位：B 完成时限：…"), else None."""
    head = text.lstrip()[:12]
    spaced = head[1:2] == " "  # a label a PDF spread over spaces: "牵 头 单 位："
    if head[:2] not in _label_openers() and not head.startswith("<") and not spaced:
        return None  # cheap: this runs on every line
    if " " not in head and "<" not in head and not _label_re().match(head):
        return None  # (a label a PDF spread over spaces, "牵 头 单 位：", is read below)
    s = squash(strip_markup(text))
    m = _label_re().match(s)
    if not m:
        return None
    return _labelled(s)


@lru_cache(maxsize=4096)
def parse_clause(inner: str, *, before: str = "") -> Clause | None:
    """The content of a bracket in a task's text; None when it is not a responsibility clause.

    `before` is the character printed just before the bracket: a single name in brackets right
    after a word ("工程研究中心（实验室）") is part of that name, not a list of units.
    """
    s = squash(strip_markup(inner))
    if not s or len(s) > 400:
        return None
    if _label_re().search(s):
        clause = _labelled(s)
        return clause if clause.resp or clause.deadline or clause.points is not None else None
    if is_deadline_phrase(s):
        return Clause(deadline=s, form="date")
    return _role_phrases(s, before=before)


def _labelled(s: str) -> Clause:
    """Labelled fields in any order; text before the first label is read as role phrases."""
    clause = Clause(form="labels")
    matches = list(_label_re().finditer(s))
    head = s[: matches[0].start()].strip("，,；;。 ") if matches else s
    if head:
        for piece in re.split(r"[，,；;]", head):
            _read_piece(piece, clause)
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(s)
        value = s[m.end() : end].strip("，,；;。 ")
        role = _label_role()[m.group("label")]
        if role == "deadline":
            clause.deadline = value or clause.deadline
            continue
        units: list[str] = []
        for piece in _SEMICOLON.split(value):
            # "（责任单位：A、B，相关区政府）": a comma inside a labelled list continues it, unless
            # what follows is a date ("牵头单位：X，2024年底前完成").
            for part in _COMMA.split(piece):
                part = part.strip()
                if not part or _points_piece(part, clause):
                    continue
                if is_deadline_phrase(part):
                    clause.deadline = part
                else:
                    units.extend(u for u in split_units(part) if _plausible(u))
        if units:
            clause.resp.append((role, units))
    return clause


def _read_piece(piece: str, clause: Clause) -> None:
    piece = piece.strip()
    if not piece or _points_piece(piece, clause):
        return
    if is_deadline_phrase(piece):
        clause.deadline = piece
        return
    found = _role_phrases(piece)
    if found is not None:
        clause.resp.extend(found.resp)


def _role_phrases(s: str, *, before: str = "") -> Clause | None:
    """Role phrases, sentence by sentence: the first must be nothing but roles; a later one may
    explain ("…；区市场监管局组织落实。以下均需…，市局执法总队负责…的监管工作，不再单独列出"),
    and only the bodies it gives work to ("X负责…") count."""
    sentences = [x for x in re.split(r"。", s) if x.strip("，,；; ")]
    if not sentences:
        return None
    first = _sentence(sentences[0])
    if first is None:
        return None
    resp, deadline, verbs_seen = first
    for sentence in sentences[1:]:
        more = _sentence(sentence)
        if more is not None:
            resp += more[0]
            deadline = more[1] or deadline
        else:
            resp += _bodies_at_work(sentence)
    if not resp:
        return Clause(deadline=deadline, form="date") if deadline and verbs_seen else None
    form = "verbs" if verbs_seen else "list"
    if form == "list" and len(resp[0][1]) == 1 and before and not _ends_sentence(before):
        return None  # "工程研究中心（实验室）": a bracket that is part of a name
    return Clause(resp=resp, deadline=deadline, form=form)


def _sentence(s: str) -> tuple[Resp, str | None, bool] | None:
    """One sentence of role phrases: (responsibilities, a completion date, whether a verb was
    seen); None when anything in it is not a role phrase."""
    d = directory()
    leads: frozenset[str] = frozenset(_vocab()["groups_that_lead"])
    resp: Resp = []
    deadline: str | None = None
    verbs_seen = False
    for piece in re.split(r"[；;]", s):
        tail_parts: list[str] = []
        for part in re.split(r"[，,]", piece):
            if is_deadline_phrase(part):
                deadline = part
                continue
            part = _drop_re().sub("", part)
            pos = 0
            for m in _verb_re().finditer(part):
                span = part[pos : m.start()].strip("，,、；;")
                pos = m.end()
                if not span:
                    continue  # "按职责分工负责" after a verb already closed the span
                role = _verb_role()[m.group("verb")]
                verbs_seen = True
                if span in leads or span in d.not_units:
                    if role == "lead":
                        resp.append((role, [span]))  # "各部门按职责分工牵头负责": the group leads
                    continue
                units = split_units(span)
                if not units or not all(_plausible(u) for u in units):
                    return None
                resp.append((role, units))
            rest = part[pos:].strip("，,、；;。")
            if rest:
                tail_parts.append(rest)
        for rest in tail_parts:
            units = split_units(rest)
            if not units or not all(d.looks_like_unit(u) for u in units):
                return None
            # Units listed after the lead without a verb of their own work with the lead.
            role_: Role = "partner" if any(r == "lead" for r, _ in resp) else "responsible"
            resp.append((role_, units))
    return resp, deadline, verbs_seen


def _bodies_at_work(sentence: str) -> Resp:
    """In an explaining sentence of a clause, the bodies a part gives work to ("X负责…")."""
    resp: Resp = []
    for part in re.split(r"[，,；;]", sentence):
        m = _verb_re().search(part)
        if m is None or m.start() == 0:
            continue
        units = split_units(part[: m.start()])
        if units and all(directory().looks_like_unit(u) and not directory().bad_words_in(u) for u in units):
            resp.append((_verb_role()[m.group("verb")], units))
    return resp


def _ends_sentence(ch: str) -> bool:
    return ch in '。；;！!？?，,、：:）)”"' or ch.isspace()


_NOT_A_NAME = re.compile(r"[。；;：:！!？?%‰]|^\d+$")


def _plausible(name: str) -> bool:
    """A name the clause's grammar vouches for: well formed, even when its ending is unknown
    (海关, 支行, 分公司, 专班 …), as long as it is no phrase of prose."""
    d = directory()
    if d.looks_like_unit(name):
        return True
    return (
        2 <= len(name) <= 25
        and name not in d.not_units
        and not _NOT_A_NAME.search(name)
        and not d.bad_words_in(name)
    )


# A bracket (one level of brackets allowed inside: "建设管理委（交通委）").
_BRACKET = re.compile(r"[（(](?P<inner>(?:[^（）()]|[（(][^（）()]*[）)])+)[）)]")
_POINTS = re.compile(r"^\s*(?P<p>\d+(?:\.\d+)?)\s*分\s*$")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    clause: Clause


def find_clauses(text: str) -> list[Found]:
    """Every bracket in `text` that is a responsibility clause (or a completion date).

    The clauses are shared (parsing is cached): callers copy what they change.
    """
    if "(" not in text and "（" not in text:
        return []
    out = []
    for m in _BRACKET.finditer(text):
        if _POINTS.match(m.group("inner")):
            continue
        clause = parse_clause(m.group("inner"), before=text[m.start() - 1 : m.start()])
        if clause is not None:
            out.append(Found(m.start(), m.end(), clause))
    return out


def trailing_clause(paragraph: str) -> tuple[str, Clause] | None:
    """Split "task text（责任单位：…）。" → (task text, clause) when a clause closes the text."""
    found = find_clauses(paragraph)
    if not found:
        return None
    last = found[-1]
    if paragraph[last.end :].strip(" 。.；;"):
        return None
    return paragraph[: last.start].rstrip(), last.clause


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

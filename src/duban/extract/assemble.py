"""Assemble: the layout families claim their spans, the outline reads the rest, the plan is built.

A document may bundle several responsibility lists (each with its own title and total): the
first becomes the plan, the others its `parts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from duban.extract.document import Document, Paragraph, Table
from duban.extract.draft import Draft
from duban.extract.finalize import finalize
from duban.extract.layouts import FAMILIES, negative
from duban.extract.layouts.base import Claim, resolve
from duban.extract.layouts.outline import Outline
from duban.extract.lines import relined
from duban.extract.meta import (
    doc_number,
    front_matter,
    is_title_fragment,
    is_title_line,
    parse_date,
    title_text,
)
from duban.extract.model import Deduction, Plan
from duban.extract.normalize import squash, strip_markup
from duban.extract.roles import states_first_is_lead
from duban.extract.segment import parse_mark

_TOTAL = re.compile(r"^(?P<name>[^。，,；;]{2,30}?)[（(](?P<p>\d+(?:\.\d+)?)分[）)]$")


@dataclass
class Part:
    title: str | None = None
    total_points: float | None = None
    outline: Outline = field(default_factory=Outline)
    annexed: list[Outline] = field(default_factory=list)  # the text before each annex (附件1 …)
    table_drafts: list[tuple[int, Draft]] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    in_negative_list: bool = False

    def has_tasks(self) -> bool:
        """Tasks that name units: a notice's own numbered paragraphs before the title do not count."""
        return bool(self.table_drafts) or any(o.names_units() for o in self._outlines())

    def start_annex(self) -> None:
        """An annex starts: what is open above is closed; its items are numbered on their own."""
        self.annexed.append(self.outline)
        self.outline = Outline()
        self.outline.seq = self.annexed[-1].seq

    def drafts(self) -> list[Draft]:
        # Where a table or another stretch of text named the units, items of running text that
        # name no unit are none (an annex listing the duties of kinds of bodies is not the plan's).
        outlines = self._outlines()
        both = list(self.table_drafts)
        for o in outlines:
            narrative = not self.table_drafts and not any(x.names_units() for x in outlines if x is not o)
            both += o.drafts(narrative=narrative)
        return [d for _, d in sorted(both, key=lambda x: x[0])]

    def _outlines(self) -> list[Outline]:
        return [*self.annexed, self.outline]


def assemble(doc: Document) -> Plan:
    doc = relined(doc)
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    fm = front_matter(paragraphs)
    blocks = _skip_paragraphs(list(doc.blocks), fm.skip)
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    date = next((d for d in (parse_date(t) for t in texts[:400]) if d), None) or _iso(
        fm.fields.get("发布日期")
    )
    # The scraper's own record of the number beats a guess from the text, which cites others.
    number = (fm.fields.get("文号") or "").strip() or doc_number(texts)
    first_is_lead = states_first_is_lead("\n".join(texts))

    claims = {c.start: c for c in resolve(c for f in FAMILIES for c in f.claims(blocks))}
    parts = _Reader(blocks, claims).parts()

    year = _plan_year(date, number, parts[0].title)
    plans = [
        finalize(
            p.drafts(),
            source=doc.name,
            title=p.title or fm.fields.get("标题") or None,
            doc_number=number,
            date=date,
            total_points=p.total_points,
            deductions=p.deductions,
            plan_year=year,
            first_is_lead=first_is_lead,
        )
        for p in parts
    ]
    main, *rest = plans
    if rest:
        return Plan(**{**main.__dict__, "parts": tuple(rest)})
    return main


class _Reader:
    """The blocks in order, into parts: the layout families' claims, then line by line the
    negative list, annexes, totals and titles, and the outline's running text."""

    def __init__(self, blocks: list[Paragraph | Table], claims: dict[int, Claim]) -> None:
        self.blocks, self.claims = blocks, claims
        self.read = [Part()]
        self.fragments: list[str] = []  # short lines just before, which may be a broken title
        self.note = False  # inside the list of annexes that closes a notice's text

    def parts(self) -> list[Part]:
        i = 0
        while i < len(self.blocks):
            i = self._block(i)
        return self.read

    def _block(self, i: int) -> int:
        """Read the block at i; the index of the next one to read."""
        block, part = self.blocks[i], self.read[-1]
        claim = self.claims.get(i)
        if claim is not None:
            part.table_drafts.extend((part.outline.seq, d) for d in claim.drafts)
            part.outline.seq += 1
            self.fragments = []
            return claim.end
        if isinstance(block, Table):
            _read_as_lines(part, block)  # a layout grid or a data table, not a task table
            return i + 1
        text = strip_markup(block.text)
        s = squash(text)
        if not s or self._marker(s, part):
            return i + 1
        unmarked = parse_mark(s) is None
        if unmarked and self._heading(s, i, part):
            return i + 1
        self.fragments = [*self.fragments[-2:], s] if unmarked and is_title_fragment(s) else []
        if part.in_negative_list:
            part.deductions.extend(negative.parse_item(s))
        else:
            part.outline.feed(text, block.where, after=_Ahead(self.blocks, i))
        return i + 1

    def _marker(self, s: str, part: Part) -> bool:
        """A line that opens the negative list or an annex, or lists the annexes: taken here."""
        if ("负面" in s or "扣分" in s or "否决" in s) and negative.HEADING.match(s):
            part.in_negative_list = True
            self.fragments = []
            return True
        if _ANNEX_LABEL.match(s):
            part.start_annex()
            self.fragments, self.note = [], False
            return True
        if _ANNEX_NOTE.match(s) or (self.note and _lists_an_annex(s)):
            self.note = True  # "附件：1.…责任清单 2.…": the annexes' titles listed after the text
            return True
        self.note = False
        return False

    def _heading(self, s: str, i: int, part: Part) -> bool:
        """An unnumbered line of a part's total points or its title: taken here."""
        if (m := _TOTAL.match(s)) and not part.in_negative_list:
            if part.total_points is None:
                part.total_points = float(m.group("p"))
            self.fragments = []
            return True
        if not is_title_line(s):
            return False
        title = "".join([*self.fragments, title_text(s)])
        if part.has_tasks() and _has_own_total(self.blocks, i):
            # A list bundled with its own title and total (a city list, then a province's).
            self.read.append(Part(title=title))
        elif part.has_tasks():
            pass  # a further annex of the same plan (附件2 …): its rows go on in the plan
        else:
            # A notice's paragraphs came first: start over, keeping the first title seen.
            part.title, part.outline = part.title or title, Outline()
        self.fragments = []
        return True


def _skip_paragraphs(blocks: list[Paragraph | Table], n: int) -> list[Paragraph | Table]:
    out: list[Paragraph | Table] = []
    seen = 0
    for b in blocks:
        if isinstance(b, Paragraph) and seen < n:
            seen += 1
            if seen == n and b.text.lstrip().startswith("# "):
                out.append(Paragraph(b.text.lstrip()[2:], b.where))
            continue
        if isinstance(b, Paragraph) and seen == n and b.text.lstrip().startswith("# ") and not out:
            out.append(Paragraph(b.text.lstrip()[2:], b.where))
            continue
        out.append(b)
    return out


class _Ahead:
    """The few lines after line i, read only when asked (most lines never need them)."""

    def __init__(self, blocks: list[Paragraph | Table], i: int) -> None:
        self.blocks, self.i = blocks, i

    def __iter__(self) -> Iterator[str]:
        return (
            b.text
            for b in self.blocks[self.i + 1 : self.i + 5]
            if isinstance(b, Paragraph) and b.text.strip()
        )


# "附件1", "附件 2：", "附件": an annex's label on a line of its own.
_ANNEX_LABEL = re.compile(r"^附件[0-9一二三四五六七八九十]*[：:]?$")
# "附件：1.…": the list of annexes at the end of a notice's text.
_ANNEX_NOTE = re.compile(r"^附件[：:]")


def _lists_an_annex(s: str) -> bool:
    """A line of the list of annexes: a numbered title, nothing more."""
    mark = parse_mark(s)
    return mark is not None and 0 < len(mark.rest) <= 40 and not re.search(r"[。；;，,]", mark.rest)


def _has_own_total(blocks: list[Paragraph | Table], i: int) -> bool:
    """A title whose list states its own total points, on its line or just below."""
    near = [squash(strip_markup(b.text)) for b in blocks[i : i + 4] if isinstance(b, Paragraph)]
    return any(_TOTAL.match(t) or re.search(r"[（(]\d+(?:\.\d+)?分[）)]$", t) for t in near)


def _read_as_lines(part: Part, table: Table) -> None:
    for r, row in enumerate(table.rows):
        line = " ".join(c for c in dict.fromkeys(row) if c)
        part.outline.feed(line, table.cell_name(r, 0))


def _iso(value: str | None) -> str | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    return None


def _plan_year(date: str | None, number: str | None, title: str | None) -> int | None:
    for source in (title, date, number):
        m = re.search(r"((?:19|20)\d{2})", source or "")
        if m:
            return int(m.group(1))
    return None

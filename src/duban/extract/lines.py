"""The document's lines as its structure has them, found in the character stream.

Readers give paragraphs as the file had them; a scraper may have run a whole document into one
line, or two items into one HTML paragraph.  Here each paragraph is broken where the stream
shows that something new starts:
- a numbering mark that belongs to a sequence (`segment.find_marks`, `sequence.keep`);
- a field label outside brackets ("…汇报。牵头单位：A 参与单位：B");
- the end of an item's heading when its points close it ("1.完善党委领导体制(18分)新区…").
So the recognizers downstream see one item per line whatever the file's line breaks were; a
paragraph that is already one item per line comes out unchanged.
"""

from __future__ import annotations

import itertools
import re

from duban.extract import furniture
from duban.extract.columns import find_run_header
from duban.extract.document import Block, Document, Paragraph, Table
from duban.extract.normalize import strip_markup
from duban.extract.roles import field_labels
from duban.extract.segment import Candidate, find_marks
from duban.extract.sequence import Placed, keep

# A paragraph this long is taken for flattened text: a mark inside it may start a sequence.
FLAT_CHARS = 800
# A heading closed by its points: short, no sentence inside, then "(18分)".
_HEADING_POINTS = re.compile(r"[^。；;！!？?（()）]{1,40}?[（(]\s*\d+(?:\.\d+)?\s*分\s*[）)]")


_NEGATIVE_HEADING = re.compile(
    r"(?:负面清单|扣分项目|扣分事项|否决事项)(?=\s*[（(]?[一二三四五六七八九十\d])"
)
_TITLE_AND_TOTAL = re.compile(
    r"(?P<title>[^\s。；;，,：:（()）]{6,40}?(?:清单|方案|指引|细则|计划|要点))\s*"
    r"(?P<total>[^\s。；;，,：:（()）]{2,20}[（(]\d+(?:\.\d+)?分[）)])"
)
_LEVELS_HEADER = re.compile(r"(?:序号\s*)?一级指标\s*二级指标")
# "## 第一章 总则": a Markdown heading's marks are markup (a level-1 "# " title is kept for meta).
_MARKDOWN_HEADING = re.compile(r"^\s*#{2,6}\s+")


def relined(doc: Document) -> Document:
    doc = _without_furniture(doc)
    texts, rewritten = _paragraph_texts(doc)
    return _cut_at_marks(doc, texts, rewritten, _kept_marks(texts))


def _paragraph_texts(doc: Document) -> tuple[dict[int, str], set[int]]:
    """Each paragraph's text without markup (by block index), and the paragraphs whose text that
    changes beyond markup (a Markdown heading's marks dropped)."""
    texts: dict[int, str] = {}
    rewritten: set[int] = set()
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        text = strip_markup(block.text)
        if text.lstrip().startswith("##"):
            text = _MARKDOWN_HEADING.sub("", text)
            rewritten.add(i)
        texts[i] = text
    return texts, rewritten


def _kept_marks(texts: dict[int, str]) -> dict[int, list[Candidate]]:
    """The numbering marks that form consistent sequences over the whole document, by paragraph."""
    total = sum(len(t) for t in texts.values())
    placed: list[Placed] = []
    owner: list[int] = []
    for i, text in texts.items():
        # Long, or most of the document: text run together, where a sequence may start inside
        # the line; so may a line holding several items' marks after sentence ends.
        run_together = len(text) >= FLAT_CHARS or _most_of(text, total)
        found = find_marks(text, anywhere=run_together)
        flat = run_together or sum(1 for c in found if c.start > 0 and c.evidence >= 1.0) >= 3
        for c in found:
            placed.append(Placed(c, flat))
            owner.append(i)
    kept = keep(placed)
    marks: dict[int, list[Candidate]] = {}
    for p, k, i in zip(placed, kept, owner, strict=True):
        if k:
            marks.setdefault(i, []).append(p.candidate)
    return marks


def _cut_at_marks(
    doc: Document, texts: dict[int, str], rewritten: set[int], marks: dict[int, list[Candidate]]
) -> Document:
    """Paragraphs cut where a kept mark starts a line; tables whose rows are text lines split."""
    blocks: list[Block] = []
    changed = False
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            split = _text_rows_out(block)
            blocks.extend(split)
            changed = changed or split != [block]
            continue
        cuts = _cuts(texts[i], marks.get(i, []), flat=len(texts[i]) >= FLAT_CHARS) if i in texts else []
        if not cuts:
            blocks.append(Paragraph(texts[i], block.where) if i in rewritten else block)
            changed = changed or i in rewritten
            continue
        assert isinstance(block, Paragraph)
        changed = True
        text = texts[i]
        for a, b in itertools.pairwise([0, *cuts, len(text)]):
            if text[a:b].strip():
                blocks.append(Paragraph(text[a:b], block.where if a == 0 else f"{block.where} col {a + 1}"))
    return Document(name=doc.name, blocks=tuple(blocks)) if changed else doc


def _most_of(text: str, total: int) -> bool:
    return len(text) >= 200 and len(text) >= 0.6 * total


def _without_furniture(doc: Document) -> Document:
    """The site's navigation before the first paragraph and its footer after the last, gone."""
    paragraphs = [i for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    if not paragraphs:
        return doc
    blocks = list(doc.blocks)
    first, last = paragraphs[0], paragraphs[-1]
    for i, trim in ((first, "head"), (last, "tail")):
        block = blocks[i]
        assert isinstance(block, Paragraph)
        text = block.text
        cut = furniture.head_end(text) if trim == "head" else furniture.tail_start(text)
        kept = text[cut:] if trim == "head" else text[:cut]
        if kept != text:
            blocks[i] = Paragraph(kept, block.where)
    return Document(name=doc.name, blocks=tuple(blocks))


def _text_rows_out(table: Table) -> list[Block]:
    """A sheet that holds text one cell a row before (or after) its table: those rows are
    paragraphs, the table is what lies between them."""
    rows = table.rows
    one = [sum(1 for c in row if c.strip()) <= 1 for row in rows]
    start = next((r for r, single in enumerate(one) if not single), len(rows))
    end = len(rows) - next((k for k, single in enumerate(reversed(one)) if not single), len(rows))
    if (start == 0 and end == len(rows)) or start >= end:
        return [table]

    def text(r: int) -> Paragraph:
        return Paragraph(next((c for c in rows[r] if c.strip()), ""), table.cell_name(r, 0))

    body = Table(rows=rows[start:end], where=table.where, cell_names=table.cell_names[start:end])
    return [
        *(text(r) for r in range(start) if any(rows[r])),
        body,
        *(text(r) for r in range(end, len(rows)) if any(rows[r])),
    ]


def _cuts(text: str, marks: list[Candidate], *, flat: bool) -> list[int]:
    """Offsets inside `text` where a new line starts."""
    cuts = set()
    first = len(text) - len(text.lstrip())  # where the line's own text starts
    for mark in marks:
        start = mark.start
        b = start
        while b > 0 and text[b - 1] == " ":
            b -= 1
        # A mark that opens a table cell ("…\t2、…") already has its structure: the row.
        if start > first and (b == 0 or text[b - 1] != "\t"):
            cuts.add(start)
        heading = _HEADING_POINTS.match(text, mark.end)
        if heading and heading.end() < len(text.rstrip()) and "\t" not in heading.group():
            cuts.add(heading.end())
    # A flattened table's header inside a run-together paragraph: the table starts a line.
    header = find_run_header(text) if flat and "\t" not in text else None
    if header is not None and text[: header.start].strip():
        cuts.add(header.start)
    if flat:
        # A negative list's heading run into the text before it ("…财政局等负面清单1.暴力…"), and
        # a scored checklist's header ("…（2025年版）序号 一级指标 二级指标…"): each starts a line.
        for m in _NEGATIVE_HEADING.finditer(text):
            cuts.update(k for k in (m.start(), m.end()) if 0 < k < len(text))
        cuts.update(m.start() for m in _LEVELS_HEADER.finditer(text) if m.start() > 0)
        # A bundled list's own title and total ("…责任清单 江西省特色工作指引(100分)").
        for m in _TITLE_AND_TOTAL.finditer(text):
            cuts.update(k for k in (m.start("title"), m.start("total"), m.end()) if 0 < k < len(text))
    if "：" in text or ":" in text:
        cuts.update(k for k in field_labels(text) if k > first and text[k - 1] != "\t")
    return sorted(cuts)

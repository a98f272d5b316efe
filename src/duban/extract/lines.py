"""The document's lines as its structure has them, found in the character stream.

Readers give paragraphs as the file had them; a scraper may have run a whole document into one
line, or two items into one HTML paragraph.  Here each paragraph is broken where a numbering
mark that belongs to a sequence starts an item (`segment.find_marks`, `sequence.keep`), so the
recognizers downstream see one item per line whatever the file's line breaks were.  A paragraph
that is already one item per line comes out unchanged.
"""

from __future__ import annotations

import itertools

from duban.extract.document import Block, Document, Paragraph
from duban.extract.normalize import strip_markup
from duban.extract.segment import find_marks
from duban.extract.sequence import Placed, keep

# A paragraph this long is taken for flattened text: a mark inside it may start a sequence.
FLAT_CHARS = 800


def relined(doc: Document) -> Document:
    texts: dict[int, str] = {}
    placed: list[Placed] = []
    owner: list[int] = []
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        text = strip_markup(block.text)
        texts[i] = text
        flat = len(text) >= FLAT_CHARS
        for c in find_marks(text):
            placed.append(Placed(c, flat))
            owner.append(i)
    kept = keep(placed)
    cuts: dict[int, list[int]] = {}
    for p, k, i in zip(placed, kept, owner, strict=True):
        before = texts[i][: p.candidate.start]
        # A mark that opens a table cell ("…\t2、…") already has its structure: the row.
        if k and before.strip() and not before.rstrip(" ").endswith("\t"):
            cuts.setdefault(i, []).append(p.candidate.start)
    if not cuts:
        return doc
    blocks: list[Block] = []
    for i, block in enumerate(doc.blocks):
        if i not in cuts:
            blocks.append(block)
            continue
        assert isinstance(block, Paragraph)
        text = texts[i]
        bounds = [0, *cuts[i], len(text)]
        for a, b in itertools.pairwise(bounds):
            piece = text[a:b]
            if piece.strip():
                blocks.append(Paragraph(piece, block.where if a == 0 else f"{block.where} col {a + 1}"))
    return Document(name=doc.name, blocks=tuple(blocks))

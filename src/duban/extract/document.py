"""What the readers hand to the recognizers: a document as paragraphs and tables, in order.

Every reader (txt, html, docx, xlsx, pdf) produces this one shape, so the recognizers never
know which format a document came in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """One line of running text as printed (a .txt line, an HTML <p>, a docx paragraph)."""

    text: str
    where: str  # "line 12", "paragraph 7", "page 3"


@dataclass(frozen=True)
class Table:
    """A real table. Merged cells are repeated into every cell they cover, so a rowspan looks
    the same as a clerk's blank-means-same-as-above; a cell's own line breaks are kept as "\n".
    """

    rows: tuple[tuple[str, ...], ...]
    where: str  # "table 2", "sheet 基础表", "page 4 table 1"
    # Cell addresses for messages: cell_names[r][c] such as "Sheet1!B7"; empty when unnamed.
    cell_names: tuple[tuple[str, ...], ...] = ()

    def cell_name(self, row: int, col: int) -> str:
        try:
            return self.cell_names[row][col]
        except IndexError:
            return f"{self.where} row {row + 1} column {col + 1}"


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    name: str  # the file name (or "<text>" for a string)
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """All text, tables as tab-separated rows, for size and quick checks."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend("\t".join(c.replace("\n", " ") for c in row) for row in b.rows)
        return "\n".join(out)

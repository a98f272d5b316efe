"""HTML pages and fragments → paragraphs and tables.

Pages are decoded here, not by BeautifulSoup: a declared gb2312/gbk charset must become
GB18030, and a wrong declaration must not turn into silent mojibake (see read_decode).
The stdlib "html.parser" does not close tags the way browsers do (`<td>a<td>b` nests the second
cell in the first), so rows and cells are found by their nearest enclosing table and row rather
than by direct children.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from duban.extract.document import Block, Document, Paragraph, Table
from duban.extract.errors import ExtractError
from duban.extract.read_decode import decode_text

# Never content, whatever they hold.
_CODE_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "iframe",
        "svg",
        "object",
        "embed",
        "canvas",
        "select",
        "button",
        "textarea",
        "input",
    }
)
# Page furniture; dropped unless they hold the page's content (see _is_content).
_NOISE_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
_NOISE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
# Words in id/class that mark navigation and boilerplate; matched against the id/class split
# into words ("main-nav", "topMenu", "footer_links" → nav, menu, footer).
_NOISE_WORDS = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "menus",
        "submenu",
        "breadcrumb",
        "breadcrumbs",
        "crumb",
        "crumbs",
        "footer",
        "foot",
        "header",
        "sidebar",
        "share",
        "sharing",
        "copyright",
        "toolbar",
        "topbar",
        "friendlink",
        "friendlinks",
        "links",
        "login",
        "pagination",
        "pager",
        "skip",
        "sitemap",
    }
)
_NOISE_SUBSTRINGS = ("breadcrumb", "copyright", "navbar", "sidebar", "friendlink", "bdshare")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")

# Elements that start and end a paragraph.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "section",
        "article",
        "main",
        "blockquote",
        "address",
        "center",
        "hr",
        "figure",
        "figcaption",
        "fieldset",
        "details",
        "summary",
        "body",
        "html",
        "legend",
        "menu",
        "dir",
    }
)

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# A source line break between two Chinese characters is no space when rendered (CSS Text 3,
# segment break transformation); anywhere else it is one.
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")

_TITLE_CHARS = 12
_MAX_SPAN = 1000  # HTML's own limit on colspan
_MAX_CELLS = 2_000_000


class _Break:
    """A structural line break (<br>, a block edge), unlike a line break in the HTML source."""


_BREAK = _Break()


def read_html(data: bytes, *, filename: str) -> Document:
    text = decode_text(data, filename=filename, declared=declared_charset(data))
    return html_document(text, name=filename)


def declared_charset(data: bytes) -> str | None:
    """The charset a page names in a <meta> or XML declaration (first 4 KB, as browsers look)."""
    head = data[:4096]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return found.group(1).decode("ascii") if found else None


def html_document(markup: str, *, name: str) -> Document:
    with warnings.catch_warnings():
        # "looks like a URL/filename", "XML parsed as HTML": advice for programmers, not users.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "html.parser")
    noise = _noise(soup)
    builder = _Builder(name, noise, _Tables.index(soup, noise))
    builder.walk(soup)
    builder.flush()
    return Document(name=name, blocks=tuple(builder.blocks))


# --- noise -----------------------------------------------------------------------------------


def _noise(soup: BeautifulSoup) -> set[int]:
    """The ids of the elements to leave out (with all they hold).

    Marked rather than decomposed: removing 20,000 share buttons from one parent is quadratic
    in bs4 (each removal searches the parent's children).  Iterative, and not into what is left
    out anyway: pages with thousands of unclosed <p>s are thousands of levels deep.
    """
    total = len(soup.get_text())
    noise: set[int] = set()
    stack: list[Tag] = [soup]
    while stack:
        for child in stack.pop().children:
            if not isinstance(child, Tag):
                continue
            never_content = child.name in _CODE_TAGS or _is_hidden(child)
            if never_content or (_looks_like_noise(child) and not _is_content(child, total)):
                noise.add(id(child))
            else:
                stack.append(child)
    return noise


def _is_hidden(tag: Tag) -> bool:
    style = tag.get("style")
    return tag.has_attr("hidden") or (isinstance(style, str) and bool(_HIDDEN_STYLE.search(style)))


def _looks_like_noise(tag: Tag) -> bool:
    if tag.name in _NOISE_TAGS:
        # An <header>/<footer> inside an article belongs to the article (its title, its date).
        return not (tag.name in ("header", "footer") and tag.find_parent(("article", "main")))
    if _attr_text(tag, "role").lower() in _NOISE_ROLES:
        return True
    for attr in ("id", "class"):
        value = _attr_text(tag, attr)
        if not value:
            continue
        lowered = value.lower()
        if any(s in lowered for s in _NOISE_SUBSTRINGS):
            return True
        if any(w.lower() in _NOISE_WORDS for w in _WORD_SPLIT.split(value)):
            return True
    return False


def _is_content(tag: Tag, total: int) -> bool:
    """A "noise" element that holds a data table, a document title or most of the text is the
    content: ASP.NET pages wrap everything in <form id="form1">, and article titles sit in
    class="article-header"."""
    if any(_is_data_table(table) for table in tag.find_all("table")):
        return True
    # A document title is long; a site name in a logo heading is short.
    if any(len(h.get_text(strip=True)) >= _TITLE_CHARS for h in tag.find_all(("h1", "h2", "h3"))):
        return True
    return total > 0 and 2 * len(tag.get_text()) >= total


def _is_data_table(table: Tag) -> bool:
    """Several rows of text that is mostly not links: menus and link lists laid out in tables
    (common on older government sites) are mostly links."""
    if len(table.find_all("tr", limit=2)) < 2:
        return False
    text = len(table.get_text(strip=True))
    links = sum(len(a.get_text(strip=True)) for a in table.find_all("a"))
    return text > 0 and 2 * links < text


def _attr_text(tag: Tag, attr: str) -> str:
    value = tag.get(attr)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


# --- tables: who owns which row and cell -----------------------------------------------------


@dataclass
class _Tables:
    """Rows of each table and cells of each row, by nearest enclosing table and row.

    Computed in one pass because html.parser nests unclosed cells (`<td>a<td>b` puts b inside
    a), so a table of 3000 unclosed rows is 6000 levels deep: asking each cell for its parents
    would be quadratic, and recursion would overflow.  A cell outside any <tr> gets an implied
    row keyed by its table.
    """

    rows: dict[int, list[Tag]] = field(default_factory=dict)  # id(table) → rows (tr, or the table)
    cells: dict[int, list[Tag]] = field(default_factory=dict)  # id(row) → cells
    owner: dict[int, Tag] = field(default_factory=dict)  # id(tr/td/th) → its table

    @classmethod
    def index(cls, root: Tag, noise: set[int]) -> _Tables:
        found = cls()
        stack: list[tuple[Iterator[object], Tag | None, Tag | None]] = [(iter(root.children), None, None)]
        while stack:
            children, table, row = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            if not isinstance(child, Tag) or id(child) in noise:
                continue
            if child.name == "table":
                found.rows[id(child)] = []
                table, row = child, None
            elif table is not None and child.name == "tr":
                found.owner[id(child)] = table
                found.rows[id(table)].append(child)
                found.cells[id(child)] = []
                row = child
            elif table is not None and child.name in ("td", "th"):
                found.owner[id(child)] = table
                key = row if row is not None else table
                if id(key) not in found.cells:
                    found.cells[id(key)] = []
                    found.rows[id(table)].append(key)
                found.cells[id(key)].append(child)
            stack.append((iter(child.children), table, row))
        return found

    def grid(self, table: Tag) -> list[list[Tag]]:
        return [self.cells[id(row)] for row in self.rows.get(id(table), [])]

    def owned_by(self, tag: Tag, table: Tag | None) -> bool:
        return table is not None and self.owner.get(id(tag)) is table


# --- flow ------------------------------------------------------------------------------------


@dataclass
class _Builder:
    name: str
    noise: set[int]
    tables_index: _Tables
    blocks: list[Block] = field(default_factory=list)
    parts: list[str | _Break] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0

    def walk(self, root: Tag) -> None:
        """Collect text in document order; blocks and <br> end paragraphs, tables stand alone."""
        stack: list[tuple[Tag, Iterator[object]]] = [(root, iter(root.children))]
        while stack:
            parent, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if parent.name in _BLOCK_TAGS:
                    self.flush()
            elif isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype, CDATA...
                    self.parts.append(str(child))
            elif not isinstance(child, Tag) or id(child) in self.noise:
                continue
            elif child.name == "br":
                self.flush()
            elif child.name == "table":
                self.flush()
                self._table(child)
            elif child.name == "pre":
                self.flush()
                for line in _text(child, self, owner=None, preformatted=True).split("\n"):
                    self._paragraph(line.rstrip())
            else:
                if child.name in _BLOCK_TAGS:
                    self.flush()
                stack.append((child, iter(child.children)))

    def flush(self) -> None:
        for line in _lines(self.parts):
            self._paragraph(line)
        self.parts = []

    def _paragraph(self, text: str) -> None:
        if text.strip():
            self.paragraphs += 1
            self.blocks.append(Paragraph(text.strip(), where=f"paragraph {self.paragraphs}"))

    def _table(self, table: Tag) -> None:
        rows = self.tables_index.grid(table)
        if _is_layout(table, rows):
            # A page laid out with a table: its cells are page regions, read them as flow.
            self.walk(table)
            self.flush()
            return
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.walk(caption)  # the table's title, such as "表1 任务分解表"
            self.flush()
        grid = _expand(
            [[(_text(c, self, owner=table), *_spans(c)) for c in cells] for cells in rows], filename=self.name
        )
        if grid:
            self.tables += 1
            self.blocks.append(Table(rows=grid, where=f"table {self.tables}"))


def _lines(parts: list[str | _Break]) -> Iterator[str]:
    """Paragraph text from collected strings: whitespace collapsed as a browser would."""
    line: list[str] = []
    for part in [*parts, _BREAK]:
        if isinstance(part, str):
            line.append(part)
            continue
        text = _SPACES.sub(" ", _CJK_BREAK.sub("", "".join(line))).strip()
        line = []
        if text:
            yield text


def _text(node: Tag, builder: _Builder, *, owner: Tag | None, preformatted: bool = False) -> str:
    """A cell's (or a <pre>'s) text: <p>, <br> and other blocks become "\n", an inner table's
    rows become lines of their cells.  Cells of `owner` nested here by unclosed tags are left
    out: they have their own place in the table."""
    parts: list[str | _Break] = []
    stack: list[tuple[Iterator[object], bool]] = [(iter(node.children), False)]
    while stack:
        children, is_block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if is_block:
                parts.append(_BREAK)
        elif isinstance(child, NavigableString):
            if type(child) is NavigableString:
                parts.append(str(child))
        elif (
            not isinstance(child, Tag)
            or id(child) in builder.noise
            or builder.tables_index.owned_by(child, owner)
        ):
            continue
        elif child.name == "br":
            parts.append("\n" if preformatted else _BREAK)
        else:
            inner_cell = child.name in ("td", "th")
            if inner_cell:
                parts.append(" ")  # cells of an inner table, side by side
            block = child.name in _BLOCK_TAGS and not inner_cell and not preformatted
            if block:
                parts.append(_BREAK)
            stack.append((iter(child.children), block))
    if preformatted:
        return "".join(p for p in parts if isinstance(p, str)).replace("\u00a0", " ")
    return "\n".join(_lines(parts))


# --- tables: grids ---------------------------------------------------------------------------


def _is_layout(table: Tag, rows: list[list[Tag]]) -> bool:
    if _attr_text(table, "role").lower() in ("presentation", "none"):
        return True
    return len(rows) == 1 or max((len(cells) for cells in rows), default=0) <= 1


def _spans(cell: Tag) -> tuple[int, int]:
    return _span(cell, "rowspan"), _span(cell, "colspan")


def _span(cell: Tag, attr: str) -> int:
    digits = re.match(r"\s*(\d+)", _attr_text(cell, attr))
    if digits is None:
        return 1
    # rowspan="0" spans to the end of the table; _expand clamps it to the rows there are.
    value = int(digits.group(1)[:6])
    return _MAX_SPAN if value == 0 and attr == "rowspan" else max(1, min(value, _MAX_SPAN))


def _expand(rows: list[list[tuple[str, int, int]]], *, filename: str) -> tuple[tuple[str, ...], ...]:
    """Lay cells out on a grid, repeating a merged cell's text into every position it covers."""
    grid: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in grid:
                c += 1
            for rr in range(r, min(r + rowspan, len(rows))):
                for cc in range(c, c + colspan):
                    grid[rr, cc] = text
            c += colspan
            if len(grid) > _MAX_CELLS:
                raise ExtractError("a table is too large to read", filename=filename)
    width = max((c for _, c in grid), default=-1) + 1
    if width * len(rows) > _MAX_CELLS:
        raise ExtractError("a table is too large to read", filename=filename)
    table = [tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(rows))]
    table = [row for row in table if any(row)]
    while table and not any(row[-1] for row in table):
        table = [row[:-1] for row in table]
    return tuple(table)

"""Word documents → paragraphs and tables in body order.

.docx is read from its XML (through python-docx) rather than through `Document.paragraphs` and
`Document.tables`, which lose the order of paragraphs and tables and the text in smart tags
(Word's "chsdate" tags wrap most dates in Chinese documents), tracked insertions and content
controls.  .doc and .wps are converted to .docx by LibreOffice first.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx

from duban.extract.document import Block, Document, Paragraph, Table
from duban.extract.errors import ExtractError, LimitError
from duban.extract.read_checks import DEFAULT_LIMITS, ReadLimits, check_zip, reason

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Wrappers whose children count as if they stood in the wrapper's place.
_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml"})
# Inline wrappers around runs: hyperlinks, smart tags, tracked insertions, fields, controls.
_RUN_WRAPPERS = _WRAPPERS | {
    _W + "hyperlink",
    _W + "smartTag",
    _W + "ins",
    _W + "moveTo",
    _W + "fldSimple",
    _W + "dir",
    _W + "bdo",
}
_RUN_TEXT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}

CONVERT_TIMEOUT = 120  # seconds; LibreOffice's first start alone can take ten
_NO_LIBREOFFICE = (
    "reading .doc and .wps files needs LibreOffice, which is not installed; install it "
    "(Debian/Ubuntu: apt-get install libreoffice-writer) or save the file as .docx"
)


# libxml2 refuses elements nested deeper than this (python-docx's parser does not ask for
# XML_PARSE_HUGE); Word itself nests a few dozen levels at most.
XML_DEPTH = 256


def read_docx(data: bytes, *, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    check_zip(data, filename=filename, folder="word/", kind=".docx", limits=limits)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:
        if "excessive depth" in str(exc).lower():
            raise LimitError(
                f"XML nested more than {XML_DEPTH} levels deep",
                filename=filename,
                limit="xml_depth",
                allowed=XML_DEPTH,
            ) from exc
        raise ExtractError(f"not a valid .docx file ({reason(exc)})", filename=filename) from exc
    return Document(name=filename, blocks=tuple(_blocks(body)))


def read_doc(data: bytes, *, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """A .doc or .wps file, through LibreOffice's converter."""
    converted = convert_to_docx(data, filename=filename)
    return read_docx(converted, filename=filename, limits=limits)


def _blocks(body: Any) -> Iterator[Block]:
    paragraphs = tables = 0
    for el in _children(body, (_W + "p", _W + "tbl")):
        if el.tag == _W + "tbl":
            rows = _table_rows(el)
            if any(any(row) for row in rows):
                tables += 1
                names = tuple(
                    tuple(f"table {tables} row {r} column {c}" for c in range(1, len(row) + 1))
                    for r, row in enumerate(rows, start=1)
                )
                yield Table(rows=rows, where=f"table {tables}", cell_names=names)
            continue
        text = _paragraph_text(el)
        if not text.strip():
            continue
        paragraphs += 1
        # A manual line break (Shift+Enter) starts a new printed line.
        for line in text.split("\n"):
            if line.strip():
                yield Paragraph(line, where=f"paragraph {paragraphs}")


def _children(el: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """Children with one of `tags`, looking through content controls and custom XML."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tags)


def _paragraph_text(p: Any) -> str:
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            if child.tag == _W + "r":
                for part in child:
                    if part.tag == _W + "t":
                        out.append(part.text or "")
                    elif part.tag in _RUN_TEXT:
                        out.append(_RUN_TEXT[part.tag])
            elif child.tag in _RUN_WRAPPERS:  # deleted text (w:del) stays out
                walk(child)

    walk(p)
    return "".join(out)


def _table_rows(tbl: Any) -> tuple[tuple[str, ...], ...]:
    """Rows on the table's grid: a gridSpan cell repeated across, a vMerge cell repeated down."""
    grid: list[list[str]] = []
    for tr in _children(tbl, (_W + "tr",)):
        row: list[str] = [""] * _int_val(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for tc in _children(tr, (_W + "tc",)):
            props = tc.find(_W + "tcPr")
            span = max(1, min(_int_val(_prop(props, "gridSpan"), 1), 1000))
            column = len(row)
            if _continues(_prop(props, "vMerge")) and grid and column < len(grid[-1]):
                text = grid[-1][column]
            elif _continues(_prop(props, "hMerge")) and row:  # Word 97's horizontal merge
                text = row[-1]
            else:
                text = _cell_text(tc)
            row.extend([text] * span)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return tuple(tuple(row + [""] * (width - len(row))) for row in grid)


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs joined with "\n"; an inner table's rows as lines of its cells."""
    lines: list[str] = []
    for el in _children(tc, (_W + "p", _W + "tbl")):
        if el.tag == _W + "p":
            lines.extend(_paragraph_text(el).split("\n"))
        else:
            lines.extend(" ".join(c for c in row if c) for row in _table_rows(el))
    return "\n".join(line.strip() for line in lines if line.strip())


def _prop(props: Any, name: str) -> Any:
    return None if props is None else props.find(_W + name)


def _continues(merge: Any) -> bool:
    """A vMerge/hMerge continues the cell before it unless its val says "restart"."""
    return merge is not None and merge.get(_W + "val", "continue") == "continue"


def _int_val(el: Any, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_W + "val", default))
    except ValueError:
        return default


# --- .doc / .wps through LibreOffice ---------------------------------------------------------


def convert_to_docx(data: bytes, *, filename: str) -> bytes:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise ExtractError(_NO_LIBREOFFICE, filename=filename)
    suffix = os.path.splitext(filename)[1].lower() or ".doc"
    with tempfile.TemporaryDirectory(prefix="duban-convert-") as tmp:
        source = Path(tmp) / f"input{suffix}"
        source.write_bytes(data)
        command = [
            office,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            # A private profile: a user's running LibreOffice would otherwise take the job (or
            # lock it), and a broken shared profile would break every conversion.
            f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(source),
        ]
        _run(command, filename=filename)
        target = Path(tmp) / "input.docx"
        if not target.is_file() or target.stat().st_size == 0:
            raise ExtractError(
                "LibreOffice could not convert this file: it is corrupt, password-protected "
                "or no Word/WPS document, or LibreOffice Writer is missing "
                "(Debian/Ubuntu: apt-get install libreoffice-writer)",
                filename=filename,
            )
        return target.read_bytes()


def _run(command: list[str], *, filename: str) -> None:
    try:
        # A session of its own, so that a timeout ends soffice.bin too, not only its launcher.
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise ExtractError(f"cannot run LibreOffice ({reason(exc)})", filename=filename) from exc
    try:
        proc.wait(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ExtractError(
            f"LibreOffice did not convert the file within {CONVERT_TIMEOUT} s", filename=filename
        ) from exc

"""An uploaded document read into a plan in duban.sandbox's limited child, and every refusal of
what it would cost worded in Chinese for the import page and the API.

A 149 KB .docx of 51 MB of XML took a worker 30 s and 1.1 GB, a 3.5 KB PDF of 200,000
characters ran 122 s until killed, and a worker kept 479 MB afterwards. Here the child first
looks into the file whole (duban.office.containers: no program, macro or script in a document
others will download, at most 100 MB unpacked, sane XML), then extracts it under ReadLimits, and
is killed beyond 512 MB of memory, 20 s of CPU or 30 s in all. A .doc or .wps is converted by
LibreOffice first, in its own process (under the sandbox's memory limit LibreOffice could not
start), and the .docx it gives is read in the child like any other.

The child's function (read_document) and everything it imports are pure Python: the fork server
never sets Django up.
"""

from __future__ import annotations

from duban.extract import ExtractError, LimitError, Plan, ReadLimits, extract
from duban.extract.read import kind_of
from duban.office.containers import ContainerLimits, ContainerRefused, inspect_file
from duban.sandbox import LimitExceeded, Limits, run_limited

LIMITS = Limits(memory_mb=512, cpu_seconds=20, wall_seconds=30)
# The largest real decomposition documents we know unpack to a few MB, hold about 200,000
# characters and draw a few thousand a page: these are ten times that, and far below what hurts.
READ_LIMITS = ReadLimits(unpacked_mb=100, page_content_mb=4, page_objects=50_000, characters=1_000_000)
_CONTAINERS = {"docx": "docx", "xlsx": "xlsx", "pdf": "pdf"}


class DocumentRefused(Exception):
    """The document cannot be read; the message (Chinese where the refusal is ours) names the file."""


def read_upload(name: str, data: bytes) -> Plan:
    """The plan in an uploaded document, or DocumentRefused naming the file and why."""
    try:
        kind = kind_of(data, filename=name)
        if kind == "doc":
            from duban.extract.read_docx import convert_to_docx

            data, kind = convert_to_docx(data, filename=name), "docx"
        return run_limited(read_document, name, data, kind=kind, limits=LIMITS)
    except LimitError as exc:
        raise DocumentRefused(limit_message(name, exc)) from exc
    except (ExtractError, ContainerRefused) as exc:
        raise DocumentRefused(str(exc)) from exc
    except LimitExceeded as exc:
        raise DocumentRefused(f"{name}：{exc.reason}") from exc


def read_document(name: str, data: bytes, *, kind: str) -> Plan:
    """In the child: the file looked into whole, then extracted within READ_LIMITS."""
    if kind in _CONTAINERS:
        inspect_file(
            name, data, kind=_CONTAINERS[kind], caps=ContainerLimits(unpacked_mb=READ_LIMITS.unpacked_mb)
        )
    # The name as the upload gives it, so that the reader goes by its suffix; a converted .doc
    # goes by its bytes (a zip holding word/).
    return extract(data, filename=name, limits=READ_LIMITS)


def limit_message(name: str, exc: LimitError) -> str:
    """A LimitError in Chinese: the file, the place, the limit."""
    where = _place(exc.where)
    if exc.limit == "unpacked_mb":
        return f"{name}：解压后超过 {exc.allowed} MB 的上限"
    if exc.limit == "xml_depth":
        return f"{name}：XML 嵌套超过 {exc.allowed} 层的上限"
    if exc.limit == "page_content_mb":
        return f"{name}：{where}的内容解压后超过 {exc.allowed} MB 的上限"
    if exc.limit == "page_objects":
        return f"{name}：{where}绘制的文字、线条和图片超过 {exc.allowed:,} 个的上限"
    if exc.limit == "cells":
        found = f"（{exc.found:,} 个单元格）" if exc.found else ""
        return f"{name}：{where}过大{found}，超过 {exc.allowed:,} 个单元格的上限"
    if exc.limit == "characters":
        return f"{name}：文字超过 {exc.allowed // 10000} 万字的上限"
    return f"{name}：超过读取文件的上限（{exc.limit} {exc.allowed}）"


def _place(where: str | None) -> str:
    """ "page 3" → 第 3 页, a sheet's title → 工作表“…” (the English places of duban.extract)."""
    if not where:
        return "文件"
    if where.startswith("page "):
        return f"第 {where.removeprefix('page ')} 页"
    return f"工作表“{where}”"

"""The files of `duban extract` and `duban lint`: the inputs named on the command line (folders
searched for documents) and where rendered plans go (stdout, one file, or a file per input in a
folder). The commands themselves, and the parser, are in cli.py."""

from __future__ import annotations

import importlib
import io
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# The formats the readers will handle, for when duban.extract.read cannot be imported.
_FALLBACK_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".xlsx", ".xls", ".pdf"})


class Failures(Protocol):
    """Where a bad input is reported (cli.Reporter): one message, and the run goes on."""

    def fail(self, message: str) -> None: ...


# ---------------------------------------------------------------------------------------------
# Inputs


def supported_suffixes() -> frozenset[str]:
    try:
        suffixes = importlib.import_module("duban.extract.read").SUFFIXES
    except Exception:  # the reader may be missing or half-written: never let that break the CLI
        return _FALLBACK_SUFFIXES
    return frozenset(s.lower() if s.startswith(".") else "." + s.lower() for s in suffixes)


@dataclass(frozen=True)
class Input:
    path: Path
    shown: str  # as the user would recognize it, for messages
    stem: Path  # the output name relative to an output folder, without suffix
    full: Path  # the same with the source suffix kept, to tell a.txt from a.docx


def collect_inputs(args: Sequence[str], report: Failures) -> list[Input]:
    """Files as named, and every supported file under a folder, recursively and sorted."""
    suffixes = supported_suffixes()
    found: list[Input] = []
    seen: set[Path] = set()
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in suffixes and not _hidden(p.relative_to(path))
            )
            if not files:
                report.fail(f"目录中没有可读取的文档: {arg}")
            for f in files:
                rel = f.relative_to(path)
                found.append(Input(f, str(f), rel.with_suffix(""), rel))
        elif path.is_file():
            found.append(Input(path, arg, Path(path.stem), Path(path.name)))
        else:
            report.fail(f"文件不存在: {arg}")
    unique = []
    for item in found:
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _hidden(rel: Path) -> bool:
    # .git and the like, and the "~$a.docx" lock files Office leaves beside open documents
    return any(part.startswith((".", "~$")) for part in rel.parts)


# ---------------------------------------------------------------------------------------------
# Outputs


class Sink:
    """Where rendered plans go: stdout (one plan, a JSON list, Markdown one after another), one
    file, or one file per input in a folder.  Used as a context manager around the loop."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.count = 0
        # While a progress bar is live on the same terminal, stdout text would tear it: hold
        # the text back until the bar is done.  Piped stdout streams, so memory stays flat.
        self.held = io.StringIO() if sys.stdout.isatty() else None

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put(self, item: Input, data: str | bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        if self.held is not None:
            sys.stdout.write(self.held.getvalue())
        sys.stdout.flush()

    def where(self, item: Input) -> str:
        return "标准输出"

    def _text(self, text: str) -> None:
        (sys.stdout if self.held is None else self.held).write(text)


class StdoutSink(Sink):
    def put(self, item: Input, data: str | bytes) -> None:
        if isinstance(data, bytes):  # xlsx into a pipe or a redirected file
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            return
        self._text(data if data.endswith("\n") else data + "\n")
        self.count += 1


class StdoutListSink(Sink):
    """Several plans as one JSON list (streamed), or Markdown documents one after another."""

    def put(self, item: Input, data: str | bytes) -> None:
        assert isinstance(data, str)
        if self.fmt == "json":
            self._text(("[\n" if self.count == 0 else ",\n") + data)
        else:
            self._text(("" if self.count == 0 else "\n\n") + data)
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self._text("[]\n" if self.count == 0 else "\n]\n")
        super().close()


class FileSink(Sink):
    def __init__(self, fmt: str, path: Path) -> None:
        super().__init__(fmt)
        self.path = path
        self.held = None

    def put(self, item: Input, data: str | bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write(self.path, data)

    def where(self, item: Input) -> str:
        return str(self.path)


class FolderSink(Sink):
    def __init__(self, fmt: str, folder: Path, suffix: str, items: Sequence[Input]) -> None:
        super().__init__(fmt)
        self.held = None
        self.paths = output_paths(items, folder, suffix)
        folder.mkdir(parents=True, exist_ok=True)

    def put(self, item: Input, data: str | bytes) -> None:
        path = self.paths[item]
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, data)

    def where(self, item: Input) -> str:
        return str(self.paths[item])


def sink_for(output: str | None, many: bool, fmt: str, suffix: str, items: Sequence[Input]) -> Sink:
    if output is None:
        return StdoutListSink(fmt) if many else StdoutSink(fmt)
    out = Path(output)
    if many:
        return FolderSink(fmt, out, suffix, items)
    if out.is_dir():  # "-o 输出目录/" for one file: name it after the input
        return FolderSink(fmt, out, suffix, items)
    return FileSink(fmt, out)


def output_paths(items: Sequence[Input], folder: Path, suffix: str) -> dict[Input, Path]:
    """One output per input: a.txt → a.json, but a.txt and a.docx → a.txt.json, a.docx.json,
    and the same name from two folders → a.json, a-2.json."""
    stems, fulls = Counter(item.stem for item in items), Counter(item.full for item in items)
    names = [item.full if stems[item.stem] > 1 and fulls[item.full] == 1 else item.stem for item in items]
    paths: dict[Input, Path] = {}
    taken: set[Path] = set()
    for item, name in zip(items, names, strict=True):
        candidate, n = folder / f"{name}{suffix}", 1
        while candidate in taken:
            n += 1
            candidate = folder / f"{name}-{n}{suffix}"
        taken.add(candidate)
        paths[item] = candidate
    return paths


def _write(path: Path, data: str | bytes) -> None:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

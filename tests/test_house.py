"""House rules that lint does not check: a long module of the project's code (src, benchmarks)
says why it stays one file, and a `# fmt: skip` anywhere says why the formatter may not touch its
lines. Test modules are lists of independent cases, one module per feature, and may run long."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONG = 500
# The reason a long module gives in its docstring: "One file, over 500 lines, …" or similar.
REASON = re.compile(r"over 500 lines", re.IGNORECASE)
SKIP = re.compile(r"#\s*fmt:\s*skip(.*)$")


def _python_files(*folders: str) -> list[Path]:
    files = [p for d in folders for p in (ROOT / d).rglob("*.py")]
    return sorted(p for p in files if "migrations" not in p.parts)


def long_modules_without_reason(files: list[Path], root: Path = ROOT) -> list[str]:
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not REASON.search(doc):
            out.append(f"{path.relative_to(root)}: {text.count(chr(10))} lines")
    return out


def skips_without_reason(files: list[Path], root: Path = ROOT) -> list[str]:
    out = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = SKIP.search(line)
            if match and not re.search(r"\w", match.group(1)):
                out.append(f"{path.relative_to(root)}:{number}")
    return out


def test_every_module_over_500_lines_says_why_in_its_docstring() -> None:
    assert long_modules_without_reason(_python_files("src", "benchmarks")) == []


def test_every_fmt_skip_gives_a_reason() -> None:
    assert skips_without_reason(_python_files("src", "benchmarks", "tests")) == []


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    long.write_text('"""A module."""\n' + "x = 1\n" * 600, encoding="utf-8")
    reasoned = tmp_path / "reasoned.py"
    reasoned.write_text('"""One file, over 500 lines, on purpose."""\n' + "x = 1\n" * 600, encoding="utf-8")
    skipped = tmp_path / "skipped.py"
    skipped.write_text("x = [1,2]  # fmt: skip\ny = [1,2]  # fmt: skip  # a row\n", encoding="utf-8")
    assert long_modules_without_reason([long, reasoned], tmp_path) == ["long.py: 601 lines"]
    assert skips_without_reason([skipped], tmp_path) == ["skipped.py:1"]

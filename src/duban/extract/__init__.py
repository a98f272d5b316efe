"""duban.extract: decomposition documents → `duban.plan/1` plans.

Stages: read (files → paragraphs and tables) → normalize → segment (numbering and headings) →
recognize (units, roles, points, deadlines, targets) → assemble → lint.  Pure Python: this
package never imports Django.
"""

from __future__ import annotations

import os
from pathlib import Path

from duban.extract.errors import ExtractError, LimitError
from duban.extract.model import Deduction, DeductionRule, Plan, Target, Task, Warning
from duban.extract.read_checks import DEFAULT_LIMITS, ReadLimits

__all__ = [
    "Deduction",
    "DeductionRule",
    "ExtractError",
    "LimitError",
    "Plan",
    "ReadLimits",
    "Target",
    "Task",
    "Warning",
    "extract",
]


def extract(
    source: str | os.PathLike[str] | bytes,
    *,
    filename: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Plan:
    """Extract a plan from a file path, the bytes of a file, or a document's text.

    A `str` is taken as a path when it is one line naming a file; otherwise as the text itself.
    `filename` names bytes or text in messages and picks the format of bytes (by extension).
    Raises ExtractError, and nothing else, for anything it cannot read: LimitError (one of them)
    for a file that would cost more to read than `limits` allow.
    """
    from duban.extract import read
    from duban.extract.assemble import assemble

    if isinstance(source, bytes):
        doc = read.read_bytes(source, filename=filename or "<bytes>", limits=limits)
    elif isinstance(source, os.PathLike) or _looks_like_path(source):
        path = Path(source)
        doc = read.read_path(path, name=filename, limits=limits)
    else:
        doc = read.read_text(source, name=filename or "<text>")
    return assemble(doc)


def _looks_like_path(s: str) -> bool:
    if "\n" in s or len(s) > 1024 or not s.strip():
        return False
    try:
        return Path(s).exists() or Path(s).suffix.lower() in read_suffixes()
    except (OSError, ValueError):
        return False


def read_suffixes() -> frozenset[str]:
    from duban.extract.read import SUFFIXES

    return SUFFIXES

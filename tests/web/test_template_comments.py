"""Django's {# … #} comment spans one line: one that goes on to the next is printed on the page as
text (the supervision navigation showed its own comment above every tracking page)."""

from __future__ import annotations

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "duban"
TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))


def test_it_finds_the_templates() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_short_comment_closes_on_its_own_line(path: Path) -> None:
    open_ended = [
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_ended == [], (
        f"{path.name}: {{# on lines {open_ended} closes on a later line; use {{% comment %}}"
    )

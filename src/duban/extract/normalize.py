"""Text clean-up shared by every recognizer: markup, whitespace, width variants.

Printed forms are kept (gold units and texts are "as printed, whitespace removed"); these
helpers only remove what the printer never meant: markup, stray spaces, scraper noise.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_WS = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")
_FULL = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}
_FULL.update({ord("．"): ord(".")})


def strip_markup(s: str) -> str:
    """Remove HTML tags that scrapers leave in text (`<p>…</p>`) and unescape entities."""
    if "<" in s:
        s = _TAG.sub("", s)
    if "&" in s:
        s = html.unescape(s)
    return s


def squash(s: str) -> str:
    """Remove every whitespace character: the form used for texts, paths and unit names."""
    # str.split() knows Unicode whitespace (\u3000, \xa0) and is several times faster than a regex.
    out = "".join(s.split())
    if "\ufeff" in out or "\u200b" in out:
        out = out.replace("\ufeff", "").replace("\u200b", "")
    return out


def clean(s: str) -> str:
    """Markup removed and whitespace squashed: a cell or line as a clerk would retype it."""
    return squash(strip_markup(s))


def ascii_digits(s: str) -> str:
    """Full-width digits and dot to ASCII, for number parsing only (never for printed output)."""
    return s.translate(_FULL)


# Character classes that accept both widths, since OCR and scrapers mix them freely.
LP = r"[（(]"
RP = r"[）)]"
COLON = r"[:：]"
SEP = r"[、，,；;]"

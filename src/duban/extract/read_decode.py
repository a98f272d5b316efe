"""Bytes → str for text files and HTML pages, without silently guessing wrong.

Order: a byte-order mark, BOM-less UTF-16 (recognized by where its NUL bytes fall), strict
UTF-8, strict GB18030 (when the result reads as Chinese), then charset-normalizer's multi-byte
answers (Big5...), and Windows-1252 last.  Each candidate must also look like text (no control
characters, no private-use code points): GB18030 decodes many byte strings that are not GB18030
at all, so "it decoded" alone is not evidence enough.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from duban.extract.errors import ExtractError

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that browsers (WHATWG Encoding) decode as GBK; GBK ⊂ GB18030, and pages declared gb2312
# routinely hold GBK-only characters such as 镕 or 堃, so all of them are decoded as GB18030.
_GB_LABELS = frozenset(
    {
        "gb2312",
        "gbk",
        "x-gbk",
        "gb_2312-80",
        "gb_2312",
        "cp936",
        "ms936",
        "csgb2312",
        "chinese",
        "iso-ir-58",
        "csiso58gb231280",
        "windows-936",
        "gb18030",
    }
)

# charset-normalizer's names of the multi-byte encodings a Chinese document may come in.
_MULTIBYTE = ("big5", "cp950", "cp932", "shift_jis", "euc_jp", "cp949", "euc_kr", "iso2022", "utf_")
# What the double-byte rows of GBK hold besides hanzi; other encodings misread as GBK produce
# them, Chinese prose hardly ever: Greek, Cyrillic, box drawing, kana, bopomofo.
_MISREAD = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f]")
_WESTERN = frozenset({"iso8859-1", "cp1252", "ascii"})

# Allowed controls in text: tab, newline, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffe\uffff]")


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def normalize_label(label: str) -> str | None:
    """A declared charset label as a Python codec name, or None when Python does not know it."""
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def strict_decode(data: bytes, encoding: str) -> str | None:
    """The text when `data` decodes cleanly in `encoding` and looks like text, else None."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if looks_like_text(text) else None


def looks_like_text(text: str) -> bool:
    """No C0/C1 controls (other than whitespace), no private-use or non-characters."""
    return _CONTROL.search(text) is None


def decode_text(data: bytes, *, filename: str, declared: str | None = None) -> str:
    """Decode a text file's bytes; ExtractError naming the file when nothing fits cleanly.

    `declared` is a charset an HTML page names for itself; it is tried after a BOM (a BOM wins,
    as in browsers) and before the guesses.
    """
    found = bom_encoding(data)
    if found is not None:
        encoding, skip = found
        text = strict_decode(data[skip:], encoding)
        if text is None:
            raise ExtractError(
                f"the file starts with a {encoding} byte-order mark but is not valid {encoding}",
                filename=filename,
            )
        return text
    if declared is not None:
        codec = normalize_label(declared)
        if codec in _WESTERN:
            # Every byte string "decodes" as Latin-1, so the label proves nothing: Chinese pages
            # that carry it are UTF-8 or GBK in fact.  Let the cascade below decide.
            codec = None
        text = strict_decode(data, codec) if codec is not None else None
        if text is not None:
            return text
    if b"\x00" in data:
        # Text in UTF-8 or GB18030 never holds a NUL byte; UTF-16 is the one text encoding that
        # does, in every ASCII character.  Anything else with NULs is binary.
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise ExtractError("this is not a text file (it holds binary data)", filename=filename)
    text = strict_decode(data, "utf-8")
    if text is not None:
        return text
    text = strict_decode(data, "gb18030")
    if text is not None and _plausible_chinese(text):
        return text
    return _guess(data, filename=filename)


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    even = data[0::2].count(0)  # high byte of big-endian ASCII
    odd = data[1::2].count(0)  # high byte of little-endian ASCII
    # Chinese text still has NULs on the "wrong" side (一 is U+4E00), so ask for a clear majority
    # rather than all of them, then let the strict decode and the text check decide.
    if odd > 2 * even:
        return strict_decode(data, "utf-16-le")
    if even > 2 * odd:
        return strict_decode(data, "utf-16-be")
    return None


def _guess(data: bytes, *, filename: str) -> str:
    """charset-normalizer's first multi-byte answer (Big5 and the like); single-byte guesses
    are coin tosses (cp1250 or cp1252?), so Windows-1252 is the one single-byte answer."""
    for match in from_bytes(data):
        if match.encoding.startswith(_MULTIBYTE):
            guessed = str(match)
            if looks_like_text(guessed) and not _mostly_symbols(guessed):
                return guessed
    text = strict_decode(data, "cp1252")
    if text is None or _mostly_symbols(text):
        raise ExtractError(
            "cannot tell the text encoding (tried UTF-8, GB18030 and detection); save the file as UTF-8",
            filename=filename,
        )
    return text


def _plausible_chinese(text: str) -> bool:
    """Whether GB18030's reading looks like Chinese rather than another encoding misread.

    Big5 text read as GBK is still valid GB18030, but it comes out as rare characters mixed
    with kana, Cyrillic, Greek, bopomofo and box drawing (half of it or more), where Chinese
    prose is almost all GB2312 level-1 characters (99.9% in the corpus).
    """
    common = odd = 0
    for ch in text[:20000]:
        if _is_common_hanzi(ch):
            common += 1
        elif "\u4e00" <= ch <= "\u9fff" or _MISREAD.match(ch):
            odd += 1
    return odd < 3 or 5 * odd <= common + odd


def _is_common_hanzi(ch: str) -> bool:
    """GB2312 level 1: the 3,755 most common characters, lead bytes 0xB0–0xD7."""
    try:
        encoded = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def _mostly_symbols(text: str) -> bool:
    """Decoded junk is mostly symbols and odd letters; real text is mostly letters and spaces."""
    sample = text[:5000]
    if not sample:
        return False
    odd = sum(1 for ch in sample if unicodedata.category(ch)[0] in "SC" and ch not in "\t\n\r\f\v")
    return odd > len(sample) // 4

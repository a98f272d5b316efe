"""The words of targets and deadlines, read from data/target_words.json and data/events.json,
and the helpers that turn word lists into compiled, bounded regular expressions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final, TypedDict

from duban.extract import vocab
from duban.extract.model import Change, Comparator


class TargetWords(TypedDict):
    """data/target_words.json (its "_" keys explain each list)."""

    comparators: dict[Comparator, list[str]]
    touching_only: list[str]
    blocked_comparators: dict[str, str]
    changes: dict[Change, list[str]]
    change_default_cmp: Comparator
    right: dict[Comparator, list[str]]
    time_units: list[str]
    window_units: list[str]
    units: list[str]
    frequency_units: list[str]
    money_units: list[str]
    money_verbs: list[str]
    condition_before: list[str]
    output_scopes: list[str]
    approximate_before: list[str]
    approximate_after: list[str]
    rank_before: list[str]
    rank_units: list[str]
    blocked_before: list[str]
    creation_verbs: list[str]
    output_verbs: list[str]
    count_verbs: list[str]
    classifiers: list[str]
    count_fronting: list[str]
    fronted_verbs: list[str]
    body_nouns: list[str]
    agent_nouns: list[str]
    agent_actions: list[str]
    unit_words: list[str]
    aspect_nouns: list[str]
    measure_nouns: list[str]
    score_verbs: list[str]
    plan_year_objects: list[str]
    percent_predicates: list[str]
    object_verbs: list[str]
    rate_nouns: list[str]
    descriptive_markers: list[str]
    possession_markers: list[str]
    description_openers: list[str]
    vague_quantities: list[str]
    metric_strip_suffixes: list[str]
    not_all_words: list[str]
    ratio_nouns: list[str]
    each_words: list[str]
    all_words: list[str]
    list_separators: list[str]
    metric_strip_prefixes: list[str]
    range_marks: str


class Events(TypedDict):
    """data/events.json: named periods (十四五 → its last month) and events (青奥会 → 2014-08; an
    event held more than once lists each month)."""

    periods: dict[str, str]
    events: dict[str, str | list[str]]


WORDS: Final = vocab.load("target_words.json", TargetWords)
EVENTS: Final = vocab.load("events.json", Events)


def alt(ws: Iterable[str], *, reverse: bool = False) -> str:
    """A regex alternation of literal words, longest first (so "不低于" wins over "低于")."""
    ordered = sorted(set(ws), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w[::-1] if reverse else w) for w in ordered)


def word_re(ws: Iterable[str], *, reverse: bool = False) -> re.Pattern[str]:
    """A compiled alternation of literal words (reversed, to match backwards from a position)."""
    return re.compile(f"(?:{alt(ws, reverse=reverse)})")


def trie(ws: Iterable[str]) -> str:
    """A regex for a set of literal words as a trie, so that matching tests each character once
    instead of trying every word in turn: ["个", "个月", "人"] → "(?:个(?:月)?|人)"."""
    tree: dict[str, Any] = {}
    for w in ws:
        node = tree
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(c) + emit(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # longest match first: the optional continuation is tried before stopping here
        return f"(?:{body})?" if ends else body

    return "(?:" + emit(tree) + ")"


def heads(ws: Iterable[str]) -> str:
    """The first characters of `ws`, escaped for a character class (a cheap lookahead)."""
    return "".join(re.escape(c) for c in sorted({w[0] for w in ws}))


def ends_with(
    rev_regex: re.Pattern[str], s: str, end: int, start: int = 0, width: int = 8
) -> re.Match[str] | None:
    """A word of `rev_regex` (built on reversed words) ending exactly at s[end]."""
    lo = max(start, end - width)
    return rev_regex.match(s[lo:end][::-1])


# ---------------------------------------------------------------------------------------------
# Comparators and changes


def _left_words() -> dict[str, tuple[Comparator, Change | None]]:
    """Comparator and change words → (cmp, change): "不低于" → (">=", None), "下降" → (">=", "decrease")."""
    out: dict[str, tuple[Comparator, Change | None]] = {}
    for cmp, ws in WORDS["comparators"].items():
        for w in ws:
            out[w] = (cmp, None)
    for change, ws in WORDS["changes"].items():
        for w in ws:
            out.setdefault(w, (WORDS["change_default_cmp"], change))
    return out


LEFT_WORDS: Final = _left_words()
CHANGE_WORDS: Final[dict[str, Change]] = {w: c for c, ws in WORDS["changes"].items() for w in ws}
RIGHT_WORDS: Final[dict[str, Comparator]] = {w: c for c, ws in WORDS["right"].items() for w in ws}

# ---------------------------------------------------------------------------------------------
# Units

UNITS: Final = tuple(WORDS["units"])
TIME_UNITS: Final = frozenset(WORDS["time_units"])
WINDOW_UNITS: Final = frozenset(WORDS["window_units"])
FREQUENCY_UNITS: Final = frozenset(WORDS["frequency_units"])
MONEY_UNITS: Final = frozenset(WORDS["money_units"])
SHARE_UNITS: Final = frozenset({"%", "‰"})
RELATIVE_UNITS: Final = SHARE_UNITS | {"个百分点", "百分点", "倍"}

# ---------------------------------------------------------------------------------------------
# Characters

PUNCT: Final = "，,；;：:。！？!?\n"  # clause boundaries
SENTENCE_END: Final = "。！？!?\n"
OPENERS: Final = '“"「『《〈（(【[〔'
CLOSERS: Final = '”"」』》〉）)】]〕'
CN_NUM_CHARS: Final = "零〇一二两三四五六七八九十百千万亿"
CN_DIGIT_CHARS: Final = "零〇一二两三四五六七八九"


def unspaced(text: str) -> str:
    """`text` without whitespace (as printed in a cell: "2017年 底前" → "2017年底前")."""
    return "".join(text.split())  # (str.split knows the same whitespace as \s, and is faster)

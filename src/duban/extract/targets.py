"""Quantitative targets and completion dates in requirement text.

`find_targets` reads the numbers a task commits to, following ../shared/corpus/ANNOTATION.md:
"到2015年，调处成功率达95%以上" → Target(调处成功率, ">=", 95, "%", None, "2015").
`parse_deadline` reads a completion-date cell: "2019年11月底" → ("2019-11-30", "2019年11月底").
`year_of` gives the year of a deadline phrase: "“十二五”期间" → 2015.

The words (comparators, units, verbs) live in data/target_words.json and the named periods and
events in data/events.json; this module holds only the algorithm.  Every pattern is compiled
once, from named parts, with bounded repetition only.

How a number becomes a target.  Each number as printed (with its unit) is a *mention*.  Mentions
inside quotes or book titles, in ranges ("10-15分钟"), approximate ("左右", "约"), ordinal
("第", "前30%"), per-unit ("每公里"), or part of a year or date are dropped.  Mentions joined
only by "、/和/及" form a value list ("分别达90%、90%、80%以上").  A list is a target when:
  - a comparator stands before it ("达", "不低于", "下降" …, possibly across a short noun phrase:
    "不低于常住人口1‰"), or "以上/以下/以内" follows it — unless it only qualifies a noun
    ("服务对象300人以上的社区服务站", "节能率不低于15%的建筑"), which is allowed only after a
    verb of setting up ("建立100人以上的特警队") or as "的比例";
  - a share opens a clause ("90%的城市社区建立…", "全市80%以上区县达到…") or is followed by a
    predicate ("95%得到化解", "100%达标");
  - a counted quantity closes a clause after a verb ("累计扶持各类创业者5万人。"), or follows
    完成/新增/累计 ("完成94万平方米既有公共建筑节能改造");
  - a time limit is set with 内 ("24小时内得到基本救助" → "<=" 24 小时).
Frequencies ("每年1次") are targets only with a comparator ("至少一次").
"""

from __future__ import annotations

import calendar
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from itertools import pairwise
from typing import Any, Final

from duban.extract.model import Change, Comparator, Target
from duban.extract.numerals import cn2num, normalize_digits

__all__ = ["find_targets", "parse_deadline", "year_of"]


# ---------------------------------------------------------------------------------------------
# Vocabulary


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("duban.extract").joinpath("data", name).read_text(encoding="utf-8")
    )
    return data


_WORDS: Final = _load("target_words.json")
_EVENTS: Final = _load("events.json")


def _alt(words: Iterable[str], *, reverse: bool = False) -> str:
    """A regex alternation of literal words, longest first (so "不低于" wins over "低于")."""
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w[::-1] if reverse else w) for w in ws)


def _trie(words: Iterable[str]) -> str:
    """A regex for a set of literal words as a trie, so that matching tests each character once
    instead of trying every word in turn: ["个", "个月", "人"] → "(?:个(?:月)?|人)"."""
    tree: dict[str, Any] = {}
    for w in words:
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


def _heads(words: Iterable[str]) -> str:
    """The first characters of `words`, escaped for a character class (a cheap lookahead)."""
    return "".join(re.escape(c) for c in sorted({w[0] for w in words}))


def _word_list(key: str) -> tuple[str, ...]:
    return tuple(_WORDS[key])


def _left_words() -> dict[str, tuple[Comparator, Change | None]]:
    """Comparator and change words → (cmp, change): "不低于" → (">=", None), "下降" → (">=", "decrease")."""
    out: dict[str, tuple[Comparator, Change | None]] = {}
    for cmp, words in _WORDS["comparators"].items():
        for w in words:
            out[w] = (cmp, None)
    for change, words in _WORDS["changes"].items():
        for w in words:
            out.setdefault(w, (_WORDS["change_default_cmp"], change))
    return out


_LEFT_WORDS: Final = _left_words()
_CHANGE_WORDS: Final[dict[str, Change]] = {w: c for c, ws in _WORDS["changes"].items() for w in ws}
_TOUCHING_ONLY: Final = frozenset(_WORDS["touching_only"]) | frozenset(_CHANGE_WORDS)
_DA_BLOCKERS: Final = frozenset(_WORDS["da_blockers"])
_RIGHT_WORDS: Final[dict[str, Comparator]] = {w: c for c, ws in _WORDS["right"].items() for w in ws}
_TIME_UNITS: Final = frozenset(_WORDS["time_units"])
_WINDOW_UNITS: Final = frozenset(_WORDS["window_units"])
_FREQUENCY_UNITS: Final = frozenset(_WORDS["frequency_units"])
_MONEY_UNITS: Final = frozenset(_WORDS["money_units"])
_SHARE_UNITS: Final = frozenset({"%", "‰"})
_UNITS: Final = _word_list("units")

_PUNCT: Final = "，,；;：:。！？!?\n"  # clause boundaries
_SENTENCE_END: Final = "。！？!?\n"
_OPENERS: Final = '“"「『《〈（(【[〔'
_CLOSERS: Final = '”"」』》〉）)】]〕'

_CN_NUM_CHARS: Final = "零〇一二两三四五六七八九十百千万亿"
_CN_DIGIT_CHARS: Final = "零〇一二两三四五六七八九"

_ARABIC: Final = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CN: Final = rf"[{_CN_DIGIT_CHARS}十][{_CN_NUM_CHARS}]{{0,12}}(?:点[{_CN_DIGIT_CHARS}]{{1,6}})?"
_UNIT_ALT: Final = _trie(_UNITS)

# One number as printed, with its unit.  Chinese numerals count only with a unit, so that
# "统一", "一体化" and "十二五" never start a mention.
_MENTION: Final = re.compile(
    rf"(?P<frac>百分之|千分之)(?P<fnum>{_ARABIC}|[{_CN_NUM_CHARS}]{{1,12}}(?:点[{_CN_DIGIT_CHARS}]{{1,6}})?)"
    rf"|(?<![\d.A-Za-z])(?P<ar>{_ARABIC})(?P<mul>[万亿])?(?P<aunit>{_UNIT_ALT})?"
    rf"|(?P<cn>{_CN})(?P<cunit>{_UNIT_ALT})"
)
_QUICK: Final = re.compile(rf"[0-9０-９{_CN_DIGIT_CHARS}十]")

_LEFT_TOUCH_REV: Final = re.compile(rf"(?:{_alt(_LEFT_WORDS, reverse=True)})")
_GAP_WORDS: Final = [w for w in _LEFT_WORDS if w not in _TOUCHING_ONLY]
_LEFT_GAP_REV: Final = re.compile(
    rf"(?P<gap>[^\d{re.escape(_PUNCT + '、' + _OPENERS + _CLOSERS)}]{{1,12}}?)(?P<w>{_alt(_GAP_WORDS, reverse=True)})"
)
_CHANGE_REV: Final = re.compile(rf"(?:{_alt(_CHANGE_WORDS, reverse=True)})")
_EACH_REV: Final = re.compile(rf"(?:{_alt(_word_list('each_words'), reverse=True)})")
_ALL_REV: Final = re.compile(rf"(?:{_alt(_word_list('all_words'), reverse=True)})")
_CREATION_REV: Final = re.compile(rf"(?:{_alt(_word_list('creation_verbs'), reverse=True)})")
_OUTPUT_REV: Final = re.compile(
    rf"(?:{_alt(_word_list('output_scopes'), reverse=True)})?(?:{_alt(_word_list('output_verbs'), reverse=True)})"
)
_LIST_NUMBER: Final = re.compile(
    r"^(?:\d{1,3}[.、]|[（(]\d{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十]{1,3}[）)])"
)
_OBJECT_REV: Final = re.compile(rf"(?:{_alt(_word_list('object_verbs'), reverse=True)})")
_RATE_REV: Final = re.compile(rf"(?:{_alt(_word_list('rate_nouns'), reverse=True)})")
# "第3", "前30%", "每2年", "约48公里", "不足80%": ordinals, per-units, approximations, conditions
_DROP_BEFORE_REV: Final = re.compile(
    rf"(?:{_alt(_word_list('blocked_before') + _word_list('approximate_before') + _word_list('condition_before'), reverse=True)})"
)
_PER_REV: Final = re.compile(r"[^每，,；;：:。、]{1,3}每")  # "每公里5000元": a rate, not a quantity

_PAREN_SKIP: Final = re.compile(r"[（(][^（）()]{0,16}[）)]")
_RIGHT: Final = re.compile(
    rf"(?P<approx>{_alt(_word_list('approximate_after'))})"
    rf"|(?P<cmp>{_alt(_RIGHT_WORDS)})"
    r"|(?P<nei>内)"
)
_PREDICATE: Final = re.compile(rf"(?:{_alt(_word_list('percent_predicates'))})")
_DE_RATIO: Final = re.compile(rf"的(?:{_alt(_word_list('ratio_nouns'))})")
_SEPARATOR: Final = re.compile(rf"(?:{_alt(_word_list('list_separators'))})")
_DESCRIPTIVE: Final = re.compile(rf"(?:{_alt(_word_list('descriptive_markers'))})")
_MONEY_VERB: Final = re.compile(rf"(?:{_alt(_word_list('money_verbs'))})")
_STRIP_PREFIX: Final = re.compile(rf"^(?:{_alt(_word_list('metric_strip_prefixes'))})+")
# Words that end a subject but not a metric name: "…率分别", "…率均", "…率动态"; never the 均 of 年均.
_NOT_ALL_HEADS: Final = "".join(sorted({w[0] for w in _WORDS["not_all_words"]}))
_SUFFIX_WORDS: Final = (
    _word_list("each_words") + _word_list("all_words") + _word_list("metric_strip_suffixes")
)
_EACH_SUFFIX: Final = re.compile(rf"(?<![{_NOT_ALL_HEADS}])(?:{_alt(_SUFFIX_WORDS)})+$")
_VAGUE: Final = frozenset(_WORDS["vague_quantities"])
_RANK_BEFORE: Final = frozenset(_WORDS["rank_before"])
_RANK_UNITS: Final = frozenset(_WORDS["rank_units"])
_NOT_ALL: Final = frozenset(_WORDS["not_all_words"])
_RANGE_MARKS: Final = frozenset(_WORDS["range_marks"])

_QUOTED: Final = re.compile(
    r"“[^“”\n]{0,40}”|\"[^\"\n]{0,40}\"|「[^「」\n]{0,40}」|『[^『』\n]{0,40}』|《[^《》\n]{0,80}》"
)
_DATE_MASK: Final = re.compile(r"\d{1,2}月(?:\d{1,2}[日号])?|[〔\[]\d{4}[〕\]]\d*号?")
_WS: Final = re.compile(r"\s+")
_CLAUSE_MARK: Final = re.compile(f"[{re.escape(_PUNCT)}]")
_SENTENCE_MARK: Final = re.compile(f"[{re.escape(_SENTENCE_END)}]")

# ---------------------------------------------------------------------------------------------
# Deadline-year phrases: "到2015年", "2011年底前", "“十二五”期间", "青奥会前", "年内" (plan year)

_YEAR: Final = r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}"
_YEAR_PHRASE: Final = re.compile(
    rf"(?P<pre>截止到|截至|截止|力争到|到|至|于|在)?"
    rf"(?P<y>{_YEAR})(?:[-—–~～至到](?P<y2>{_YEAR}))?年"
    r"(?:(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:\d{1,2}日)?)?"
    r"(?P<suf>上半年|下半年|底|末|中|内)?(?P<before>前|以前|之前)?"
)
_TRAILING_YEAR: Final = re.compile(rf"(?:到|至|于|在)?(?:{_YEAR})年(?:底|末)?(?:前|以前|之前)?$")
_NOT_DEADLINE_BEFORE: Final = frozenset("比较自从与同距近前")
_NOT_DEADLINE_AFTER: Final = re.compile(
    r"^(?:起|以来|开始|基础|的基础|水平|同期|相比|比|[-—–~～至到](?:19|20)\d{2})"
)
_ATTRIBUTIVE_YEAR: Final = re.compile(r"^[^，,；;：:。、]{0,6}的")
_PLAN_YEAR_PHRASE: Final = re.compile(
    r"(?<![\d〇零一二两三四五六七八九十每近])(?P<w>今年|本年度|本年|当年|年内|年底前|年底|年末|明年)"
)


def _month_table(section: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, v in _EVENTS[section].items():
        out[name] = (v,) if isinstance(v, str) else tuple(v)
    return out


_PERIODS: Final = _month_table("periods")
_NAMED_EVENTS: Final = _month_table("events")
_PERIOD_PHRASE: Final = re.compile(
    rf"(?=[“\"「『{_heads(_PERIODS)}])[“\"「『]?(?P<name>{_alt(_PERIODS)})[”\"」』]?(?:期间|时期|期末|末)?"
)
_EVENT_PHRASE: Final = re.compile(
    rf"(?=[{_heads(_NAMED_EVENTS)}])(?P<name>{_alt(_NAMED_EVENTS)})[”\"」』]?(?:召开|举办|举行|开幕|开始)?(?:前夕|之前|以前|前|期间)"
)


def _pick(months: tuple[str, ...], plan_year: int | None) -> str:
    if plan_year is not None:
        for ym in months:
            if int(ym[:4]) >= plan_year:
                return ym
    return months[-1]


def _cn_or_int(s: str) -> int:
    v = cn2num(s)
    return int(v)


@dataclass(frozen=True, slots=True)
class _Phrase:
    start: int
    end: int
    year: int


def _year_phrases(s: str, plan_year: int | None) -> list[_Phrase]:
    """Every deadline-year phrase in `s`, in order of position."""
    out: list[_Phrase] = []
    for m in _YEAR_PHRASE.finditer(s):
        if m.group("pre") is None and m.start() > 0:
            prev = s[m.start() - 1]
            if prev in _NOT_DEADLINE_BEFORE or prev.isdigit():
                continue
        after = s[m.end() : m.end() + 6]
        if _NOT_DEADLINE_AFTER.match(after):
            continue
        try:
            year = _cn_or_int(m.group("y2") or m.group("y"))
        except ValueError:
            continue
        if m.group("before") and _ATTRIBUTIVE_YEAR.match(after):
            continue  # "2000年前建成的小区": which houses, not when
        if plan_year is not None and year < plan_year - 10:
            continue
        out.append(_Phrase(m.start(), m.end(), year))
    for m in _PERIOD_PHRASE.finditer(s):
        out.append(_Phrase(m.start(), m.end(), int(_pick(_PERIODS[m.group("name")], plan_year)[:4])))
    for m in _EVENT_PHRASE.finditer(s):
        out.append(_Phrase(m.start(), m.end(), int(_pick(_NAMED_EVENTS[m.group("name")], plan_year)[:4])))
    if plan_year is not None:
        for m in _PLAN_YEAR_PHRASE.finditer(s):
            out.append(_Phrase(m.start(), m.end(), plan_year + (1 if m.group("w") == "明年" else 0)))
    out.sort(key=lambda p: (p.start, -p.end))
    return out


def year_of(text: str, *, plan_year: int | None = None) -> int | None:
    """The year of the first deadline phrase in `text`: "到2015年" → 2015, "2011年底前" → 2011,
    "“十二五”期间" → 2015, "青奥会前" → 2014, "年内" → plan_year; None if there is none."""
    s = normalize_digits(_WS.sub("", text))
    phrases = _year_phrases(s, plan_year)
    return phrases[0].year if phrases else None


# ---------------------------------------------------------------------------------------------
# Mentions


@dataclass(slots=True)
class _Mention:
    start: int
    end: int  # after the unit
    value: float
    unit: str | None
    right_cmp: Comparator | None = None
    nei: bool = False  # "24小时内"
    right_end: int = 0  # after 以上/以下/内 and any parenthetical
    dropped: bool = False


def _mention(m: re.Match[str]) -> _Mention | None:
    try:
        if m.group("frac"):
            return _Mention(
                m.start(),
                m.end(),
                float(cn2num(m.group("fnum"))),
                "%" if m.group("frac") == "百分之" else "‰",
            )
        if m.group("ar"):
            unit = (m.group("mul") or "") + (m.group("aunit") or "")
            return _Mention(m.start(), m.end(), float(m.group("ar").replace(",", "")), unit or None)
        numeral, unit = m.group("cn"), m.group("cunit")
        if (
            len(numeral) > 1
            and numeral[-1] in "万亿"
            and "万" not in numeral[:-1]
            and "亿" not in numeral[:-1]
        ):
            return _Mention(m.start(), m.end(), float(cn2num(numeral[:-1])), numeral[-1] + unit)
        return _Mention(m.start(), m.end(), float(cn2num(numeral)), unit)
    except ValueError:
        return None


def _ends_with(
    rev_regex: re.Pattern[str], s: str, end: int, start: int = 0, width: int = 8
) -> re.Match[str] | None:
    """A word of `rev_regex` (built on reversed words) ending exactly at s[end]."""
    lo = max(start, end - width)
    return rev_regex.match(s[lo:end][::-1])


@dataclass(frozen=True, slots=True)
class _Left:
    start: int  # where the comparator word starts
    cmp: Comparator
    change: Change | None
    gap: int


def _left_comparator(s: str, pos: int, clause_start: int) -> _Left | None:
    """The nearest comparator before a number: touching it, or across a short noun phrase."""
    lo = max(clause_start, pos - 16)
    rev = s[lo:pos][::-1]
    m = _LEFT_TOUCH_REV.match(rev)
    gap = 0
    if m is not None:
        word = m.group(0)[::-1]
    else:
        g = _LEFT_GAP_REV.match(rev)
        if g is None:
            return None
        word = g.group("w")[::-1]
        gap = len(g.group("gap"))
    start = pos - gap - len(word)
    if word == "达" and start > 0 and s[start - 1] in _DA_BLOCKERS:
        return None  # 下达, 表达, 直达 …
    cmp, change = _LEFT_WORDS[word]
    if change is None:
        # "下降不低于10%", "比2020年下降到": a change verb right before the comparator.
        c = _ends_with(_CHANGE_REV, s, start, clause_start, 4)
        if c is not None and not word.endswith(("到", "至")):
            change = _CHANGE_WORDS[c.group(0)[::-1]]
    return _Left(start, cmp, change, gap)


def _scan_right(s: str, mt: _Mention) -> None:
    i = mt.end
    p = _PAREN_SKIP.match(s, i)
    if p is not None:
        i = p.end()
    r = _RIGHT.match(s, i)
    if r is not None:
        if r.group("approx"):
            mt.dropped = True
        elif r.group("cmp"):
            mt.right_cmp = _RIGHT_WORDS[r.group("cmp")]
            i = r.end()
        elif mt.unit in _TIME_UNITS:
            mt.right_cmp, mt.nei = "<=", True
            i = r.end()
        elif mt.unit in _WINDOW_UNITS:
            mt.dropped = True  # "5年内", "3个月内": a time window, not a target
        p = _PAREN_SKIP.match(s, i)
        if p is not None and r.group("cmp"):
            i = p.end()
    mt.right_end = i
    if mt.unit is None and r is None and i < len(s) and _is_cjk_word(s[i]) and not _SEPARATOR.match(s, i):
        mt.dropped = True  # "95分", "3级", "110非警务": a number with a unit we do not know


def _is_cjk_word(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" and c != "的"


class _Text:
    """One normalized text and its boundaries, for the mention and phrase analysis."""

    def __init__(self, s: str, plan_year: int | None) -> None:
        self.s = s
        self.plan_year = plan_year
        self.clause_marks = [m.start() for m in _CLAUSE_MARK.finditer(s)]
        self.sentence_marks = [m.start() for m in _SENTENCE_MARK.finditer(s)]
        self._protected: list[tuple[int, int]] | None = None
        self._pstarts: list[int] = []
        self._phrases: list[_Phrase] | None = None
        self._phrase_starts: list[int] | None = None

    @property
    def phrases(self) -> list[_Phrase]:
        if self._phrases is None:
            self._phrases = _year_phrases(self.s, self.plan_year)
        return self._phrases

    def clause_start(self, pos: int) -> int:
        k = bisect_right(self.clause_marks, pos - 1)
        return self.clause_marks[k - 1] + 1 if k else 0

    def clause_end(self, pos: int) -> int:
        k = bisect_right(self.clause_marks, pos - 1)
        return self.clause_marks[k] if k < len(self.clause_marks) else len(self.s)

    def sentence_start(self, pos: int) -> int:
        k = bisect_right(self.sentence_marks, pos - 1)
        return self.sentence_marks[k - 1] + 1 if k else 0

    def is_protected(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a quotation, a book title or a date."""
        if self._protected is None:
            spans = sorted(
                [m.span() for m in _QUOTED.finditer(self.s)] + [m.span() for m in _DATE_MASK.finditer(self.s)]
            )
            merged: list[tuple[int, int]] = []
            for a, b in spans:
                if merged and a < merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
                else:
                    merged.append((a, b))
            self._protected = merged
            self._pstarts = [a for a, _ in merged]
        protected = self._protected
        k = bisect_right(self._pstarts, start)
        if k and protected[k - 1][1] > start:
            return True
        return k < len(protected) and protected[k][0] < end

    def year_before(self, pos: int) -> int | None:
        """The year of the last deadline phrase before `pos` in the same sentence."""
        phrases = self.phrases
        if self._phrase_starts is None:
            self._phrase_starts = [p.start for p in phrases]
        lo = self.sentence_start(pos)
        for k in range(bisect_right(self._phrase_starts, pos - 1) - 1, -1, -1):
            p = phrases[k]
            if p.start < lo:
                break
            if p.end <= pos:
                return p.year
        return None


def _join_rates(s: str, ms: list[_Mention]) -> None:
    """ "10/10万" is one rate: value 10, unit "/10万"."""
    i = 0
    while i + 1 < len(ms):
        a, b = ms[i], ms[i + 1]
        if a.unit is None and b.start == a.end + 1 and s[a.end] == "/":
            a.unit, a.end = s[a.end : b.end], b.end
            del ms[i + 1]
        i += 1


def _drop_by_context(s: str, mt: _Mention) -> bool:
    """Whether the characters around a mention rule it out (before any clause analysis)."""
    start = mt.start
    prev = s[start - 1] if start else ""
    if prev and prev in "（(":
        return True  # "远香湖南（4.73平方公里）": a size given in passing
    if prev.isascii() and prev.isalpha():
        return True  # PM2.5, G20
    if mt.unit is None or mt.unit[-1] not in "%‰":
        nxt = s[mt.end : mt.end + 1]
        if nxt.isascii() and nxt.isalpha():
            return True  # 5G, 3A
    if mt.unit == "年" and mt.value >= 1000:
        return True  # a year
    if s[start : mt.end] in _VAGUE:
        return True  # 一批
    if prev in _RANK_BEFORE and mt.unit in _RANK_UNITS:
        return True  # "前30%", "前3名": a ranking
    return _DROP_BEFORE_REV.match(s[max(0, start - 3) : start][::-1]) is not None


def _mark_ranges(t: _Text, ms: list[_Mention]) -> None:
    s = t.s
    for a, b in pairwise(ms):
        between = s[a.end : b.start]
        if 1 <= len(between) <= 2 and all(c in _RANGE_MARKS for c in between):
            a.dropped = b.dropped = True  # "10-15分钟", "1000-5000人", "25—30公里"
        elif (
            between in ("，", ",")
            and a.start
            and s[a.start - 1] in "[（("
            and s[b.end : b.end + 1] in tuple("]）)")
        ):
            a.dropped = b.dropped = True  # "[95%，100%)": a score band
    for mt in ms:
        if (
            not mt.dropped
            and mt.start > 0
            and s[mt.start - 1] in _RANGE_MARKS
            and s[mt.start - 1] not in "至到"
        ):
            before = s[max(0, mt.start - 2) : mt.start - 1]
            if before.isdigit() or before in "%‰":
                mt.dropped = True


# ---------------------------------------------------------------------------------------------
# Targets


def _follow(s: str, i: int) -> str:
    """What comes right after a mention (and its 以上): 'end', 'de', 'ratio', 'pred' or 'noun'."""
    if i >= len(s):
        return "end"
    c = s[i]
    if c in _PUNCT or c in "、" or c in _CLOSERS:
        return "end"
    if c == "的":
        return "ratio" if _DE_RATIO.match(s, i) else "de"
    if _PREDICATE.match(s, i):
        return "pred"
    return "noun"


def _strip_metric(x: str) -> str:
    x = x.strip("，,；;：:、 ")
    m0 = _LIST_NUMBER.match(x)
    if m0 is not None:
        x = x[m0.end() :]
    for _ in range(3):
        before = x
        m = _YEAR_PHRASE.match(x)
        if m is not None:
            x = x[m.end() :]
        m2 = _PERIOD_PHRASE.match(x) or _EVENT_PHRASE.match(x)
        if m2 is not None:
            x = x[m2.end() :]
        x = _STRIP_PREFIX.sub("", x).lstrip("，,；;：:、 ")
        if x == before:
            break
    m = _TRAILING_YEAR.search(x)
    if m is not None:
        x = x[: m.start()]
    x = _EACH_SUFFIX.sub("", x)
    return x.rstrip("的，,、 ")


def _split_items(subject: str, n: int | None) -> list[str]:
    items = [p for p in subject.split("、") if p]
    if n is not None and len(items) != n:
        finer = [p for p in re.split(r"以及|和|及|与", subject) if p]
        finer = [q for p in finer for q in p.split("、") if q]
        if len(finer) == n:
            items = finer
    return items


def _subject_position(t: _Text, start: int, lo: int) -> bool:
    """A share opening its clause: "90%的城市社区…", "全市80%以上区县…" (not "落实75%的…")."""
    left = _strip_metric(t.s[lo:start])
    if not left:
        return True
    return _OBJECT_REV.match(left[::-1]) is None


def find_targets(text: str, *, plan_year: int | None = None) -> list[Target]:
    """Every quantitative target the requirement `text` commits to (see the module doc)."""
    if not text or _QUICK.search(text) is None:
        return []
    s = normalize_digits(_WS.sub("", text))
    raw = [mt for m in _MENTION.finditer(s) if (mt := _mention(m)) is not None]
    if not raw:
        return []
    _join_rates(s, raw)
    t = _Text(s, plan_year)
    for mt in raw:
        if _drop_by_context(s, mt) or t.is_protected(mt.start, mt.end):
            mt.dropped = True
        else:
            _scan_right(s, mt)
    _mark_ranges(t, raw)

    # value lists: mentions joined only by 、/和/及
    groups: list[list[_Mention]] = []
    for mt in raw:
        if mt.dropped:
            continue
        if groups:
            prev = groups[-1][-1]
            between = s[prev.right_end : mt.start]
            if between and _SEPARATOR.fullmatch(between) and (prev.unit == mt.unit or mt.unit is None):
                groups[-1].append(mt)
                continue
        groups.append([mt])

    out: list[Target] = []
    last_items: dict[int, list[str]] = {}  # sentence start → metrics of its last 分别 list
    prev_end_in_clause = 0
    for g in groups:
        first, last = g[0], g[-1]
        lo = t.clause_start(first.start)
        left_lo = max(lo, prev_end_in_clause)
        left = _left_comparator(s, first.start, left_lo)
        anchor = left.start if left is not None else first.start
        follow = _follow(s, last.right_end)
        unit = last.unit if last.unit is not None else first.unit
        group_cmp: Comparator | None = last.right_cmp or (left.cmp if left is not None else None)
        target = _decide(t, g, left, follow, unit, group_cmp, left_lo)
        if not target:
            continue
        prev_end_in_clause = last.right_end
        change = left.change if left is not None else None
        by = t.year_before(anchor)
        sent = t.sentence_start(first.start)
        metrics = _metrics(t, g, left, follow, left_lo, anchor, last_items.get(sent))
        if _ends_with(_EACH_REV, s, anchor, left_lo, 3) is not None and len(g) > 1:
            last_items[sent] = metrics
        if len(g) > 1 and len(metrics) == 1:
            metrics = metrics * len(g)
        values = g if len(metrics) == len(g) else [g[0]] * len(metrics)
        if not any(metrics):
            continue  # nothing measured: a band in a scoring table, not a commitment
        for metric, mt in zip(metrics, values, strict=True):
            cmp = mt.right_cmp or group_cmp or _default_cmp(left)
            out.append(
                Target(
                    metric=metric,
                    cmp=cmp,
                    value=mt.value,
                    unit=mt.unit if mt.unit is not None else (unit if len(g) > 1 else None),
                    change=change,
                    by=None if by is None else str(by),
                )
            )
    return out


def _metrics(
    t: _Text,
    g: list[_Mention],
    left: _Left | None,
    follow: str,
    left_lo: int,
    anchor: int,
    each_before: list[str] | None,
) -> list[str]:
    """Best-effort names of what is measured, one per target of the value list `g`."""
    s = t.s
    raw = s[left_lo:anchor]
    if left_lo > t.clause_start(g[0].start) and "、" in raw:
        raw = raw.split("、", 1)[1]  # what precedes is the tail of the previous target
    subject = _strip_metric(raw)
    if _ends_with(_EACH_REV, s, anchor, left_lo, 3) is not None:
        if len(g) > 1:
            items = _split_items(subject, len(g))
            return items if len(items) == len(g) else [subject] * len(g)
        if not subject and each_before:
            return list(each_before)  # "…分别达90%、90%、80%以上，到2015年分别达95%以上"
    if (
        _ALL_REV.match(s[max(left_lo, anchor - 3) : anchor][::-1])
        and s[anchor - 2 : anchor] not in _NOT_ALL
        and "、" in subject
    ):
        return _split_items(subject, None)
    gap = s[g[0].start - left.gap : g[0].start] if left is not None else ""
    tail = _tail(t, g[-1].right_end + (1 if follow in ("de", "ratio") else 0))
    if follow == "ratio":
        tail = ""  # "的比例组建网军队伍": the measure is the subject's
    share = g[-1].unit in _SHARE_UNITS
    if gap and share:
        # "派出所警力达到区级公安机关总警力40%以上" → 派出所警力占区级公安机关总警力
        name = (tail if follow in ("de", "ratio") and tail else subject) + "占" + gap
    elif follow == "de" and tail:
        name = tail if not subject or left is None else subject + tail  # "建立100人以上的特警队"
        if _CREATION_REV.match(subject[::-1]):
            name = tail
    elif follow in ("noun", "pred") and tail:
        # "进京访积案95%得到化解", "每个网格配备至少1名专(兼)职网格员"
        name = (subject if share else subject.rsplit("、", 1)[-1]) + gap + tail
    else:
        name = subject
    return [_strip_metric(name)] * len(g)


def _tail(t: _Text, start: int) -> str:
    """The noun phrase after a number, up to the clause end, the next number or 、."""
    s = t.s
    end = t.clause_end(start)
    m = _MENTION.search(s, start, end)
    if m is not None:
        end = m.start()
    k = s.find("、", start, end)
    if k >= 0:
        end = k
    return s[start:end]


def _default_cmp(left: _Left | None) -> Comparator:
    return left.cmp if left is not None else ">="


def _decide(
    t: _Text,
    g: list[_Mention],
    left: _Left | None,
    follow: str,
    unit: str | None,
    group_cmp: Comparator | None,
    lo: int,
) -> bool:
    """Whether a value list is a target (see the module doc)."""
    s = t.s
    first, last = g[0], g[-1]
    anchor = left.start if left is not None else first.start
    created = _ends_with(_CREATION_REV, s, anchor, lo, 4) is not None
    share = unit in _SHARE_UNITS
    if follow == "ratio":
        return True  # "按不低于在编人员1%的比例"
    if follow == "de":
        # "N以上的X": which X, unless X is being set up ("建立100人以上的特警队")
        return created or (share and left is None and _subject_position(t, first.start, lo))
    if last.nei:
        return True  # "24小时内"
    if group_cmp is not None:
        if left is None and follow == "noun":
            # "80%以上区县达到…" (a share of subjects) vs "百人以上企业" (which companies)
            return created or (share and _subject_position(t, first.start, lo))
        return True
    # no comparator at all
    if share:
        if follow == "pred":
            return True  # "95%得到化解", "100%达标"
        if follow == "noun":
            return _subject_position(t, first.start, lo)
        return _ends_with(_RATE_REV, s, first.start, lo, 3) is not None  # "覆盖率100%"
    if (
        unit is None
        or unit[0] == "/"
        or unit in _FREQUENCY_UNITS
        or unit in _WINDOW_UNITS
        or unit in _TIME_UNITS
    ):
        return False
    clause = s[lo : first.start]
    if _DESCRIPTIVE.search(clause):
        return False
    if (unit in _MONEY_UNITS or unit[-1] == "元") and not _MONEY_VERB.search(clause):
        return False  # "奖励15万元": a parameter, unless an amount to invest or complete
    if follow == "end":
        # "累计扶持各类创业者5万人。": a counted output closing its clause
        if _PER_REV.match(s[max(lo, first.start - 4) : first.start][::-1]):
            return False
        if s[last.end : last.end + 1] == "/":
            return False
        return bool(_strip_metric(clause))
    if follow == "noun":
        return _ends_with(_OUTPUT_REV, s, first.start, lo, 4) is not None  # "完成94万平方米…改造"
    return False


# ---------------------------------------------------------------------------------------------
# Completion dates (完成时限)

_Q_CHARS: Final = "1234一二三四"
_DATE: Final = re.compile(
    rf"(?:(?P<y>{_YEAR})(?:[-—–~～至到](?P<y2>{_YEAR}))?年|(?P<rel>今年|本年度|本年|当年|明年))?"
    r"(?:(?P<half>上半年|下半年)"
    rf"|前(?P<qn>[{_Q_CHARS}])个?季度"
    rf"|第?(?P<q>[{_Q_CHARS}])季度"
    r"|(?<![\d十])(?P<mo>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?"
    r"(?:(?P<d>3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
    r"|(?P<part>上旬|中旬|下旬|初|中|底|末))?"
    r"|(?P<yp>年底|年末|年内|年中|年初|底|末|中|初|内))?"
)
_NUMERIC_DATE: Final = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})(?:[-./](?P<d>\d{1,2}))?(?!\d)"
)
_PART_DAY: Final = {"上旬": 10, "初": 10, "中旬": 20, "中": 15}


def _end_of_month(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _date_of(m: re.Match[str], plan_year: int | None, context_year: int | None = None) -> date | None:
    y_text = m.group("y2") or m.group("y")
    rel = m.group("rel")
    kinds = [k for k in ("half", "qn", "q", "mo", "yp") if m.group(k)]
    if not y_text and not rel and not kinds:
        return None
    yp = m.group("yp")
    if yp and not y_text and not rel and len(yp) == 1:
        return None  # a bare "底"/"中" is not a date
    year: int | None
    if y_text:
        year = _cn_or_int(y_text)
    elif context_year is not None and rel is None:
        year = context_year  # "2022年1-3月": the 3月 is of 2022
    elif plan_year is not None:
        year = plan_year + (1 if rel == "明年" else 0)
    else:
        return None
    if m.group("half"):
        return _end_of_month(year, 6 if m.group("half") == "上半年" else 12)
    q = m.group("qn") or m.group("q")
    if q:
        return _end_of_month(year, 3 * _cn_or_int(q))
    if m.group("mo"):
        month = _cn_or_int(m.group("mo"))
        if not 1 <= month <= 12:
            return None
        if m.group("d"):
            day = _cn_or_int(m.group("d"))
            last = calendar.monthrange(year, month)[1]
            return date(year, month, day) if 1 <= day <= last else None
        part = m.group("part")
        if part in _PART_DAY:
            return date(year, month, _PART_DAY[part])
        return _end_of_month(year, month)
    if yp in ("年中", "中"):
        return date(year, 6, 30)
    if yp in ("年初", "初"):
        return date(year, 1, 31)
    return date(year, 12, 31)


def parse_deadline(text: str, *, plan_year: int | None = None) -> tuple[str | None, str]:
    """A completion-date cell → (ISO date of the end of the period named, or None; the printed
    words, whitespace removed).  "2019年11月底" → ("2019-11-30", …); "上半年" → plan_year-06-30;
    "一季度完成" → plan_year-03-31; "年内完成" → plan_year-12-31; "常态化实施" → (None, …).
    Where several dates are named ("2019年6月至2020年12月") the latest is taken."""
    printed = _WS.sub("", text or "")
    s = normalize_digits(printed)
    found: list[date] = []
    context_year: int | None = None
    year_only: int | None = None  # index in `found` of a bare "2022年", until a part of it follows
    for m in _DATE.finditer(s):
        if m.end() == m.start():
            continue
        try:
            d = _date_of(m, plan_year, context_year)
        except ValueError:
            d = None
        if d is None:
            continue
        explicit = bool(m.group("y"))
        parts = any(m.group(k) for k in ("half", "qn", "q", "mo", "yp"))
        if not explicit and parts and year_only is not None and context_year == d.year:
            found.pop(year_only)  # the year was only the head of "2022年1-3月"
        year_only = None
        if explicit:
            context_year = d.year
            if not parts and not m.group("y2"):
                year_only = len(found)
        found.append(d)
    best: date | None = max(found) if found else None
    for m in _NUMERIC_DATE.finditer(s):
        y, mo = int(m.group("y")), int(m.group("m"))
        if not 1 <= mo <= 12:
            continue
        if m.group("d"):
            day = int(m.group("d"))
            if not 1 <= day <= calendar.monthrange(y, mo)[1]:
                continue
            d = date(y, mo, day)
        else:
            d = _end_of_month(y, mo)
        if best is None or d > best:
            best = d
    if best is None:
        for em in (*_PERIOD_PHRASE.finditer(s), *_EVENT_PHRASE.finditer(s)):
            table = _PERIODS if em.group("name") in _PERIODS else _NAMED_EVENTS
            ym = _pick(table[em.group("name")], plan_year)
            d = _end_of_month(int(ym[:4]), int(ym[5:7]))
            if best is None or d > best:
                best = d
    return (best.isoformat() if best is not None else None), printed

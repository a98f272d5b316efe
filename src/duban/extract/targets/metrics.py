"""Names of what a target measures, best effort: "调处成功率", "派出所警力占区级公安机关总警力"."""

from __future__ import annotations

import re
from typing import Final

from duban.extract.targets.comparators import Left
from duban.extract.targets.mentions import MENTION, Mention
from duban.extract.targets.text import Text
from duban.extract.targets.vocabulary import SHARE_UNITS, WORDS, alt, ends_with, word_re
from duban.extract.targets.years import EVENT_PHRASE, PERIOD_PHRASE, TRAILING_YEAR, YEAR_PHRASE

EACH_REV: Final = word_re(WORDS["each_words"], reverse=True)
ALL_REV: Final = word_re(WORDS["all_words"], reverse=True)
CREATION_REV: Final = word_re(WORDS["creation_verbs"], reverse=True)
_LIST_NUMBER: Final = re.compile(
    r"^(?:\d{1,3}[.、]|[（(]\d{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十]{1,3}[）)])"
)
_STRIP_PREFIX: Final = re.compile(rf"^(?:{alt(WORDS['metric_strip_prefixes'])})+")
# Words that end a subject but not a metric name: "…率分别", "…率均", "…率动态"; never the 均 of 年均.
_NOT_ALL: Final = frozenset(WORDS["not_all_words"])
_NOT_ALL_HEADS: Final = "".join(sorted({w[0] for w in _NOT_ALL}))
_SUFFIX_WORDS: Final = WORDS["each_words"] + WORDS["all_words"] + WORDS["metric_strip_suffixes"]
_EACH_SUFFIX: Final = re.compile(rf"(?<![{_NOT_ALL_HEADS}])(?:{alt(_SUFFIX_WORDS)})+$")


def strip_metric(x: str) -> str:
    """A noun phrase without list numbers, years, 力争/确保 and trailing 分别/均."""
    x = x.strip("，,；;：:、 ")
    m0 = _LIST_NUMBER.match(x)
    if m0 is not None:
        x = x[m0.end() :]
    for _ in range(3):
        before = x
        m = YEAR_PHRASE.match(x)
        if m is not None:
            x = x[m.end() :]
        m2 = PERIOD_PHRASE.match(x) or EVENT_PHRASE.match(x)
        if m2 is not None:
            x = x[m2.end() :]
        x = _STRIP_PREFIX.sub("", x).lstrip("，,；;：:、 ")
        if x == before:
            break
    m = TRAILING_YEAR.search(x)
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


def respectively(s: str, anchor: int, lo: int) -> bool:
    """Whether 分别/各自 stands right before `anchor`."""
    return ends_with(EACH_REV, s, anchor, lo, 3) is not None


def metrics(
    t: Text,
    g: list[Mention],
    left: Left | None,
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
    subject = strip_metric(raw)
    if respectively(s, anchor, left_lo):
        if len(g) > 1:
            items = _split_items(subject, len(g))
            return items if len(items) == len(g) else [subject] * len(g)
        if not subject and each_before:
            return list(each_before)  # "…分别达90%、90%、80%以上，到2015年分别达95%以上"
    if (
        ALL_REV.match(s[max(left_lo, anchor - 3) : anchor][::-1])
        and s[anchor - 2 : anchor] not in _NOT_ALL
        and "、" in subject
    ):
        return _split_items(subject, None)
    gap = s[g[0].start - left.gap : g[0].start] if left is not None else ""
    tail = _tail(t, g[-1].right_end + (1 if follow in ("de", "ratio") else 0))
    if follow == "ratio":
        tail = ""  # "的比例组建网军队伍": the measure is the subject's
    share = g[-1].unit in SHARE_UNITS
    if gap and share:
        # "派出所警力达到区级公安机关总警力40%以上" → 派出所警力占区级公安机关总警力
        name = (tail if follow in ("de", "ratio") and tail else subject) + "占" + gap
    elif follow == "de" and tail:
        name = tail if not subject or left is None else subject + tail  # "建立100人以上的特警队"
        if CREATION_REV.match(subject[::-1]):
            name = tail
    elif follow in ("noun", "pred") and tail:
        # "进京访积案95%得到化解", "每个网格配备至少1名专(兼)职网格员"
        name = (subject if share else subject.rsplit("、", 1)[-1]) + gap + tail
    else:
        name = subject
    return [strip_metric(name)] * len(g)


def _tail(t: Text, start: int) -> str:
    """The noun phrase after a number, up to the clause end, the next number or 、."""
    s = t.s
    end = t.clause_end(start)
    for m in MENTION.finditer(s, start, end):
        if not t.is_protected(m.start(), m.end()):
            end = m.start()  # the next number, not one inside quotes ("新增6个“一件事”")
            break
    k = s.find("、", start, end)
    if k >= 0:
        end = k
    return s[start:end]

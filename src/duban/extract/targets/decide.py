"""Whether a value list (mentions joined by 、/和/及) is a target: the grammar of the clause."""

from __future__ import annotations

import re
from typing import Final

from duban.extract.model import Comparator
from duban.extract.targets.comparators import Left
from duban.extract.targets.mentions import Mention
from duban.extract.targets.metrics import CREATION_REV, strip_metric
from duban.extract.targets.text import Text
from duban.extract.targets.vocabulary import (
    CLOSERS,
    FREQUENCY_UNITS,
    MONEY_UNITS,
    PUNCT,
    SHARE_UNITS,
    TIME_UNITS,
    WINDOW_UNITS,
    WORDS,
    alt,
    ends_with,
    word_re,
)

_COUNT_VERB_REV: Final = re.compile(
    rf"(?:{alt(WORDS['output_scopes'], reverse=True)})(?:{alt(WORDS['output_verbs'], reverse=True)})"
    rf"|(?:{alt(WORDS['count_verbs'], reverse=True)})"
)
_COUNT_VERB: Final = word_re(WORDS["count_verbs"])
_FRONTING: Final = frozenset(WORDS["count_fronting"])
_FRONTED_VERB: Final = word_re(WORDS["fronted_verbs"])
_CLASSIFIERS: Final = frozenset(WORDS["classifiers"])
_AGENT: Final = re.compile(
    f"(?:{alt(WORDS['agent_nouns'])})(?:{alt(WORDS['agent_actions'])}|{alt(WORDS['count_verbs'])})"
)
_ASPECT: Final = word_re(WORDS["aspect_nouns"])
_BODY_END: Final = re.compile(f"(?:{alt(WORDS['body_nouns'])})$")
_MEASURED: Final = re.compile(f"[^的]{{0,12}}?(?:{alt(WORDS['measure_nouns'])})")
_OBJECT_REV: Final = word_re(WORDS["object_verbs"], reverse=True)
_RATE_REV: Final = word_re(WORDS["rate_nouns"], reverse=True)
_PER_REV: Final = re.compile(r"[^每，,；;：:。、]{1,3}每")  # "每公里5000元": a rate, not a quantity
_PREDICATE: Final = word_re(WORDS["percent_predicates"])
_DE_RATIO: Final = re.compile(f"的(?:{alt(WORDS['ratio_nouns'])})")
_DESCRIPTIVE: Final = word_re(WORDS["descriptive_markers"])
_DESCRIPTION_OPENER: Final = word_re(WORDS["description_openers"])
# not "本市有关规定", "全区有效…": 有 opening another word
_POSSESSION: Final = re.compile(f"(?:{alt(WORDS['possession_markers'])})(?![关效序力机所利限益偿])")
_MONEY_VERB: Final = word_re(WORDS["money_verbs"])
_ITEM_MARKS: Final = "，,、和及与"
_BREAKS: Final = re.compile(f"[{re.escape(PUNCT)}、\\d]")


def follow(s: str, i: int) -> str:
    """What comes right after a mention (and its 以上): 'end', 'de', 'ratio', 'pred' or 'noun'."""
    if i >= len(s):
        return "end"
    c = s[i]
    if c in PUNCT or c in "、" or c in CLOSERS:
        return "end"
    if c == "的":
        return "ratio" if _DE_RATIO.match(s, i) else "de"
    if _PREDICATE.match(s, i):
        return "pred"
    return "noun"


def _subject_position(t: Text, start: int, lo: int) -> bool:
    """A share opening its clause: "90%的城市社区…", "全市80%以上区县…" (not "落实75%的…")."""
    left = strip_metric(t.s[lo:start])
    if not left:
        return True
    return _OBJECT_REV.match(left[::-1]) is None


def _measured_subject(t: Text, mt: Mention, lo: int) -> bool:
    """Whether the number is the amount of the subject itself ("50平方公里以上建设用地面积达到…"),
    not a trait that picks out which subjects ("5万平方米以上商场", "300人以上企业")."""
    return (
        not strip_metric(t.s[lo : mt.start])
        and _MEASURED.match(t.s, mt.right_end, t.clause_end(mt.start)) is not None
    )


def describes_present(t: Text, pos: int) -> bool:
    """Whether the sentence says what is, not what is to be done: it opens with "目前", "近年来",
    or a place has what follows ("全区有高层建筑1421幢，轨道交通站点21个")."""
    start = t.sentence_start(pos)
    return (
        _DESCRIPTION_OPENER.match(t.s, start) is not None or _POSSESSION.search(t.s, start, pos) is not None
    )


def is_article(s: str, mt: Mention) -> bool:
    """A numeral one that is an article, not a count: "一个", "一所", "一片"."""
    return mt.chinese and mt.value == 1 and s[mt.start] == "一"


def counted_object(t: Text, mt: Mention) -> bool:
    """Whether a count can be what a task delivers: not "一个" (an article: "建设一个…基地"),
    not a number of bodies set up ("组建10个专项协调小组"), of aspects ("落实5个方面…") or of
    those who do the work ("推动全市16个区全面开展…")."""
    if is_article(t.s, mt):
        return False
    tail = t.s[mt.right_end : t.clause_end(mt.start)]
    if _ASPECT.match(tail):
        return False  # "落实5个方面重点任务": how the work is arranged
    if _AGENT.match(tail):
        return False  # "推动全市16个区全面开展…", "组织12个街镇开展…": who does the work
    return _BODY_END.search(tail.split("的", 1)[-1]) is None


def _governed_count(t: Text, mt: Mention, lo: int) -> bool:
    """A count committed by the verb before it: "实施7公里…改造", "推进144个项目", "完成全市…";
    through an example list ("完成中心医院等10个项目"); or fronted by 对/为 ("对8家公共机构开展
    能源审计")."""
    s = t.s
    if not counted_object(t, mt):
        return False
    if ends_with(_COUNT_VERB_REV, s, mt.start, lo, 6) is not None:
        return True
    before = s[lo : mt.start]
    if before[-1:] in _FRONTING:
        return _FRONTED_VERB.search(s, mt.right_end, t.clause_end(mt.start)) is not None
    verbs = list(_COUNT_VERB.finditer(before))
    if not verbs:
        return False
    # the objects named, then counted: "完成中心医院等10个项目", "建成A站、B站、C站3个站点"
    named = before[verbs[-1].end() :]
    if "的" in named or any(c.isdigit() for c in named):
        return False  # "落实…、遏制重特大事故的十五条措施": not a list of names
    return named.endswith("等") or "、" in named


def _counted_amount(t: Text, mt: Mention, unit: str | None, lo: int) -> bool:
    """A bound on how much of the verb's object: "开展4课时以上消防安全教育", "建设20个以上中心"
    (a unit that counts the noun), not "推动5万平方米以上商场复评" (which malls)."""
    return (
        unit in _CLASSIFIERS
        and counted_object(t, mt)
        and ends_with(_COUNT_VERB_REV, t.s, mt.start, lo, 6) is not None
    )


def decide(
    t: Text,
    g: list[Mention],
    left: Left | None,
    after: str,
    unit: str | None,
    group_cmp: Comparator | None,
    lo: int,
) -> bool:
    """Whether the value list `g` is a target (see the package doc); `after` is `follow(…)`."""
    s = t.s
    first, last = g[0], g[-1]
    anchor = left.start if left is not None else first.start
    if s[anchor - 1 : anchor] == "已" or describes_present(t, first.start):
        return False  # "目前注册用户数已突破715万": what is, not what is to be done
    created = ends_with(CREATION_REV, s, anchor, lo, 4) is not None
    share = unit in SHARE_UNITS
    if after == "ratio":
        return True  # "按不低于在编人员1%的比例"
    if after == "de":
        # "N以上的X": which X, unless X is being set up ("建立100人以上的特警队")
        return created or (share and left is None and _subject_position(t, first.start, lo))
    if last.nei:
        return True  # "24小时内"
    if group_cmp is not None:
        return _compared(t, g, left is None and after == "noun", unit, lo, created=created)
    # no comparator at all
    if first.aside:
        return False  # "共计9个（嘉定新城5个、其他区域4个）": a breakdown in brackets
    if share:
        return _bare_share(t, first, after, lo)
    return _bare_count(t, g, after, unit, lo)


def _compared(
    t: Text, g: list[Mention], before_noun: bool, unit: str | None, lo: int, *, created: bool
) -> bool:
    """A value with a comparator is a target, except a bound before a noun that says which
    things ("百人以上企业"), not how many or how much."""
    if not before_noun:
        return True
    first, last = g[0], g[-1]
    if unit in SHARE_UNITS:
        # "80%以上区县达到…" (a share of subjects) vs "百人以上企业" (which companies)
        return created or _subject_position(t, first.start, lo)
    return created or _measured_subject(t, last, lo) or _counted_amount(t, first, unit, lo)


def _bare_share(t: Text, first: Mention, after: str, lo: int) -> bool:
    """A share without a comparator: a target where it is reached ("95%得到化解"), or where it is
    of the subjects or a named rate ("覆盖率100%")."""
    if after == "pred":
        return True  # "95%得到化解", "100%达标"
    if after == "noun":
        return _subject_position(t, first.start, lo)
    return ends_with(_RATE_REV, t.s, first.start, lo, 3) is not None  # "覆盖率100%"


def _bare_count(t: Text, g: list[Mention], after: str, unit: str | None, lo: int) -> bool:
    """A count or amount without a comparator: a target where it is an output to deliver."""
    s = t.s
    first, last = g[0], g[-1]
    if (
        unit is None
        or unit[0] == "/"
        or unit in FREQUENCY_UNITS
        or unit in WINDOW_UNITS
        or unit in TIME_UNITS
    ):
        return False
    clause = s[lo : first.start]
    if _DESCRIPTIVE.search(clause):
        return False
    if (unit in MONEY_UNITS or unit[-1] == "元") and not _MONEY_VERB.search(clause):
        return False  # "奖励15万元": a parameter, unless an amount to invest or complete
    if is_article(s, first):
        return False
    if after == "end":
        # "累计扶持各类创业者5万人。": a counted output closing its clause
        if _PER_REV.match(s[max(lo, first.start - 4) : first.start][::-1]):
            return False
        if s[last.end : last.end + 1] == "/":
            return False
        return bool(strip_metric(clause))
    if after == "noun":
        return _governed_count(t, first, lo)
    return False


def _base_unit(unit: str | None) -> str | None:
    return unit[1:] if unit and unit[0] in "万亿" and len(unit) > 1 else unit


def continues(
    t: Text, between: str, prev_after: str, prev_unit: str | None, g: list[Mention], after: str
) -> bool:
    """Whether the value list `g` goes on with the list of the previous target, whose verb or
    comparator it shares: "完成1000公里管道改造，40万户立管改造" (each count before its noun),
    "不得低于县道每公里1万元，乡道每公里5000元" (each after its noun, in the same unit)."""
    first = g[0]
    unit = first.unit
    if unit is None or unit in SHARE_UNITS or unit in WINDOW_UNITS:
        return False
    if unit in FREQUENCY_UNITS and first.right_cmp is None:
        return False  # "…和1次以上逃生疏散演练" goes on; a bare "1次" is a frequency
    if first.aside or not counted_object(t, first) or not between or _DESCRIPTIVE.search(between):
        return False
    if describes_present(t, first.start):
        return False
    if after == "noun" and prev_after == "noun":
        # the count opens its item: "…改造，40万户…", "…小区、10个…", "…机构和3家…"
        return between[-1] in _ITEM_MARKS and not _BREAKS.search(between, 0, len(between) - 1)
    if after == "end" and prev_after == "end":
        # the count closes its item, parallel to the one before: "，乡道每年每公里5000元"
        return (
            between[0] in _ITEM_MARKS
            and not _BREAKS.search(between, 1)
            and _base_unit(unit) == _base_unit(prev_unit)
        )
    return False

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
    alt,
    ends_with,
    word_re,
    words,
)

_OUTPUT_REV: Final = re.compile(
    rf"(?:{alt(words('output_scopes'), reverse=True)})?(?:{alt(words('output_verbs'), reverse=True)})"
)
_OBJECT_REV: Final = word_re(words("object_verbs"), reverse=True)
_RATE_REV: Final = word_re(words("rate_nouns"), reverse=True)
_PER_REV: Final = re.compile(r"[^每，,；;：:。、]{1,3}每")  # "每公里5000元": a rate, not a quantity
_PREDICATE: Final = word_re(words("percent_predicates"))
_DE_RATIO: Final = re.compile(f"的(?:{alt(words('ratio_nouns'))})")
_DESCRIPTIVE: Final = word_re(words("descriptive_markers"))
_MONEY_VERB: Final = word_re(words("money_verbs"))


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
        if left is None and after == "noun":
            # "80%以上区县达到…" (a share of subjects) vs "百人以上企业" (which companies)
            return created or (share and _subject_position(t, first.start, lo))
        return True
    # no comparator at all
    if share:
        if after == "pred":
            return True  # "95%得到化解", "100%达标"
        if after == "noun":
            return _subject_position(t, first.start, lo)
        return ends_with(_RATE_REV, s, first.start, lo, 3) is not None  # "覆盖率100%"
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
    if after == "end":
        # "累计扶持各类创业者5万人。": a counted output closing its clause
        if _PER_REV.match(s[max(lo, first.start - 4) : first.start][::-1]):
            return False
        if s[last.end : last.end + 1] == "/":
            return False
        return bool(strip_metric(clause))
    if after == "noun":
        return ends_with(_OUTPUT_REV, s, first.start, lo, 4) is not None  # "完成94万平方米…改造"
    return False

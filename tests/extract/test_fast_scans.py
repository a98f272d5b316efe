"""The fast scans give what the plain regex scans give: same matches, same order."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from duban.extract.segment import find_marks
from duban.extract.targets import years

# Characters the year patterns care about, and some that they do not.
_ALPHABET = (
    "年内之以度底末前今本当明截止至到力争于在第每近后12090一二两三四五六七八九十〇-“”期间十四五规划，。的工作"
)
_texts = st.text(alphabet=_ALPHABET, max_size=60)


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_year_patterns_near_their_anchor_match_as_a_full_scan(s: str) -> None:
    for rx, back in (
        (years.YEAR_PHRASE, years._YEAR_BACK),
        (years._YEARS_WITHIN, 2),
        (years._PLAN_YEAR_PHRASE, 2),
    ):
        fast = [m.span() for m in years._near(rx, s, "年", back)]
        assert fast == [m.span() for m in rx.finditer(s)], (rx.pattern[:30], s)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_period_phrases_found_from_their_names_match_as_a_full_scan(s: str) -> None:
    fast = [m.span() for m in years._period_phrases(s)]
    assert fast == [m.span() for m in years.PERIOD_PHRASE.finditer(s)], s


def test_the_examples_read_as_before() -> None:
    s = "到2025年底前完成，“十四五”期间建成，3年内实现，年度目标：今年完成。"
    assert [(p.start, p.end, p.year) for p in years.year_phrases(s, 2023)] == [
        (0, 8, 2025),  # 到2025年底前
        (11, 18, 2025),  # “十四五”期间
        (21, 24, 2025),  # 3年内, opening its clause: the plan's year counts as the first
        (27, 29, 2023),  # 年度目标
        (32, 34, 2023),  # 今年
    ]


_MARK_TEXT = st.text(alphabet="一二三1２3、.．（）()。；： \t第章条项加强推进工作", max_size=80)


@settings(max_examples=300, deadline=None)
@given(_MARK_TEXT)
def test_marks_after_a_break_are_those_a_lookbehind_finds(s: str) -> None:
    """find_marks looks for a break then an opener; the break may be the end of a mark."""
    openers = "".join(sorted(set("一二三1２3（(第")))
    lookbehind = re.compile(f"(?<=[。；;！!？?）)：:\\s])[{re.escape(openers)}]")
    found = find_marks(s, anywhere=False)
    for c in found[1:] if found and found[0].start == 0 else found:
        assert lookbehind.match(s, c.start), (s, c)

"""One requirement text, normalized, with its clause and sentence boundaries, the spans where a
number is never a target (quotations, book titles, dates) and its deadline-year phrases."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from duban.extract.targets.mentions import MENTION
from duban.extract.targets.vocabulary import PUNCT, SENTENCE_END
from duban.extract.targets.years import Phrase, year_phrases

_QUOTED: Final = re.compile(
    r"“[^“”\n]{0,40}”|\"[^\"\n]{0,40}\"|「[^「」\n]{0,40}」|『[^『』\n]{0,40}』|《[^《》\n]{0,80}》"
)
_DATE_MASK: Final = re.compile(r"\d{1,2}月(?:\d{1,2}[日号])?|[〔\[]\d{4}[〕\]]\d*号?")
_CLAUSE_MARK: Final = re.compile(f"[{re.escape(PUNCT)}]")
_SENTENCE_MARK: Final = re.compile(f"[{re.escape(SENTENCE_END)}]")


class Text:
    """A normalized text `s` and the positions that bound its clauses and sentences."""

    def __init__(self, s: str, plan_year: int | None) -> None:
        self.s = s
        self.plan_year = plan_year
        self.clause_marks = [m.start() for m in _CLAUSE_MARK.finditer(s)]
        self.sentence_marks = [m.start() for m in _SENTENCE_MARK.finditer(s)]
        self._protected: list[tuple[int, int]] | None = None
        self._pstarts: list[int] = []
        self._phrases: list[Phrase] | None = None
        self._phrase_starts: list[int] = []

    @property
    def phrases(self) -> list[Phrase]:
        if self._phrases is None:
            self._phrases = year_phrases(self.s, self.plan_year)
            self._phrase_starts = [p.start for p in self._phrases]
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

    def sentence_end(self, pos: int) -> int:
        k = bisect_right(self.sentence_marks, pos - 1)
        return self.sentence_marks[k] if k < len(self.sentence_marks) else len(self.s)

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

    def year_after(self, pos: int) -> int | None:
        """The year of the first deadline phrase after `pos` in its sentence, not a bare year,
        either in the same clause ("完成25平方公里年度处置任务", a plan for 2026 → 2026) or in a
        later clause when no number follows ("新建绿道60公里，确保2025年底前全部建成")."""
        phrases = self.phrases
        clause_end, end = self.clause_end(pos), self.sentence_end(pos)
        for k in range(bisect_right(self._phrase_starts, pos - 1), len(phrases)):
            p = phrases[k]
            if p.start >= end:
                break
            if p.bare:
                continue
            if p.start < clause_end:
                return p.year
            if MENTION.search(self.s, self.clause_start(p.start), p.start) or MENTION.search(
                self.s, p.end, end
            ):
                return None  # "完成改造30个，到2026年达到50个": the year is the 50's
            return p.year
        return None

    def year_before(self, pos: int) -> int | None:
        """The year of the last deadline phrase before `pos` in the same sentence."""
        phrases = self.phrases
        lo = self.sentence_start(pos)
        for k in range(bisect_right(self._phrase_starts, pos - 1) - 1, -1, -1):
            p = phrases[k]
            if p.start < lo:
                break
            if p.end <= pos:
                return p.year
        return None

"""Quantitative targets and completion dates in requirement text.

`find_targets` reads the numbers a task commits to, following ../shared/corpus/ANNOTATION.md:
"到2015年，调处成功率达95%以上" → Target(调处成功率, ">=", 95, "%", None, "2015").
`parse_deadline` reads a completion-date cell: "2019年11月底" → ("2019-11-30", "2019年11月底").
`year_of` gives the year of a deadline phrase: "“十二五”期间" → 2015.

The words (comparators, units, verbs) live in data/target_words.json and the named periods and
events in data/events.json; the modules hold only the algorithm, every pattern compiled once
from named parts, with bounded repetition only:

  vocabulary   the word lists, and regex helpers over them
  years        deadline-year phrases ("到2015年", "“十二五”期间", "年内") and `year_of`
  text         one normalized text: clauses, sentences, protected spans, its years
  mentions     each number as printed, with its unit; those that cannot be targets dropped
  comparators  the comparator before a number ("达", "不低于…", "下降")
  decide       whether a value list is a target
  metrics      the name of what a target measures
  find         `find_targets`
  deadlines    `parse_deadline`

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

from duban.extract.targets.deadlines import parse_deadline
from duban.extract.targets.find import find_targets
from duban.extract.targets.years import year_of

__all__ = ["find_targets", "parse_deadline", "year_of"]

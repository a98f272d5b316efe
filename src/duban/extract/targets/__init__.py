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
  conditions   clauses that state a condition ("…超过2米…的，", "占比60%以上，加3分")
  decide       whether a value list is a target, and whether it goes on the list before it
  metrics      the name of what a target measures
  find         `find_targets`
  deadlines    `parse_deadline`

How a number becomes a target.  Each number as printed (with its unit) is a *mention*.  Mentions
inside quotes or book titles, in ranges ("10-15分钟"), approximate ("左右", "约"), ordinal
("第", "前30%"), per-unit ("每公里"), the period of a frequency ("15天完成1次"), or part of a
year or date are dropped.  Mentions joined only by "、/和/及" form a value list ("分别达90%、90%、
80%以上").  Nothing in a condition is a target: the case a rule applies to ("软管长度超过2米…
的，责令改正"), the condition of a scoring rule ("占比60%及以上，加3分"), nor in a sentence
that describes the present ("目前…", "已突破715万").  A list is a target when:
  - a comparator stands before it ("达", "不低于", "突破", "下降" …, possibly across a short noun
    phrase: "不低于常住人口1‰"), or "以上/以下/以内" follows it — unless it only qualifies a noun
    ("服务对象300人以上的社区服务站", "节能率不低于15%的建筑", "5万平方米以上商场"), which is
    allowed only after a verb of setting up ("建立100人以上的特警队"), as "的比例", where the unit
    measures the noun itself ("50平方公里以上建设用地面积达到…"), or where a verb's object is
    counted ("开展4课时以上消防安全教育");
  - a share opens a clause ("90%的城市社区建立…", "全市80%以上区县达到…") or is followed by a
    predicate ("95%得到化解", "100%达标");
  - a counted quantity closes a clause after a verb ("累计扶持各类创业者5万人。"), or is the
    object of a verb of delivery ("实施7公里…改造", "推进144个项目", "完成中心医院等10个项目",
    "建成A站、B站、C站3个站点", "对8家公共机构开展能源审计") — not "一个" (an article), not
    bodies or arrangements set up ("组建10个小组", "十五条措施"), not aspects ("5个方面"), not a
    breakdown in brackets, not what is described ("已", "共有", "全区有…");
  - it goes on the list of the target before it, sharing its verb or comparator: "完成1000公里
    管道改造，40万户立管改造", "不得低于县道每公里1万元，乡道每公里5000元";
  - a time limit is set with 内 ("24小时内得到基本救助" → "<=" 24 小时).
Frequencies ("每年1次") are targets only with a comparator ("至少一次").  Money is a target only
as an amount to invest or complete ("完成投资500亿元"), not a budget or an award ("安排资金…",
"给予15万元奖励").  `by` is the year of the last deadline phrase before the number in its
sentence ("5年内，…" opening a clause counts the plan's year as the first of five), else of one
after it in its clause ("完成25平方公里年度处置任务": the plan's year) or in a later clause when no
number follows ("…60公里，确保2025年底前全部建成").
"""

from __future__ import annotations

from duban.extract.targets.deadlines import parse_deadline
from duban.extract.targets.find import find_targets
from duban.extract.targets.years import year_of

__all__ = ["find_targets", "parse_deadline", "year_of"]

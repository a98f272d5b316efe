"""Compute an assessment: every assessed unit's score from the scheme and the data as of a date.

The arithmetic is duban.assessment.scoring's; the engine only gathers what it needs, in a fixed
number of bulk queries whatever the number of units and items; duban.assessment.storage stores
what comes out. The steps, a module each:

- specs: the scheme's items, read once;
- scorers: who scores what;
- facts: the data the items need, as of the date;
- lines: each item scored for every unit at once, and the negative list's lines;
- entries: what comes out, a line with its sources, and the register of what lines say;
- outcomes: the computation (compute), a unit's total, grade and rank.

Who scores what:
- LEAD: the units that report on the scheme's tasks (their leads, or where a task names no lead,
  its responsible units) are assessed, and score those items themselves; ALL: every unit named on
  a task is. A unit that is not a task's reporting unit shares its leads' points on it
  (partner_share × the scheme's coefficient; with several leads, their mean); with a coefficient
  of 0, or a task without a reporting unit, it gets no line for the task. A group ("各区县")
  stands for its members. Items without a task are scored by every assessed unit. A unit with no
  line is not assessed.
- DISTRICTS: every district (unit of kind district) named on the plan, or a member of a group
  named on it, scores every item itself; if the plan names none, every active district.

What counts, as of the assessment's date (the end of that day, local time):
- completion: a task report (not a partner's contribution) of a reporting period ending within
  the scheme's period, claiming 已完成, accepted by then: on time when submitted by the task's
  deadline, or without one by the period's due date; late earns the scheme's late fraction;
- indicator: the figure for the item's target in the latest such accepted report;
- a report accepted by then and corrected later still counts in the version accepted by then,
  and a report accepted after then does not count, so a closed assessment can be recomputed
  (after an appeal) without later edits creeping in;
- manual grades, checklists and incidents entered for this assessment.

Ranks and grades use one measure (Scheme.rank_by): by default the score on a 100-point scale, the
total as a share of the unit's maximum (a unit's maximum is the points of the items it scores,
partner items at the coefficient), so a unit answering for more items does not win on raw points;
or the raw total, the grade bands then in points (scoring.rank, outcomes.measure_of).
"""

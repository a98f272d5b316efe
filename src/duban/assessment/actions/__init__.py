"""Every assessment write: do_<verb>_<noun>(…, *, acting_user), atomic, audited in the same
transaction, one module per noun. Each checks who may do it and what the data allows before
writing anything, so a refused action (AssessmentError, with a message in Chinese) changes
nothing.

The life of an assessment: a scheme is made from a plan (DRAFT; schemes), its items and negative
list edited (items, negative_list), activated; an assessment is run as of a date (OPEN;
assessments) and run again after grades and incidents are entered (grades, incidents); it is
closed (定稿: its results no longer change with later reports), published (units see the
ranking), and may be reopened with a reason. A unit may appeal its result of a closed or
published assessment (appeals); while the appeal is open, the office may correct that unit's
grades and incidents, and accepting the appeal recomputes that unit's result (as of the same
date) and the ranks. Publishing, filing an appeal and deciding one tell those concerned
(duban.assessment.notices) once the transaction commits.

guards holds what the modules share: who may write, the checks of numbers and texts, and the
rules of when a scheme or an assessment's inputs may change.
"""

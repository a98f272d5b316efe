"""Plans' part of a unit merge (duban.units.actions.do_merge_units, which runs it inside its own
transaction and audit row). The directory sits below plans and cannot import it, so plans
registers this rule with duban.units.merge from PlansConfig.ready(); a module of its own so that
Django's start-up imports no more than the models.
"""

from __future__ import annotations

from duban.plans.models import Responsibility
from duban.units.merge import MergeRule
from duban.units.models import Unit


def _drop_duplicate_responsibilities(keep: Unit, gone: Unit) -> None:
    # The same task given to both entries with the same role is one responsibility, not two.
    held = set(Responsibility.objects.filter(unit=keep).values_list("task_id", "role"))
    twice = [
        pk
        for pk, task_id, role in Responsibility.objects.filter(unit=gone).values_list("pk", "task_id", "role")
        if (task_id, role) in held
    ]
    Responsibility.objects.filter(pk__in=twice).delete()


RESPONSIBILITIES = MergeRule(
    key="responsibilities",
    reference=f"{Responsibility._meta.label_lower}.unit",
    preview="{n} 项任务责任改由“{into}”承担",
    before_move=_drop_duplicate_responsibilities,
)

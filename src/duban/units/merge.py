"""What the apps above the directory need done when two units merge.

The directory is a leaf of the import graph: it cannot import the apps whose rows name a unit
(plans, tracking, assessment …). Most of them need nothing: do_merge_units repoints every foreign
key to Unit that the model registry lists, whatever app declared it. An app that needs more
registers a MergeRule from its AppConfig.ready(): rows that would become duplicates once they name
the same unit (dropped in `before_move`), and a count of its rows for the confirmation page and the
merge's audit row. So the dependency runs from that app down to units, as every other one does.

A registry rather than a signal: the merge page needs answers back (the count and its sentence),
in a fixed order, and a reader finds every rule through this one module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from duban.units.models import Unit


@dataclass(frozen=True)
class MergeRule:
    # The name of the count in the merge's audit row (after[key]), e.g. "responsibilities".
    key: str
    # The foreign key to Unit whose rows are counted, "app_label.model.field" (as _move_references
    # names what it moved), e.g. "plans.responsibility.unit".
    reference: str
    # The confirmation page's line, with {n} (rows of `gone` that move) and {into} (the unit kept).
    preview: str
    # Called as before_move(keep, gone) inside the merge's transaction, before references move.
    before_move: Callable[[Unit, Unit], None] | None = None

    def count(self, unit: Unit) -> int:
        """How many rows name `unit` through the rule's foreign key."""
        app_label, model_name, field = self.reference.split(".")
        model = apps.get_model(app_label, model_name)
        return int(model._base_manager.filter(**{field: unit.pk}).count())


_rules: list[MergeRule] = []


def register_merge_rule(rule: MergeRule) -> None:
    """Called from an AppConfig.ready(); registering the same rule twice keeps one."""
    if rule not in _rules:
        _rules.append(rule)


def merge_rules() -> tuple[MergeRule, ...]:
    return tuple(_rules)

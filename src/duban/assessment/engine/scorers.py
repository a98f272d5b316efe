"""Who scores what: the assessed units and, for each, the items it scores itself or as a
partner sharing its leads' points (the rules are in the engine package's docstring)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from duban.assessment.engine.specs import ItemSpec
from duban.assessment.models import Assessed, Assessment, Method, Result, Scheme, SchemeItem
from duban.plans.models import Responsibility, reporting_unit_ids
from duban.units.models import Kind, Unit

# An item a unit scores, with None: by itself, or the lead units whose points it shares.
Pair = tuple[ItemSpec, tuple[int, ...] | None]


@dataclass
class Scoring:
    """unit → [(item, None: scores it itself | the lead units whose points it shares)]."""

    units: dict[int, list[Pair]] = field(default_factory=dict)

    def leads_needed(self, unit_ids: Iterable[int]) -> set[int]:
        return {lead for u in unit_ids for _, leads in self.units.get(u, ()) if leads for lead in leads}


def _group_members(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each group among `unit_ids` → its active members (a group stands for them)."""
    groups = set(Unit.objects.filter(pk__in=set(unit_ids), kind=Kind.GROUP).values_list("pk", flat=True))
    members: dict[int, list[int]] = {g: [] for g in groups}
    through = Unit.members.through
    for group_id, member_id in through.objects.filter(
        from_unit_id__in=groups, to_unit__active=True
    ).values_list("from_unit_id", "to_unit_id"):
        members[group_id].append(member_id)
    return members


def who_scores(scheme: Scheme, items: Sequence[ItemSpec], plan_ids: set[int]) -> Scoring:
    if scheme.assessed == Assessed.DISTRICTS:
        return _districts(items, plan_ids)
    return _by_responsibility(scheme, items)


def _districts(items: Sequence[ItemSpec], plan_ids: set[int]) -> Scoring:
    """Every district named (or a member of a group named) on the plan scores every item; if the
    plan names none, every active district."""
    # Per district "is it named (or a member of a group named) on the plan": an index lookup
    # each, where collecting the plan's named units would read every responsibility.
    named = Responsibility.objects.filter(task__plan_id__in=plan_ids)
    districts = Unit.objects.filter(kind=Kind.DISTRICT, active=True)
    on_plan = Exists(named.filter(unit_id=OuterRef("pk"))) | Exists(
        named.filter(unit__members=OuterRef("pk"))
    )
    chosen = list(districts.filter(on_plan).values_list("pk", flat=True))
    chosen = chosen or list(districts.values_list("pk", flat=True))
    every: list[Pair] = [(item, None) for item in items]
    return Scoring(dict.fromkeys(chosen, every))  # one list for all: it is only read


def _by_responsibility(scheme: Scheme, items: Sequence[ItemSpec]) -> Scoring:
    """LEAD and ALL: each task's reporting units score its item, the other units named on it share
    their points (with a coefficient above 0); items without a task are everybody's."""
    task_ids = [i.task_id for i in items if i.task_id]
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = Responsibility.objects.filter(task_id__in=task_ids).values_list("task_id", "unit_id", "role")
    for task_id, unit_id, role in rows.order_by("task_id", "order"):
        roles[task_id].append((unit_id, role))
    members = _group_members(u for rs in roles.values() for u, _ in rs)

    def expand(ids: Iterable[int]) -> list[int]:
        return list(dict.fromkeys(m for u in ids for m in members.get(u, [u])))

    # With a coefficient of 0 partners earn nothing: they are not given partner lines at all.
    share = scheme.partner_coefficient > 0
    per_unit: dict[int, list[Pair]] = defaultdict(list)
    untasked: list[Pair] = []
    for item in items:  # in the scheme's order, so each unit's lines are too
        if item.task_id is None:
            untasked.append((item, None))
            continue
        task_roles = roles.get(item.task_id, [])
        reporting = reporting_unit_ids(task_roles)
        leads = tuple(expand(u for u, _ in task_roles if u in reporting))
        for unit_id in leads:
            per_unit[unit_id].append((item, None))
        if share and leads:  # without a reporting unit there are no points to share
            for unit_id in expand(u for u, _ in task_roles if u not in reporting):
                if unit_id not in leads:
                    per_unit[unit_id].append((item, leads))
    if scheme.assessed == Assessed.LEAD:
        assessed = [u for u, pairs in per_unit.items() if any(leads is None for _, leads in pairs)]
    else:
        assessed = list(per_unit)
    order = {item.id: n for n, item in enumerate(items)}
    out = Scoring()
    for unit_id in assessed:
        pairs = per_unit[unit_id] + untasked
        out.units[unit_id] = sorted(pairs, key=lambda p: order[p[0].id]) if untasked else pairs
    return out


def targets_wanted(who: Scoring, unit_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """unit → the targets of the indicator items it scores itself (a partner's share comes from
    its leads' figures, and the leads score those items themselves)."""
    per_list: dict[int, frozenset[int]] = {}  # units sharing a list of items share its targets
    out = {}
    for unit_id in unit_ids:
        pairs = who.units.get(unit_id)
        if pairs is None:
            continue
        targets = per_list.get(id(pairs))
        if targets is None:
            targets = per_list[id(pairs)] = frozenset(
                item.target_id
                for item, leads in pairs
                if leads is None and item.method == Method.INDICATOR and item.target_id
            )
        if targets:
            out[unit_id] = targets
    return out


def direct_scorers(scheme: Scheme, item: SchemeItem, assessment: Assessment) -> set[int]:
    """The assessed units that score `item` themselves (not as a partner's share)."""
    assessed = set(Result.objects.filter(assessment=assessment).values_list("unit_id", flat=True))
    if scheme.assessed == Assessed.DISTRICTS or item.task_id is None:
        return assessed
    roles = list(Responsibility.objects.filter(task_id=item.task_id).values_list("unit_id", "role"))
    reporting = reporting_unit_ids(roles)
    members = _group_members(reporting)
    return {m for u in reporting for m in members.get(u, [u])} & assessed

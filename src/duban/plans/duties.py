"""A unit's duties in the plans: the task counts on the unit list, one unit's responsibility list
(责任清单) and the workload matrix; read by the unit pages (duban.plans.unit_views), their exports
and the API, in one place so a page and its download agree. They are questions about plans asked
of the directory, so they live here: duban.units sits below plans and imports nothing of it.

Every function takes the viewing user and narrows to what that user may see through the access
helpers; none of them widens access. Query counts do not grow with the number of units, plans or
tasks: counts are aggregated in the database and related rows are prefetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet

from duban.accounts.models import User
from duban.extract.export import deadline_text
from duban.extract.model import Task as XTask
from duban.office.text import target_text
from duban.plans.access import visible_plans, visible_tasks
from duban.plans.models import Plan, Responsibility, Role, Section, Task
from duban.plans.serialize import section_path, task_to_x
from duban.units.access import visible_units
from duban.units.models import Kind, Unit
from duban.units.search import UnitSearch

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

OTHER_ROLES = (Role.RESPONSIBLE, Role.IMPLEMENTER)


class TaskCounts(TypedDict):
    """What `directory` counts for each unit."""

    n_lead: int
    n_partner: int
    n_other: int


# ---------------------------------------------------------------------------------------------
# The directory with counts


def current_plan_ids(user: User) -> QuerySet[Plan, Any]:
    # A subquery of primary keys: visible_plans() of a reporter joins tasks, and annotating over
    # that join would count a task once per responsibility.
    return visible_plans(user).filter(is_current=True).values("pk")


EVERY_UNIT = UnitSearch()  # an empty search box


def directory(user: User, search: UnitSearch = EVERY_UNIT) -> QuerySet[WithAnnotations[Unit, TaskCounts]]:
    """The units the user may see, each with how many tasks of the current plans the user may see
    it leads (n_lead), joins (n_partner) or answers for otherwise (n_other)."""
    in_scope = Q(responsibilities__task__plan_id__in=current_plan_ids(user))

    def count(*roles: str) -> Count:
        return Count(
            "responsibilities__task", filter=in_scope & Q(responsibilities__role__in=roles), distinct=True
        )

    return (
        search.apply(visible_units(user))
        .select_related("parent")
        .prefetch_related("aliases")
        .annotate(n_lead=count(Role.LEAD), n_partner=count(Role.PARTNER), n_other=count(*OTHER_ROLES))
        .order_by("name")
    )


# ---------------------------------------------------------------------------------------------
# One unit's responsibility list (责任清单)


@dataclass(frozen=True)
class Duty:
    """One task on a unit's list: its role there, and the group it holds it through, if any."""

    task: Task
    role: str
    via: Unit | None
    holder: str  # the name the task is given to: the unit itself, or the group
    x: XTask  # the task as the exports print it: unit names by role, rendered targets

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def targets(self) -> list[str]:
        return [target_text(t.metric, t.cmp, t.value, t.unit, t.change, t.by) for t in self.x.targets]

    @property
    def deadline(self) -> str:
        return deadline_text(self.x)

    @property
    def leads(self) -> str:
        return "、".join(self.x.lead or ())

    @property
    def partners(self) -> str:
        return "、".join(self.x.partners or ())

    @property
    def others(self) -> str:
        """Units other than this one, for the partner table: who leads, or who else answers."""
        if self.x.lead:
            return self.leads
        return "、".join(u for u in self.x.units if u != self.holder)


@dataclass(frozen=True)
class Duties:
    lead: list[Duty] = field(default_factory=list)
    other: list[Duty] = field(default_factory=list)
    # Tasks given to a group the unit belongs to ("各区县牵头"): the unit answers for them too.
    via_groups: list[Duty] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lead) + len(self.other) + len(self.via_groups)


def unit_duties(user: User, unit: Unit, groups: Sequence[Unit] = ()) -> Duties:
    """The unit's tasks in the current plans the user may see: those it leads, those it joins or
    answers for otherwise, and those given to one of `groups` (the groups it belongs to)."""
    by_group = {g.pk: g for g in groups}
    tasks = visible_tasks(user).filter(plan__is_current=True).values("pk")
    resps = (
        Responsibility.objects.filter(Q(unit=unit) | Q(unit_id__in=list(by_group)), task_id__in=tasks)
        .select_related("task__plan", "task__section__parent__parent")
        .prefetch_related(
            Prefetch("task__responsibilities", queryset=Responsibility.objects.select_related("unit")),
            "task__targets",
        )
        .order_by("-task__plan__created_at", "-task__plan_id", "task__order", "order")
    )
    duties = Duties()
    placed: set[int] = set()
    later: list[Responsibility] = []
    for r in resps:
        if r.unit_id != unit.pk:
            later.append(r)
        elif r.task_id not in placed:
            # A unit named twice on one task (牵头 and 配合) is listed once, under its lead role.
            own = [x for x in r.task.responsibilities.all() if x.unit_id == unit.pk]
            role = Role.LEAD if any(x.role == Role.LEAD for x in own) else own[0].role
            (duties.lead if role == Role.LEAD else duties.other).append(_duty(r.task, role, None, unit.name))
            placed.add(r.task_id)
    for r in later:
        if r.task_id not in placed:
            group = by_group[r.unit_id]
            duties.via_groups.append(_duty(r.task, r.role, group, group.name))
            placed.add(r.task_id)
    return duties


def _duty(task: Task, role: str, via: Unit | None, holder: str) -> Duty:
    return Duty(
        task=task,
        role=role,
        via=via,
        holder=holder,
        x=task_to_x(task, (task.plan.title, *section_path(task))),
    )


# ---------------------------------------------------------------------------------------------
# The workload matrix: units × plans, or units × one plan's top-level sections


def can_view_workload(user: User) -> bool:
    """The office and leaders compare units; a unit reporter sees only its own list."""
    return bool(user.is_authenticated and (user.is_admin or user.is_manager or user.is_leader))


@dataclass
class Cell:
    lead: int = 0
    partner: int = 0
    other: int = 0

    def add(self, lead: int, partner: int, other: int) -> None:
        self.lead += lead
        self.partner += partner
        self.other += other

    @property
    def total(self) -> int:
        return self.lead + self.partner + self.other

    def __str__(self) -> str:
        # Plans that print no lead/partner roles give every unit the plain 责任 role: say only that.
        parts = (
            [f"牵头 {self.lead}", f"配合 {self.partner}"]
            if self.lead or self.partner or not self.other
            else []
        )
        return " / ".join(parts + ([f"责任 {self.other}"] if self.other else []))


@dataclass(frozen=True)
class Column:
    key: int | None  # a plan, or a top-level section (None: tasks outside any section)
    title: str


@dataclass
class Row:
    unit_id: int
    name: str
    kind: str
    cells: list[Cell]
    total: Cell = field(default_factory=Cell)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


@dataclass
class Workload:
    plan: Plan | None
    columns: list[Column]
    rows: list[Row]


def workload(user: User, plan: Plan | None = None) -> Workload:
    """Counts of tasks by unit and column in one aggregate query (plus one for the columns).

    Only direct assignments are counted: a task given to "各区县" counts on the group's row.
    """
    resps = Responsibility.objects.all()
    if plan is None:
        plans = list(visible_plans(user).filter(is_current=True).only("pk", "title", "version"))
        columns = [Column(p.pk, p.title) for p in plans]
        key_of: dict[int | None, int | None] = {p.pk: p.pk for p in plans}
        resps = resps.filter(task__plan_id__in=[p.pk for p in plans])
        group_key = "task__plan_id"
    else:
        sections = list(Section.objects.filter(plan=plan).only("pk", "parent_id", "title", "order"))
        key_of = _top_sections(sections)
        columns = [Column(s.pk, s.title) for s in sections if s.parent_id is None]
        resps = resps.filter(task__plan=plan)
        group_key = "task__section_id"
    rows = (
        resps.values("unit_id", "unit__name", "unit__kind", group_key)
        .annotate(
            lead=Count("task_id", filter=Q(role=Role.LEAD), distinct=True),
            partner=Count("task_id", filter=Q(role=Role.PARTNER), distinct=True),
            other=Count("task_id", filter=Q(role__in=OTHER_ROLES), distinct=True),
        )
        .order_by()  # no default ordering: it would join the grouping
    )
    index = {c.key: i for i, c in enumerate(columns)}
    by_unit: dict[int, Row] = {}
    for r in rows:
        key = key_of.get(r[group_key])
        if key not in index:
            # Tasks outside any section get a column of their own, last.
            index[key] = len(columns)
            columns.append(Column(None, "（未分节）"))
            for existing in by_unit.values():
                existing.cells.append(Cell())
        row = by_unit.get(r["unit_id"])
        if row is None:
            row = by_unit[r["unit_id"]] = Row(
                r["unit_id"], r["unit__name"], r["unit__kind"], [Cell() for _ in columns]
            )
        row.cells[index[key]].add(r["lead"], r["partner"], r["other"])
        row.total.add(r["lead"], r["partner"], r["other"])
    ordered = sorted(by_unit.values(), key=lambda row: (-row.total.lead, -row.total.total, row.name))
    return Workload(plan=plan, columns=columns, rows=ordered)


def _top_sections(sections: Iterable[Section]) -> dict[int | None, int | None]:
    """Each section's top-level ancestor, walking parents in memory (sections nest at any depth)."""
    parent = {s.pk: s.parent_id for s in sections}
    top: dict[int | None, int | None] = {None: None}
    for pk in parent:
        cur = pk
        seen = {cur}
        while (up := parent.get(cur)) is not None and up not in seen:
            cur = up
            seen.add(cur)
        top[pk] = cur
    return top

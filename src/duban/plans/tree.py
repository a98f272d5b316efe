"""The plan page's task tree: sections as nested nodes holding their task rows, and the tree
flattened into the steps that render.py prints. Below both the views and the renderer, so the
arrows run views → render → tree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.urls import reverse

from duban.office.text import number_text
from duban.plans.models import Section, Task, reporting_unit_ids


@dataclass
class SectionNode:
    section: Section | None
    children: list[SectionNode] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    count: int = 0


@dataclass(frozen=True)
class TaskRow:
    task: Task
    targets: list[str]
    points: str
    # Precomputed so the page renders 300 tasks in one template loop (no include, no reverse()).
    url: str = ""
    units: tuple[tuple[str, str, str], ...] = ()  # (role, role label, unit name)
    reporters: tuple[str, ...] = ()  # who reports the task (models.reporting_unit_ids); () nobody


@dataclass(frozen=True)
class Line:
    """One step of the flattened tree: open a section, a task, or close a section."""

    kind: str
    node: SectionNode | None = None
    row: TaskRow | None = None


def flatten(nodes: Iterable[SectionNode]) -> list[Line]:
    out: list[Line] = []
    for n in nodes:
        if n.section is not None:
            out.append(Line("open", node=n))
        if n.tasks:
            out.append(Line("tasks"))
            out.extend(Line("task", row=r) for r in n.tasks)
            out.append(Line("end_tasks"))
        out.extend(flatten(n.children))
        if n.section is not None:
            out.append(Line("close"))
    return out


_TASK_URL: list[str] = []


def _task_url(pk: int) -> str:
    # reverse() once, then format: it is the slowest call per row on a 300-task page.
    if not _TASK_URL:
        _TASK_URL.append(reverse("plans:task", args=[0]).replace("/0/", "/{}/"))
    return _TASK_URL[0].format(pk)


def section_tree(sections: Sequence[Section], tasks: Iterable[Task]) -> list[SectionNode]:
    """Sections as nested nodes holding the given tasks; sections left without tasks are dropped."""
    nodes = {s.pk: SectionNode(s) for s in sections}
    loose = SectionNode(None)
    for t in tasks:
        node = nodes.get(t.section_id) if t.section_id else None
        resp = list(t.responsibilities.all())
        units = tuple((r.role, r.get_role_display(), r.unit.name) for r in resp)
        reporting = reporting_unit_ids((r.unit_id, r.role) for r in resp)
        reporters = tuple(dict.fromkeys(r.unit.name for r in resp if r.unit_id in reporting))
        (node or loose).tasks.append(
            TaskRow(
                t, [str(x) for x in t.targets.all()], number_text(t.points), _task_url(t.pk), units, reporters
            )
        )
    roots: list[SectionNode] = [loose]
    for s in sections:
        parent = nodes.get(s.parent_id) if s.parent_id else None
        (parent.children if parent else roots).append(nodes[s.pk])

    def prune(node: SectionNode) -> bool:
        node.children = [c for c in node.children if prune(c)]
        node.count = len(node.tasks) + sum(c.count for c in node.children)
        return node.count > 0

    return [n for n in roots if prune(n)]

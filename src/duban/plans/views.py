"""Plan pages: the plan list, a plan, its source document, a task, two versions compared, the
plan's settings. Reads go through access.py and the plan's selection of tasks through
queries.plan_tasks, writes through actions.py: these views only gather what a page shows.
The import pages are in import_views.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from duban.accounts.requests import signed_in
from duban.audit.record import events_for
from duban.office.text import number_text
from duban.params import as_id
from duban.plans.access import (
    access_managed_plan,
    access_plan,
    access_task,
    can_manage,
    visible_plans,
    visible_tasks,
)
from duban.plans.actions import do_save_plan_settings, do_set_parent_task
from duban.plans.diff import diff_plans
from duban.plans.forms import PlanSettingsForm, TaskFilterForm
from duban.plans.models import Plan, Responsibility, Task, reporting_unit_ids
from duban.plans.queries import PlanTasks, plan_tasks
from duban.plans.render import task_tree_html
from duban.plans.serialize import section_path
from duban.plans.tree import flatten, section_tree
from duban.plans.versions import related_plans
from duban.units.models import Unit

EXPORT_FORMATS = ("xlsx", "docx", "csv", "json")
LIST_EXPORT_FORMATS = ("xlsx", "csv", "json")  # the list has no docx export
FIELD_LABELS = {
    "title": "任务",
    "text": "目标要求",
    "points": "分值",
    "deadline": "完成时限",
    "targets": "量化目标",
}


# ─── plan list and plan page ──────────────────────────────────────────────────────────────────


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    # A subquery, not Count("tasks"): a unit reporter's visible_plans already joins tasks, and a
    # count over that join would count only the reporter's own tasks.
    counts = (
        Task.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    )
    plans = (
        visible_plans(signed_in(request))
        .filter(is_current=True)
        .select_related("parent")
        .annotate(task_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
    )
    return render(request, "plans/plan_list.html", {"plans": plans, "formats": LIST_EXPORT_FORMATS})


def _filter_units(selection: PlanTasks, tasks: list[Task]) -> Iterable[Unit]:
    """The units the plan page's unit filter offers: every unit of the plan the user sees."""
    if selection.filter.is_empty():
        # Unfiltered, the page already holds every unit of the plan: no second pass over it.
        seen = {r.unit_id: r.unit for t in tasks for r in t.responsibilities.all()}
        return sorted(seen.values(), key=lambda u: u.name)
    return (
        Unit.objects.filter(
            pk__in=Responsibility.objects.filter(task__in=selection.visible.values("pk")).values("unit_id")
        )
        .order_by("name")
        .only("pk", "name")
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = signed_in(request)
    plan = access_plan(user, plan_id)
    selection = plan_tasks(user, plan, request.GET)
    tasks = list(
        selection.tasks.select_related("section")
        .prefetch_related(
            # Only what the page prints: a 300-task plan fetches ~1,000 of these rows.
            Prefetch(
                "responsibilities",
                Responsibility.objects.select_related("unit").only("task_id", "role", "order", "unit__name"),
            ),
            "targets",
        )
        .order_by("order")
    )
    sections = list(plan.sections.all())
    units = _filter_units(selection, tasks)
    related = related_plans(user, plan)
    query = request.GET.urlencode()
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "total_points": number_text(plan.total_points),
            "source": plan.source,
            "versions": related.versions,
            "previous": related.previous,
            "children": related.children,
            "parent": related.parent,
            "tree": (tree := section_tree(sections, tasks)),
            "lines": (lines := flatten(tree)),
            "tree_html": task_tree_html(lines),
            "shown": len(tasks),
            # Tasks nobody is obliged to report (only partners, or no unit): flagged, never dropped.
            "nobody": sum(
                1
                for t in tasks
                if not reporting_unit_ids((r.unit_id, r.role) for r in t.responsibilities.all())
            ),
            "total": None if selection.filter.is_empty() else selection.visible.count(),
            "filter_form": TaskFilterForm(request.GET, units=units, sections=sections),
            "exports": [
                (f, f"/exports/plan/{plan.pk}.{f}" + (f"?{query}" if query else "")) for f in EXPORT_FORMATS
            ],
            "can_manage": can_manage(user, plan),
        },
    )


@login_required
def plan_source(request: HttpRequest, plan_id: int) -> FileResponse:
    plan = access_plan(signed_in(request), plan_id)
    source = plan.source
    if source is None or not source.file:
        raise Http404("原始文档不存在")
    try:
        handle = source.file.open("rb")
    except FileNotFoundError:
        raise Http404("原始文档不存在") from None
    # Always an attachment: an uploaded .html must never render in the platform's own origin.
    return FileResponse(handle, as_attachment=True, filename=source.name)


# ─── tasks ────────────────────────────────────────────────────────────────────────────────────


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    user = signed_in(request)
    task = access_task(user, task_id)
    visible = visible_tasks(user)
    history = (events_for(task) | events_for(task.plan)).order_by("-at", "-id")[:200]
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "path": section_path(task),
            "responsibilities": task.responsibilities.select_related("unit"),
            "targets": [str(x) for x in task.targets.all()],
            "points": number_text(task.points),
            "parent_task": (
                visible.filter(pk=task.parent_task_id).select_related("plan").first()
                if task.parent_task_id
                else None
            ),
            "child_tasks": visible.filter(parent_task=task).select_related("plan").order_by("plan", "order"),
            "other_versions": (
                visible.filter(plan__series=task.plan.series, number=task.number)
                .exclude(pk=task.pk)
                .select_related("plan")
                .order_by("plan__version")
            ),
            "history": history,
            "can_link": can_manage(user, task.plan) and task.plan.parent_id is not None,
            "parent_choices": (
                Task.objects.filter(plan_id=task.plan.parent_id)
                .order_by("order")
                .only("pk", "number", "title", "text")
                if task.plan.parent_id and can_manage(user, task.plan)
                else []
            ),
        },
    )


@login_required
def task_set_parent(request: HttpRequest, task_id: int) -> HttpResponse:
    user = signed_in(request)
    task = access_task(user, task_id)
    if not can_manage(user, task.plan):
        raise Http404("任务不存在或无权访问")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    parent_id = as_id(request.POST.get("parent_task", ""))
    parent = None
    if parent_id is not None and task.plan.parent_id is not None:
        parent = Task.objects.filter(pk=parent_id, plan_id=task.plan.parent_id).first()
        if parent is None:
            raise Http404("上级任务不存在")
    do_set_parent_task(task, parent, acting_user=user)
    messages.success(request, "已更新上级任务")
    return redirect("plans:task", task.pk)


# ─── versions compared ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ChangeRow:
    number: str
    task: Task | None
    fields: list[tuple[str, str, str]]  # label, before, after
    units_added: list[str]
    units_removed: list[str]


def _field_text(task: Task, name: str) -> str:
    if name == "targets":
        return "；".join(str(x) for x in task.targets.all())
    value = getattr(task, name)
    return "" if value is None else str(value)


@login_required
def plan_diff(request: HttpRequest, plan_id: int, other_id: int) -> HttpResponse:
    user = signed_in(request)
    plan, other = access_plan(user, plan_id), access_plan(user, other_id)
    if plan.series != other.series or plan.pk == other.pk:
        raise Http404("不是同一方案的两个版本")
    old, new = sorted((plan, other), key=lambda p: p.version)
    diff = diff_plans(old, new)
    numbers = [c.number for c in diff.changed]

    def by_number(p: Plan) -> dict[str, Task]:
        return {t.number: t for t in p.tasks.filter(number__in=numbers).prefetch_related("targets")}

    before, after = by_number(old), by_number(new)
    changed = [
        ChangeRow(
            c.number,
            after.get(c.number),
            [
                (FIELD_LABELS.get(f, f), _field_text(before[c.number], f), _field_text(after[c.number], f))
                for f in c.fields
            ],
            c.units_added,
            c.units_removed,
        )
        for c in diff.changed
    ]
    return render(
        request,
        "plans/plan_diff.html",
        {
            "plan": plan,
            "old": old,
            "new": new,
            "added": diff.added,
            "removed": diff.removed,
            "changed": changed,
        },
    )


# ─── settings ─────────────────────────────────────────────────────────────────────────────────


@login_required
def plan_settings(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = signed_in(request)
    plan = access_managed_plan(user, plan_id)
    form = PlanSettingsForm(request.POST if request.method == "POST" else None, plan=plan, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        do_save_plan_settings(
            plan,
            shared_with_all=data["shared_with_all"],
            parent=data["parent"],
            managers=data["managers"],
            acting_user=user,
        )
        messages.success(request, "方案设置已保存")
        # Who removed themselves from the managers can no longer open the plan.
        return redirect("plans:detail", plan.pk) if can_manage(user, plan) else redirect("plans:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_settings.html", {"plan": plan, "form": form}, status=status)

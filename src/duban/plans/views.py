"""Plan pages. Reads go through access.py, writes through actions.py, filtering through
queries.TaskFilter: these views only gather what a page shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from duban.accounts.models import User
from duban.audit.record import events_for
from duban.extract import Plan as ExtractedPlan
from duban.extract import Task as ExtractedTask
from duban.extract.explain import RULES
from duban.office.text import number_text, target_text
from duban.plans.access import (
    access_draft,
    access_managed_plan,
    access_plan,
    access_task,
    can_import,
    can_manage,
    visible_plans,
    visible_tasks,
)
from duban.plans.actions import (
    EDITABLE_FIELDS,
    ImportRejected,
    all_printed_units,
    check_upload,
    do_cancel_import,
    do_confirm_import,
    do_edit_draft,
    do_set_parent_task,
    do_set_plan_managers,
    do_update_plan,
    do_upload_document,
    draft_parts,
)
from duban.plans.diff import diff_plans
from duban.plans.forms import DraftCellForm, PlanSettingsForm, TaskFilterForm, UnitChoices, UploadForm
from duban.plans.load import roles_of
from duban.plans.models import ImportDraft, ImportStatus, Plan, Responsibility, Role, Section, Target, Task
from duban.plans.queries import TaskFilter
from duban.plans.render import task_tree_html
from duban.plans.serialize import section_path
from duban.units.matching import Matcher
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
_ROLE_LABELS = dict(Role.choices)


def _user(request: HttpRequest) -> User:
    # Every view here is behind login_required.
    return cast(User, request.user)


def target_label(t: Target) -> str:
    return target_text(t.metric, t.cmp, t.value, t.unit, t.change, t.by_year)


# ─── plan list and plan page ──────────────────────────────────────────────────────────────────


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    # A subquery, not Count("tasks"): a unit reporter's visible_plans already joins tasks, and a
    # count over that join would count only the reporter's own tasks.
    counts = (
        Task.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    )
    plans = (
        visible_plans(_user(request))
        .filter(is_current=True)
        .select_related("parent")
        .annotate(task_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
    )
    return render(request, "plans/plan_list.html", {"plans": plans, "formats": LIST_EXPORT_FORMATS})


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
        units = tuple((r.role, r.get_role_display(), r.unit.name) for r in t.responsibilities.all())
        (node or loose).tasks.append(
            TaskRow(
                t, [target_label(x) for x in t.targets.all()], number_text(t.points), _task_url(t.pk), units
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


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = access_plan(user, plan_id)
    base = visible_tasks(user).filter(plan=plan)
    flt = TaskFilter.from_params(request.GET)
    tasks = list(
        flt.apply(base)
        .select_related("section")
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
    units: Iterable[Unit]
    if flt.is_empty():
        # Unfiltered, the page already holds every unit of the plan: no second pass over it.
        seen = {r.unit_id: r.unit for t in tasks for r in t.responsibilities.all()}
        units = sorted(seen.values(), key=lambda u: u.name)
    else:
        units = (
            Unit.objects.filter(
                pk__in=Responsibility.objects.filter(task__in=base.values("pk")).values("unit_id")
            )
            .order_by("name")
            .only("pk", "name")
        )
    # Versions of the series, lists bundled with this plan, and its parent: one query.
    related = list(
        visible_plans(user)
        .filter(Q(series=plan.series) | Q(parent=plan) | Q(pk=plan.parent_id))
        .order_by("version", "title")
    )
    query = request.GET.urlencode()
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "total_points": number_text(plan.total_points),
            "source": plan.source,
            "versions": [p for p in related if p.series == plan.series],
            "previous": max(
                (p for p in related if p.series == plan.series and p.version < plan.version),
                key=lambda p: p.version,
                default=None,
            ),
            "children": [p for p in related if p.parent_id == plan.pk and p.series != plan.series],
            "parent": next((p for p in related if p.pk == plan.parent_id), None),
            "tree": (tree := section_tree(sections, tasks)),
            "lines": (lines := flatten(tree)),
            "tree_html": task_tree_html(lines),
            "shown": len(tasks),
            "total": None if flt.is_empty() else base.count(),
            "filter_form": TaskFilterForm(request.GET, units=units, sections=sections),
            "exports": [
                (f, f"/exports/plan/{plan.pk}.{f}" + (f"?{query}" if query else "")) for f in EXPORT_FORMATS
            ],
            "can_manage": can_manage(user, plan),
        },
    )


@login_required
def plan_source(request: HttpRequest, plan_id: int) -> FileResponse:
    plan = access_plan(_user(request), plan_id)
    source = plan.source
    if source is None or not source.file:
        raise Http404("原始文档不存在")
    try:
        handle = source.file.open("rb")
    except FileNotFoundError:
        raise Http404("原始文档不存在") from None
    # Always an attachment: an uploaded .html must never render in the platform's own origin.
    return FileResponse(handle, as_attachment=True, filename=source.name)


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
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
            "targets": [target_label(x) for x in task.targets.all()],
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
    user = _user(request)
    task = access_task(user, task_id)
    if not can_manage(user, task.plan):
        raise Http404("任务不存在或无权访问")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw = request.POST.get("parent_task", "")
    parent = None
    if raw.isdigit() and task.plan.parent_id is not None:
        parent = Task.objects.filter(pk=int(raw), plan_id=task.plan.parent_id).first()
        if parent is None:
            raise Http404("上级任务不存在")
    do_set_parent_task(task, parent, acting_user=user)
    messages.success(request, "已更新上级任务")
    return redirect("plans:task", task.pk)


@dataclass(frozen=True)
class ChangeRow:
    number: str
    task: Task | None
    fields: list[tuple[str, str, str]]  # label, before, after
    units_added: list[str]
    units_removed: list[str]


def _field_text(task: Task, name: str) -> str:
    if name == "targets":
        return "；".join(target_label(x) for x in task.targets.all())
    value = getattr(task, name)
    return "" if value is None else str(value)


@login_required
def plan_diff(request: HttpRequest, plan_id: int, other_id: int) -> HttpResponse:
    user = _user(request)
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


@login_required
def plan_settings(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = access_managed_plan(user, plan_id)
    form = PlanSettingsForm(request.POST if request.method == "POST" else None, plan=plan, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent: Plan | None = data["parent"]
        changes: dict[str, Any] = {}
        if data["shared_with_all"] != plan.shared_with_all:
            changes["shared_with_all"] = data["shared_with_all"]
        if (parent.pk if parent else None) != plan.parent_id:
            changes["parent_id"] = parent.pk if parent else None
        managers = sorted(u.pk for u in data["managers"])
        with transaction.atomic():
            if changes:
                do_update_plan(plan, acting_user=user, **changes)
            if managers != sorted(plan.managers.values_list("pk", flat=True)):
                do_set_plan_managers(plan, managers, acting_user=user)
        messages.success(request, "方案设置已保存")
        # Who removed themselves from the managers can no longer open the plan.
        return redirect("plans:detail", plan.pk) if can_manage(user, plan) else redirect("plans:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_settings.html", {"plan": plan, "form": form}, status=status)


# ─── import ───────────────────────────────────────────────────────────────────────────────────


def _require_import(user: User) -> None:
    if not can_import(user):
        raise Http404("页面不存在")


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_import(user)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Size and type first, so a huge upload is never read into memory.
            check_upload(upload.name or "", upload.size or 0)
            draft = do_upload_document(
                upload.name or "", upload.read(), revises=form.cleaned_data["revises"], acting_user=user
            )
        except ImportRejected as exc:
            error = str(exc)
        else:
            return redirect("plans:import_preview", draft.pk)
    pending = ImportDraft.objects.filter(created_by=user, status=ImportStatus.PENDING).select_related(
        "source"
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "plans/import.html", {"form": form, "error": error, "pending": pending}, status=status
    )


@dataclass(frozen=True)
class DraftRow:
    index: int
    task: Mapping[str, Any]
    roles: list[tuple[str, str, str]]  # printed unit, role, role label
    targets: list[str]
    form: DraftCellForm
    uncertain: bool = False  # recognized by a form that deserves a second look, or without a unit
    how: str = ""  # the rule that made it, in words


@dataclass(frozen=True)
class DraftPart:
    index: int
    data: Mapping[str, Any]
    rows: list[DraftRow]
    summary: str = ""

    @property
    def uncertain(self) -> list[DraftRow]:
        """The rows the clerk checks first."""
        return [r for r in self.rows if r.uncertain]


def _draft_parts(draft: ImportDraft) -> list[DraftPart]:
    out = []
    for p, data in enumerate(draft_parts(draft.plan_json)):
        rows = []
        for i, t in enumerate(data.get("tasks") or []):
            initial = {"part": p, "index": i, **{f: t.get(f) or "" for f in EDITABLE_FIELDS}}
            task = ExtractedTask.from_dict(t)
            rows.append(
                DraftRow(
                    i,
                    t,
                    [(u, r, _ROLE_LABELS.get(r, r)) for u, r in roles_of(t)],
                    [
                        target_text(
                            x.get("metric") or "",
                            x["cmp"],
                            x["value"],
                            x.get("unit"),
                            x.get("change"),
                            x.get("by"),
                        )
                        for x in t.get("targets") or []
                    ],
                    DraftCellForm(initial=initial, auto_id=f"id_{p}_{i}_%s"),
                    uncertain=task.uncertain,
                    how=RULES.get(task.rule or "", ""),
                )
            )
        summary = ExtractedPlan.from_dict({**data, "parts": []}).summary
        out.append(DraftPart(p, data, rows, summary))
    return out


def _unit_choices(draft: ImportDraft) -> UnitChoices:
    printed = all_printed_units(draft.plan_json)
    matcher = Matcher()
    return UnitChoices(printed, {p: matcher.match(p) for p in printed})


def _render_preview(
    request: HttpRequest,
    draft: ImportDraft,
    *,
    status: int = 200,
    errors: Sequence[str] = (),
    posted: Mapping[str, str] | None = None,
) -> HttpResponse:
    choices = _unit_choices(draft)
    rows = choices.posted_rows(posted) if posted is not None else choices.initial_rows()
    counts = {how: sum(1 for r in rows if r.match.how == how) for how in ("exact", "alias", "near", "new")}
    next_version = None
    if draft.revises is not None:
        next_version = (
            Plan.objects.filter(series=draft.revises.series)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
    return render(
        request,
        "plans/import_preview.html",
        {
            "draft": draft,
            "parts": _draft_parts(draft),
            "unit_rows": rows,
            "counts": counts,
            "errors": errors,
            "next_version": next_version,
        },
        status=status,
    )


def _pending_draft(request: HttpRequest, draft_id: int) -> ImportDraft:
    draft = access_draft(_user(request), draft_id)
    if draft.status == ImportStatus.CANCELLED:
        raise Http404("该导入已取消")
    return draft


@login_required
def import_preview(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _pending_draft(request, draft_id)
    if draft.status == ImportStatus.CONFIRMED:
        if draft.result_id is None:
            raise Http404("导入的方案已删除")
        return redirect("plans:detail", draft.result_id)
    return _render_preview(request, draft)


@login_required
def import_edit(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _pending_draft(request, draft_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DraftCellForm(request.POST)
    if not form.is_valid():
        errors = [
            f"{form.fields[k].label if k in form.fields else ''}：{'；'.join(str(e) for e in v)}"
            for k, v in form.errors.items()
        ]
        return _render_preview(request, draft, status=400, errors=errors)
    part, index = form.cleaned_data["part"], form.cleaned_data["index"]
    parts = draft_parts(draft.plan_json)
    tasks = (parts[part].get("tasks") or []) if part < len(parts) else []
    current = tasks[index] if index < len(tasks) else {}
    # Only the cells that changed are written (and audited); a row that does not exist is
    # left for do_edit_draft to reject.
    changed = [n for n in EDITABLE_FIELDS if not current or form.cleaned_data[n] != (current.get(n) or "")]
    try:
        with transaction.atomic():
            for name in changed:
                do_edit_draft(
                    draft, index, name, form.cleaned_data[name], part=part, acting_user=_user(request)
                )
    except ImportRejected as exc:
        draft.refresh_from_db()
        return _render_preview(request, draft, status=400, errors=[str(exc)])
    messages.success(request, f"已修改第 {index + 1} 行")
    return redirect(reverse("plans:import_preview", args=[draft.pk]) + f"#row-{part}-{index}")


@login_required
def import_confirm(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _pending_draft(request, draft_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    choices = _unit_choices(draft)
    posted = {k: v for k, v in request.POST.items() if isinstance(v, str)}
    cleaned = choices.clean(posted)
    if cleaned is None:
        return _render_preview(request, draft, status=400, errors=choices.errors, posted=posted)
    try:
        plan = do_confirm_import(draft, cleaned, acting_user=_user(request))
    except ImportRejected as exc:
        return _render_preview(request, draft, status=400, errors=[str(exc)], posted=posted)
    messages.success(request, f"已导入《{plan.title}》（第 {plan.version} 版，{plan.tasks.count()} 项任务）")
    return redirect("plans:detail", plan.pk)


@login_required
def import_cancel(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _pending_draft(request, draft_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        do_cancel_import(draft, acting_user=_user(request))
    except ImportRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"已取消导入 {draft.source.name}")
    return redirect("plans:import")

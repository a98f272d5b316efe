"""The import pages: upload a document, see what was read (the least sure rows first), correct a
row, match the printed units to the directory, confirm or cancel. Only administrators and plan
managers may import; to anyone else these pages do not exist (404). Writes are the actions the API
calls as well (duban.api.imports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.extract import Plan as ExtractedPlan
from duban.extract import Task as ExtractedTask
from duban.extract.explain import RULES
from duban.office.text import target_text
from duban.plans.access import access_draft, can_import, managed_plans
from duban.plans.actions import (
    EDITABLE_FIELDS,
    ImportRejected,
    all_printed_units,
    do_cancel_import,
    do_confirm_import,
    do_edit_draft_row,
    do_revise_with_draft,
    do_upload_file,
    draft_parts,
)
from duban.plans.duplicates import copies_of
from duban.plans.forms import DraftCellForm, UnitChoices, UploadForm
from duban.plans.load import roles_of
from duban.plans.models import ImportDraft, ImportStatus, Role
from duban.plans.versions import next_version
from duban.units.matching import Matcher

_ROLE_LABELS = dict(Role.choices)


def _require_import(user: User) -> None:
    if not can_import(user):
        raise Http404("页面不存在")


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    _require_import(user)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            draft = do_upload_file(
                form.cleaned_data["file"], revises=form.cleaned_data["revises"], acting_user=user
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


def _draft_row(p: int, i: int, t: dict[str, Any]) -> DraftRow:
    initial = {"part": p, "index": i, **{f: t.get(f) or "" for f in EDITABLE_FIELDS}}
    task = ExtractedTask.from_dict(t)
    return DraftRow(
        i,
        t,
        [(u, r, _ROLE_LABELS.get(r, r)) for u, r in roles_of(t)],
        [
            target_text(
                x.get("metric") or "", x["cmp"], x["value"], x.get("unit"), x.get("change"), x.get("by")
            )
            for x in t.get("targets") or []
        ],
        DraftCellForm(initial=initial, auto_id=f"id_{p}_{i}_%s"),
        uncertain=task.uncertain,
        how=RULES.get(task.rule or "", ""),
    )


def _draft_parts(draft: ImportDraft) -> list[DraftPart]:
    out = []
    for p, data in enumerate(draft_parts(draft.plan_json)):
        rows = [_draft_row(p, i, t) for i, t in enumerate(data.get("tasks") or [])]
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
    counts = {
        how: sum(1 for r in rows if r.match.how == how) for how in ("exact", "alias", "rule", "near", "new")
    }
    return render(
        request,
        "plans/import_preview.html",
        {
            "draft": draft,
            "parts": _draft_parts(draft),
            "unit_rows": rows,
            "counts": counts,
            "errors": errors,
            "next_version": next_version(draft.revises.series) if draft.revises is not None else None,
            # Imported before? The page warns and offers a new version of that plan, or to cancel.
            "copies": copies_of(draft, signed_in(request)),
        },
        status=status,
    )


def _pending_draft(request: HttpRequest, draft_id: int) -> ImportDraft:
    draft = access_draft(signed_in(request), draft_id)
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
    values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
    try:
        do_edit_draft_row(draft, part, index, values, acting_user=signed_in(request))
    except ImportRejected as exc:
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
        plan = do_confirm_import(
            draft, cleaned, allow_copy=request.POST.get("as_new") == "1", acting_user=signed_in(request)
        )
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
        do_cancel_import(draft, acting_user=signed_in(request))
    except ImportRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"已取消导入 {draft.source.name}")
    return redirect("plans:import")


@login_required
def import_revise(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The document was imported before: import it as the next version of that plan instead."""
    draft = _pending_draft(request, draft_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = signed_in(request)
    raw = request.POST.get("plan", "")
    plan = managed_plans(user).filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if plan is None:
        return _render_preview(request, draft, status=400, errors=["请选择要修订的方案"])
    try:
        do_revise_with_draft(draft, plan, acting_user=user)
    except ImportRejected as exc:
        return _render_preview(request, draft, status=400, errors=[str(exc)])
    messages.success(request, f"将导入为《{plan.title}》的新版本，请核对后确认")
    return redirect("plans:import_preview", draft.pk)

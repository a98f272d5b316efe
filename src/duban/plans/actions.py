"""Every write to plans: do_<verb>_<noun>(…, *, acting_user), atomic, audited.

A failed or cancelled import changes nothing: the upload is checked and extracted before anything
is stored, and confirmation stores the whole plan in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from duban.audit.record import record
from duban.clock import now
from duban.extract import ExtractError, extract
from duban.extract.read import SUFFIXES
from duban.plans.load import printed_units, store_plan
from duban.plans.models import ImportDraft, ImportStatus, Plan, SourceDocument
from duban.units.actions import do_create_unit
from duban.units.models import Unit


class ImportRejected(Exception):
    """The upload cannot become a plan; the message names the file and what was expected."""


def check_upload(name: str, size: int) -> None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        allowed = "、".join(sorted(s.lstrip(".") for s in SUFFIXES))
        raise ImportRejected(f"{name}：不支持的文件类型“{suffix or '无扩展名'}”，可上传 {allowed}")
    if size > settings.MAX_UPLOAD_BYTES:
        mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ImportRejected(f"{name}：文件过大（{size / 1048576:.1f} MB），上限 {mb} MB")
    if size == 0:
        raise ImportRejected(f"{name}：文件为空")


def do_upload_document(name: str, data: bytes, *, revises: Plan | None = None, acting_user: Any) -> ImportDraft:
    """Check and extract an uploaded document; store it as a draft waiting for confirmation."""
    name = PurePath(name).name[:255] or "document"
    check_upload(name, len(data))
    try:
        plan = extract(data, filename=name)
    except ExtractError as exc:
        raise ImportRejected(str(exc)) from exc
    if not plan.tasks:
        raise ImportRejected(f"{name}：未识别出任务（不是分解方案或责任清单？）")
    with transaction.atomic():
        source = SourceDocument(
            name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), uploaded_by=acting_user,
            uploaded_at=now(),
        )
        source.file.save(name, ContentFile(data), save=False)
        source.save()
        draft = ImportDraft.objects.create(
            created_by=acting_user, created_at=now(), source=source, plan_json=plan.to_dict(), revises=revises
        )
        record(acting_user, "upload_document", draft, summary=f"上传 {name}（{len(plan.tasks)} 项任务）")
    return draft


@transaction.atomic
def do_edit_draft(draft: ImportDraft, task_index: int, field: str, value: str, *, acting_user: Any) -> ImportDraft:
    """Correct one cell of the preview before confirming."""
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消，不能再修改")
    tasks = draft.plan_json.get("tasks") or []
    if not 0 <= task_index < len(tasks) or field not in ("title", "text", "deadline_text", "id"):
        raise ImportRejected(f"第 {task_index + 1} 行：不能修改“{field}”")
    before = tasks[task_index].get(field)
    tasks[task_index][field] = value
    draft.save(update_fields=["plan_json"])
    record(acting_user, "edit_draft", draft, summary=f"修改第 {task_index + 1} 行 {field}",
           before={field: before}, after={field: value})
    return draft


@transaction.atomic
def do_confirm_import(
    draft: ImportDraft, unit_choices: Mapping[str, int | str | None], *, acting_user: Any
) -> Plan:
    """Store the draft as a plan. unit_choices: printed name → unit id, or a new unit's name (str),
    or None for "create it as printed"."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消")
    unit_ids: dict[str, int] = {}
    for printed in printed_units(draft.plan_json):
        choice = unit_choices.get(printed)
        if isinstance(choice, int):
            if not Unit.objects.filter(pk=choice).exists():
                raise ImportRejected(f"“{printed}”对应的单位不存在")
            unit_ids[printed] = choice
        else:
            name = (choice or printed).strip() if isinstance(choice, str) else printed
            existing = Unit.objects.filter(name=name).first()
            unit_ids[printed] = existing.pk if existing else do_create_unit(name, acting_user=acting_user).pk
    series, version = None, 1
    if draft.revises is not None:
        series = draft.revises.series
        version = (Plan.objects.filter(series=series).aggregate(v=Max("version"))["v"] or 0) + 1
        Plan.objects.filter(series=series).update(is_current=False)
    plan = store_plan(draft.plan_json, unit_ids=unit_ids, source=draft.source, series=series, version=version)
    if draft.revises is not None:
        plan.managers.set(draft.revises.managers.all())
        plan.shared_with_all = draft.revises.shared_with_all
        plan.parent = draft.revises.parent
        plan.save(update_fields=["shared_with_all", "parent"])
    if acting_user.is_manager:
        plan.managers.add(acting_user)
    draft.status = ImportStatus.CONFIRMED
    draft.result = plan
    draft.save(update_fields=["status", "result"])
    record(acting_user, "import_plan", plan, summary=f"导入 {plan.title}（第 {version} 版，{plan.tasks.count()} 项任务）",
           after={"source": draft.source.name, "version": version, "units": unit_ids})
    return plan


@transaction.atomic
def do_cancel_import(draft: ImportDraft, *, acting_user: Any) -> None:
    """Cancel: the draft and its uploaded file go; no plan or unit was ever created."""
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消")
    draft.status = ImportStatus.CANCELLED
    draft.save(update_fields=["status"])
    record(acting_user, "cancel_import", draft, summary=f"取消导入 {draft.source.name}")
    source = draft.source
    transaction.on_commit(lambda: source.file.delete(save=False))


@transaction.atomic
def do_update_plan(plan: Plan, *, acting_user: Any, **fields: Any) -> Plan:
    allowed = {"title", "doc_number", "issuer", "shared_with_all", "parent_id"}
    if not set(fields) <= allowed:
        raise ValueError(f"cannot set {set(fields) - allowed}")
    before = {k: getattr(plan, k) for k in fields}
    for k, v in fields.items():
        setattr(plan, k, v)
    plan.save(update_fields=[k for k in fields])
    record(acting_user, "update_plan", plan, summary=f"修改方案 {plan.title}",
           before={k: str(v) for k, v in before.items()}, after={k: str(v) for k, v in fields.items()})
    return plan


@transaction.atomic
def do_set_plan_managers(plan: Plan, user_ids: list[int], *, acting_user: Any) -> Plan:
    before = sorted(plan.managers.values_list("pk", flat=True))
    plan.managers.set(user_ids)
    record(acting_user, "set_plan_managers", plan, before={"managers": before}, after={"managers": sorted(user_ids)})
    return plan

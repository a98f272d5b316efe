"""Every write to plans: do_<verb>_<noun>(…, *, acting_user), atomic, audited.

A failed or cancelled import changes nothing: the upload is checked and extracted before anything
is stored, and confirmation stores the whole plan in one transaction.

One action per thing a user means to do: the HTML pages and the API call the same ones
(do_upload_file, do_edit_draft_row, do_confirm_import, do_cancel_import, do_save_plan_settings …).
Import drafts belong to the person who uploaded them, so the import actions take a `User`; the
others take any `Actor`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.clock import now
from duban.evidence import files_kept_only_on_commit, store_file
from duban.extract.read import SUFFIXES
from duban.plans.access import managed_plans
from duban.plans.duplicates import copies_of
from duban.plans.load import printed_units, store_plan
from duban.plans.models import ImportDraft, ImportStatus, Plan, SourceDocument, Task
from duban.plans.reading import DocumentRefused, read_upload
from duban.plans.versions import next_version
from duban.units.actions import UnitError, do_create_unit
from duban.units.models import Alias, Unit


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


def do_upload_file(upload: UploadedFile, *, revises: Plan | None = None, acting_user: User) -> ImportDraft:
    """An uploaded file (the import page's or the API's) as a draft: its name and size are checked
    before it is read, so a huge upload is never read into memory."""
    name = upload.name or "document"
    check_upload(name, upload.size or 0)
    return do_upload_document(name, upload.read(), revises=revises, acting_user=acting_user)


def do_upload_document(
    name: str, data: bytes, *, revises: Plan | None = None, acting_user: User
) -> ImportDraft:
    """Check and extract an uploaded document (in a limited child process: duban.plans.reading);
    store it as a draft waiting for confirmation. The file is stored under a random name (its
    own is in SourceDocument.name) and removed again if the transaction fails."""
    name = PurePath(name).name[:255] or "document"
    check_upload(name, len(data))
    try:
        plan = read_upload(name, data)
    except DocumentRefused as exc:
        raise ImportRejected(str(exc)) from exc
    if not plan.tasks:
        raise ImportRejected(f"{name}：未识别出任务（不是分解方案或责任清单？）")
    with files_kept_only_on_commit(), transaction.atomic():
        source = SourceDocument(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            uploaded_by=acting_user,
            uploaded_at=now(),
        )
        store_file(source.file, name, data)
        source.save()
        draft = ImportDraft.objects.create(
            created_by=acting_user, created_at=now(), source=source, plan_json=plan.to_dict(), revises=revises
        )
        record(acting_user, "upload_document", draft, summary=f"上传 {name}（{len(plan.tasks)} 项任务）")
    return draft


EDITABLE_FIELDS = ("title", "text", "deadline_text", "id")


def draft_parts(plan_json: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The plan of a draft followed by the further lists bundled in the same document."""
    return [plan_json, *(plan_json.get("parts") or [])]


def all_printed_units(plan_json: Mapping[str, Any]) -> list[str]:
    """Every printed unit name of a draft, its bundled parts included, in first-seen order."""
    seen: dict[str, None] = {}
    for part in draft_parts(plan_json):
        for name in printed_units(part):
            seen.setdefault(name, None)
    return list(seen)


@transaction.atomic
def do_edit_draft(
    draft: ImportDraft, task_index: int, field: str, value: str, *, part: int = 0, acting_user: User
) -> ImportDraft:
    """Correct one cell of the preview before confirming. `part` 0 is the plan itself, 1… the
    further lists bundled in the same document."""
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消，不能再修改")
    parts = draft_parts(draft.plan_json)
    if not 0 <= part < len(parts):
        raise ImportRejected(f"第 {part + 1} 部分不存在")
    tasks = parts[part].get("tasks") or []
    if not 0 <= task_index < len(tasks) or field not in EDITABLE_FIELDS:
        raise ImportRejected(f"第 {task_index + 1} 行：不能修改“{field}”")
    before = tasks[task_index].get(field)
    if before == value:
        return draft  # the cell already says so: no write, no audit row
    tasks[task_index][field] = value
    draft.save(update_fields=["plan_json"])
    where = f"第 {part + 1} 部分" if part else ""
    record(
        acting_user,
        "edit_draft",
        draft,
        summary=f"修改{where}第 {task_index + 1} 行 {field}",
        before={field: before},
        after={field: value},
    )
    return draft


def do_edit_draft_row(
    draft: ImportDraft, part: int, index: int, values: Mapping[str, str], *, acting_user: User
) -> list[str]:
    """Correct a row of the preview: only the cells that changed are written (and audited), all
    or none. A row that does not exist is refused (ImportRejected), and `draft` is then as
    stored again. Returns the names of the cells changed."""
    parts = draft_parts(draft.plan_json)
    tasks = (parts[part].get("tasks") or []) if part < len(parts) else []
    current = tasks[index] if index < len(tasks) else {}
    # A row that does not exist: every cell goes to do_edit_draft, which refuses the first.
    changed = [n for n in EDITABLE_FIELDS if not current or values[n] != (current.get(n) or "")]
    try:
        with transaction.atomic():
            for name in changed:
                do_edit_draft(draft, index, name, values[name], part=part, acting_user=acting_user)
    except ImportRejected:
        draft.refresh_from_db()  # cells set on the object before the refusal are undone
        raise
    return changed


def _unit_for_new_name(name: str, *, acting_user: User) -> int:
    """The unit a "create as printed" choice stands for: one already named so (or so aliased)
    is reused, otherwise it is created."""
    name = "".join(name.split())
    existing = Unit.objects.filter(name=name).values_list("pk", flat=True).first()
    if existing is None:
        existing = Alias.objects.filter(name=name).values_list("unit_id", flat=True).first()
    if existing is not None:
        return existing
    try:
        return do_create_unit(name, acting_user=acting_user).pk
    except UnitError as exc:
        raise ImportRejected(f"“{name}”：{exc}") from exc


@transaction.atomic
def do_confirm_import(
    draft: ImportDraft,
    unit_choices: Mapping[str, int | str | None],
    *,
    allow_copy: bool = True,
    acting_user: User,
) -> Plan:
    """Store the draft as a plan. unit_choices: printed name → unit id, or a new unit's name (str),
    or None for "create it as printed"; a name the document does not print is refused.
    allow_copy=False refuses a document already imported as one of the user's current plans (the
    same file, or the same title and 文号: duban.plans.duplicates), which the preview warned of.

    Further responsibility lists bundled in the document (plan_json["parts"]) become plans of
    their own whose parent is the main plan, with the same unit choices."""
    unknown = sorted(set(unit_choices) - set(all_printed_units(draft.plan_json)))
    if unknown:
        raise ImportRejected(f"文档中没有这些单位：{'、'.join(unknown)}")
    # of=("self",): lock the draft only; PostgreSQL refuses to lock the outer join of `revises`.
    draft = (
        ImportDraft.objects.select_for_update(of=("self",))
        .select_related("source", "revises")
        .get(pk=draft.pk)
    )
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消")
    copies = [] if allow_copy else copies_of(draft, acting_user)
    if copies:
        named = "、".join(f"《{c.plan.title}》（第 {c.plan.version} 版，{c.why}）" for c in copies)
        raise ImportRejected(
            f"{draft.source.name}：该文档已导入为{named}。请导入为该方案的新版本，或取消导入；"
            "确需另建一个方案，请勾选“仍作为新方案导入”"
        )
    unit_ids = _chosen_units(draft, unit_choices, acting_user=acting_user)
    plan = _store_version(
        draft.plan_json, draft.revises, unit_ids, draft.source, parent=None, acting_user=acting_user
    )
    previous_parts = (
        {p.title: p for p in Plan.objects.filter(parent=draft.revises, is_current=True)}
        if draft.revises is not None
        else {}
    )
    for part in draft.plan_json.get("parts") or []:
        revises = previous_parts.get(str(part.get("title") or ""))
        _store_version(part, revises, unit_ids, draft.source, parent=plan, acting_user=acting_user)
    draft.status = ImportStatus.CONFIRMED
    draft.result = plan
    draft.save(update_fields=["status", "result"])
    return plan


def _chosen_units(
    draft: ImportDraft, unit_choices: Mapping[str, int | str | None], *, acting_user: User
) -> dict[str, int]:
    """printed name → the directory unit it stands for, new units created as chosen."""
    unit_ids: dict[str, int] = {}
    for printed in all_printed_units(draft.plan_json):
        choice = unit_choices.get(printed)
        if isinstance(choice, int):
            if not Unit.objects.filter(pk=choice).exists():
                raise ImportRejected(f"“{printed}”对应的单位不存在")
            unit_ids[printed] = choice
        else:
            name = (choice or printed).strip() if isinstance(choice, str) else printed
            unit_ids[printed] = _unit_for_new_name(name or printed, acting_user=acting_user)
    return unit_ids


def _store_version(
    data: Mapping[str, Any],
    revises: Plan | None,
    unit_ids: dict[str, int],
    source: SourceDocument,
    *,
    parent: Plan | None,
    acting_user: User,
) -> Plan:
    """One plan of a confirmed draft: a new series, or the next version of `revises`."""
    series, version = None, 1
    if revises is not None:
        series = revises.series
        # Lock the series so two imports of a revision cannot both take the same version number.
        list(Plan.objects.select_for_update().filter(series=series).values_list("pk", flat=True))
        version = next_version(series)
        Plan.objects.filter(series=series).update(is_current=False)
    plan = store_plan(data, unit_ids=unit_ids, source=source, series=series, version=version)
    if revises is not None:
        plan.managers.set(revises.managers.all())
        plan.shared_with_all = revises.shared_with_all
        plan.parent = parent or revises.parent
        plan.save(update_fields=["shared_with_all", "parent"])
    elif parent is not None:
        plan.managers.set(parent.managers.all())
        plan.shared_with_all = parent.shared_with_all
        plan.parent = parent
        plan.save(update_fields=["shared_with_all", "parent"])
    if acting_user.is_manager:
        plan.managers.add(acting_user)
    used = {p: unit_ids[p] for p in printed_units(data)}
    record(
        acting_user,
        "import_plan",
        plan,
        summary=f"导入 {plan.title}（第 {version} 版，{plan.tasks.count()} 项任务）",
        after={
            "source": source.name,
            "version": version,
            "units": used,
            **({"parent": parent.pk} if parent is not None else {}),
        },
    )
    return plan


@transaction.atomic
def do_revise_with_draft(draft: ImportDraft, plan: Plan, *, acting_user: User) -> ImportDraft:
    """Import the draft as the next version of `plan` (a current plan the user manages) instead
    of as a plan of its own: what the preview offers when the document was imported before."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消，不能再修改")
    if not managed_plans(acting_user).filter(pk=plan.pk, parent__isnull=True).exists():
        raise ImportRejected("只能导入为您管理的现行方案的新版本")
    if draft.revises_id == plan.pk:
        return draft  # already so: no write, no audit row
    before = draft.revises_id
    draft.revises = plan
    draft.save(update_fields=["revises"])
    record(
        acting_user,
        "revise_with_draft",
        draft,
        summary=f"将 {draft.source.name} 导入为《{plan.title}》的新版本",
        before={"plan": before},
        after={"plan": plan.pk},
    )
    return draft


@transaction.atomic
def do_cancel_import(draft: ImportDraft, *, acting_user: User) -> None:
    """Cancel: the draft and its uploaded file go; no plan or unit was ever created."""
    # The status as it is now, under the row's lock: a confirm that committed a moment ago has
    # made a plan of this draft and its file, which a cancel must then leave alone.
    draft = ImportDraft.objects.select_for_update().select_related("source").get(pk=draft.pk)
    if draft.status != ImportStatus.PENDING:
        raise ImportRejected("该导入已确认或取消")
    draft.status = ImportStatus.CANCELLED
    draft.save(update_fields=["status"])
    record(acting_user, "cancel_import", draft, summary=f"取消导入 {draft.source.name}")
    source = draft.source
    transaction.on_commit(lambda: source.file.delete(save=False))


def _audit_value(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


@transaction.atomic
def do_update_plan(plan: Plan, *, acting_user: Actor, **fields: Any) -> Plan:
    allowed = {"title", "doc_number", "issuer", "shared_with_all", "parent_id"}
    if not set(fields) <= allowed:
        raise ValueError(f"cannot set {set(fields) - allowed}")
    # Only what changes is written and audited: saving a value the plan already has is no event.
    changed = {k: v for k, v in fields.items() if getattr(plan, k) != v}
    if not changed:
        return plan
    before = {k: getattr(plan, k) for k in changed}
    for k, v in changed.items():
        setattr(plan, k, v)
    plan.save(update_fields=list(changed))
    record(
        acting_user,
        "update_plan",
        plan,
        summary=f"修改方案 {plan.title}",
        # JSON's own values (true, null, numbers), not their Python spelling as text ("False").
        before={k: _audit_value(v) for k, v in before.items()},
        after={k: _audit_value(v) for k, v in changed.items()},
    )
    if changed.get("parent_id"):
        do_link_parent_tasks(plan, acting_user=acting_user)
    return plan


@transaction.atomic
def do_set_plan_managers(plan: Plan, user_ids: list[int], *, acting_user: Actor) -> Plan:
    before = sorted(plan.managers.values_list("pk", flat=True))
    if before == sorted(set(user_ids)):
        return plan  # the same managers: nothing changes, nothing is audited
    plan.managers.set(user_ids)
    record(
        acting_user,
        "set_plan_managers",
        plan,
        before={"managers": before},
        after={"managers": sorted(set(user_ids))},
    )
    return plan


@transaction.atomic
def do_save_plan_settings(
    plan: Plan, *, shared_with_all: bool, parent: Plan | None, managers: Iterable[User], acting_user: Actor
) -> Plan:
    """The plan settings page saved: who it is shared with, its parent plan (whose tasks its own
    are then linked to) and its managers. Only what changed is written and audited."""
    changes: dict[str, Any] = {}
    if shared_with_all != plan.shared_with_all:
        changes["shared_with_all"] = shared_with_all
    if (parent.pk if parent else None) != plan.parent_id:
        changes["parent_id"] = parent.pk if parent else None
    if changes:
        do_update_plan(plan, acting_user=acting_user, **changes)
    manager_ids = sorted(u.pk for u in managers)
    if manager_ids != sorted(plan.managers.values_list("pk", flat=True)):
        do_set_plan_managers(plan, manager_ids, acting_user=acting_user)
    return plan


def _bigrams(text: str) -> set[str]:
    s = "".join(text.split())[:120]
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _likeness(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@transaction.atomic
def do_link_parent_tasks(plan: Plan, *, acting_user: Actor, threshold: float = 0.5) -> int:
    """A district's decomposition of a city plan: link each task to the parent plan's task it
    implements, by the likeness of their titles and texts (bigram Dice). Returns links made;
    tasks already linked by hand are left alone."""
    if plan.parent_id is None:
        return 0
    parents = [(t, _bigrams(t.title + t.text)) for t in Task.objects.filter(plan_id=plan.parent_id)]
    linked = 0
    for task in Task.objects.filter(plan=plan, parent_task__isnull=True):
        mine = _bigrams(task.title + task.text)
        best = max(parents, key=lambda p: _likeness(mine, p[1]), default=None)
        if best is not None and _likeness(mine, best[1]) >= threshold:
            task.parent_task = best[0]
            task.save(update_fields=["parent_task"])
            linked += 1
    if not linked:
        return 0  # nothing linked: nothing changed, so no audit row
    record(
        acting_user,
        "link_parent_tasks",
        plan,
        summary=f"按内容关联上级任务 {linked} 项",
        after={"parent_plan": plan.parent_id, "linked": linked},
    )
    return linked


@transaction.atomic
def do_set_parent_task(task: Task, parent_task: Task | None, *, acting_user: Actor) -> Task:
    """Link a task to the parent plan's task it implements (None unlinks)."""
    if parent_task is not None and parent_task.plan_id != task.plan.parent_id:
        raise ImportRejected("上级任务须属于本方案的上级方案")
    before = task.parent_task_id
    if before == (parent_task.pk if parent_task else None):
        return task  # already so: no write, no audit row
    task.parent_task = parent_task
    task.save(update_fields=["parent_task"])
    record(
        acting_user,
        "set_parent_task",
        task,
        summary=f"任务 {task.number} 关联上级任务",
        before={"parent_task": before},
        after={"parent_task": parent_task.pk if parent_task else None},
    )
    return task

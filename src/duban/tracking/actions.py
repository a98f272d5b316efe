"""Every tracking write: do_<verb>_<noun>(…, *, acting_user), atomic, audited in the same
transaction, notifications created when it commits.

Each status change is checked against the tables in duban.tracking.transitions before anything
is written, so a refused action changes nothing. Supervision orders are in order_actions.
A refusal is a TrackingError, but for an evidence file of a kind not accepted: that is
duban.evidence.EvidenceRejected, the same for every app that takes evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from duban.accounts.models import User
from duban.audit.record import record, record_many
from duban.clock import now, today
from duban.dbinsert import insert_rows
from duban.evidence import check_evidence, file_name, files_kept_only_on_commit, store_file
from duban.notifications.notify import Message, leader_ids, send_on_commit
from duban.plans.access import can_manage
from duban.plans.models import Plan, Target, Task
from duban.tracking import conf
from duban.tracking.links import order_link, report_link
from duban.tracking.models import (
    ANSWERED,
    LEVEL_ORDER,
    NEEDS_REASON,
    Evidence,
    IndicatorValue,
    NotificationKind,
    OrderLevel,
    OrderStatus,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
    SupervisionOrder,
    TaskClosure,
    period_specs,
)
from duban.tracking.transitions import (
    ConflictError,
    InvalidInput,
    OrderAction,
    ReportAction,
    TrackingError,
    TransitionError,
    actors_of_report,
    check_order,
    check_report,
    order_actors,
    report_actors,
    reporting_unit_ids,
    task_roles,
)
from duban.units.models import Unit

__all__ = [
    "ConflictError", "EvidenceInput", "IndicatorInput", "InvalidInput", "ReportData", "TrackingError",
    "TransitionError", "do_accept_report", "do_add_contribution",
    "do_add_evidence", "do_add_period", "do_close_order", "do_correct_report", "do_create_periods", "do_edit_draft",
    "do_escalate_order",
    "do_escalate_overdue_orders", "do_issue_order", "do_remove_evidence", "do_reply_order",
    "do_return_report", "do_save_draft", "do_submit_new_report",
    "do_submit_report", "submit_problem",
]  # fmt: skip

STALE_DRAFT = "该草稿已被他人修改，请刷新后重试"


@dataclass(frozen=True)
class IndicatorInput:
    value: Decimal
    unit: str | None = None  # None: the target's own unit
    as_of: dt.date | None = None  # None: the period's end, or today if the period has not ended


@dataclass(frozen=True)
class ReportData:
    """What a unit fills in; `values` maps a target id of the task to its current figure."""

    progress: str = Progress.IN_PROGRESS
    reason: str = ""
    percent: int = 0
    narrative: str = ""
    values: Mapping[int, IndicatorInput] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reporting periods


def _require_manager(plan: Plan, acting_user: Any, what: str) -> None:
    if acting_user is None or not can_manage(acting_user, plan):
        raise TransitionError(f"无权{what}：只有方案管理员可以{what}")


@transaction.atomic
def do_create_periods(
    plan: Plan, year: int, frequency: str, due_day: int, *, acting_user: Any
) -> list[ReportingPeriod]:
    """The monthly / quarterly / half-yearly / yearly periods of a year; existing spans are kept."""
    _require_manager(plan, acting_user, "设置报送周期")
    try:
        specs = period_specs(year, frequency, due_day)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    periods = ReportingPeriod.objects.filter(plan=plan)
    have = set(periods.values_list("start", "end"))
    created = ReportingPeriod.objects.bulk_create([
        ReportingPeriod(plan=plan, name=s.name, start=s.start, end=s.end, due=s.due)
        for s in specs if (s.start, s.end) not in have
    ])  # fmt: skip
    record(
        acting_user,
        "create_periods",
        plan,
        summary=f"设置{year}年报送周期（{len(created)}期）",
        after={
            "year": year,
            "frequency": frequency,
            "due_day": due_day,
            "created": [p.name for p in created],
        },
    )
    return list(periods.filter(start__year=year))


@transaction.atomic
def do_add_period(
    plan: Plan, name: str, start: dt.date, end: dt.date, due: dt.date, *, acting_user: Any
) -> ReportingPeriod:
    """A period with custom dates."""
    _require_manager(plan, acting_user, "设置报送周期")
    name = name.strip()
    if not name:
        raise InvalidInput("报送周期名称不能为空")
    if end < start:
        raise InvalidInput(f"{name}：结束日期 {end} 早于开始日期 {start}")
    if ReportingPeriod.objects.filter(plan=plan, start=start, end=end).exists():
        raise InvalidInput(f"{name}：已有 {start} 至 {end} 的报送周期")
    period = ReportingPeriod.objects.create(plan=plan, name=name[:64], start=start, end=end, due=due)
    record(
        acting_user,
        "add_period",
        period,
        summary=f"新增报送周期 {period.name}",
        after={"start": str(start), "end": str(end), "due": str(due)},
    )
    return period


# ---------------------------------------------------------------------------------------------
# Progress reports


def _check_data(data: ReportData) -> None:
    if data.progress not in Progress.values:
        raise InvalidInput(f"未知的进展状态“{data.progress}”")
    if not isinstance(data.percent, int) or not 0 <= data.percent <= 100:
        raise InvalidInput(f"完成比例应为 0–100 的整数，而不是“{data.percent}”")
    for target_id, v in data.values.items():
        try:
            ok = Decimal(v.value).is_finite() and abs(Decimal(v.value)) < Decimal(10) ** 10
        except (InvalidOperation, TypeError, ValueError):
            ok = False
        if not ok:
            raise InvalidInput(f"指标 {target_id} 的数值“{v.value}”无效")


def _incomplete(kind: str, data: ReportData, given: Iterable[int], targets: Iterable[Target]) -> str:
    problem = ""
    if not data.narrative.strip():
        problem = "请填写工作进展后再报送"
    elif data.progress in NEEDS_REASON and not data.reason.strip():
        problem = f"进展为“{Progress(data.progress).label}”时必须说明原因"
    elif data.progress == Progress.DONE and data.percent != 100:
        problem = f"进展为“已完成”时完成比例应为 100%，而不是 {data.percent}%"
    elif kind == ReportKind.REPORT:
        have = set(given)
        missing = [str(t) for t in targets if t.pk not in have]
        if missing:
            problem = f"请填写指标的当前值：{'、'.join(missing)}"
    return problem


def submit_problem(kind: str, task: Task, data: ReportData) -> str:
    """Why a report (or contribution) holding `data` could not be submitted yet; "" if it could."""
    return _incomplete(kind, data, data.values, task.target_list)


def _check_complete(report: ProgressReport) -> None:
    """What a report must hold before it is submitted."""
    data = ReportData(progress=report.progress, reason=report.reason, percent=report.percent,
                      narrative=report.narrative)  # fmt: skip
    given = report.values.values_list("target_id", flat=True) if report.kind == ReportKind.REPORT else ()
    problem = _incomplete(report.kind, data, given, report.task.target_list)
    if problem:
        raise InvalidInput(problem)


def _store_values(report: ProgressReport, data: ReportData, *, new: bool = False) -> None:
    targets = {t.pk: t for t in report.task.target_list}
    unknown = [str(k) for k in data.values if k not in targets]
    if unknown:
        raise InvalidInput(f"指标 {'、'.join(unknown)} 不属于该任务")
    default_day = min(today(), report.period.end)
    if not new:
        IndicatorValue.objects.filter(report=report).delete()
    insert_rows(IndicatorValue, [
        IndicatorValue(report=report, target=targets[k], value=Decimal(v.value),
                       unit=(targets[k].unit if v.unit is None else v.unit)[:20], as_of=v.as_of or default_day)
        for k, v in data.values.items()
    ])  # fmt: skip


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {"progress": report.progress, "reason": report.reason, "percent": report.percent,
            "narrative": report.narrative, "lock_version": report.lock_version}  # fmt: skip


def _reporting_unit(task: Task, period: ReportingPeriod, acting_user: Any) -> int:
    """The unit the acting user starts a report for (its own), once the period is the task's."""
    if period.plan_id != task.plan_id:
        raise InvalidInput("报送周期不属于该任务所在的方案")
    unit_id: int | None = getattr(acting_user, "unit_id", None)
    if unit_id is None:
        raise TransitionError(f"无权{ReportAction.SAVE.label}：只有任务责任单位的填报员可以填报")
    return unit_id


def _save(
    kind: str,
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    lock_version: int | None,
    acting_user: Any,
) -> ProgressReport:
    unit_id = _reporting_unit(task, period, acting_user)
    actors = report_actors(acting_user, task, unit_id, kind)
    rows = list(
        ProgressReport.objects.select_for_update(of=("self",))
        .filter(task=task, period=period, unit_id=unit_id)
        .order_by()
    )
    draft = next((r for r in rows if r.status == ReportStatus.DRAFT), None)
    answered = next((r for r in rows if r.status in ANSWERED), None)
    if draft is None:
        check_report(answered.status if answered else None, ReportAction.SAVE, actors)
        _check_data(data)
        if lock_version is not None:
            # The form was of a draft that has since been submitted or replaced by someone else.
            raise ConflictError(STALE_DRAFT)
        at = now()
        report = ProgressReport(
            task=task,
            period=period,
            unit_id=unit_id,
            kind=kind,
            status=ReportStatus.DRAFT,
            version=max((r.version for r in rows), default=0) + 1,
            created_at=at,
            created_by=acting_user,
            updated_at=at,
            progress=data.progress,
            reason=data.reason.strip(),
            percent=data.percent,
            narrative=data.narrative.strip(),
        )
        try:
            with transaction.atomic():  # two people starting the same report at once: one wins
                report.save(force_insert=True)
        except IntegrityError:
            raise ConflictError(STALE_DRAFT) from None
        _store_values(report, data, new=True)
        record(
            acting_user,
            "save_draft",
            report,
            summary=f"新建{report.get_kind_display()}草稿 {task} {period}",
            after=_snapshot(report),
        )
        return report
    return _edit(draft, data, lock_version, acting_user)


def _edit(
    draft: ProgressReport, data: ReportData, lock_version: int | None, acting_user: Any
) -> ProgressReport:
    check_report(draft.status, ReportAction.SAVE, actors_of_report(acting_user, draft))
    _check_data(data)
    if lock_version != draft.lock_version:
        raise ConflictError(STALE_DRAFT)
    before = _snapshot(draft)
    fields = {"progress": data.progress, "reason": data.reason.strip(), "percent": data.percent,
              "narrative": data.narrative.strip()}  # fmt: skip
    # The version check and the write are one statement, so no second writer slips in between
    # (on SQLite there is no row lock behind select_for_update).
    updated = ProgressReport.objects.filter(pk=draft.pk, lock_version=lock_version).update(
        lock_version=lock_version + 1, updated_at=now(), **fields
    )
    if updated != 1:
        raise ConflictError(STALE_DRAFT)
    draft.refresh_from_db()
    _store_values(draft, data)
    record(
        acting_user,
        "save_draft",
        draft,
        summary=f"保存草稿 {draft.task} {draft.period}",
        before=before,
        after=_snapshot(draft),
    )
    return draft


@transaction.atomic
def do_save_draft(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    lock_version: int | None = None,
    acting_user: Any,
) -> ProgressReport:
    """Create or update the acting user's unit's draft report on the task for the period.

    `lock_version` is the draft's lock_version as the form showed it (None for a new report);
    if anyone saved the draft since, ConflictError and nothing is stored.
    """
    return _save(ReportKind.REPORT, task, period, data, lock_version, acting_user)


@transaction.atomic
def do_add_contribution(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    lock_version: int | None = None,
    acting_user: Any,
) -> ProgressReport:
    """A partner unit's contribution to the lead unit's report: a draft, submitted like a report."""
    return _save(ReportKind.CONTRIBUTION, task, period, data, lock_version, acting_user)


@transaction.atomic
def do_edit_draft(
    report: ProgressReport, data: ReportData, *, lock_version: int | None, acting_user: Any
) -> ProgressReport:
    """Save a given draft (report or contribution); `lock_version` as in do_save_draft."""
    return _edit(_lock(report), data, lock_version, acting_user)


def _lock(report: ProgressReport) -> ProgressReport:
    # of=("self",): lock the report row only, not the plan, task, period and unit rows joined in.
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("task__plan", "period", "unit")
        .get(pk=report.pk)
    )


def _reviewer_message(report: ProgressReport) -> Message:
    task = report.task
    addresses: tuple[tuple[int, str], ...] = ()
    if report.kind == ReportKind.REPORT:
        addresses = tuple(User.objects.filter(managed_plans=task.plan_id, is_active=True).order_by()
                          .values_list("pk", "email"))  # fmt: skip
        units: tuple[int, ...] = ()
    else:
        units = tuple(reporting_unit_ids(task_roles(task)))
    return Message(
        key=f"submitted:r{report.pk}",
        kind=NotificationKind.REPORT_SUBMITTED,
        title=f"{report.unit}报送了{report.get_kind_display()}",
        link=report_link(report.pk),
        text=f"{report.period} · 任务{task}：{report.unit}报送了第 {report.version} 版{report.get_kind_display()}，请审核。",
        users=tuple(pk for pk, _ in addresses),
        units=units,
        addresses=addresses,
    )


@transaction.atomic
def do_submit_report(
    report: ProgressReport, *, lock_version: int | None = None, acting_user: Any
) -> ProgressReport:
    """Submit a draft. It becomes immutable; the version it corrects (if any) is SUPERSEDED."""
    report = _lock(report)
    after = check_report(report.status, ReportAction.SUBMIT, actors_of_report(acting_user, report))
    if lock_version is not None and lock_version != report.lock_version:
        raise ConflictError(STALE_DRAFT)
    _check_complete(report)
    at = now()
    # Before the new version becomes the answer: at most one answer per unit, task and period.
    replaced = list(
        ProgressReport.objects.select_for_update(of=("self",))
        .filter(
            task_id=report.task_id, period_id=report.period_id, unit_id=report.unit_id, status__in=ANSWERED
        )
        .order_by()
        .values_list("pk", "version", "status", "progress")
    )
    ProgressReport.objects.filter(pk__in=[pk for pk, *_ in replaced]).update(
        status=ReportStatus.SUPERSEDED, updated_at=at
    )
    report.status, report.submitted_at, report.submitted_by = after, at, acting_user
    report.lock_version += 1
    report.updated_at = at
    report.save(update_fields=["status", "submitted_at", "submitted_by", "lock_version", "updated_at"])
    record(
        acting_user,
        "submit_report",
        report,
        summary=f"报送{report.get_kind_display()} {report.task} {report.period}（第 {report.version} 版）",
        after={"status": report.status, "supersedes": [v for _, v, *_ in replaced]},
    )
    if report.kind == ReportKind.REPORT and any(
        st == ReportStatus.ACCEPTED and progress == Progress.DONE for *_, st, progress in replaced
    ):
        _reopen(report, acting_user)
    send_on_commit(_reviewer_message(report))
    return report


def _reopen(correction: ProgressReport, acting_user: Any) -> None:
    """A correction now stands where an accepted completion stood: the task it closed (销号) is
    open again until the correction is reviewed (accepting a completion closes it anew)."""
    task = correction.task
    closure = TaskClosure.objects.select_for_update().filter(task=task).first()
    if closure is None:
        return
    closure.delete()
    record(
        acting_user,
        "reopen_task",
        task,
        summary=f"撤销销号 {task}：已通过的完成报告被更正（第 {correction.version} 版）",
        before={"closure": closure.pk, "report": closure.report_id},
        after={"correction": correction.pk},
    )


@dataclass(frozen=True)
class EvidenceInput:
    name: str
    data: bytes


def do_submit_new_report(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    kind: str = ReportKind.REPORT,
    files: Iterable[EvidenceInput] = (),
    acting_user: Any,
) -> ProgressReport:
    """Save and submit at once a report (or contribution) the unit has not begun: the form's 报送
    button on a new report. The same checks and the same audit trail as do_save_draft, do_add_evidence
    and do_submit_report one after the other, in one transaction and a third of the statements: it is
    the path every unit takes at every period's end. Call it inside files_kept_only_on_commit() when
    files are given, so that a rollback leaves none on disk.

    The unit's first version is written without a read before: if the unit has begun or sent the
    report meanwhile, the unique constraints on its versions refuse the row, and only then is what
    stands in the way read, to say so."""
    try:
        return _submit_new(task, period, data, kind, files, acting_user)
    except IntegrityError as exc:
        refused = exc
    statuses = set(ProgressReport.objects.filter(task=task, period=period, unit_id=acting_user.unit_id)
                   .values_list("status", flat=True))  # fmt: skip
    if not statuses:
        raise refused
    if ReportStatus.DRAFT not in statuses:
        answered = next((st for st in statuses if st in ANSWERED), None)
        check_report(answered, ReportAction.SAVE, report_actors(acting_user, task, acting_user.unit_id, kind))
    raise ConflictError(STALE_DRAFT) from None  # begun by someone else since the form was opened


@transaction.atomic
def _submit_new(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    kind: str,
    files: Iterable[EvidenceInput],
    acting_user: Any,
) -> ProgressReport:
    unit_id = _reporting_unit(task, period, acting_user)
    actors = report_actors(acting_user, task, unit_id, kind)
    check_report(None, ReportAction.SAVE, actors)
    after = check_report(ReportStatus.DRAFT, ReportAction.SUBMIT, actors)
    _check_data(data)
    problem = submit_problem(kind, task, data)
    if problem:
        raise InvalidInput(problem)
    named = [(file_name(f.name), f.data) for f in files]
    types = [check_evidence(name, content) for name, content in named]
    at = now()
    report = ProgressReport(
        task=task, period=period, unit_id=unit_id, kind=kind, status=after, version=1,
        created_at=at, created_by=acting_user, updated_at=at, submitted_at=at, submitted_by=acting_user, lock_version=1,
        progress=data.progress, reason=data.reason.strip(), percent=data.percent, narrative=data.narrative.strip(),
    )  # fmt: skip
    report.unit = acting_user.unit  # read with the user (accounts.backends): the message below names it
    # IntegrityError if the unit has any version already. A plain INSERT: no signal listens.
    ((report.pk,),) = insert_rows(ProgressReport, [report], returning=("id",))
    report._state.adding = False
    _store_values(report, data, new=True)
    draft = {**_snapshot(report), "lock_version": 0}
    events: list[tuple[str, Any, str, dict[str, Any] | None]] = [
        ("save_draft", report, f"新建{report.get_kind_display()}草稿 {task} {period}", draft)
    ]
    for (name, content), content_type in zip(named, types, strict=True):
        evidence = _store_evidence(report, name, content, content_type, acting_user)
        events.append(("add_evidence", report, f"上传佐证材料 {name}", _evidence_facts(evidence)))
    events.append(("submit_report", report,
                   f"报送{report.get_kind_display()} {task} {period}（第 {report.version} 版）",
                   {"status": report.status, "supersedes": []}))  # fmt: skip
    record_many(acting_user, events)
    send_on_commit(_reviewer_message(report))
    return report


def _unit_message(report: ProgressReport, kind: str, title: str, text: str) -> Message:
    return Message(
        key=f"{kind}:r{report.pk}",
        kind=kind,
        title=title,
        text=text,
        link=report_link(report.pk),
        units=(report.unit_id,),
    )


@transaction.atomic
def do_return_report(report: ProgressReport, comment: str, *, acting_user: Any) -> ProgressReport:
    """Return a submitted report to its unit with a comment (required)."""
    report = _lock(report)
    after = check_report(report.status, ReportAction.RETURN, actors_of_report(acting_user, report))
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput("退回时必须填写退回意见")
    report.status, report.reviewed_at, report.reviewed_by, report.review_comment = (
        after,
        now(),
        acting_user,
        comment,
    )
    report.returned_count += 1
    report.updated_at = report.reviewed_at
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "returned_count",
                               "updated_at"])  # fmt: skip
    record(
        acting_user,
        "return_report",
        report,
        summary=f"退回 {report.task} {report.period}：{comment}",
        after={"status": report.status, "comment": comment, "returned_count": report.returned_count},
    )
    send_on_commit(
        _unit_message(
            report,
            NotificationKind.REPORT_RETURNED,
            f"{report.get_kind_display()}被退回",
            f"{report.period} · 任务{report.task}：第 {report.version} 版被退回。意见：{comment}",
        )
    )
    return report


@transaction.atomic
def do_accept_report(report: ProgressReport, *, comment: str = "", acting_user: Any) -> ProgressReport:
    """Accept a submitted report. Accepting a task report that claims 已完成 closes the task (销号)
    once every unit that reports on it has had such a report accepted."""
    report = _lock(report)
    after = check_report(report.status, ReportAction.ACCEPT, actors_of_report(acting_user, report))
    report.status, report.reviewed_at, report.reviewed_by = after, now(), acting_user
    report.review_comment = (comment or "").strip()
    report.accepted_at = report.updated_at = report.reviewed_at
    report.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "accepted_at", "updated_at"]
    )
    closed = _maybe_close(report, acting_user)
    record(
        acting_user,
        "accept_report",
        report,
        summary=f"审核通过 {report.task} {report.period}",
        after={"status": report.status, "comment": report.review_comment, "closes_task": closed},
    )
    send_on_commit(
        _unit_message(
            report,
            NotificationKind.REPORT_ACCEPTED,
            f"{report.get_kind_display()}已通过审核",
            f"{report.period} · 任务{report.task}：第 {report.version} 版已通过审核。"
            + ("任务已销号。" if closed else ""),
        )
    )
    return report


def _maybe_close(report: ProgressReport, acting_user: Any) -> bool:
    if report.kind != ReportKind.REPORT or report.progress != Progress.DONE:
        return False
    task = report.task
    if TaskClosure.objects.filter(task=task).exists():
        return False
    done = set(
        ProgressReport.objects.filter(
            task=task, kind=ReportKind.REPORT, status=ReportStatus.ACCEPTED, progress=Progress.DONE
        ).values_list("unit_id", flat=True)
    )
    if not reporting_unit_ids(task_roles(task)) <= done:
        return False
    closure = TaskClosure.objects.create(task=task, report=report, closed_at=report.reviewed_at or now(),
                                         closed_by=acting_user)  # fmt: skip
    record(
        acting_user,
        "close_task",
        task,
        summary=f"销号 {task}",
        after={"report": report.pk, "closure": closure.pk},
    )
    return True


@transaction.atomic
def do_correct_report(report: ProgressReport, *, acting_user: Any) -> ProgressReport:
    """Start a correction: a new draft version with the same content, values and evidence. The
    corrected version stays as it is until the correction is submitted."""
    report = _lock(report)
    check_report(report.status, ReportAction.CORRECT, actors_of_report(acting_user, report))
    siblings = ProgressReport.objects.filter(task_id=report.task_id, period_id=report.period_id,
                                             unit_id=report.unit_id)  # fmt: skip
    if siblings.filter(status=ReportStatus.DRAFT).exists():
        raise ConflictError("已有未报送的更正草稿，请在该草稿中修改")
    at = now()
    new = ProgressReport(
        task_id=report.task_id,
        period_id=report.period_id,
        unit_id=report.unit_id,
        kind=report.kind,
        status=ReportStatus.DRAFT,
        progress=report.progress,
        reason=report.reason,
        percent=report.percent,
        narrative=report.narrative,
        version=(siblings.aggregate(v=Max("version"))["v"] or 0) + 1,
        previous=report,
        returned_count=report.returned_count,
        created_at=at,
        created_by=acting_user,
        updated_at=at,
    )
    try:
        with transaction.atomic():
            new.save(force_insert=True)
    except IntegrityError:
        raise ConflictError("已有未报送的更正草稿，请在该草稿中修改") from None
    IndicatorValue.objects.bulk_create([
        IndicatorValue(report=new, target_id=v.target_id, value=v.value, unit=v.unit, as_of=v.as_of)
        for v in report.values.all()
    ])  # fmt: skip
    Evidence.objects.bulk_create([
        Evidence(report=new, file=e.file.name, name=e.name, sha256=e.sha256, size=e.size,
                 content_type=e.content_type, uploaded_at=e.uploaded_at, uploaded_by_id=e.uploaded_by_id)
        for e in report.evidence.all()
    ])  # fmt: skip
    record(
        acting_user,
        "correct_report",
        new,
        summary=f"更正 {report.task} {report.period}（第 {new.version} 版）",
        after={"corrects": report.pk, "version": new.version},
    )
    return new


# ---------------------------------------------------------------------------------------------
# Evidence files (checked and stored by duban.evidence)


def _store_evidence(
    report: ProgressReport, name: str, data: bytes, content_type: str, acting_user: Any
) -> Evidence:
    evidence = Evidence(report=report, name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                        content_type=content_type, uploaded_at=now(), uploaded_by=acting_user)  # fmt: skip
    store_file(evidence.file, name, data)
    evidence.save()
    return evidence


def _evidence_facts(evidence: Evidence) -> dict[str, Any]:
    return {"evidence": evidence.pk, "name": evidence.name, "sha256": evidence.sha256, "size": evidence.size}


def do_add_evidence(report: ProgressReport, name: str, data: bytes, *, acting_user: Any) -> Evidence:
    """Attach a file to a draft (only drafts change; a submitted report's files stay as they were)."""
    with files_kept_only_on_commit(), transaction.atomic():
        report = _lock(report)
        check_report(report.status, ReportAction.SAVE, actors_of_report(acting_user, report))
        name = file_name(name)
        evidence = _store_evidence(report, name, data, check_evidence(name, data), acting_user)
        record(
            acting_user,
            "add_evidence",
            report,
            summary=f"上传佐证材料 {name}",
            after=_evidence_facts(evidence),
        )
        return evidence


@transaction.atomic
def do_remove_evidence(evidence: Evidence, *, acting_user: Any) -> None:
    report = _lock(evidence.report)
    check_report(report.status, ReportAction.SAVE, actors_of_report(acting_user, report))
    stored, name = evidence.file.name, evidence.name
    evidence.delete()
    record(acting_user, "remove_evidence", report, summary=f"删除佐证材料 {name}", before={"name": name})
    if not Evidence.objects.filter(file=stored).exists():  # a correction's copy still needs it
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


# ---------------------------------------------------------------------------------------------
# Supervision orders


def _lock_order(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update(of=("self",)).select_related("task__plan").get(pk=order.pk)
    )


def _order_units(order: SupervisionOrder) -> tuple[int, ...]:
    return tuple(order.units.values_list("pk", flat=True))


def _managers(task: Task) -> tuple[int, ...]:
    return tuple(task.plan.managers.filter(is_active=True).values_list("pk", flat=True))


def _order_message(
    order: SupervisionOrder,
    kind: str,
    key: str,
    title: str,
    text: str,
    *,
    units: tuple[int, ...] = (),
    users: tuple[int, ...] = (),
) -> Message:
    return Message(
        key=f"{key}:o{order.pk}",
        kind=kind,
        title=title,
        text=text,
        link=order_link(order.pk),
        units=units,
        users=users,
    )


def _next_serial(year: int) -> int:
    return (SupervisionOrder.objects.filter(year=year).aggregate(s=Max("seq"))["s"] or 0) + 1


@transaction.atomic
def do_issue_order(
    task: Task,
    units: Iterable[Unit | int],
    text: str,
    reply_deadline: dt.date,
    *,
    level: str = OrderLevel.BLUE,
    acting_user: Any,
) -> SupervisionOrder:
    """Issue a 督办单 on a task to some of its units; it gets the year's next serial number."""
    task = Task.objects.select_related("plan").get(pk=task.pk)
    status = check_order(None, OrderAction.ISSUE, order_actors(acting_user, task))
    unit_ids = list(dict.fromkeys(u if isinstance(u, int) else u.pk for u in units))
    task_units = {u for u, _ in task_roles(task)}
    if not unit_ids:
        raise InvalidInput("请选择督办单位")
    strangers = [str(u) for u in unit_ids if u not in task_units]
    if strangers:
        names = "、".join(Unit.objects.filter(pk__in=strangers).values_list("name", flat=True)) or "、".join(
            strangers
        )
        raise InvalidInput(f"督办单位必须是该任务的责任单位：{names}")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写督办事项")
    if reply_deadline < today():
        raise InvalidInput(f"回复期限 {reply_deadline} 早于今天")
    if level not in OrderLevel.values:
        raise InvalidInput(f"未知的督办级别“{level}”")
    year = today().year
    for _attempt in range(10):
        seq = _next_serial(year)
        order = SupervisionOrder(
            year=year,
            seq=seq,
            serial=f"{conf.order_prefix()}〔{year}〕{seq}号",
            task=task,
            level=level,
            status=status,
            text=text,
            reply_deadline=reply_deadline,
            issued_at=now(),
            issued_by=acting_user,
        )
        try:
            with transaction.atomic():  # another manager may take the same number at the same moment
                order.save(force_insert=True)
            break
        except IntegrityError:
            continue
    else:
        raise ConflictError("督办单编号分配冲突，请重试")
    order.units.set(unit_ids)
    record(
        acting_user,
        "issue_order",
        order,
        summary=f"签发督办单 {order.serial}（{order.get_level_display()}）{task}",
        after={
            "serial": order.serial,
            "units": unit_ids,
            "level": level,
            "reply_deadline": str(reply_deadline),
        },
    )
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_ISSUED,
            "issued",
            f"督办通知 {order.serial}",
            f"任务{task}：{text}（{order.get_level_display()}督办，请于 {reply_deadline} 前回复）",
            units=tuple(unit_ids),
        )
    )
    return order


@transaction.atomic
def do_reply_order(order: SupervisionOrder, text: str, *, acting_user: Any) -> SupervisionOrder:
    """A unit of the order replies; the order waits for the office to close it."""
    order = _lock_order(order)
    after = check_order(order.status, OrderAction.REPLY, order_actors(acting_user, order.task, order))
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写回复内容")
    order.status, order.reply_text, order.replied_at = after, text, now()
    order.replied_by, order.reply_unit_id = acting_user, acting_user.unit_id
    order.save(update_fields=["status", "reply_text", "replied_at", "replied_by", "reply_unit"])
    record(acting_user, "reply_order", order, summary=f"回复督办单 {order.serial}", after={"reply": text})
    users = tuple(
        dict.fromkeys([*_managers(order.task), *([order.issued_by_id] if order.issued_by_id else [])])
    )
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_REPLIED,
            "replied",
            f"督办单 {order.serial} 已回复",
            f"{acting_user.unit}回复：{text}",
            users=users,
        )
    )
    return order


@transaction.atomic
def do_close_order(order: SupervisionOrder, *, comment: str = "", acting_user: Any) -> SupervisionOrder:
    """The office closes (办结) an order, normally after the reply."""
    order = _lock_order(order)
    after = check_order(order.status, OrderAction.CLOSE, order_actors(acting_user, order.task, order))
    before = order.status
    order.status, order.closed_at, order.closed_by = after, now(), acting_user
    order.close_comment = (comment or "").strip()
    order.save(update_fields=["status", "closed_at", "closed_by", "close_comment"])
    record(
        acting_user,
        "close_order",
        order,
        summary=f"办结督办单 {order.serial}",
        before={"status": before},
        after={"status": after, "comment": order.close_comment},
    )
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_REPLIED,
            "closed",
            f"督办单 {order.serial} 已办结",
            f"任务{order.task}的督办单 {order.serial} 已办结。{order.close_comment}",
            units=_order_units(order),
        )
    )
    return order


def _escalate(order: SupervisionOrder, acting_user: Any, day: dt.date) -> SupervisionOrder:
    after = check_order(order.status, OrderAction.ESCALATE, order_actors(acting_user, order.task, order))
    if order.level == OrderLevel.RED:
        raise TransitionError("不能升级督办单：已是最高级别（红色）")
    before = order.level
    order.level = LEVEL_ORDER[LEVEL_ORDER.index(OrderLevel(order.level)) + 1]
    order.status = after
    # The unit gets a new deadline at the new level; when that passes too, the next level follows.
    order.reply_deadline = day + dt.timedelta(days=conf.order_escalation_days())
    order.escalations = [*order.escalations, {
        "at": now().isoformat(), "from": before, "to": order.level, "deadline": order.reply_deadline.isoformat(),
        "by": getattr(acting_user, "pk", None),
    }]  # fmt: skip
    order.save(update_fields=["level", "status", "reply_deadline", "escalations"])
    level = order.get_level_display()
    record(
        acting_user,
        "escalate_order",
        order,
        summary=f"督办单 {order.serial} 升级为{level}",
        before={"level": before},
        after={"level": order.level, "reply_deadline": str(order.reply_deadline)},
    )
    text = f"任务{order.task}的督办单 {order.serial} 逾期未回复，已升级为{level}督办，新的回复期限 {order.reply_deadline}。"
    send_on_commit(
        _order_message(
            order,
            NotificationKind.ORDER_ESCALATED,
            f"escalated-{order.level}",
            f"督办单 {order.serial} 升级为{level}",
            text,
            units=_order_units(order),
            users=tuple(dict.fromkeys([*leader_ids(), *_managers(order.task)])),
        )
    )
    return order


@transaction.atomic
def do_escalate_order(order: SupervisionOrder, *, acting_user: Any) -> SupervisionOrder:
    """Raise an open order one level by hand (the office), with a new reply deadline."""
    return _escalate(_lock_order(order), acting_user, today())


def do_escalate_overdue_orders(*, acting_user: Any, day: dt.date | None = None) -> list[SupervisionOrder]:
    """Raise every open order whose reply deadline has passed one level (blue → yellow → red) and
    notify the leaders; red ones stay red. `acting_user` None is the scheduled run (系统)."""
    day = day or today()
    escalated = []
    due = SupervisionOrder.objects.filter(status=OrderStatus.OPEN, reply_deadline__lt=day).exclude(
        level=OrderLevel.RED
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():  # one order at a time: a failure leaves the others escalated
            order = (
                SupervisionOrder.objects.select_for_update(of=("self",))
                .select_related("task__plan")
                .get(pk=pk)
            )
            # Checked again under the lock: another run may have escalated it a moment ago.
            if (
                order.status != OrderStatus.OPEN
                or order.reply_deadline >= day
                or order.level == OrderLevel.RED
            ):
                continue
            escalated.append(_escalate(order, acting_user, day))
    return escalated

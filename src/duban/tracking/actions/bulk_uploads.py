"""Bulk entry's write: do_bulk_upload(unit, period, data, *, acting_user) reads an uploaded
template in two stages:
1. parse and check every cell (no database writes: duban.tracking.bulk.rows, a form per row);
   every problem is collected with its cell address, and if there is any, BulkUploadError lists
   them all and nothing is stored;
2. save each row through the draft actions (do_save_draft / do_add_contribution, then
   do_submit_report with submit=True) inside one transaction. A row the actions refuse (a stale
   draft, an incomplete report on submit) is collected too, and the whole transaction is rolled
   back: nothing is half-saved.

A row whose input cells are all empty is skipped: a unit may fill only the tasks it is ready with.
"""

from __future__ import annotations

from django.db import transaction

from duban.accounts.actors import Actor
from duban.audit.record import record
from duban.tracking.actions.drafts import do_add_contribution, do_save_draft
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.bulk.reading import read_upload
from duban.tracking.bulk.rows import ParsedRow, parse_rows
from duban.tracking.bulk.sheet import (
    BulkUploadError,
    require_reporter,
)
from duban.tracking.models import (
    ProgressReport,
    ReportingPeriod,
    ReportKind,
)
from duban.tracking.transitions import (
    ConflictError,
    TrackingError,
)
from duban.units.models import Unit


def do_bulk_upload(
    unit: Unit, period: ReportingPeriod, data: bytes, *, acting_user: Actor, submit: bool = False
) -> list[ProgressReport]:
    """Save every filled row of an uploaded template as the unit's draft (and submit it with
    submit=True), all or nothing. BulkUploadError lists every bad cell; nothing is stored then."""
    require_reporter(acting_user, unit, "批量填报")
    period = ReportingPeriod.objects.select_related("plan").get(pk=period.pk)
    rows, header_row = read_upload(data, unit, period)
    parsed, errors = parse_rows(rows, header_row, unit, period, acting_user)
    if errors:
        raise BulkUploadError(errors)
    if not parsed:
        raise BulkUploadError(
            ["没有填写任何任务"],
            summary="报送表中没有填写任何任务：请在任务所在行填写进展状态和工作进展后上传",
        )
    saved: list[ProgressReport] = []
    with transaction.atomic():
        for row in parsed:
            try:
                saved.append(_save_row(row, period, submit, acting_user))
            except ConflictError:
                errors.append(
                    f"{row.where}: 任务{row.duty.task.number}：下载模板后草稿已在网页上修改或报送，请重新下载模板后填写"
                )
            except TrackingError as exc:
                errors.append(f"{row.where}: 任务{row.duty.task.number}：{exc}")
        if errors:
            raise BulkUploadError(errors)  # leaving the block rolls every row back
        what = "并报送" if submit else "保存草稿"
        record(
            acting_user,
            "bulk_upload",
            period,
            summary=f"{unit.name}通过 Excel 批量填报{period.name} {len(saved)} 项（{what}）",
            after={"unit": unit.pk, "reports": [r.pk for r in saved], "submit": submit},
        )
    return saved


def _save_row(row: ParsedRow, period: ReportingPeriod, submit: bool, acting_user: Actor) -> ProgressReport:
    # Each action runs in a savepoint of the upload's transaction: a refused row is rolled back to
    # it and the next rows still get checked, so one upload reports every problem.
    save = do_save_draft if row.duty.kind == ReportKind.REPORT else do_add_contribution
    report = save(row.duty.task, period, row.data, lock_version=row.lock_version, acting_user=acting_user)
    if submit:
        report = do_submit_report(report, lock_version=report.lock_version, acting_user=acting_user)
    return report

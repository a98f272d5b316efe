"""Excel bulk entry: the template a unit downloads, and the upload that stores all of it or nothing.

Besides small_plan's tasks 1 (区委政法委 leads, 区公安分局 partner, one target) and 2 (区司法局),
`extra_tasks` adds task 3 led by 区委政法委 with two targets and task 4 led by 区司法局 with
区委政法委 as partner, so the lead reporter's template has three rows and two target slots.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from duban.accounts.models import User
from duban.audit.models import AuditEvent
from duban.plans.models import Plan, Responsibility, Target, Task
from duban.tracking.actions.bulk_uploads import do_bulk_upload
from duban.tracking.actions.drafts import do_edit_draft, do_save_draft
from duban.tracking.actions.periods import do_add_period
from duban.tracking.actions.submissions import do_submit_report
from duban.tracking.bulk.sheet import BulkUploadError
from duban.tracking.bulk.template import bulk_template
from duban.tracking.models import (
    IndicatorValue,
    Progress,
    ProgressReport,
    ReportingPeriod,
    ReportKind,
    ReportStatus,
)
from duban.tracking.transitions import TransitionError
from duban.units.models import Unit

from .conftest import filled

STATUS_MESSAGE = "状态应为 未启动/推进中/已完成/滞后/暂缓"


@pytest.fixture
def extra_tasks(small_plan: Plan) -> tuple[Task, Task]:
    zfw, justice = Unit.objects.get(name="区委政法委"), Unit.objects.get(name="区司法局")
    t3 = Task.objects.create(
        plan=small_plan, number="3", title="建设综治中心", text="建设综治中心。", order=3
    )
    Responsibility.objects.create(task=t3, unit=zfw, role="lead")
    Target.objects.create(
        task=t3, metric="综治中心建成数", cmp=">=", value=Decimal(12), unit="个", by_year=2025, order=0
    )
    Target.objects.create(
        task=t3, metric="视频接入率", cmp=">=", value=Decimal(90), unit="%", by_year=2025, order=1
    )
    t4 = Task.objects.create(
        plan=small_plan, number="4", title="开展普法宣传", text="开展普法宣传。", order=4
    )
    Responsibility.objects.create(task=t4, unit=justice, role="lead")
    Responsibility.objects.create(task=t4, unit=zfw, role="partner", order=1)
    return t3, t4


@pytest.fixture
def zfw(lead_reporter: User) -> Unit:
    assert lead_reporter.unit is not None
    return lead_reporter.unit


# ---------------------------------------------------------------------------------------------
# Helpers: the template as openpyxl sees it


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet(wb: openpyxl.Workbook) -> Worksheet:
    ws = wb["进展报送"]
    assert isinstance(ws, Worksheet)
    return ws


def columns(ws: Worksheet) -> dict[str, str]:
    """Heading → column letter (the header is row 3)."""
    return {str(c.value): get_column_letter(c.column) for c in ws[3] if c.value}


def row_of(ws: Worksheet, task: Task) -> int:
    cols = columns(ws)
    for r in range(4, ws.max_row + 1):
        if ws[f"{cols['任务ID']}{r}"].value == task.pk:
            return r
    raise AssertionError(f"no row for task {task.number}")


def fill(ws: Worksheet, task: Task, **cells: Any) -> int:
    """Write cells of the task's row by heading; returns the row number."""
    cols, r = columns(ws), row_of(ws, task)
    for heading, value in cells.items():
        ws[f"{cols[heading]}{r}"] = value
    return r


def to_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_workbook(
    zfw: Unit, q1: ReportingPeriod, user: User, task1: Task, t3: Task, t4: Task
) -> openpyxl.Workbook:
    wb = load(bulk_template(zfw, q1, user=user))
    ws = sheet(wb)
    fill(
        ws,
        task1,
        进展状态="推进中",
        **{
            "完成比例（%）": 60,
            "工作进展": "已完成网格划分。",
            "指标1当前值": 72.5,
            "指标1数据截至": dt.date(2025, 2, 28),
        },
    )
    fill(
        ws,
        t3,
        进展状态="滞后",
        **{
            "完成比例（%）": "30",
            "原因（滞后、暂缓必填）": "选址未定",
            "工作进展": "正在选址。",
            "指标1当前值": 3,
            "指标1数据截至": "2025/2/28",
            "指标2当前值": "85.5",
            "指标2数据截至": "2025年3月1日",
        },
    )
    fill(ws, t4, 进展状态="已完成", **{"完成比例（%）": 100, "工作进展": "配合开展普法宣传 12 场。"})
    return wb


# ---------------------------------------------------------------------------------------------
# The template


def test_it_writes_one_row_per_task_the_unit_answers_for(
    zfw: Unit,
    q1: ReportingPeriod,
    lead_reporter: User,
    task1: Task,
    task2: Task,
    extra_tasks: tuple[Task, Task],
) -> None:
    t3, _t4 = extra_tasks
    ws = sheet(load(bulk_template(zfw, q1, user=lead_reporter)))
    cols = columns(ws)
    rows = {ws[f"{cols['序号']}{r}"].value: r for r in range(4, ws.max_row + 1)}
    assert list(rows) == ["1", "3", "4"]  # not task 2: 区委政法委 has no part in it
    assert [ws[f"{cols['报送类型']}{r}"].value for r in rows.values()] == ["任务报告", "任务报告", "配合材料"]
    assert ws[f"{cols['指标1']}{rows['3']}"].value == "综治中心建成数≥12个（2025年）"
    assert ws[f"{cols['指标2']}{rows['3']}"].value == "视频接入率≥90%（2025年）"
    assert ws[f"{cols['指标ID']}{rows['3']}"].value == ",".join(str(t.pk) for t in t3.targets.all())
    assert ws[f"{cols['指标1']}{rows['4']}"].value is None  # task 4 has no targets


def test_it_hides_the_system_columns_locks_the_header_and_validates_the_inputs(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task
) -> None:
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    ws = sheet(wb)
    cols = columns(ws)
    assert ws.protection.sheet
    assert all(ws.column_dimensions[cols[h]].hidden for h in ("任务ID", "草稿版本", "指标ID"))
    assert ws[f"{cols['进展状态']}3"].protection.locked  # the header
    assert ws[f"{cols['任务']}4"].protection.locked
    assert not ws[f"{cols['进展状态']}4"].protection.locked
    assert not ws[f"{cols['指标1当前值']}4"].protection.locked
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert rules["list"].formula1 == '"未启动,推进中,已完成,滞后,暂缓"'
    assert (rules["whole"].formula1, rules["whole"].formula2) == ("0", "100")
    assert f"{cols['完成比例（%）']}4" in str(rules["whole"].sqref)
    assert wb["duban"].sheet_state == "veryHidden"


def test_it_fills_in_a_draft_and_leaves_out_tasks_already_submitted(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, _t4 = extra_tasks
    do_submit_report(do_save_draft(t3, q1, filled(t3), acting_user=lead_reporter), acting_user=lead_reporter)
    draft = do_save_draft(
        task1,
        q1,
        filled(task1, value="72.5", progress=Progress.LAGGING, reason="人手不足"),
        acting_user=lead_reporter,
    )
    ws = sheet(load(bulk_template(zfw, q1, user=lead_reporter)))
    cols = columns(ws)
    assert [ws[f"{cols['序号']}{r}"].value for r in range(4, ws.max_row + 1)] == ["1", "4"]
    r = row_of(ws, task1)
    assert ws[f"{cols['进展状态']}{r}"].value == "滞后"
    assert ws[f"{cols['原因（滞后、暂缓必填）']}{r}"].value == "人手不足"
    assert ws[f"{cols['草稿版本']}{r}"].value == draft.lock_version
    assert ws[f"{cols['指标1当前值']}{r}"].value == 72.5
    assert "本期已报送（含已退回、已通过）的 1 项未列出" in str(ws["A2"].value)


def test_it_gives_the_template_only_to_the_units_own_reporters(
    zfw: Unit, q1: ReportingPeriod, users: dict[str, User], lead_reporter: User
) -> None:
    for who in ("reporter", "manager", "admin"):
        with pytest.raises(TransitionError, match="只有区委政法委的填报员"):
            bulk_template(zfw, q1, user=users[who])


# ---------------------------------------------------------------------------------------------
# A good upload


def test_it_stores_one_draft_per_filled_row(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, t4 = extra_tasks
    reports = do_bulk_upload(
        zfw, q1, to_bytes(good_workbook(zfw, q1, lead_reporter, task1, t3, t4)), acting_user=lead_reporter
    )
    assert len(reports) == 3 == ProgressReport.objects.count()
    assert all(r.status == ReportStatus.DRAFT for r in reports)
    by_task = {r.task_id: r for r in ProgressReport.objects.all()}
    r1, r3, r4 = by_task[task1.pk], by_task[t3.pk], by_task[t4.pk]
    assert (r1.kind, r1.progress, r1.percent, r1.narrative) == (
        ReportKind.REPORT,
        Progress.IN_PROGRESS,
        60,
        "已完成网格划分。",
    )
    assert (r3.progress, r3.percent, r3.reason) == (Progress.LAGGING, 30, "选址未定")
    assert (r4.kind, r4.progress, r4.percent) == (ReportKind.CONTRIBUTION, Progress.DONE, 100)
    (v1,) = r1.values.all()
    assert (v1.value, v1.unit, v1.as_of) == (Decimal("72.5"), "%", dt.date(2025, 2, 28))
    assert [(v.value, v.as_of) for v in r3.values.all()] == [
        (Decimal(3), dt.date(2025, 2, 28)),
        (Decimal("85.5"), dt.date(2025, 3, 1)),
    ]
    assert AuditEvent.objects.filter(action="save_draft").count() == 3
    assert AuditEvent.objects.get(action="bulk_upload").after["reports"] == [r.pk for r in reports]


def test_it_skips_rows_left_empty(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    fill(sheet(wb), task1, 进展状态="未启动", 工作进展="尚未启动。")
    (report,) = do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    assert (report.task_id, report.progress, report.percent) == (task1.pk, Progress.NOT_STARTED, 0)
    assert ProgressReport.objects.count() == 1


def test_it_submits_every_row_with_submit(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, t4 = extra_tasks
    data = to_bytes(good_workbook(zfw, q1, lead_reporter, task1, t3, t4))
    reports = do_bulk_upload(zfw, q1, data, acting_user=lead_reporter, submit=True)
    assert {r.status for r in ProgressReport.objects.all()} == {ReportStatus.SUBMITTED} and len(reports) == 3
    assert AuditEvent.objects.filter(action="submit_report").count() == 3


def test_it_updates_a_draft_through_the_template_it_was_downloaded_with(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task
) -> None:
    draft = do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter)
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    fill(sheet(wb), task1, 工作进展="批量修改后的进展。")
    (report,) = do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    assert report.pk == draft.pk and report.lock_version == draft.lock_version + 1
    assert ProgressReport.objects.get().narrative == "批量修改后的进展。"


# ---------------------------------------------------------------------------------------------
# Bad cells: each rejects the whole upload with the cell's address; nothing is stored


def _spoil_cell(heading: str, value: Any) -> Callable[[Worksheet, Task, Task, Task], tuple[str, int]]:
    def spoil(ws: Worksheet, task1: Task, t3: Task, t4: Task) -> tuple[str, int]:
        return heading, fill(ws, t3, **{heading: value})

    return spoil


@pytest.mark.parametrize(
    ("heading", "value", "address_of", "message"),
    [
        ("进展状态", "进行中", "进展状态", f"{STATUS_MESSAGE}，而不是“进行中”"),
        ("进展状态", None, "进展状态", f"{STATUS_MESSAGE}（未填写）"),
        ("完成比例（%）", "六成", "完成比例（%）", "完成比例应为 0–100 的整数，而不是“六成”"),
        ("完成比例（%）", 120, "完成比例（%）", "完成比例应为 0–100 的整数，而不是“120”"),
        ("完成比例（%）", -5, "完成比例（%）", "完成比例应为 0–100 的整数"),
        ("完成比例（%）", 50.5, "完成比例（%）", "完成比例应为 0–100 的整数，而不是“50.5”"),
        ("指标2数据截至", "2025-13-01", "指标2数据截至", "数据截至日期“2025-13-01”无法识别"),
        ("指标1数据截至", "上个月底", "指标1数据截至", "数据截至日期“上个月底”无法识别"),
        ("指标1当前值", "约九成", "指标1当前值", "指标“综治中心建成数”的当前值应为数字，而不是“约九成”"),
        ("指标2当前值", "1e12", "指标2当前值", "指标“视频接入率”的当前值应为数字"),
        ("任务ID", 999999, "序号", "的任务（ID 999999）不是区委政法委在2025年第一季度需要报送的任务"),
        ("任务ID", "abc", "任务ID", "的任务ID“abc”无效"),
        ("草稿版本", "x", "草稿版本", "的草稿版本“x”无效"),
        ("指标ID", "1", "指标ID", "任务3的指标已有变动"),
    ],
)
def test_it_rejects_the_whole_upload_for_a_bad_cell_naming_its_address(
    zfw: Unit,
    q1: ReportingPeriod,
    lead_reporter: User,
    task1: Task,
    extra_tasks: tuple[Task, Task],
    heading: str,
    value: Any,
    address_of: str,
    message: str,
) -> None:
    t3, t4 = extra_tasks
    wb = good_workbook(zfw, q1, lead_reporter, task1, t3, t4)
    ws = sheet(wb)
    r = fill(ws, t3, **{heading: value})
    events = AuditEvent.objects.count()
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    address = f"{columns(ws)[address_of]}{r}"
    assert any(e.startswith(f"{address}: ") and message in e for e in info.value.errors), info.value.errors
    assert len(info.value.errors) == 1
    assert f"{address}: " in str(info.value) and "未保存任何内容" in str(info.value)
    assert not ProgressReport.objects.exists() and not IndicatorValue.objects.exists()
    assert AuditEvent.objects.count() == events


def test_it_rejects_a_row_for_a_task_of_another_unit(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, task2: Task
) -> None:
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    ws = sheet(wb)
    r = fill(ws, task1, 进展状态="推进中", 工作进展="……")
    fill(ws, task1, 任务ID=task2.pk)
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    assert info.value.errors == (
        f"{columns(ws)['序号']}{r}: 第 {r} 行的任务（ID {task2.pk}）不是区委政法委在2025年第一季度需要报送的任务（或任务不存在）",
    )
    assert not ProgressReport.objects.exists()


def test_it_rejects_a_row_for_a_task_already_submitted(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, t4 = extra_tasks
    wb = good_workbook(zfw, q1, lead_reporter, task1, t3, t4)  # downloaded before the submission
    submitted = do_submit_report(
        do_save_draft(t3, q1, filled(t3), acting_user=lead_reporter), acting_user=lead_reporter
    )
    before = list(ProgressReport.objects.values_list("pk", "status", "lock_version"))
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    r = row_of(sheet(wb), t3)
    (error,) = info.value.errors
    assert error.startswith(f"{columns(sheet(wb))['序号']}{r}: 任务3：") and "已报送" in error
    assert list(ProgressReport.objects.values_list("pk", "status", "lock_version")) == before
    assert before == [(submitted.pk, ReportStatus.SUBMITTED, submitted.lock_version)]


def test_it_lists_every_bad_cell_of_every_row(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, t4 = extra_tasks
    wb = good_workbook(zfw, q1, lead_reporter, task1, t3, t4)
    ws = sheet(wb)
    cols = columns(ws)
    r1 = fill(ws, task1, 进展状态="完成")
    r3 = fill(ws, t3, **{"完成比例（%）": 101, "指标2数据截至": "2025-02-30"})
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    assert [e.split(":")[0] for e in info.value.errors] == [
        f"{cols['进展状态']}{r1}",
        f"{cols['完成比例（%）']}{r3}",
        f"{cols['指标2数据截至']}{r3}",
    ]
    assert not ProgressReport.objects.exists()


def test_it_rejects_a_value_in_a_slot_the_task_does_not_have(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    ws = sheet(wb)
    r = fill(ws, task1, 进展状态="推进中", 工作进展="……", 指标2当前值=5)
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    assert info.value.errors == (f"{columns(ws)['指标2当前值']}{r}: 任务1只有 1 项指标，此格应留空",)


def test_it_rejects_a_stale_row_and_keeps_the_draft_saved_since_the_download(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, t4 = extra_tasks
    draft = do_save_draft(task1, q1, filled(task1), acting_user=lead_reporter)
    wb = good_workbook(zfw, q1, lead_reporter, task1, t3, t4)
    do_edit_draft(
        draft,
        filled(task1, narrative="网页上改过"),
        lock_version=draft.lock_version,
        acting_user=lead_reporter,
    )
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)
    (error,) = info.value.errors
    assert (
        error.startswith(f"{columns(sheet(wb))['序号']}{row_of(sheet(wb), task1)}: 任务1：")
        and "重新下载" in error
    )
    assert ProgressReport.objects.get().narrative == "网页上改过"  # and tasks 3 and 4 were not saved either


def test_it_stores_nothing_when_a_row_cannot_be_submitted(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    t3, t4 = extra_tasks
    wb = good_workbook(zfw, q1, lead_reporter, task1, t3, t4)
    r = fill(sheet(wb), t3, 工作进展=None)
    with pytest.raises(BulkUploadError) as info:
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter, submit=True)
    assert info.value.errors == (f"{columns(sheet(wb))['序号']}{r}: 任务3：请填写工作进展后再报送",)
    assert not ProgressReport.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["save_draft", "submit_report", "bulk_upload"]).exists()


# ---------------------------------------------------------------------------------------------
# Files that are not the template


def _docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _plain_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "任务", "进展"])  # type: ignore[union-attr]
    return to_bytes(wb)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xe5\xba\x8f\xe5\x8f\xb7,\xe4\xbb\xbb\xe5\x8a\xa1\n1,abc\n", "文件不是 Excel 工作簿（.xlsx）"),
        (b"%PDF-1.4 ...", "文件不是 Excel 工作簿（.xlsx）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "旧版 Excel（.xls）"),
        (b"", "文件为空"),
        (_docx(), "文件不是 Excel 工作簿（.xlsx）"),
        (_plain_xlsx(), "这不是本系统的报送模板"),
    ],
    ids=["csv", "pdf", "xls", "empty", "docx", "other-xlsx"],
)
def test_it_explains_a_file_that_is_not_the_template(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, data: bytes, message: str
) -> None:
    with pytest.raises(BulkUploadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        do_bulk_upload(zfw, q1, data, acting_user=lead_reporter)
    assert not ProgressReport.objects.exists()


def test_it_refuses_the_template_of_another_period(
    zfw: Unit,
    q1: ReportingPeriod,
    periods: list[ReportingPeriod],
    users: dict[str, User],
    lead_reporter: User,
    task1: Task,
) -> None:
    wb = load(bulk_template(zfw, periods[1], user=lead_reporter))
    fill(sheet(wb), task1, 进展状态="推进中", 工作进展="……")
    with pytest.raises(BulkUploadError, match="这不是区委政法委2025年第一季度的报送模板"):
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)


def test_it_refuses_a_template_whose_header_was_changed(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task
) -> None:
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    ws = sheet(wb)
    fill(ws, task1, 进展状态="推进中", 工作进展="……")
    ws.delete_cols(5)
    with pytest.raises(BulkUploadError, match="报送表的表头被改动：第 3 行应为"):
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=lead_reporter)


def test_it_takes_uploads_only_from_the_units_own_reporters(
    zfw: Unit, q1: ReportingPeriod, users: dict[str, User], lead_reporter: User, task1: Task
) -> None:
    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    fill(sheet(wb), task1, 进展状态="推进中", 工作进展="……")
    with pytest.raises(TransitionError, match="无权批量填报"):
        do_bulk_upload(zfw, q1, to_bytes(wb), acting_user=users["reporter"])
    assert not ProgressReport.objects.exists()


def test_it_handles_a_custom_period(
    small_plan: Plan, zfw: Unit, users: dict[str, User], lead_reporter: User, task1: Task
) -> None:
    period = do_add_period(
        small_plan,
        "专项督查期",
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 20),
        dt.date(2025, 3, 25),
        acting_user=users["manager"],
    )
    wb = load(bulk_template(zfw, period, user=lead_reporter))
    fill(sheet(wb), task1, 进展状态="推进中", 工作进展="……", 指标1当前值=80)
    (report,) = do_bulk_upload(zfw, period, to_bytes(wb), acting_user=lead_reporter)
    assert report.period_id == period.pk and report.values.get().as_of == dt.date(2025, 3, 1)


# ---------------------------------------------------------------------------------------------
# The pages: download the template, upload it back


def test_it_serves_the_template_and_saves_an_upload_through_the_period_page(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task, extra_tasks: tuple[Task, Task]
) -> None:
    from django.test import Client

    t3, t4 = extra_tasks
    client = Client()
    client.force_login(lead_reporter)
    got = client.get(f"/tracking/periods/{q1.pk}/bulk.xlsx")
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load(got.content) is not None
    upload = io.BytesIO(to_bytes(good_workbook(zfw, q1, lead_reporter, task1, t3, t4)))
    upload.name = "报送表.xlsx"
    response = client.post(f"/tracking/periods/{q1.pk}/bulk/", {"file": upload, "submit": "1"}, follow=True)
    assert "已报送 3 项任务的进展" in response.content.decode()
    assert ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count() == 3


def test_it_names_the_bad_cell_and_stores_nothing_on_a_bad_upload_page(
    zfw: Unit, q1: ReportingPeriod, lead_reporter: User, task1: Task
) -> None:
    from django.test import Client

    wb = load(bulk_template(zfw, q1, user=lead_reporter))
    fill(sheet(wb), task1, 进展状态="进行中", 工作进展="x")
    upload = io.BytesIO(to_bytes(wb))
    upload.name = "报送表.xlsx"
    client = Client()
    client.force_login(lead_reporter)
    response = client.post(f"/tracking/periods/{q1.pk}/bulk/", {"file": upload}, follow=True)
    text = response.content.decode()
    assert "未保存任何内容" in text and "进行中" in text
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("who", ["manager", "leader", "admin"])
def test_it_gives_bulk_entry_only_to_unit_reporters(
    users: dict[str, User], q1: ReportingPeriod, who: str
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(users[who])
    assert client.get(f"/tracking/periods/{q1.pk}/bulk.xlsx").status_code == 404
    assert client.post(f"/tracking/periods/{q1.pk}/bulk/", {}).status_code == 404

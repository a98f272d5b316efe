"""The rows of an uploaded sheet checked, each by a form (RowForm), without a database write.

Which task a row is (its hidden task cell) is settled first, with who may report on it: the
row's other cells are then checked as that task's report, its figures against that task's
targets. Every problem is collected with its cell address, every row's, so that one upload
reports them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from openpyxl.utils import get_column_letter

from duban.accounts.actors import Actor
from duban.tracking.actions.report_data import ReportData
from duban.tracking.bulk.cells import (
    Cell,
    FigureCells,
    LockCell,
    PercentCell,
    ProgressCell,
    TargetIdsCell,
    TextCell,
    as_int,
    blank,
    shown,
)
from duban.tracking.bulk.sheet import (
    COL_LOCK,
    COL_NARRATIVE,
    COL_NUMBER,
    COL_PERCENT,
    COL_REASON,
    COL_STATUS,
    COL_TARGETS,
    COL_TASK,
    INPUTS,
    SLOT_DATE,
    SLOT_VALUE,
    Duty,
    slot_headings,
    unit_duties,
    unit_reports,
)
from duban.tracking.models import ReportingPeriod, TaskClosure, closed_at_moment
from duban.tracking.queries.obligations import period_begins
from duban.tracking.transitions import ReportAction, TransitionError, check_report, report_actors
from duban.units.models import Unit


@dataclass(frozen=True)
class Header:
    """Where the columns stand: heading → index, and the target slots the sheet has."""

    columns: Mapping[str, int]
    slots: Sequence[int]

    @classmethod
    def read(cls, cells: Sequence[Any]) -> Header:
        headings = [str(v).strip() if v is not None else "" for v in cells]
        columns = {h: i for i, h in enumerate(headings) if h}
        slots = {int(m[1]) for h in columns if (m := SLOT_VALUE.match(h) or SLOT_DATE.match(h))}
        return cls(columns, sorted(slots))


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: Sequence[Any]
    header: Header

    def value(self, heading: str) -> Any:
        i = self.header.columns.get(heading)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def address(self, heading: str) -> str | None:
        i = self.header.columns.get(heading)
        return None if i is None else f"{get_column_letter(i + 1)}{self.number}"

    def at(self, heading: str) -> str:
        """The address of a column the header check has made sure of."""
        address = self.address(heading)
        assert address is not None
        return address

    @property
    def where(self) -> str:
        """The row's number cell, for messages about the row as a whole."""
        return self.at(COL_NUMBER)

    def is_blank(self) -> bool:
        """Nothing typed in: the unit did not report on this task this time."""
        slots = [h for k in self.header.slots for h in slot_headings(k)[1:]]
        return all(blank(self.value(h)) for h in (*INPUTS, *slots))


class RowForm(forms.Form):
    """One filled row as the report of its task: a field per input cell (COLUMNS), one per
    target slot (its value and date cells), each refusal naming its cell."""

    lock_version = LockCell()
    progress = ProgressCell()
    percent = PercentCell()
    reason = TextCell()
    narrative = TextCell()
    targets = TargetIdsCell()

    COLUMNS: Mapping[str, str] = {
        "lock_version": COL_LOCK,
        "progress": COL_STATUS,
        "percent": COL_PERCENT,
        "reason": COL_REASON,
        "narrative": COL_NARRATIVE,
        "targets": COL_TARGETS,
    }

    def __init__(self, row: SheetRow, duty: Duty) -> None:
        data: dict[str, Any] = {name: row.value(heading) for name, heading in self.COLUMNS.items()}
        expected = sorted(t.pk for t in duty.targets)
        given = TargetIdsCell.ids(data["targets"])
        # Only when the ids are still the task's do the slots say which figure is which; else the
        # ids alone are refused.
        figures = self._figures(row, duty, given) if sorted(given, key=lambda x: x or 0) == expected else {}
        data.update(
            {name: (row.value(value_h), row.value(date_h)) for name, (_f, value_h, date_h) in figures.items()}
        )
        super().__init__(data)
        for name, heading in self.COLUMNS.items():
            cell = self.fields[name]
            assert isinstance(cell, Cell)
            cell.place(row.at(heading), row.number)
        targets = self.fields["targets"]
        assert isinstance(targets, TargetIdsCell)
        targets.expected, targets.task_number = expected, duty.task.number
        self.fields.update({name: f for name, (f, _v, _d) in figures.items()})

    @staticmethod
    def _figures(
        row: SheetRow, duty: Duty, given: list[int | None]
    ) -> dict[str, tuple[FigureCells, str, str]]:
        """A field per target slot of the sheet, with the headings of its two cells."""
        by_pk = {t.pk: t for t in duty.targets}
        out = {}
        for k in row.header.slots:
            _name, value_h, date_h = slot_headings(k)
            target = by_pk[given[k - 1] or 0] if k <= len(given) else None
            cells = FigureCells(
                target,
                value_at=row.address(value_h),
                date_at=row.address(date_h),
                task_number=duty.task.number,
                targets=len(given),
            )
            out[f"figure_{k}"] = (cells, value_h, date_h)
        return out

    def problems(self) -> list[str]:
        """Every refusal, each naming its cell, in the order of the cells."""
        return [m for errors in self.errors.as_data().values() for error in errors for m in error.messages]

    def report_data(self) -> ReportData:
        d = self.cleaned_data
        values = {
            cells.target.pk: d[name]
            for name, cells in self.fields.items()
            if isinstance(cells, FigureCells) and cells.target is not None and d.get(name) is not None
        }
        return ReportData(
            progress=d["progress"],
            reason=d["reason"],
            percent=d["percent"],
            narrative=d["narrative"],
            values=values,
        )


@dataclass(frozen=True)
class ParsedRow:
    number: int  # the sheet row
    where: str  # the row's number cell, for row-level messages
    duty: Duty
    lock_version: int | None
    data: ReportData


class RowRefused(Exception):
    """The row names no task the unit may report on here; the message names the cell."""


@dataclass
class Sheet:
    """What the rows of one upload are checked against: the unit's duties in the period, its
    reports there, the plan's closed tasks, and the rows seen so far."""

    unit: Unit
    period: ReportingPeriod
    acting_user: Actor
    duties: dict[int, Duty] = field(init=False)
    statuses: dict[int, str] = field(init=False)
    closed: set[int] = field(init=False)
    seen: dict[int, int] = field(default_factory=dict)  # task id → the row that filled it

    def __post_init__(self) -> None:
        self.duties = unit_duties(self.unit, self.period)
        drafts, answers = unit_reports(self.unit, self.period)
        self.statuses = {
            **{t: r.status for t, r in answers.items()},
            **{t: r.status for t, r in drafts.items()},
        }
        begun = closed_at_moment(period_begins(self.period))  # closed when the period began
        tasks = TaskClosure.objects.filter(begun, task__plan_id=self.period.plan_id).values_list(
            "task_id", flat=True
        )
        self.closed = set(tasks)

    def duty_of(self, row: SheetRow) -> Duty:
        """The task the row reports on, or RowRefused."""
        duty = self._duty(row, self._task_id(row))
        if duty.task.pk in self.seen:
            raise RowRefused(
                f"{row.where}: 任务{duty.task.number}在第 {self.seen[duty.task.pk]} 行已填写，每项任务只能填一行"
            )
        self.seen[duty.task.pk] = row.number
        actors = report_actors(self.acting_user, duty.task, self.unit.pk, duty.kind)
        try:
            check_report(self.statuses.get(duty.task.pk), ReportAction.SAVE, actors)
        except TransitionError as exc:
            raise RowRefused(f"{row.where}: 任务{duty.task.number}：{exc}") from None
        return duty

    def _task_id(self, row: SheetRow) -> int:
        raw, at = row.value(COL_TASK), row.at(COL_TASK)
        if blank(raw):
            raise RowRefused(
                f"{row.where}: 第 {row.number} 行没有任务ID（隐藏列 {at}）：请只在下载的模板已有的行中填写"
            )
        task_id = as_int(raw)
        if task_id is None:
            raise RowRefused(f"{at}: 第 {row.number} 行的任务ID“{shown(raw)}”无效：请勿修改模板的隐藏列")
        return task_id

    def _duty(self, row: SheetRow, task_id: int) -> Duty:
        duty = self.duties.get(task_id)
        if duty is None:
            why = (
                "该任务已销号，无需报送"
                if task_id in self.closed
                else f"不是{self.unit.name}在{self.period.name}需要报送的任务（或任务不存在）"
            )
            raise RowRefused(f"{row.where}: 第 {row.number} 行的任务（ID {task_id}）{why}")
        return duty


def parse_rows(
    rows: list[list[Any]], header_row: int, unit: Unit, period: ReportingPeriod, acting_user: Actor
) -> tuple[list[ParsedRow], list[str]]:
    """The filled rows below the header, each checked; and every problem found, in sheet order."""
    header = Header.read(rows[header_row - 1])
    sheet = Sheet(unit, period, acting_user)
    parsed: list[ParsedRow] = []
    errors: list[str] = []
    for number, cells in enumerate(rows[header_row:], start=header_row + 1):
        row = SheetRow(number, cells, header)
        if row.is_blank():
            continue
        try:
            duty = sheet.duty_of(row)
        except RowRefused as exc:
            errors.append(str(exc))
            continue
        form = RowForm(row, duty)
        if form.is_valid():
            lock_version = form.cleaned_data["lock_version"]
            parsed.append(ParsedRow(number, row.where, duty, lock_version, form.report_data()))
        else:
            errors.extend(form.problems())
    return parsed, errors

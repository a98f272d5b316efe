"""Plans out as the tables a clerk works with: rows, CSV, Markdown and JSON.

The Excel (written by duban.office.plan_xlsx) and Markdown exports share one row shape
(`table_row`): the standard responsibility table 序号 / 任务 / 牵头单位 / 配合单位 / 目标要求 /
量化目标 / 分值 / 完成时限, grouped under the section headings of the document.  CSV is flatter,
one row per task with every field, for other programs.  A plan's `parts` (further lists printed in
the same document) become further sheets in Excel and are appended after the main plan in CSV and
Markdown.

How a number and a target are printed (`number_text`, `target_text`) is defined here, with the
plan format, because this module prints them and duban.extract sits below every other package;
the platform takes them from duban.office.text, so every page and file prints them alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from duban.extract.csv_text import csv_text
from duban.extract.model import Deduction, DeductionRule, Plan, Target, Task
from duban.extract.model import Warning as PlanWarning

Cell = str | int | float | None

TABLE_HEADINGS = ("序号", "任务", "牵头单位", "配合单位", "目标要求", "量化目标", "分值", "完成时限")
CSV_HEADINGS = (
    "序号",
    "路径",
    "任务",
    "牵头单位",
    "配合单位",
    "责任单位",
    "目标要求",
    "量化目标",
    "分值",
    "完成时限",
)
DEDUCTION_HEADINGS = ("序号", "扣分项目", "扣分规则")
WARNING_HEADINGS = ("任务序号", "级别", "代码", "说明")
SEVERITY_LABELS = {"error": "严重", "warning": "提示"}

_CMP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}
# `change` marks a relative change from a baseline ("下降40%以上", "增长10%"); the comparator then
# bounds the size of the change. 增长/下降 say exactly that, and are the labels the platform gives
# the two values (plans.models.Change). 提高 is not used: "提高到95%" is a level to reach (cmp >=,
# no change), so "提高≥95%" would read as one.
CHANGE_WORDS = {"increase": "增长", "decrease": "下降"}
_UNIT_SEPARATOR = "、"


# ---------------------------------------------------------------------------------------------
# Shared rendering of single fields


def number(v: float | None) -> int | float | None:
    """18.0 → 18, as a clerk types it; other values unchanged."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def number_text(v: Decimal | float | None) -> str:
    """18.0 → "18", Decimal("2.500000") → "2.5", 1e-05 → "0.00001": as a clerk writes it, never
    18.00, 1.8E+1 or -0."""
    if v is None:
        return ""
    # A float through its shortest repr, so 0.95 stays 0.95; a Decimal or an int keeps its digits.
    exact = v if isinstance(v, Decimal | int) else Decimal(repr(float(v)))
    text = f"{Decimal(exact).normalize():f}"
    return "0" if text == "-0" else text


def target_text(
    metric: str,
    cmp: str,
    value: Decimal | float,
    unit: str | None = None,
    change: str | None = None,
    by: str | int | None = None,
) -> str:
    """The one printed form of a target, on every page and in every file:
    ("调处成功率", ">=", 95, "%", by="2015") → "调处成功率≥95%（2015年）";
    ("命案发案率", ">=", 40, "%", change="decrease") → "命案发案率下降≥40%"."""
    change_word, sign = CHANGE_WORDS.get(change or "", ""), _CMP_SIGNS.get(cmp, cmp)
    text = f"{metric}{change_word}{sign}{number_text(value)}{unit or ''}"
    year = str(by or "")
    if year:
        text += f"（{year}年）" if re.fullmatch(r"\d{4}", year) else f"（{year}）"
    return text


def render_target(t: Target) -> str:
    """A target of a duban.plan/1 plan, in the one printed form (`target_text`)."""
    return target_text(t.metric, t.cmp, t.value, t.unit, t.change, t.by)


def render_rule(r: DeductionRule) -> str:
    """DeductionRule(-20, threshold=">0.6", step=0.1, step_points=-10, cap=-50) →
    ">0.6时扣20分，每0.1再扣10分，最多扣50分"."""

    def points(v: float) -> str:
        return f"{'扣' if v < 0 else '加'}{number_text(abs(v))}分"

    text = f"{r.level}：" if r.level else ""
    if r.threshold:
        text += f"{_threshold_text(r.threshold)}时"
    text += points(r.points)
    if r.per:
        text += f"/{r.per}"
    if r.step is not None and r.step_points is not None:
        text += f"，每{number_text(r.step)}再{points(r.step_points)}"
    if r.cap is not None:
        text += f"，最多{points(r.cap)}"
    return text


def _threshold_text(threshold: str) -> str:
    for cmp in (">=", "<=", ">", "<", "="):
        if threshold.startswith(cmp):
            return _CMP_SIGNS[cmp] + threshold[len(cmp) :]
    return threshold


def render_deduction(d: Deduction) -> str:
    return "；".join(render_rule(r) for r in d.rules)


def deadline_text(task: Task) -> str:
    # The printed words ("2019年11月底", "常态化实施") are what a clerk expects to read back;
    # the ISO date only when the document's words were not kept.
    return task.deadline_text or task.deadline or ""


def has_roles(plan: Plan) -> bool:
    """Whether the document says which units lead (else only `units` is meaningful)."""
    return any(t.lead is not None for t in plan.tasks)


def plan_title(plan: Plan) -> str:
    return plan.title or plan.source or "责任分解表"


def plan_facts(plan: Plan) -> str:
    """The line under the title: 文号 · 日期 · 总分, those that are known."""
    facts = []
    if plan.doc_number:
        facts.append(f"文号：{plan.doc_number}")
    if plan.date:
        facts.append(f"日期：{plan.date}")
    if plan.total_points is not None:
        facts.append(f"总分：{number_text(plan.total_points)}分")
    return "　".join(facts)


# ---------------------------------------------------------------------------------------------
# The responsibility table shared by Excel and Markdown


def table_headings(plan: Plan) -> tuple[str, ...]:
    if has_roles(plan):
        return TABLE_HEADINGS
    # Without lead/partner roles the units are simply responsible: head the column so.
    return tuple("责任单位" if h == "牵头单位" else h for h in TABLE_HEADINGS)


def table_row(task: Task, *, roles: bool) -> tuple[Cell, ...]:
    """One task as the cells under `table_headings`."""
    if roles and task.lead is not None:
        lead = _UNIT_SEPARATOR.join(task.lead)
        partners = _UNIT_SEPARATOR.join(task.partners or ())
        # Units in neither list hold another printed role (实施单位, 责任单位 beside 牵头单位):
        # keep them visible rather than silently dropping them.
        named = set(task.lead) | set(task.partners or ())
        others = [u for u in task.units if u not in named]
        if others:
            partners = "\n".join(p for p in (partners, "责任单位：" + _UNIT_SEPARATOR.join(others)) if p)
    else:
        lead, partners = _UNIT_SEPARATOR.join(task.units), ""
    # A task without a printed title is its text; do not print the text twice.
    name, requirement = (task.title, task.text) if task.title else (task.text, "")
    targets = "\n".join(render_target(t) for t in task.targets)
    return (task.id, name, lead, partners, requirement, targets, number(task.points), deadline_text(task))


@dataclass(frozen=True)
class Section:
    """A run of consecutive tasks under one path; `headings` are the path levels to print
    before it (the levels that changed), each with its depth."""

    path: tuple[str, ...]
    headings: tuple[tuple[int, str], ...]
    tasks: tuple[Task, ...]


def sections(tasks: Sequence[Task]) -> Iterator[Section]:
    before: tuple[str, ...] = ()
    run: list[Task] = []
    for task in tasks:
        if run and task.path != run[0].path:
            yield _section(run, before)
            before, run = run[0].path, []
        run.append(task)
    if run:
        yield _section(run, before)


def _section(run: list[Task], before: tuple[str, ...]) -> Section:
    path = run[0].path
    depth = 0
    while depth < min(len(path), len(before)) and path[depth] == before[depth]:
        depth += 1
    if depth == len(path) and path:
        # Back up to an enclosing level ("一、" after its "(一)"): repeat its heading, or the
        # tasks would read as belonging to the subsection above them.
        depth = len(path) - 1
    return Section(path, tuple((i, path[i]) for i in range(depth, len(path))), tuple(run))


def plan_and_parts(plan: Plan) -> tuple[Plan, ...]:
    return (plan, *plan.parts)


# ---------------------------------------------------------------------------------------------
# JSON and CSV


def to_json(plan: Plan) -> str:
    return plan.to_json()


def to_csv(plan: Plan) -> str:
    """One row per task, every field; written (and escaped) by duban.extract.csv_text."""
    rows: list[tuple[Cell, ...]] = []
    for p in plan_and_parts(plan):
        # Tasks of a part carry the part's title as the first step of their path.
        prefix = (plan_title(p),) if p is not plan else ()
        rows.extend(
            (
                t.id,
                " / ".join(prefix + t.path),
                t.title or "",
                _UNIT_SEPARATOR.join(t.lead or ()),
                _UNIT_SEPARATOR.join(t.partners or ()),
                _UNIT_SEPARATOR.join(t.units),
                t.text,
                "；".join(render_target(x) for x in t.targets),
                number_text(t.points),
                deadline_text(t),
            )
            for t in p.tasks
        )
    return csv_text(CSV_HEADINGS, rows)


# ---------------------------------------------------------------------------------------------
# Markdown


def md_cell(value: Cell) -> str:
    """A cell's text made safe inside a Markdown table row."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def _md_table(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[str]:
    lines = ["| " + " | ".join(md_cell(h) for h in headings) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headings) + "|")
    lines.extend("| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows)
    return lines


def _md_heading(level: int, text: str) -> str:
    return "#" * min(level, 6) + " " + re.sub(r"\s+", " ", text).strip()


def to_markdown(plan: Plan) -> str:
    blocks = [_md_plan(p) for p in plan_and_parts(plan)]
    return "\n\n---\n\n".join(blocks) + "\n"


def _md_plan(plan: Plan) -> str:
    lines = [_md_heading(1, plan_title(plan))]
    if facts := plan_facts(plan):
        lines += ["", facts]
    headings, roles = table_headings(plan), has_roles(plan)
    for section in sections(plan.tasks):
        for depth, heading in section.headings:
            lines += ["", _md_heading(depth + 2, heading)]
        lines += ["", *_md_table(headings, [table_row(t, roles=roles) for t in section.tasks])]
    if not plan.tasks:
        lines += ["", "（未提取到任务）"]
    if plan.deductions:
        rows: list[tuple[Cell, ...]] = [(d.id, d.item, render_deduction(d)) for d in plan.deductions]
        lines += ["", _md_heading(2, "负面清单"), "", *_md_table(DEDUCTION_HEADINGS, rows)]
    if plan.warnings:
        rows = [warning_row(w) for w in plan.warnings]
        lines += ["", _md_heading(2, "问题"), "", *_md_table(WARNING_HEADINGS, rows)]
    return "\n".join(lines)


def warning_row(w: PlanWarning) -> tuple[Cell, ...]:
    return (w.task or "", SEVERITY_LABELS.get(w.severity, w.severity), w.code, w.message)

"""Exports of a plan: the clerk's Excel table, CSV for other programs, Markdown, JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from duban.extract import export
from duban.extract.model import Deduction, DeductionRule, Plan, Target, Task, Warning
from duban.office.plan_xlsx import plan_to_xlsx

GOLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json")) if GOLD.is_dir() else []

ROLE_HEADINGS = ["序号", "任务", "牵头单位", "配合单位", "目标要求", "量化目标", "分值", "完成时限"]
PLAIN_HEADINGS = ["序号", "任务", "责任单位", "配合单位", "目标要求", "量化目标", "分值", "完成时限"]
SECTION_1 = "一、社会矛盾排查化解行动计划"
SUBSECTION_1 = "(一)源头治理攻坚行动"
SECTION_2 = "二、人口服务管理行动计划"


def role_plan(**changes: object) -> Plan:
    """A plan whose document names lead and partner units, with points and targets."""
    tasks = (
        Task(
            id="1",
            path=(SECTION_1, SUBSECTION_1),
            title="畅通公众诉求表达渠道",
            text="积极拓宽群众诉求表达渠道，推动领导干部接访、下访。",
            units=("市信访局", "市委办公厅", "市法院"),
            lead=("市信访局",),
            partners=("市委办公厅", "市法院"),
            points=18,
            deadline="2012-12-31",
            deadline_text="2012年底前",
            targets=(Target("调处成功率", ">=", 95, "%", by="2015"),),
        ),
        Task(
            id="2",
            path=(SECTION_1, SUBSECTION_1),
            title="建立群众利益协调机制",
            text="完善公共决策社会公示 | 公众听证\n专家咨询论证制度。",
            units=("市维稳办", "市维稳领导小组成员单位", "市财政局"),
            lead=("市维稳办",),
            partners=("市维稳领导小组成员单位",),
            points=12.5,
        ),
        Task(
            id="3",
            path=(SECTION_2,),
            title="健全流动人口服务管理体系",
            text="健全流动人口服务管理体系。",
            units=("市公安局",),
            lead=("市公安局",),
            partners=(),
            targets=(
                Target("命案发案率", ">=", 40, "%", change="decrease", by="2015"),
                Target("出租房屋登记率", ">=", 0.95, None),
            ),
        ),
    )
    fields: dict[str, object] = {
        "source": "role.txt",
        "title": "市政法综治部门实施社会管理创新工程项目任务责任分解方案",
        "doc_number": "宁政法[2012]1号",
        "date": "2012-01-06",
        "total_points": 840,
        "tasks": tasks,
    }
    fields.update(changes)
    return Plan(**fields)  # type: ignore[arg-type]


def plain_plan(**changes: object) -> Plan:
    """A plan whose document does not say who leads, and prints no task titles."""
    tasks = (
        Task(
            id="1",
            path=("一、加快完善“八大体系”",),
            text="合理调整收入分配关系。",
            units=("市发改委", "市农委"),
        ),
        Task(
            id="2",
            path=("一、加快完善“八大体系”",),
            text="全面推行企业工资集体协商制度。",
            units=("市人社局",),
        ),
    )
    fields: dict[str, object] = {"source": "plain.txt", "title": "重点任务分解方案", "tasks": tasks}
    fields.update(changes)
    return Plan(**fields)  # type: ignore[arg-type]


DEDUCTIONS = (
    Deduction("1", "暴力恐怖案事件", (DeductionRule(points=-30, per="件"),)),
    Deduction(
        "5",
        "万人命案发案率",
        (DeductionRule(points=-20, threshold=">0.6", step=0.1, step_points=-10, cap=-50),),
    ),
)
WARNINGS = (
    Warning("lead-also-partner", "市信访局既是牵头单位又是配合单位", task="1", severity="error"),
    Warning("no-units", "任务没有责任单位", task="3"),
)


def workbook(plan: Plan) -> list[Worksheet]:
    wb = load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    return list(wb.worksheets)


def header_row(ws: Worksheet) -> int:
    return next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "序号")


def row_values(ws: Worksheet, row: int) -> list[object]:
    return [c.value for c in ws[row]]


def merged_rows(ws: Worksheet) -> dict[int, str]:
    """Rows merged across the whole table width, with their text."""
    width = ws.max_column
    return {
        rng.min_row: str(ws.cell(row=rng.min_row, column=1).value)
        for rng in ws.merged_cells.ranges
        if rng.min_row == rng.max_row and rng.min_col == 1 and rng.max_col == width
    }


# ---------------------------------------------------------------------------------------------
# Fields rendered as text


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (Target("调处成功率", ">=", 95, "%", by="2015"), "调处成功率≥95%（2015年）"),
        (Target("年度城镇登记失业率", "<=", 4, "%"), "年度城镇登记失业率≤4%"),
        (Target("命案发案率", ">=", 40, "%", change="decrease", by="2015"), "命案发案率下降≥40%（2015年）"),
        (Target("覆盖率", ">=", 10, "个百分点", change="increase"), "覆盖率增长≥10个百分点"),
        (Target("万人发案率", "<", 0.6, None), "万人发案率<0.6"),
        (Target("专项督促检查", ">=", 1, "次"), "专项督促检查≥1次"),
        (Target("参保率", ">", 99.5, "%", by="2015年6月"), "参保率>99.5%（2015年6月）"),
        (Target("事故数", "=", 0, "起"), "事故数=0起"),
    ],
)
def test_it_renders_targets_as_a_clerk_writes_them(target: Target, text: str) -> None:
    assert export.render_target(target) == text


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (DeductionRule(points=-30, per="件"), "扣30分/件"),
        (DeductionRule(points=-30, per="件", level="特别重大"), "特别重大：扣30分/件"),
        (
            DeductionRule(points=-20, threshold=">0.6", step=0.1, step_points=-10, cap=-50),
            ">0.6时扣20分，每0.1再扣10分，最多扣50分",
        ),
        (DeductionRule(points=-3, per="人"), "扣3分/人"),
        (DeductionRule(points=5, threshold=">=100%"), "≥100%时加5分"),
    ],
)
def test_it_renders_deduction_rules(rule: DeductionRule, text: str) -> None:
    assert export.render_rule(rule) == text


@pytest.mark.parametrize(
    ("paths", "headings"),
    [
        ([("一",), ("一",)], [[(0, "一")]]),
        ([("一", "(一)"), ("一", "(二)")], [[(0, "一"), (1, "(一)")], [(1, "(二)")]]),
        ([("一", "(一)"), ("二", "(一)")], [[(0, "一"), (1, "(一)")], [(0, "二"), (1, "(一)")]]),
        # back at the enclosing level: its heading is repeated so the task is not misread
        ([("一", "(一)"), ("一",)], [[(0, "一"), (1, "(一)")], [(0, "一")]]),
        ([(), ("一",)], [[], [(0, "一")]]),
    ],
)
def test_it_prints_the_headings_that_change_between_sections(
    paths: list[tuple[str, ...]], headings: list[list[tuple[int, str]]]
) -> None:
    tasks = [Task(id=str(i), path=p, text="任务") for i, p in enumerate(paths)]
    assert [list(s.headings) for s in export.sections(tasks)] == headings


# ---------------------------------------------------------------------------------------------
# Excel


@pytest.mark.parametrize(("plan", "headings"), [(role_plan(), ROLE_HEADINGS), (plain_plan(), PLAIN_HEADINGS)])
def test_it_heads_the_xlsx_table_with_the_standard_columns(plan: Plan, headings: list[str]) -> None:
    ws = workbook(plan)[0]
    assert row_values(ws, header_row(ws)) == headings


def test_it_merges_the_title_row_across_the_table() -> None:
    ws = workbook(role_plan())[0]
    merged = merged_rows(ws)
    assert merged[1] == "市政法综治部门实施社会管理创新工程项目任务责任分解方案"
    assert ws.cell(row=1, column=1).font.b
    assert merged[2] == "文号：宁政法[2012]1号　日期：2012-01-06　总分：840分"


def test_it_writes_each_change_of_section_as_a_merged_bold_filled_row() -> None:
    ws = workbook(role_plan())[0]
    top = header_row(ws)
    sections = {r: text for r, text in merged_rows(ws).items() if r > top}
    assert list(sections.values()) == [SECTION_1, SUBSECTION_1, SECTION_2]
    for r in sections:
        cell = ws.cell(row=r, column=1)
        assert cell.font.b
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.endswith(("DDEBF7", "EDF4FB"))


def test_it_writes_task_values_under_their_section() -> None:
    ws = workbook(role_plan())[0]
    rows = [row_values(ws, r) for r in range(header_row(ws) + 1, ws.max_row + 1)]
    task_rows = [r for r in rows if r[1] is not None]
    assert task_rows[0] == [
        1,
        "畅通公众诉求表达渠道",
        "市信访局",
        "市委办公厅、市法院",
        "积极拓宽群众诉求表达渠道，推动领导干部接访、下访。",
        "调处成功率≥95%（2015年）",
        18,
        "2012年底前",
    ]
    # units in neither role list stay visible; whole points print as integers, others as is
    assert task_rows[1][3] == "市维稳领导小组成员单位\n责任单位：市财政局"
    assert task_rows[1][6] == 12.5
    assert task_rows[2][5] == "命案发案率下降≥40%（2015年）\n出租房屋登记率≥0.95"
    assert rows[0][0] == SECTION_1 and rows[1][0] == SUBSECTION_1


def test_it_puts_every_unit_under_responsible_units_when_no_roles_are_named() -> None:
    ws = workbook(plain_plan())[0]
    first = row_values(ws, header_row(ws) + 2)  # after the one section row
    assert first[:5] == [1, "合理调整收入分配关系。", "市发改委、市农委", None, None]


def test_it_freezes_the_header_row() -> None:
    ws = workbook(role_plan())[0]
    assert ws.freeze_panes == f"A{header_row(ws) + 1}"


def test_it_sets_up_printing_on_a4_landscape_fit_to_width_with_the_header_repeated() -> None:
    ws = workbook(role_plan())[0]
    top = header_row(ws)
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${top}:${top}"


def test_it_wraps_and_borders_every_table_cell() -> None:
    ws = workbook(role_plan())[0]
    for row in ws.iter_rows(min_row=header_row(ws), max_row=ws.max_row):
        for cell in row:
            if cell.coordinate in ws.merged_cells and cell.column > 1:
                continue  # covered by the merged row's first cell
            assert cell.alignment.wrap_text, cell.coordinate
            assert cell.border.left.style == "thin", cell.coordinate


def test_it_sizes_columns_within_sensible_widths() -> None:
    ws = workbook(role_plan())[0]
    top = header_row(ws)
    widths = {
        ws.cell(row=top, column=c).value: ws.column_dimensions[get_column_letter(c)].width
        for c in range(1, 9)
    }
    assert 5 <= widths["序号"] <= 8
    assert 5 <= widths["分值"] <= 8
    assert widths["目标要求"] > widths["序号"]
    assert all(w <= 60 for w in widths.values())


def test_it_makes_rows_with_long_text_taller() -> None:
    long_text = "完善公共决策社会公示制度。" * 30
    tasks = (Task(id="1", path=(), title="短", text="短"), Task(id="2", path=(), title="长", text=long_text))
    plan = role_plan(tasks=tasks)
    ws = workbook(plan)[0]
    top = header_row(ws)
    short, tall = ws.row_dimensions[top + 1].height, ws.row_dimensions[top + 2].height
    assert short is not None and tall is not None and tall > 4 * short


@pytest.mark.parametrize(
    ("plan", "sheets"),
    [
        (role_plan(), ["责任分解表"]),
        (role_plan(deductions=DEDUCTIONS), ["责任分解表", "负面清单"]),
        (role_plan(warnings=WARNINGS), ["责任分解表", "问题"]),
        (role_plan(deductions=DEDUCTIONS, warnings=WARNINGS), ["责任分解表", "负面清单", "问题"]),
        (role_plan(parts=(plain_plan(),)), ["责任分解表", "重点任务分解方案"]),
        (role_plan(parts=(plain_plan(title=None, source=None),)), ["责任分解表", "附表1"]),
        (
            role_plan(parts=(plain_plan(title="负面清单"), plain_plan(title="负面清单"))),
            ["责任分解表", "负面清单-2", "负面清单-3"],
        ),
    ],
)
def test_it_adds_sheets_for_negative_list_problems_and_parts(plan: Plan, sheets: list[str]) -> None:
    assert [ws.title for ws in workbook(plan)] == sheets


def test_it_lists_the_negative_list_with_rendered_rules() -> None:
    ws = workbook(role_plan(deductions=DEDUCTIONS))[1]
    top = header_row(ws)
    assert row_values(ws, top) == ["序号", "扣分项目", "扣分规则"]
    assert row_values(ws, top + 2) == [5, "万人命案发案率", ">0.6时扣20分，每0.1再扣10分，最多扣50分"]
    assert ws.page_setup.orientation == "landscape"


def test_it_lists_warnings_with_severity_in_chinese() -> None:
    ws = workbook(role_plan(warnings=WARNINGS))[1]
    top = 2  # under the title row
    assert row_values(ws, top) == ["任务序号", "级别", "代码", "说明"]
    assert row_values(ws, top + 1) == [1, "严重", "lead-also-partner", "市信访局既是牵头单位又是配合单位"]
    assert row_values(ws, top + 2)[1] == "提示"


PART_WARNING = Warning("no-points", "没有分值", task="2")


@pytest.mark.parametrize(
    ("plan", "owners"),
    [
        (role_plan(warnings=WARNINGS), None),
        (role_plan(warnings=WARNINGS, parts=(plain_plan(title="省专项清单"),)), None),
        (
            role_plan(warnings=WARNINGS, parts=(plain_plan(title="省专项清单", warnings=(PART_WARNING,)),)),
            [role_plan().title, role_plan().title, "省专项清单"],
        ),
        (role_plan(parts=(plain_plan(title="省专项清单", warnings=(PART_WARNING,)),)), ["省专项清单"]),
    ],
)
def test_it_names_the_list_of_each_warning_only_when_a_part_has_some(
    plan: Plan, owners: list[str] | None
) -> None:
    ws = next(ws for ws in workbook(plan) if ws.title == "问题")
    top = 2  # under the title row
    if owners is None:
        assert row_values(ws, top) == ["任务序号", "级别", "代码", "说明"]
    else:
        assert row_values(ws, top) == ["所属清单", "任务序号", "级别", "代码", "说明"]
        assert [ws.cell(row=top + 1 + i, column=1).value for i in range(len(owners))] == owners


def test_it_exports_a_part_as_a_full_table_of_its_own() -> None:
    ws = workbook(role_plan(parts=(plain_plan(),)))[1]
    assert merged_rows(ws)[1] == "重点任务分解方案"
    assert row_values(ws, header_row(ws)) == PLAIN_HEADINGS


# ---------------------------------------------------------------------------------------------
# CSV


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_it_starts_csv_with_a_bom_and_the_headings() -> None:
    text = export.to_csv(role_plan())
    headings = "序号,路径,任务,牵头单位,配合单位,责任单位,目标要求,量化目标,分值,完成时限"
    assert text.startswith(f"\ufeff{headings}\r\n")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("序号", "1"),
        ("路径", f"{SECTION_1} / {SUBSECTION_1}"),
        ("任务", "畅通公众诉求表达渠道"),
        ("牵头单位", "市信访局"),
        ("配合单位", "市委办公厅、市法院"),
        ("责任单位", "市信访局、市委办公厅、市法院"),
        ("目标要求", "积极拓宽群众诉求表达渠道，推动领导干部接访、下访。"),
        ("量化目标", "调处成功率≥95%（2015年）"),
        ("分值", "18"),
        ("完成时限", "2012年底前"),
    ],
)
def test_it_writes_every_field_of_a_task_to_csv(column: str, value: str) -> None:
    assert read_csv(export.to_csv(role_plan()))[0][column] == value


def test_it_keeps_newlines_and_separates_targets_in_csv() -> None:
    rows = read_csv(export.to_csv(role_plan()))
    assert len(rows) == 3
    assert rows[1]["目标要求"] == "完善公共决策社会公示 | 公众听证\n专家咨询论证制度。"
    assert rows[2]["量化目标"] == "命案发案率下降≥40%（2015年）；出租房屋登记率≥0.95"
    assert rows[2]["分值"] == ""


def test_it_appends_parts_to_csv_under_their_title() -> None:
    rows = read_csv(export.to_csv(role_plan(parts=(plain_plan(),))))
    assert len(rows) == 5
    assert rows[3]["路径"] == "重点任务分解方案 / 一、加快完善“八大体系”"
    assert (rows[3]["牵头单位"], rows[3]["责任单位"]) == ("", "市发改委、市农委")


# ---------------------------------------------------------------------------------------------
# Markdown


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("市公安局", "市公安局"),
        ("甲|乙", "甲\\|乙"),
        ("第一行\n第二行", "第一行<br>第二行"),
        ("第一行\r\n第二行", "第一行<br>第二行"),
        ("a\\|b", "a\\\\\\|b"),
        (None, ""),
        (18, "18"),
    ],
)
def test_it_escapes_markdown_cells(value: str | int | None, cell: str) -> None:
    assert export.md_cell(value) == cell


def test_it_writes_one_markdown_table_per_section_under_its_headings() -> None:
    md = export.to_markdown(role_plan())
    lines = md.splitlines()
    assert lines[0] == "# 市政法综治部门实施社会管理创新工程项目任务责任分解方案"
    assert [line for line in lines if line.startswith("##")] == [
        f"## {SECTION_1}",
        f"### {SUBSECTION_1}",
        f"## {SECTION_2}",
    ]
    assert lines.count("| " + " | ".join(ROLE_HEADINGS) + " |") == 2


def test_it_keeps_each_markdown_row_on_one_line_with_its_pipes_escaped() -> None:
    md = export.to_markdown(role_plan())
    row = next(line for line in md.splitlines() if line.startswith("| 2 |"))
    assert "完善公共决策社会公示 \\| 公众听证<br>专家咨询论证制度。" in row
    # 8 columns: 9 unescaped pipes
    assert row.replace("\\|", "").count("|") == 9


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (role_plan(deductions=DEDUCTIONS), "| 1 | 暴力恐怖案事件 | 扣30分/件 |"),
        (role_plan(warnings=WARNINGS), "| 1 | 严重 | lead-also-partner | 市信访局既是牵头单位又是配合单位 |"),
        (plain_plan(), "| 序号 | 任务 | 责任单位 | 配合单位 | 目标要求 | 量化目标 | 分值 | 完成时限 |"),
        (role_plan(parts=(plain_plan(),)), "# 重点任务分解方案"),
        (role_plan(tasks=()), "（未提取到任务）"),
    ],
)
def test_it_includes_lists_and_parts_in_markdown(plan: Plan, expected: str) -> None:
    assert expected in export.to_markdown(plan).splitlines()


# ---------------------------------------------------------------------------------------------
# JSON, and the gold annotations through every format


def test_it_exports_json_that_reads_back_as_the_same_plan() -> None:
    plan = role_plan(deductions=DEDUCTIONS, warnings=WARNINGS)
    text = export.to_json(plan)
    assert json.loads(text)["schema"] == "duban.plan/1"
    assert Plan.from_json(text).to_dict() == plan.to_dict()


gold = pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])


@gold
def test_it_exports_every_gold_task_to_xlsx(path: Path) -> None:
    plan = Plan.from_dict(json.loads(path.read_text(encoding="utf-8")))
    ws = workbook(plan)[0]
    top = header_row(ws)
    ids = [
        ws.cell(row=r, column=1).value
        for r in range(top + 1, ws.max_row + 1)
        if ws.cell(row=r, column=2).value
    ]
    assert [str(i) for i in ids] == [t.id for t in plan.tasks]


@gold
def test_it_exports_every_gold_task_to_csv_and_markdown(path: Path) -> None:
    plan = Plan.from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert [r["序号"] for r in read_csv(export.to_csv(plan))] == [t.id for t in plan.tasks]
    table_lines = [line for line in export.to_markdown(plan).splitlines() if line.startswith("| ")]
    tables = sum(1 for line in table_lines if line.startswith("| --- |"))
    # every table is a heading line, a separator line, and one line per item
    assert len(table_lines) - 2 * tables == len(plan.tasks) + len(plan.deductions) + len(plan.warnings)


def test_it_never_writes_document_text_as_a_formula(tmp_path: Path) -> None:
    import csv as _csv
    import io as _io

    import openpyxl as _openpyxl

    from duban.extract.export import to_csv as _to_csv
    from duban.extract.model import Plan as _Plan
    from duban.extract.model import Task as _Task
    from duban.office.plan_xlsx import plan_to_xlsx as _to_xlsx

    evil = '=HYPERLINK("http://x.example","点我")'
    plan = _Plan(
        source="x.txt",
        title="方案",
        tasks=(_Task(id="1", path=("一、基层治理",), text=evil, units=("甲局",)),),
    )
    path = tmp_path / "p.xlsx"
    path.write_bytes(_to_xlsx(plan))
    ws = _openpyxl.load_workbook(path).active
    assert ws is not None
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    rows = list(_csv.reader(_io.StringIO(_to_csv(plan).lstrip("\ufeff"))))
    assert "'" + evil in rows[1]

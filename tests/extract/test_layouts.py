"""Small hand-made documents, one per layout family the corpus lacks or holds only once."""

from __future__ import annotations

import pytest

from duban.extract import extract
from duban.extract.roles import parse_clause
from duban.extract.units import split_units

LABELLED = """XX区平安建设重点任务责任清单
一、基层治理
1、完善网格化管理
依托社区划分网格，每个网格配备专职网格员。
牵头单位：区委政法委
配合单位：区民政局、区公安分局、
各街道
完成时限：2019年11月底
2、建立矛盾纠纷排查机制
每月开展一次排查。
牵头单位：区司法局 配合单位：区信访局、区法院等 完成时限：常态化实施
"""


def test_it_reads_labelled_fields_on_their_own_lines_and_run_together() -> None:
    plan = extract(LABELLED)
    assert [t.id for t in plan.tasks] == ["1", "2"]
    first, second = plan.tasks
    assert first.lead == ("区委政法委",)
    assert first.partners == ("区民政局", "区公安分局", "各街道")  # the field continues below
    assert first.deadline == "2019-11-30"
    assert first.path == ("一、基层治理",)
    assert second.lead == ("区司法局",)
    assert second.partners == ("区信访局", "区法院")
    assert second.deadline is None and second.deadline_text == "常态化实施"


INLINE = """XX市食品安全工作任务分解方案
一、重点任务
（一）源头治理
1.加强农产品质量安全监管。（市农业农村局牵头负责，市市场监管局、各区政府组织落实）
2.完善追溯体系。（市商务委、市市场监管局按职责分工负责）
3.强化执法。（市市场监管局会同有关部门负责）
4.开展宣传。(责任单位:市委宣传部、市教委)
"""


@pytest.mark.parametrize(
    ("task_id", "lead", "units"),
    [
        ("1", ("市农业农村局",), ("市农业农村局", "市市场监管局", "各区政府")),
        # A task that names no lead has no roles, even where another task names one (gold 01).
        ("2", None, ("市商务委", "市市场监管局")),
        ("3", None, ("市市场监管局",)),
        ("4", None, ("市委宣传部", "市教委")),
    ],
)
def test_it_reads_inline_role_clauses(
    task_id: str, lead: tuple[str, ...] | None, units: tuple[str, ...]
) -> None:
    task = {t.id: t for t in extract(INLINE).tasks}[task_id]
    assert task.units == units
    assert task.lead == lead
    # 组织落实 units implement: neither lead nor partner; with no lead, no roles at all.
    assert task.partners == (() if lead else None)


def test_it_applies_a_stated_first_is_lead_rule() -> None:
    text = "XX区重点工作分工方案\n（排在第一位的为牵头单位）\n1、推进老旧小区改造。（区住建局、区财政局、各街道）\n"
    (task,) = extract(text).tasks
    assert task.lead == ("区住建局",)
    assert task.partners == ("区财政局", "各街道")


def test_it_lists_units_without_roles_when_the_document_names_no_lead() -> None:
    text = "XX区重点工作分工方案\n1、推进老旧小区改造。（区住建局、区财政局）\n"
    (task,) = extract(text).tasks
    assert task.lead is None and task.partners is None
    assert task.units == ("区住建局", "区财政局")


BY_UNIT = """XX县平安建设目标责任分解方案
一、县公安局目标责任
1.严厉打击违法犯罪活动。
2.加强社会面巡逻防控。
二、县司法局目标责任
1.深化人民调解工作。
"""


def test_it_gives_items_under_a_unit_heading_to_that_unit() -> None:
    plan = extract(BY_UNIT)
    assert [(t.id, t.units) for t in plan.tasks] == [
        ("1.1", ("县公安局",)),
        ("1.2", ("县公安局",)),
        ("2.1", ("县司法局",)),
    ]


def test_it_reads_narrative_measures_as_tasks() -> None:
    text = "关于加强基层治理的意见\n一、健全组织体系。一是建强党组织。加强建设。二是配强力量。充实队伍。\n二、强化保障。加大投入。\n"
    plan = extract(text)
    assert [(t.id, t.title) for t in plan.tasks] == [
        ("1.1", "建强党组织"),
        ("1.2", "配强力量"),
        ("2", "强化保障"),
    ]


CELLS = """附表
XX区重点工作分工
序号
重点任务
具体工作
时间进度
责任部门
一
推进节能降碳
1
全力推进节能降碳目标进度，明确年度重点工作任务
全年推进
发展改革委、生态环境局等
2
编制温室气体排放清单
年内完成
生态环境局
"""


def test_it_rebuilds_a_table_flattened_one_cell_per_line() -> None:
    plan = extract(CELLS)
    assert [(t.id, t.units, t.deadline_text, t.path) for t in plan.tasks] == [
        ("1", ("发展改革委", "生态环境局"), "全年推进", ("一、推进节能降碳",)),
        ("2", ("生态环境局",), "年内完成", ("一、推进节能降碳",)),
    ]


def test_it_reads_a_tab_separated_table_with_blank_cells_markup_and_separators() -> None:
    text = (
        "XX市任务责任分解方案\n"
        "行动计划\t项目任务\t牵头部门\t协作部门\t目标要求\n"
        "<p>一、矛盾化解行动</p>\t<p>1、畅通诉求渠道</p>\t<p>市 信 访 局</p>\t<p>市法院、 市委 610 办</p>\t<p>拓宽渠道。</p>\n"
        "-----\t-----\t-----\t-----\t-----\n"
        "\t2、完善评估机制\t市维稳办 市综治办\t市维稳领导小组成员单位\t到2015年评估覆盖率达100%。\n"
    )
    plan = extract(text)
    assert [(t.id, t.path, t.lead, t.partners) for t in plan.tasks] == [
        ("1", ("一、矛盾化解行动",), ("市信访局",), ("市法院", "市委610办")),
        ("2", ("一、矛盾化解行动",), ("市维稳办", "市综治办"), ("市维稳领导小组成员单位",)),
    ]
    assert plan.tasks[0].title == "畅通诉求渠道"


def test_it_reads_ocr_half_width_punctuation() -> None:
    text = "XX区任务分解方案\n1.推进网格化管理,每个网格配备网格员.(责任单位:区综治办,各街道)\n2.开展排查.(责任单位:区司法局)\n"
    plan = extract(text)
    assert [t.units for t in plan.tasks] == [("区综治办", "各街道"), ("区司法局",)]


@pytest.mark.parametrize(
    ("printed", "units"),
    [
        ("市 司 法 局", ["市司法局"]),
        ("市委政法委 市综治办", ["市委政法委", "市综治办"]),
        ("市委 610 办、市民政局", ["市委610办", "市民政局"]),
        ("市总工会、团市委、市妇联等人民团体", ["市总工会", "团市委", "市妇联"]),
        ("区规划资源局、各相关街镇等有关部门", ["区规划资源局", "各相关街镇"]),
        ("综治办(司法)、财政局等", ["综治办(司法)", "财政局"]),
        ("“平安、法治”建设领导小组、市公安局", ["“平安、法治”建设领导小组", "市公安局"]),
        ("市维稳领导小组成员单位", ["市维稳领导小组成员单位"]),
    ],
)
def test_it_splits_unit_lists_as_printed(printed: str, units: list[str]) -> None:
    assert split_units(printed) == units


@pytest.mark.parametrize(
    "inner",
    ["P2P网贷", "以下简称市工作专班", "见附件2", "2023年版"],
)
def test_it_does_not_take_ordinary_brackets_for_responsibility_clauses(inner: str) -> None:
    assert parse_clause(inner) is None


def test_it_warns_about_the_documents_own_defects() -> None:
    text = (
        "XX区任务分解方案\n"
        "1、甲任务(10分)\n内容。\n牵头单位：区公安局\n参与单位：区公安局、区公安分局\n"
        "3、乙任务(10分)\n内容。\n"
    )
    plan = extract(text)
    codes = {w.code for w in plan.warnings}
    assert {"lead-also-partner", "unit-variant", "no-unit", "skipped-number"} <= codes

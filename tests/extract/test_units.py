"""Unit names: what reads as a body's name, where it starts in text run together, and the
directory a user extends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duban.extract.units import Directory, reads_whole, split_units, trailing_units


@pytest.mark.parametrize(
    "name",
    [
        "市发展改革委",
        "中国移动XX分公司",
        "XX海关",
        "区重大项目推进领导小组成员单位",
        "功能区推进办",
        "区“两旧”专班",
        "各相关部门",
        "建设管理委（交通委）",
    ],
)
def test_it_reads_a_well_formed_name_as_a_body(name: str) -> None:
    assert Directory.default().looks_like_unit(name)


@pytest.mark.parametrize(
    "prose", ["推进市场监管局", "本办法由市财政局", "加强部门", "是责任单位", "有关部门"]
)
def test_it_reads_prose_as_no_body(prose: str) -> None:
    assert not Directory.default().looks_like_unit(prose)


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("市、区人民政府", ["市、区人民政府"]),
        ("各县（市）、区林业行政主管部门", ["各县（市）、区林业行政主管部门"]),
        ("市发改委、市财政局等有关部门", ["市发改委", "市财政局"]),
    ],
)
def test_it_keeps_tiers_of_one_body_together(printed: str, names: list[str]) -> None:
    assert split_units(printed) == names


@pytest.mark.parametrize(
    ("glued", "head", "names"),
    [
        (
            "明确年度重点工作任务全年推进发展改革委、生态环境局等",
            "明确年度重点工作任务全年推进",
            ["发展改革委", "生态环境局"],
        ),
        (
            "推进走马塘片区规划研究区规划资源局、区建设管理委",
            "推进走马塘片区规划研究",
            ["区规划资源局", "区建设管理委"],
        ),
        (
            "静安区全民健身中心新建工程区体育局、区建设管理委",
            "静安区全民健身中心新建工程",
            ["区体育局", "区建设管理委"],
        ),
    ],
)
def test_it_finds_where_a_list_of_bodies_starts_in_cells_run_together(
    glued: str, head: str, names: list[str]
) -> None:
    found = trailing_units(glued)
    assert found is not None
    assert (glued[: found[0]], found[1]) == (head, names)


def test_it_tells_a_name_from_text_run_into_it() -> None:
    assert reads_whole("市住房和城乡建设管理委员会")
    assert not reads_whole("静安区全民健身中心新建工程区体育局")


def test_it_learns_names_suffixes_and_aliases_from_a_users_directory(tmp_path: Path) -> None:
    d = Directory.default()
    assert not d.looks_like_unit("平潭实验区综合执法支撑点")
    data = tmp_path / "单位.json"
    data.write_text(
        json.dumps({"suffixes": ["支撑点"], "aliases": {"执法点": "平潭实验区综合执法支撑点"}}), "utf-8"
    )
    d.load(data)
    assert d.looks_like_unit("平潭实验区综合执法支撑点")
    assert d.canonical("执法点") == "平潭实验区综合执法支撑点"
    text = tmp_path / "单位.txt"
    text.write_text("# 本地单位\n综治中心=新区社会治理综合指挥中心\n", "utf-8")
    d.load(text)
    assert d.canonical("综治中心") == "新区社会治理综合指挥中心"

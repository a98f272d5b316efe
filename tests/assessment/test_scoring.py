"""The assessment's arithmetic against hand-computed cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from duban.assessment.scoring import (
    Grades,
    Line,
    Rule,
    Score,
    bonus,
    checklist,
    completion,
    indicator,
    manual,
    partner_share,
    per_incident,
    rank,
    threshold,
)

# 004's rule: 万人命案发案率>0.6 (超过即-20分，每超过0.1再-10分，最多共扣50分)
HOMICIDE = Rule.from_dict({"threshold": ">0.6", "points": -20, "step": 0.1, "step_points": -10, "cap": -50})


@pytest.mark.parametrize(
    ("rate", "points"),
    [
        ("0.5", 0),
        ("0.6", 0),  # at the threshold: not exceeded
        ("0.61", -20),
        ("0.69", -20),
        ("0.7", -30),  # exceeded by exactly one step
        ("0.79", -30),
        ("0.8", -40),
        ("0.9", -50),
        ("1.0", -50),  # would be -60: capped
        ("3", -50),
    ],
)
def test_it_applies_a_threshold_with_steps_and_a_cap(rate: str, points: int) -> None:
    assert threshold("万人命案发案率", HOMICIDE, rate).points == points


@pytest.mark.parametrize(
    ("rule", "count", "points"),
    [
        ({"points": -30, "per": "件"}, 0, 0),
        ({"points": -30, "per": "件"}, 2, -60),
        ({"level": "重大", "points": -10, "per": "件"}, 3, -30),
        ({"points": -3, "per": "人"}, 4, -12),
    ],
)
def test_it_deducts_per_incident(rule: dict[str, object], count: int, points: int) -> None:
    assert per_incident("事项", Rule.from_dict(rule), count).points == points


def test_it_refuses_a_negative_incident_count() -> None:
    with pytest.raises(ValueError, match="不能为负"):
        per_incident("事项", Rule.from_dict({"points": -10}), -1)


@pytest.mark.parametrize(
    ("accepted", "on_time", "points"),
    [(True, True, 18), (True, False, 9), (False, False, 0), (False, True, 0)],
)
def test_it_scores_completion(accepted: bool, on_time: bool, points: int) -> None:
    assert completion("任务", 18, accepted=accepted, on_time=on_time).points == points


@pytest.mark.parametrize(
    ("cmp", "target", "value", "points"),
    [
        (">=", 95, 95, 10),
        (">=", 95, 99, 10),
        (">=", 95, "85.5", "9.00"),  # 85.5/95 = 90%
        (">=", 95, 0, 0),
        ("<=", 2, "1.5", 10),
        ("<=", 2, 4, 5),  # 2/4 = 50%
        (">", 50, 50, "9.90"),  # "高于50%" with exactly 50: not met, so less than full marks
    ],
)
def test_it_scores_an_indicator_proportionally(
    cmp: str, target: object, value: object, points: object
) -> None:
    line = indicator("指标", 10, cmp=cmp, target=target, value=value)  # type: ignore[arg-type]
    assert line.points == Decimal(str(points))


def test_it_scores_an_indicator_in_bands() -> None:
    bands = [("0.9", "0.8"), ("0.6", "0.5")]
    assert indicator("指标", 10, cmp=">=", target=100, value=95, bands=bands).points == Decimal("8.00")
    assert indicator("指标", 10, cmp=">=", target=100, value=70, bands=bands).points == Decimal("5.00")
    assert indicator("指标", 10, cmp=">=", target=100, value=50, bands=bands).points == 0


def test_it_scores_a_relative_change_from_the_baseline() -> None:
    # "死亡率下降40%以上": from 10 to 5.5 is a 45% fall (met); to 8 is 20% (half the target).
    met = indicator("死亡率", 10, cmp=">=", target=40, value="5.5", change="decrease", baseline=10)
    half = indicator("死亡率", 10, cmp=">=", target=40, value=8, change="decrease", baseline=10)
    assert (met.points, half.points) == (10, Decimal("5.00"))


def test_it_gives_nothing_for_a_missing_indicator_value() -> None:
    assert indicator("指标", 10, cmp=">=", target=1, value=None).points == 0


def test_it_scores_a_checklist() -> None:
    line = checklist("制度建设", [("建立台账", 2, True), ("按月通报", 3, False), ("年度总结", 1, True)])
    assert line.points == 3 and "按月通报" in line.reason


@pytest.mark.parametrize(("given", "ok"), [(0, True), (18, True), ("17.5", True), (19, False), (-1, False)])
def test_it_keeps_manual_grades_within_the_items_points(given: object, ok: bool) -> None:
    if ok:
        assert manual("项目", 18, given, "材料齐全").points == Decimal(str(given))
    else:
        with pytest.raises(ValueError, match="超出"):
            manual("项目", 18, given, "材料齐全")


def test_it_caps_bonus_items() -> None:
    lines = bonus([("国家级表彰", 3), ("省级表彰", 2), ("市级表彰", 1)], cap=4)
    assert [ln.points for ln in lines] == [3, 1, 0]
    assert bonus([("A", 2)], cap=None)[0].points == 2


def test_it_gives_a_partner_a_share_of_the_leads_score() -> None:
    assert partner_share(Line("任务1", Decimal(18), "…"), "0.3").points == Decimal("5.40")


def test_it_zeroes_a_vetoed_unit_and_grades_it_failed() -> None:
    s = Score("甲", (Line("任务", Decimal(95), "…"),), vetoed="发生重大群体性事件")
    assert s.total == 0 and Grades().grade(s) == "不合格"


@pytest.mark.parametrize(
    ("total", "grade"), [(100, "优秀"), (90, "优秀"), ("89.99", "良好"), (60, "合格"), (59, "不合格")]
)
def test_it_grades_by_configurable_bands(total: object, grade: str) -> None:
    assert Grades().grade(Score("甲", (Line("x", Decimal(str(total)), ""),))) == grade


def test_it_never_lets_deductions_take_a_total_below_zero() -> None:
    s = Score("甲", (Line("任务", Decimal(10), ""), Line("扣分", Decimal(-50), "", "deduction")))
    assert s.total == 0


def test_it_ranks_with_ties_and_puts_vetoed_units_last() -> None:
    def sc(name: str, pts: int, veto: str | None = None) -> Score:
        return Score(name, (Line("x", Decimal(pts), ""),), vetoed=veto)

    ranked = rank([sc("甲", 80), sc("乙", 90), sc("丙", 80), sc("丁", 99, veto="一票否决"), sc("戊", 70)])
    assert [(r, s.unit) for r, s in ranked] == [(1, "乙"), (2, "丙"), (2, "甲"), (4, "戊"), (5, "丁")]

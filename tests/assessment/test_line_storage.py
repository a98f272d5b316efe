"""How results and their lines are stored: what a line says kept once per assessment (LineText),
lines rewritten block by block, and the same results whichever way they were written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from duban.accounts.models import User
from duban.assessment.actions.assessments import do_run_assessment
from duban.assessment.actions.grades import do_grade_item
from duban.assessment.actions.incidents import do_record_incident
from duban.assessment.actions.items import do_update_item
from duban.assessment.actions.negative_list import do_add_bonus
from duban.assessment.actions.schemes import do_activate_scheme, do_create_scheme_from_plan
from duban.assessment.engine.entries import cents, entry
from duban.assessment.engine.outcomes import compute
from duban.assessment.models import Assessed, Assessment, LineText, Method, Result, ResultLine, Scheme
from duban.assessment.scoring import Line
from duban.assessment.storage import BLOCK, changed_blocks, digest
from duban.plans.models import Plan, Responsibility, Section, Task
from duban.tracking.models import Progress, ReportingPeriod
from duban.units.models import Kind, Unit

from .conftest import AS_OF, YEAR, accepted_report, at, item, lines


def texts_of(a: Assessment) -> list[tuple[Any, ...]]:
    return list(
        LineText.objects.filter(assessment=a).values_list(
            "section", "label", "kind", "points", "max_points", "reason", "item_ref"
        )
    )


def snapshot(a: Assessment) -> dict[str, Any]:
    """Everything a reader sees of the results: totals, ranks, grades and every line."""
    return {
        r.unit.name: (
            r.total,
            r.rank,
            r.grade,
            r.max_points,
            r.sections,
            [
                (ln.order, ln.section, ln.label, ln.kind, ln.points, ln.max_points, ln.reason, ln.sources)
                for ln in r.lines.select_related("text").order_by("order")
            ],
        )
        for r in Result.objects.filter(assessment=a).select_related("unit")
    }


def districts(users: dict[str, User], frozen: Any, *, tasks: int, units: int) -> tuple[Scheme, list[Task]]:
    """A plan of `tasks` tasks in two sections, every one of `units` districts on every task,
    scored as DISTRICTS (by completion: without reports, every line says 未完成)."""
    m = users["manager"]
    plan = Plan.objects.create(title="区县考核", created_at=at(2025, 3, 1))
    plan.managers.add(m)
    first = Section.objects.create(plan=plan, title="一、基础", order=0)
    second = Section.objects.create(plan=plan, title="二、重点", order=1)
    made = [
        Task.objects.create(
            plan=plan,
            section=first if n < tasks // 2 else second,
            number=str(n + 1),
            title=f"任务{n + 1}",
            points=Decimal(5),
            order=n,
        )
        for n in range(tasks)
    ]
    for k in range(units):
        unit = Unit.objects.create(name=f"第{k + 1}区", kind=Kind.DISTRICT)
        for t in made:
            Responsibility.objects.create(task=t, unit=unit, role="responsible", order=0)
    scheme = do_create_scheme_from_plan(plan, **YEAR, assessed=Assessed.DISTRICTS, acting_user=m)
    do_add_bonus(scheme, "省级表彰", 2, acting_user=m)
    do_activate_scheme(scheme, acting_user=m)
    frozen(at(2026, 2, 1))
    return scheme, made


def line_ids(a: Assessment) -> dict[tuple[str, int], int]:
    return {
        (u, o): pk
        for pk, u, o in ResultLine.objects.filter(result__assessment=a).values_list(
            "pk", "result__unit__name", "order"
        )
    }


def test_it_keeps_what_lines_say_once_per_assessment(assessment: Assessment) -> None:
    texts = texts_of(assessment)
    assert len(texts) == len(set(texts))  # no text twice
    said = {ln.text_id for ln in ResultLine.objects.filter(result__assessment=assessment)}
    assert said <= set(LineText.objects.filter(assessment=assessment).values_list("pk", flat=True))


def test_lines_that_say_the_same_share_their_text(users: dict[str, User], frozen: Any) -> None:
    scheme, _ = districts(users, frozen, tasks=3, units=4)
    a = do_run_assessment(scheme, AS_OF, acting_user=users["manager"])
    # Four districts without reports say the same on each of three items: three texts, twelve lines.
    assert ResultLine.objects.filter(result__assessment=a).count() == 12
    assert LineText.objects.filter(assessment=a).count() == 3


def test_a_recomputation_drops_the_texts_no_line_says_any_more(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    def points_said() -> set[Decimal]:
        return {t[3] for t in texts_of(assessment) if t[1] == "4 任务4"}

    # B's grade, C's, and the line of a unit without a grade (kept: the computation made it)
    assert points_said() == {Decimal("11.4"), Decimal(15), Decimal(0)}
    do_grade_item(
        assessment,
        item(assessment.scheme, "4"),
        units["C"],
        score=16,
        reason="复核后调整",
        acting_user=users["manager"],
    )
    do_run_assessment(assessment.scheme, AS_OF, acting_user=users["manager"])
    assert points_said() == {Decimal("11.4"), Decimal(16), Decimal(0)}
    said = set(ResultLine.objects.filter(result__assessment=assessment).values_list("text_id", flat=True))
    assert said <= set(LineText.objects.filter(assessment=assessment).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# Block by block


def test_a_recomputation_rewrites_only_the_blocks_of_lines_that_changed(
    users: dict[str, User], frozen: Any
) -> None:
    m = users["manager"]
    scheme, _ = districts(users, frozen, tasks=25, units=3)
    a = do_run_assessment(scheme, AS_OF, acting_user=m)
    before = line_ids(a)
    do_update_item(scheme.items.get(number="13"), max_points=7, acting_user=m)  # line 12: the second block
    do_run_assessment(scheme, AS_OF, acting_user=m)
    after = line_ids(a)
    assert after.keys() == before.keys()
    rewritten = {key for key in after if after[key] != before[key]}
    assert rewritten == {(u, o) for u, o in after if BLOCK <= o < 2 * BLOCK}
    assert [
        ln.max_points
        for ln in ResultLine.objects.filter(result__assessment=a, order=12).select_related("text")
    ] == [Decimal(7)] * 3


def test_blocks_rewritten_or_not_the_results_are_those_of_a_computation_from_scratch(
    users: dict[str, User], frozen: Any
) -> None:
    m = users["manager"]
    scheme, tasks = districts(users, frozen, tasks=25, units=3)
    h1 = ReportingPeriod.objects.create(
        plan=tasks[0].plan,
        name="上半年",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 6, 30),
        due=dt.date(2025, 7, 10),
    )
    for unit in Unit.objects.filter(kind=Kind.DISTRICT).order_by("name")[:2]:
        User.objects.create_user(f"r{unit.pk}", password="pw-district-12345", role="reporter", unit=unit)
        accepted_report(tasks[3], h1, unit, m, submitted=at(2025, 6, 20), accepted=at(2025, 6, 25))
    frozen(at(2026, 2, 1))
    a = do_run_assessment(scheme, AS_OF, acting_user=m)
    do_update_item(scheme.items.get(number="2"), max_points=9, acting_user=m)
    do_update_item(scheme.items.get(number="25"), method=Method.MANUAL, acting_user=m)
    do_grade_item(
        a,
        scheme.items.get(number="25"),
        Unit.objects.get(name="第3区"),
        score=4,
        reason="较好",
        acting_user=m,
    )
    do_record_incident(a, Unit.objects.get(name="第2区"), bonus=scheme.bonuses.get(), count=1, acting_user=m)
    do_run_assessment(scheme, AS_OF, acting_user=m)  # 第2区: a line more, after the last block
    patched = snapshot(a)
    ResultLine.objects.filter(result__assessment=a).delete()
    Result.objects.filter(assessment=a).delete()
    do_run_assessment(scheme, AS_OF, acting_user=m)
    assert snapshot(a) == patched
    # 已完成 on T4 (5), 未完成 on the rest (0); 第2区 a bonus of 2; 第3区 graded 4 on T25
    assert [(patched[u][0], len(patched[u][5])) for u in ("第1区", "第2区", "第3区")] == [
        (5, 25),
        (7, 26),
        (4, 25),
    ]


@pytest.mark.parametrize(
    ("old", "new", "ranges"),
    [
        ("", "ab", [(0, None)]),  # first time: everything
        ("ab", "ab", []),
        ("ab", "aB", [(BLOCK, None)]),  # the last block, whatever its length
        ("abc", "aBc", [(BLOCK, 2 * BLOCK)]),
        ("abcd", "ABcD", [(0, 2 * BLOCK), (3 * BLOCK, None)]),  # consecutive blocks in one range
        ("abc", "ab", [(2 * BLOCK, None)]),  # fewer lines: the old ones past the new go
        ("ab", "abc", [(2 * BLOCK, None)]),
        ("abc", "", [(0, None)]),
    ],
)
def test_it_rewrites_the_blocks_whose_hashes_differ(
    old: str, new: str, ranges: list[tuple[int, int | None]]
) -> None:
    def hashes(blocks: str) -> str:
        return "".join(c * 16 for c in blocks)

    assert changed_blocks(hashes(old), hashes(new)) == ranges


def test_a_digest_is_a_hash_per_block_of_lines() -> None:
    entries = [
        entry(Line(f"项目{n}", Decimal(n), "说明"), "一", Decimal(10), n, text=f"t{n}", report_id=n)
        for n in range(BLOCK + 1)
    ]
    d = digest(entries)
    assert len(d) == 32
    changed = [
        *entries[:-1],
        entry(Line("项目", Decimal(1), "说明"), "一", Decimal(10), 1, text="t", report_id=1),
    ]
    assert digest(changed)[:16] == d[:16] and digest(changed)[16:] != d[16:]


# ---------------------------------------------------------------------------------------------
# Indicators: the latest period with a figure


def test_it_takes_an_earlier_periods_figure_when_the_latest_period_has_none_that_counts(
    scheme: Scheme,
    plan: Plan,
    units: dict[str, Unit],
    users: dict[str, User],
    halves: list[ReportingPeriod],
    frozen: Any,
) -> None:
    h1, h2 = halves
    m, t3 = users["manager"], plan.tasks.get(number="3")
    accepted_report(
        t3,
        h1,
        units["C"],
        m,
        submitted=at(2025, 7, 5),
        accepted=at(2025, 7, 6),
        progress=Progress.IN_PROGRESS,
        value="63",
    )
    # Accepted after the assessment's date: its figure does not count.
    accepted_report(
        t3,
        h2,
        units["C"],
        m,
        submitted=at(2026, 1, 5),
        accepted=at(2026, 2, 3),
        progress=Progress.IN_PROGRESS,
        value="95",
    )
    frozen(at(2026, 2, 5))
    a = do_run_assessment(scheme, AS_OF, acting_user=m)
    assert lines(a, units["C"])[0][3] == "实际 63，未达目标 >=90，按完成率 70% 计 7.00 分"
    # The partner's share follows its lead's figure.
    assert next(ln for ln in lines(a, units["A"]) if ln[0] == "3 任务3")[2] == Decimal("2.10")


# ---------------------------------------------------------------------------------------------
# The migration that made LineText


def test_the_migration_moves_what_lines_say_to_texts_and_back(
    transactional_db: Any, assessment: Assessment, users: dict[str, User]
) -> None:
    def said() -> list[tuple[Any, ...]]:
        return [
            (
                ln.result_id,
                ln.order,
                ln.section,
                ln.label,
                ln.kind,
                ln.points,
                ln.max_points,
                ln.reason,
                ln.item_ref,
                ln.report_ref,
                ln.grade_ref,
                ln.source,
            )
            for ln in ResultLine.objects.select_related("text").order_by("result", "order")
        ]

    before = said()
    executor = MigrationExecutor(connection)
    executor.migrate([("assessment", "0001_initial")])
    old = executor.loader.project_state([("assessment", "0001_initial")]).apps.get_model(
        "assessment", "ResultLine"
    )
    assert [
        tuple(row)
        for row in old.objects.order_by("result", "order").values_list(
            "result_id",
            "order",
            "section",
            "label",
            "kind",
            "points",
            "max_points",
            "reason",
            "item_ref",
            "report_ref",
            "grade_ref",
            "source",
        )
    ] == before
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("assessment"))
    assert said() == before
    assert set(Result.objects.values_list("digest", flat=True)) == {""}  # the next run rewrites every line
    do_run_assessment(assessment.scheme, AS_OF, acting_user=users["manager"])
    assert said() == before
    assert not LineText.objects.filter(sig__startswith="migrated-").exists()


# ---------------------------------------------------------------------------------------------
# Sums in hundredths


@pytest.mark.parametrize(
    ("points", "hundredths"),
    [
        (Decimal("8.5"), 850),
        (Decimal("0"), 0),
        (Decimal("-10.00"), -1000),
        (Decimal("12.34"), 1234),
        (Decimal("0.125"), None),
        (Decimal("1E+1"), 1000),
    ],
)
def test_it_counts_points_in_hundredths_when_it_can(points: Decimal, hundredths: int | None) -> None:
    assert cents(points) == hundredths


def test_points_with_a_fraction_of_a_hundredth_are_summed_exactly(
    assessment: Assessment, units: dict[str, Unit], users: dict[str, User]
) -> None:
    m, scheme = users["manager"], assessment.scheme
    do_update_item(
        item(scheme, "5"),
        criteria=[
            {"name": "建立台账", "points": "0.125"},
            {"name": "按月通报", "points": 3},
            {"name": "年度总结", "points": 1},
        ],
        acting_user=m,
    )
    a_outcome = next(o for o in compute(scheme, AS_OF, assessment=assessment) if o.unit_id == units["A"].pk)
    got = {e.line.item: e.line.points for e in a_outcome.entries if e.line.kind == "item"}
    assert got["5 任务5"] == Decimal("3.125")  # 建立台账 and 按月通报 met
    assert a_outcome.item_points == sum(got.values(), Decimal(0)) == Decimal("25.525")

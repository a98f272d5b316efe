"""An independent recomputation of the figures an office signs, for the tests.

Written apart from the app's queries on purpose: plain SQL over the stored rows, then plain
Python, from the rules as the README and the pages state them, without importing any of
duban.tracking.queries, duban.tracking.lights or the assessment engine. A test compares every
number a page, a workbook or a 通报 shows with what is computed here.

The rules, restated:
- who reports a task: its lead units; with no lead, its responsible and implementing units;
  nobody else (a task with only partners, or no unit, is flagged);
- a period owes a task report from each of them, unless the task was closed (销号) when the
  period began (local midnight of its first day), by a closure not reopened by then;
- a report is in when a version of it stands submitted or accepted; on time when it is in and
  its first submission fell on or before the due date;
- lights as lights.py's docstring states them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

UTC = dt.UTC


def rows(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def aware(value: Any) -> dt.datetime | None:
    """A timestamp as stored: SQLite gives naive UTC, PostgreSQL aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def day_of(value: Any) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value if not isinstance(value, dt.datetime) else value.date()


def local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def begins(start: dt.date) -> dt.datetime:
    return dt.datetime.combine(start, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class Plan:
    """A plan's rows."""

    plan_id: int
    tasks: list[tuple[int, int | None, int]] = field(default_factory=list)  # (id, section, order)
    roles: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    names: dict[int, str] = field(default_factory=dict)
    closures: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def reporters(self, task_id: int) -> set[int]:
        roles = self.roles[task_id]
        leads = {u for u, r in roles if r == "lead"}
        return leads or {u for u, r in roles if r in ("responsible", "implementer")}

    def closed_at(self, task_id: int, moment: dt.datetime) -> bool:
        return any(c < moment and (r is None or r >= moment) for c, r in self.closures[task_id])

    def closed_now(self, task_id: int) -> bool:
        return any(r is None for _, r in self.closures[task_id])


def load_plan(plan_id: int) -> Plan:
    plan = Plan(plan_id)
    plan.tasks = [
        (t, s, o)
        for t, s, o in rows(
            'SELECT id, section_id, "order" FROM plans_task WHERE plan_id = %s ORDER BY "order", id',
            (plan_id,),
        )
    ]
    for task_id, unit_id, role, name in rows(
        "SELECT r.task_id, r.unit_id, r.role, u.name FROM plans_responsibility r "
        "JOIN plans_task t ON t.id = r.task_id JOIN units_unit u ON u.id = r.unit_id WHERE t.plan_id = %s",
        (plan_id,),
    ):
        plan.roles[task_id].append((unit_id, role))
        plan.names[unit_id] = name
    for task_id, closed, reopened in rows(
        "SELECT c.task_id, c.closed_at, c.reopened_at FROM tracking_taskclosure c "
        "JOIN plans_task t ON t.id = c.task_id WHERE t.plan_id = %s",
        (plan_id,),
    ):
        plan.closures[task_id].append((aware(closed), aware(reopened)))  # type: ignore[arg-type]
    return plan


@dataclass(frozen=True)
class PeriodFigures:
    expected: int
    reported: int
    on_time: int
    units: dict[str, tuple[int, int, int]]  # unit name → (expected, reported, on time)
    missing: set[tuple[int, int]]  # (task, unit)
    nobody: set[int]  # tasks nobody is obliged to report
    awaiting_review: int
    sections: list[tuple[str, int, int, int]]  # (title, tasks, expected, reported) in plan order
    received: int  # owed reports ever submitted (the receipts chart's last count)

    @property
    def percent(self) -> float:
        return round(self.reported * 100 / self.expected, 1) if self.expected else 100.0

    @property
    def on_time_percent(self) -> float:
        return round(self.on_time * 100 / self.expected, 1) if self.expected else 100.0


def period_figures(period_id: int) -> PeriodFigures:
    ((plan_id, start, due),) = rows(
        "SELECT plan_id, start, due FROM tracking_reportingperiod WHERE id = %s", (period_id,)
    )
    start, due = day_of(start), day_of(due)
    plan = load_plan(plan_id)
    reports = rows(
        "SELECT task_id, unit_id, status, submitted_at FROM tracking_progressreport "
        "WHERE period_id = %s AND kind = 'report'",
        (period_id,),
    )
    standing = {(t, u) for t, u, status, _ in reports if status in ("submitted", "accepted")}
    first: dict[tuple[int, int], dt.datetime] = {}
    for t, u, _, at in reports:
        at = aware(at)
        if at is not None and ((t, u) not in first or at < first[(t, u)]):
            first[(t, u)] = at
    moment = begins(start)
    owed = [(t, u) for t, _, _ in plan.tasks if not plan.closed_at(t, moment) for u in plan.reporters(t)]
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    missing = set()
    for t, u in owed:
        acc = units[plan.names[u]]
        acc[0] += 1
        if (t, u) in standing:
            acc[1] += 1
            acc[2] += local_date(first[(t, u)]) <= due
        else:
            missing.add((t, u))
    return PeriodFigures(
        expected=len(owed),
        reported=len(owed) - len(missing),
        on_time=sum(a[2] for a in units.values()),
        units={name: (a[0], a[1], a[2]) for name, a in units.items()},
        missing=missing,
        nobody={t for t, _, _ in plan.tasks if not plan.reporters(t)},
        awaiting_review=sum(1 for _, _, status, _ in reports if status == "submitted"),
        sections=_sections(plan, owed, missing),
        received=sum(1 for pair in owed if pair in first),
    )


def _sections(
    plan: Plan, owed: list[tuple[int, int]], missing: set[tuple[int, int]]
) -> list[tuple[str, int, int, int]]:
    sections = {
        pk: (parent, title, order)
        for pk, parent, title, order in rows(
            'SELECT id, parent_id, title, "order" FROM plans_section WHERE plan_id = %s', (plan.plan_id,)
        )
    }

    def top(pk: int | None) -> int | None:
        while pk is not None and sections[pk][0] is not None:
            pk = sections[pk][0]
        return pk

    acc: dict[int | None, list[int]] = {}
    root = {t: top(s) for t, s, _ in plan.tasks}
    for t, _, _ in plan.tasks:
        acc.setdefault(root[t], [0, 0, 0])[0] += 1
    for t, u in owed:
        acc[root[t]][1] += 1
        acc[root[t]][2] += (t, u) not in missing
    keys = sorted(acc, key=lambda k: (k is None, sections[k][2] if k is not None else 0, k or 0))
    return [(sections[k][1] if k is not None else "其他", *acc[k]) for k in keys]  # type: ignore[misc]


def open_orders(plan_id: int, day: dt.date) -> tuple[dict[str, int], int]:
    """Orders not closed by level, and those open past their reply deadline."""
    found = rows(
        "SELECT o.level, o.status, o.reply_deadline FROM tracking_supervisionorder o "
        "JOIN plans_task t ON t.id = o.task_id WHERE t.plan_id = %s AND o.status <> 'closed'",
        (plan_id,),
    )
    levels = Counter(level for level, _, _ in found)
    late = sum(1 for _, status, deadline in found if status == "open" and day_of(deadline) < day)
    return dict(levels), late


# ---------------------------------------------------------------------------------------------
# Lights


def lights(plan_id: int, day: dt.date, *, near: int = 14, missed_red: int = 3) -> dict[int, str]:
    """Each task's color as lights.py's rules state them."""
    plan = load_plan(plan_id)
    ((plan_date, created),) = rows("SELECT date, created_at FROM plans_plan WHERE id = %s", (plan_id,))
    start = day_of(plan_date) if plan_date else local_date(aware(created))  # type: ignore[arg-type]
    deadlines = {t: d for t, d in rows("SELECT id, deadline FROM plans_task WHERE plan_id = %s", (plan_id,))}
    targets: dict[int, list[tuple[int, str, Decimal, int | None]]] = defaultdict(list)
    for pk, task_id, cmp, value, by_year in rows(
        "SELECT g.id, g.task_id, g.cmp, g.value, g.by_year FROM plans_target g JOIN plans_task t ON t.id = g.task_id "
        'WHERE t.plan_id = %s ORDER BY g."order", g.id',
        (plan_id,),
    ):
        targets[task_id].append((pk, cmp, Decimal(str(value)), by_year))
    periods = [
        (pk, name, day_of(s), day_of(d))
        for pk, name, s, d in rows(
            "SELECT id, name, start, due FROM tracking_reportingperiod WHERE plan_id = %s", (plan_id,)
        )
        if day_of(d) < day
    ]
    reports = rows(
        "SELECT r.task_id, r.period_id, r.unit_id, r.status, r.returned_count FROM tracking_progressreport r "
        "JOIN plans_task t ON t.id = r.task_id WHERE t.plan_id = %s AND r.kind = 'report'",
        (plan_id,),
    )
    standing = {(t, p, u) for t, p, u, s, _ in reports if s in ("submitted", "accepted")}
    returned = {t for t, _, _, s, n in reports if s in ("submitted", "returned") and n >= 2}
    red_orders = {
        t
        for (t,) in rows(
            "SELECT o.task_id FROM tracking_supervisionorder o JOIN plans_task t ON t.id = o.task_id "
            "WHERE t.plan_id = %s AND o.level = 'red' AND o.status <> 'closed'",
            (plan_id,),
        )
    }
    figures = _figures(plan_id)
    out = {}
    for task_id, _, _ in plan.tasks:
        if plan.closed_now(task_id):
            out[task_id] = "red" if task_id in red_orders else "green"
            continue
        red = task_id in red_orders or task_id in returned
        years = [y for _, _, _, y in targets[task_id] if y]
        deadline = (
            day_of(deadlines[task_id])
            if deadlines[task_id]
            else (dt.date(max(years), 12, 31) if years else None)
        )
        yellow = False
        if deadline is not None:
            red = red or deadline < day
            yellow = deadline >= day and (deadline - day).days <= near
        misses: Counter[int] = Counter()
        for pk, _, s, _ in periods:
            if plan.closed_at(task_id, begins(s)):
                continue
            for u in plan.reporters(task_id):
                if (task_id, pk, u) not in standing:
                    misses[u] += 1
        yellow = yellow or bool(misses)
        red = red or bool(missed_red and any(n >= missed_red for n in misses.values()))
        for pk, cmp, goal, by_year in targets[task_id]:
            yellow = yellow or _behind(cmp, goal, by_year, deadline, figures[pk], start)
        out[task_id] = "red" if red else "yellow" if yellow else "green"
    return out


def _figures(plan_id: int) -> dict[int, list[tuple[dt.date, Decimal]]]:
    out: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for target_id, value, as_of, _ in sorted(
        (
            (g, Decimal(str(v)), day_of(a), r)
            for g, v, a, r in rows(
                "SELECT v.target_id, v.value, v.as_of, v.report_id FROM tracking_indicatorvalue v "
                "JOIN tracking_progressreport r ON r.id = v.report_id JOIN plans_task t ON t.id = r.task_id "
                "WHERE t.plan_id = %s AND r.kind = 'report' AND r.status IN ('submitted', 'accepted')",
                (plan_id,),
            )
        ),
        key=lambda x: (x[2], x[3]),
    ):
        out[target_id].append((as_of, value))
    return out


def _behind(
    cmp: str,
    goal: Decimal,
    by_year: int | None,
    task_deadline: dt.date | None,
    figures: list[tuple[dt.date, Decimal]],
    plan_start: dt.date,
) -> bool:
    if not figures:
        return False
    deadline = dt.date(by_year, 12, 31) if by_year else task_deadline
    if deadline is None:
        return False
    (base_day, base) = figures[0] if len(figures) > 1 else (plan_start, Decimal(0))
    latest_day, latest = figures[-1]
    rising = cmp in (">=", ">") or (cmp == "=" and goal >= base)
    if len(figures) == 1 and not rising:
        return False
    elapsed = (latest_day - base_day).days
    if elapsed <= 0:
        return False
    span = (deadline - base_day).days
    share = Decimal(1) if span <= 0 else min(Decimal(1), Decimal(elapsed) / Decimal(span))
    line = base + (goal - base) * share
    return latest < line if rising else latest > line


# ---------------------------------------------------------------------------------------------
# The ranking, from the stored lines


@dataclass(frozen=True)
class Standing:
    unit: str
    item_points: Decimal
    deductions: Decimal
    bonus: Decimal
    vetoed: bool
    total: Decimal
    max_points: Decimal
    score: Decimal  # on the 100-point scale
    sections: dict[str, tuple[Decimal, Decimal]]  # section → (points, maximum)
    rank: int = 0
    grade: str = ""


def standings(assessment_id: int) -> dict[str, Standing]:
    """Each unit's figures summed from its stored lines; ranked and graded by the scheme's
    measure and bands."""
    ((rank_by, bands_json, lowest),) = rows(
        "SELECT s.rank_by, s.grade_bands, s.lowest_grade FROM assessment_scheme s "
        "JOIN assessment_assessment a ON a.scheme_id = s.id WHERE a.id = %s",
        (assessment_id,),
    )
    bands = json.loads(bands_json) if isinstance(bands_json, str) else bands_json
    sums: dict[str, dict[str, Any]] = {}
    for name, section, kind, points, top in rows(
        "SELECT u.name, x.section, x.kind, x.points, x.max_points FROM assessment_resultline l "
        "JOIN assessment_result r ON r.id = l.result_id JOIN units_unit u ON u.id = r.unit_id "
        "JOIN assessment_linetext x ON x.id = l.text_id WHERE r.assessment_id = %s",
        (assessment_id,),
    ):
        acc = sums.setdefault(
            name,
            {
                "item": Decimal(0),
                "deduction": Decimal(0),
                "bonus": Decimal(0),
                "veto": False,
                "max": Decimal(0),
                "sections": {},
            },
        )
        points = Decimal(str(points))
        if kind == "veto":
            acc["veto"] = True
        else:
            acc[kind] += points
        if kind == "item":
            acc["max"] += Decimal(str(top or 0))
            sec = acc["sections"].setdefault(section, [Decimal(0), Decimal(0)])
            sec[0] += points
            sec[1] += Decimal(str(top or 0))
    for (name,) in rows(
        "SELECT u.name FROM assessment_result r JOIN units_unit u ON u.id = r.unit_id WHERE r.assessment_id = %s",
        (assessment_id,),
    ):
        sums.setdefault(
            name,
            {
                "item": Decimal(0),
                "deduction": Decimal(0),
                "bonus": Decimal(0),
                "veto": False,
                "max": Decimal(0),
                "sections": {},
            },
        )
    out = {}
    for name, a in sums.items():
        total = Decimal(0) if a["veto"] else max(Decimal(0), a["item"] + a["deduction"] + a["bonus"])
        score = (
            (total * 100 / a["max"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if a["max"] > 0
            else Decimal(0)
        )
        out[name] = Standing(
            name,
            a["item"],
            a["deduction"],
            a["bonus"],
            a["veto"],
            total,
            a["max"],
            score,
            {s: (p, m) for s, (p, m) in a["sections"].items()},
        )
    measure = {n: (s.total if rank_by == "points" else s.score) for n, s in out.items()}
    order = sorted(out, key=lambda n: (out[n].vetoed, -measure[n], n))
    ranked: dict[str, Standing] = {}
    for i, n in enumerate(order):
        s = out[n]
        prev = order[i - 1] if i else None
        same = prev is not None and (s.vetoed, measure[n]) == (out[prev].vetoed, measure[prev])
        place = ranked[prev].rank if same and prev is not None else i + 1
        grade = lowest
        if not s.vetoed and s.max_points > 0:
            for band in bands:
                if measure[n] >= Decimal(str(band["min"])):
                    grade = band["grade"]
                    break
        ranked[n] = Standing(**{**s.__dict__, "rank": place, "grade": grade})
    return ranked

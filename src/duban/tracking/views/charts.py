"""The charts of the period and task pages. Each chart is a small JSON spec that
static/duban/charts.js turns into an ECharts option; the page writes them all into one
<script type="application/json"> block (json_script escapes it)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from duban.tracking.lights import Color
from duban.tracking.queries.period_reports import PeriodReport
from duban.tracking.queries.series import TargetSeries
from duban.tracking.views.pages import COLOR_NAMES

LIGHT_HEX = {Color.GREEN: "#2e7d32", Color.YELLOW: "#f2a900", Color.RED: "#c62828"}


def as_float(value: Decimal | float) -> float:
    return float(value)


def _bar(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[dict[str, Any]],
    *,
    percent: bool = False,
    stack: bool = False,
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "kind": "bar",
        "title": title,
        "categories": list(categories),
        "series": list(series),
        "percent": percent,
        "stack": stack,
    }


def _lights_series(counts: Sequence[dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {"name": COLOR_NAMES[c], "color": LIGHT_HEX[c], "data": [row.get(c, 0) for row in counts]}
        for c in (Color.GREEN, Color.YELLOW, Color.RED)
    ]


def period_charts(r: PeriodReport) -> list[dict[str, Any]]:
    units, sections = r.overview.units, r.sections
    # A section that owes nothing this period has no rate (not 100 %): it is left out of that chart.
    owing = [s for s in sections if s.expected]
    last = max([r.period.due, *(d for d, _ in r.received)])
    # A step line from nothing at the period's start to the count so far (today, or the axis end).
    steps = [(r.period.start, 0), *r.received]
    end = min(r.day, last)
    if end > steps[-1][0]:
        steps.append((end, steps[-1][1]))
    received: dict[str, Any] = {
        "id": "chart-received",
        "kind": "time",
        "title": "报告接收情况（累计）",
        "series": [{"name": "累计收到", "step": True, "data": [[d.isoformat(), n] for d, n in steps]}],
        "marks_x": [{"name": "报送截止", "value": r.period.due.isoformat()}],
        "marks_y": [{"name": "应报", "value": r.overview.expected}],
        "range": [r.period.start.isoformat(), last.isoformat()],
    }
    return [
        _bar(
            "chart-unit-rate",
            "各单位报送率",
            [u.name for u in units],
            [{"name": "报送率", "data": [u.percent for u in units]}],
            percent=True,
        ),
        _bar(
            "chart-unit-lights",
            "各单位任务灯色",
            [u.name for u in r.lights.units],
            _lights_series([u.counts for u in r.lights.units]),
            stack=True,
        ),
        _bar(
            "chart-section-rate",
            "各部分报送率",
            [s.title for s in owing],
            [{"name": "报送率", "data": [s.percent for s in owing]}],
            percent=True,
        ),
        _bar(
            "chart-section-lights",
            "各部分任务灯色",
            [s.title for s in sections],
            _lights_series([s.lights for s in sections]),
            stack=True,
        ),
        received,
    ]


def target_charts(series: Sequence[TargetSeries]) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(series):
        t = s.target
        unit = s.target.unit
        marks_x = [{"name": "期限", "value": s.deadline.isoformat()}] if s.deadline else []
        out.append(
            {
                "id": f"chart-target-{i}",
                "kind": "time",
                "title": f"{t.metric}（目标 {t.get_cmp_display()} {t.value.normalize():f}{unit}）",
                "unit": unit,
                # No trajectory without a deadline: no legend entry for a line that is not there.
                "series": [
                    {"name": "报送值", "data": [[d.isoformat(), as_float(v)] for d, v in s.figures]},
                    *(
                        [
                            {
                                "name": "进度线",
                                "dashed": True,
                                "data": [[d.isoformat(), as_float(v)] for d, v in s.trajectory],
                            }
                        ]
                        if s.trajectory
                        else []
                    ),
                ],
                "marks_x": marks_x,
                "marks_y": [{"name": "目标", "value": as_float(t.value)}],
            }
        )
    return out

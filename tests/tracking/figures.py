"""The numbers a period's page, its workbook and its 通报 draft show, side by side with the
oracle's (tests/tracking/oracle.py), as plain values a test compares with ==."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from duban.tracking import conf
from duban.tracking.models import ReportingPeriod
from duban.tracking.queries.period_reports import PeriodReport

from . import oracle


def shown(r: PeriodReport) -> dict[str, Any]:
    """What the period page shows (the object it renders), as plain values."""
    ov = r.overview
    return {
        "expected": ov.expected,
        "reported": ov.reported,
        "on_time": ov.on_time,
        "percent": ov.percent,
        "on_time_percent": ov.on_time_percent,
        "units": {u.name: (u.expected, u.reported, u.on_time) for u in ov.units},
        "missing": {(m.task.pk, m.unit_id) for m in ov.missing},
        "nobody": {t.pk for t in ov.nobody},
        "awaiting_review": ov.awaiting_review,
        "received": r.received[-1][1] if r.received else 0,
        "sections": [(s.title, s.tasks, s.expected, s.reported) for s in r.sections],
        "lights": {pk: light.color for pk, light in r.lights.tasks.items()},
        "light_counts": r.light_counts,
        "open_orders": {k: v for k, v in ov.open_orders.items() if v},
        "overdue_orders": len(r.overdue_orders),
    }


def recomputed(period: ReportingPeriod, day: dt.date) -> dict[str, Any]:
    """The same, from the oracle."""
    f = oracle.period_figures(period.pk)
    colors = oracle.lights(
        period.plan_id, day, near=conf.light_near_days(), missed_red=conf.light_missed_red()
    )
    levels, late = oracle.open_orders(period.plan_id, day)
    return {
        "expected": f.expected,
        "reported": f.reported,
        "on_time": f.on_time,
        "percent": f.percent,
        "on_time_percent": f.on_time_percent,
        "units": f.units,
        "missing": f.missing,
        "nobody": f.nobody,
        "awaiting_review": f.awaiting_review,
        "received": f.received,
        "sections": f.sections,
        "lights": colors,
        "light_counts": {c: sum(1 for v in colors.values() if v == c) for c in ("green", "yellow", "red")},
        "open_orders": levels,
        "overdue_orders": late,
    }


PERIOD_LINE = re.compile(
    r"应报送任务报告 (\d+) 份，已报送 (\d+) 份，报送率 ([\d.]+)%；其中按时报送 (\d+) 份，按时报送率 ([\d.]+)%"
)
LIGHTS_LINE = re.compile(r"红灯 (\d+) 项、黄灯 (\d+) 项、绿灯 (\d+) 项")
MISSING_LINE = re.compile(r"(\d+) 个单位 (\d+) 份报告")


def in_text(text: str) -> dict[str, Any]:
    """The figures a 通报's or a page's sentences state."""
    m = PERIOD_LINE.search(text)
    lights = LIGHTS_LINE.search(text)
    missing = MISSING_LINE.search(text)
    assert m is not None and lights is not None, text
    return {
        "expected": int(m[1]),
        "reported": int(m[2]),
        "percent": float(m[3]),
        "on_time": int(m[4]),
        "on_time_percent": float(m[5]),
        "light_counts": {"red": int(lights[1]), "yellow": int(lights[2]), "green": int(lights[3])},
        "missing_units": int(missing[1]) if missing else 0,
        "missing": int(missing[2]) if missing else 0,
        "nobody_said": "无单位负责报送" in text,
    }


def expected_text(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "expected": o["expected"],
        "reported": o["reported"],
        "percent": o["percent"],
        "on_time": o["on_time"],
        "on_time_percent": o["on_time_percent"],
        "light_counts": o["light_counts"],
        "missing_units": len({u for _, u in o["missing"]}),
        "missing": len(o["missing"]),
        "nobody_said": bool(o["nobody"]),
    }


def downloads(client: Client, period: ReportingPeriod) -> tuple[str, dict[str, tuple[int, int, int]]]:
    """The 通报 draft's text, and the workbook's per-unit rows (expected, reported, on time)."""
    docx = client.get(reverse("tracking:period_docx", args=[period.pk]))
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    xlsx = client.get(reverse("tracking:period_xlsx", args=[period.pk]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True)["各单位报送率"]
    units: dict[str, tuple[int, int, int]] = {}
    header = False
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == "单位":
            header = True
        elif header and row and row[0]:
            units[str(row[0])] = (int(row[1]), int(row[2]), int(row[5]))  # type: ignore[arg-type]
    return text, units

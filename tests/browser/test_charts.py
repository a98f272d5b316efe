"""Charts readable on a desktop (1366 px) and a phone (390 px), on the demo's own data (`duban
demo`: the 004 plan, its many units, two assessed years): the period overview, the ranking, a
task's indicator chart and a unit's result. For every chart on each page the browser is asked,
through ECharts' own API and the SVG it drew:
- whether every series has points and each lands inside the plot (a broken axis puts them at NaN);
- whether any two pieces of text (axis labels, legend, mark labels, cell values) overlap, or one
  stands outside the chart;
- whether a time axis spans at least four weeks (one report is one day: a day-wide axis says
  nothing);
- whether a chart shown as "暂无数据" really has no figures.
Each page is photographed at both widths (full page, in the test's tmp_path) for a person to look
at; the problems found are listed together, so one chart's failure does not hide another's."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from duban.accounts.models import User
from duban.assessment.models import Assessment
from duban.tracking.models import IndicatorValue, ReportingPeriod
from duban.web import demo

WIDTHS = (1366, 390)

# Run in the page: what is wrong with each drawn chart, in words.
CHART_PROBLEMS = """
() => {
  const out = [];
  let withData = 0;
  const specs = Object.fromEntries(
    JSON.parse(document.getElementById("tracking-charts").textContent).map(s => [s.id, s]));
  const figures = spec => spec.series.reduce(
    (n, s) => n + s.data.filter(d => d != null && !(Array.isArray(d) && d[1] == null)).length, 0);
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  for (const el of document.querySelectorAll(".chart")) {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) { out.push(`${el.id}: not drawn`); continue; }
    const spec = specs[el.id];
    if (el.dataset.empty) {
      // Allowed only where there is nothing to draw, and then it says so.
      const n = figures(spec);
      if (n && (spec.kind === "time" || spec.categories.length)) { out.push(`${el.id}: shown empty with ${n} figures`); }
      if (!el.textContent.includes("暂无数据")) { out.push(`${el.id}: empty without saying so`); }
      continue;
    }
    withData++;
    const box = el.getBoundingClientRect();
    const texts = [...el.querySelectorAll("svg text")]
      .map(t => ({ text: t.textContent, r: t.getBoundingClientRect() }))
      .filter(x => x.text.trim() && x.r.width > 0 && x.r.height > 0);
    for (const x of texts) {
      if (x.r.left < box.left - 1 || x.r.right > box.right + 1 || x.r.top < box.top - 1 || x.r.bottom > box.bottom + 1) {
        out.push(`${el.id}: "${x.text}" stands outside the chart`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (overlap(texts[i].r, texts[j].r)) { out.push(`${el.id}: "${texts[i].text}" overlaps "${texts[j].text}"`); }
      }
    }
    const option = chart.getOption();
    option.series.forEach((s, k) => {
      if (s.type === "line" && !s.name) { return; }  // the carrier of the mark lines
      let points = 0, inside = 0;
      (s.data || []).forEach((d, i) => {
        const v = Array.isArray(d) ? d : (d && typeof d === "object" ? d.value : d);
        if (v == null || (Array.isArray(v) && v[v.length - 1] == null)) { return; }
        points++;
        const at = s.type === "bar" ? [v, i] : s.type === "heatmap" ? [v[0], v[1]] : v;
        const p = chart.convertToPixel({ seriesIndex: k }, at);
        if (p && isFinite(p[0]) && isFinite(p[1]) && chart.containPixel({ gridIndex: 0 }, p)) { inside++; }
      });
      if (!points) { out.push(`${el.id}: series "${s.name}" is empty`); }
      else if (!inside) { out.push(`${el.id}: series "${s.name}" has ${points} points, none inside the plot`); }
    });
    const x = chart.getModel().getComponent("xAxis", 0);
    if (x && x.get("type") === "time") {
      const [lo, hi] = x.axis.scale.getExtent();
      if (hi - lo < 28 * 86400000) { out.push(`${el.id}: the time axis spans ${(hi - lo) / 86400000} days`); }
    }
  }
  return { problems: out, withData: withData };
}
"""


@pytest.fixture
def demo_pages(transactional_db: None) -> tuple[str, str, dict[str, str]]:
    """The demo's data; the manager's login; the pages: period overview, ranking, a task with an
    indicator chart, the first unit's result."""
    demo.prepare(io.StringIO())
    password = "demo-charts-8k2"
    manager = User.objects.get(username="manager")
    manager.set_password(password)
    manager.save()
    # The latest assessment, and the latest period of the plan it assesses.
    ranking = Assessment.objects.order_by("-as_of").first()
    assert ranking is not None, "the demo has no assessment"
    period = ReportingPeriod.objects.filter(plan=ranking.scheme.plan_id).order_by("-end").first()
    assert period is not None, "the demo's assessed plan has no reporting period"
    value = IndicatorValue.objects.order_by("report__task__plan_id", "report__task__order").first()
    assert value is not None
    result = ranking.results.order_by("rank", "unit__name").first()
    assert result is not None
    return (
        "manager",
        password,
        {
            "period": f"/tracking/periods/{period.pk}/",
            "ranking": f"/assessment/{ranking.pk}/",
            "task": f"/tracking/tasks/{value.report.task_id}/",
            "result": f"/assessment/results/{result.pk}/",
        },
    )


def chart_problems(page: Page) -> list[str]:
    """What is wrong with the page's charts; a page needs at least one chart with figures."""
    page.wait_for_function("[...document.querySelectorAll('.chart')].every(el => el.dataset.drawn)")
    page.wait_for_timeout(600)  # ECharts animates its first drawing
    found = page.evaluate(CHART_PROBLEMS)
    return list(found["problems"]) + ([] if found["withData"] else ["no chart with figures"])


@pytest.mark.browser
def test_every_chart_is_drawn_and_readable_at_desktop_and_phone_width(
    page: Page,
    login: Callable[[str, str], None],
    demo_pages: tuple[str, str, dict[str, str]],
    screenshot: Callable[[str], Path],
) -> None:
    username, password, pages = demo_pages
    login(username, password)
    found: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(path)
            assert page.locator(".chart").count() > 0, f"{name}: no chart on {path}"
            found += [f"{name} at {width} px: {p}" for p in chart_problems(page)]
            screenshot(f"{name}-{width}")
            wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
            if wide:
                found.append(f"{name} at {width} px: the page scrolls sideways")
    # Drawn wide, then the window narrowed: the charts are laid out again for the new width.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(pages["ranking"])
    chart_problems(page)
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(800)
    found += [f"ranking narrowed to 390 px: {p}" for p in chart_problems(page)]
    assert not found, "\n".join(found)

/* duban charts: reads the chart specs a page writes into <script id="tracking-charts"
   type="application/json"> and draws each into the element with its id, with the vendored
   Apache ECharts (static/vendor/echarts) in its built-in Chinese locale, as SVG. No network access.

   A spec is {id, kind: "bar"|"time", title, …}:
     bar:  categories [names], series [{name, data, color?}], percent (0–100 axis), stack
     time: series [{name, data: [[iso date, value], …], dashed?, step?}], marks_x [{name, value: iso date}],
           marks_y [{name, value}], range? [iso start, iso end], unit?

   Readable from a 390 px phone to a 1366 px desktop, without a text box over another:
   - bars lie down: the categories (unit and section names, often long) are the rows, one line
     each, cut with "…" to a share of the width (the tooltip has the whole name); the chart grows
     with the number of rows instead of squeezing them;
   - many series of shares (each unit's rate per section) would need a legend of a dozen repeated
     colours over a forest of bars: they are drawn as a table of coloured cells instead (a heat
     map: rows units, columns the sections by their numbering, one colour scale);
   - legends scroll on one line under the plot; axis labels that would collide are dropped;
   - everything is recomputed when the window is resized.
   Sizes are set through the CSSOM (element.style), which the Content-Security-Policy allows; no
   inline style or script is written.                                                         */
(function () {
  "use strict";
  var PALETTE = ["#1565c0", "#b3261e", "#2e7d32", "#f2a900", "#6a1b9a", "#00838f"];
  var FONT_PX = 12;
  var ROW_PX = 26;        // a bar's row
  var MIN_HEIGHT = 220;
  var MATRIX_SERIES = 5;  // from this many series of shares on, a heat map instead of grouped bars

  function esc(text) { return echarts.format.encodeHTML(String(text)); }

  // Width of a label in px at 12 px: Chinese characters a full em, the rest about 0.6 of one.
  function textPx(text) {
    var w = 0;
    for (var i = 0; i < text.length; i++) { w += text.charCodeAt(i) > 0x2e7f ? FONT_PX : FONT_PX * 0.6; }
    return Math.ceil(w);
  }

  function labelPx(el) { return Math.max(64, Math.min(168, Math.round(el.clientWidth * 0.3))); }

  function setHeight(el, px) { el.style.height = Math.max(MIN_HEIGHT, Math.round(px)) + "px"; }

  function valueAxis(spec) {
    var label = { hideOverlap: true, formatter: spec.percent ? "{value}%" : "{value}" };
    return spec.percent ? { type: "value", min: 0, max: 100, axisLabel: label }
                        : { type: "value", axisLabel: label };
  }

  function percentText(v) { return v == null || v === "-" ? "—" : v + "%"; }

  function barOption(spec, el) {
    var many = spec.series.length;
    var grouped = !spec.stack && many > 1;
    var legend = many > 1;
    var perRow = grouped ? Math.max(ROW_PX, 8 + 10 * many) : ROW_PX;
    setHeight(el, spec.categories.length * perRow + 40 + (legend ? 28 : 0));
    return {
      color: PALETTE,
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" }, confine: true,
        valueFormatter: spec.percent ? percentText : undefined
      },
      legend: legend ? { type: "scroll", bottom: 0 } : undefined,
      grid: { left: 8, right: 24, top: 8, bottom: legend ? 32 : 8, containLabel: true },
      yAxis: {
        type: "category", data: spec.categories, inverse: true,
        axisTick: { alignWithLabel: true },
        axisLabel: { interval: 0, width: labelPx(el), overflow: "truncate", ellipsis: "…" }
      },
      xAxis: valueAxis(spec),
      series: spec.series.map(function (s) {
        return {
          name: s.name, type: "bar", data: s.data, stack: spec.stack ? "all" : undefined,
          itemStyle: s.color ? { color: s.color } : undefined, barMaxWidth: 18
        };
      })
    };
  }

  // "十一、基层治理" → "十一"; "（三）…" → "三"; "3. …" → "3": a section by its number.
  function shortName(name) {
    var m = /^\s*[（(]?([一二三四五六七八九十百零〇]+|\d+)[)）]?[、.．]?/.exec(name);
    return m ? m[1] : name;
  }

  // A column's label, upright: across when it fits the cell, else its first characters one
  // under another (Chinese reads well downwards; turned sideways it does not).
  function columnLabel(name, cell) {
    if (textPx(name) <= cell - 4) { return name; }
    var chars = name.split("");
    return (chars.length > 4 ? chars.slice(0, 3).concat(["︙"]) : chars).join("\n");
  }

  function matrixOption(spec, el) {
    var units = spec.categories;
    var data = [];
    spec.series.forEach(function (s, j) {
      s.data.forEach(function (v, i) { if (v != null) { data.push([j, i, v]); } });
    });
    var left = labelPx(el);
    var cell = (el.clientWidth - left - 32) / Math.max(1, spec.series.length);
    var columns = spec.series.map(function (s) { return columnLabel(shortName(s.name), cell); });
    var labelLines = Math.max.apply(null, [1].concat(columns.map(function (c) { return c.split("\n").length; })));
    var values = data.map(function (d) { return d[2]; });
    var top = spec.percent ? 100 : Math.max.apply(null, [0].concat(values));
    setHeight(el, units.length * 24 + 16 + labelLines * 18 + 8 + 56);
    return {
      tooltip: {
        confine: true,
        formatter: function (p) {
          var v = p.value[2];
          return esc(units[p.value[1]]) + "<br>" + esc(spec.series[p.value[0]].name) + "：" +
            esc(spec.percent ? percentText(v) : v);
        }
      },
      grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
      xAxis: {
        type: "category", data: columns, splitArea: { show: true },
        axisLabel: { interval: 0, lineHeight: 18 }  // a line of 12 px Chinese is 17 px high
      },
      yAxis: {
        type: "category", data: units, inverse: true, splitArea: { show: true },
        axisLabel: { interval: 0, width: left, overflow: "truncate", ellipsis: "…" }
      },
      visualMap: {
        min: 0, max: top || 1, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        itemHeight: Math.min(160, el.clientWidth * 0.4), itemWidth: 12,
        text: spec.percent ? ["100%", "0%"] : [String(top), "0"],
        inRange: { color: ["#fbe3e1", "#f6c35b", "#2e7d32"] }
      },
      series: [{
        name: spec.title, type: "heatmap", data: data,
        label: {
          // A value in each cell only where the cell is wide enough to hold it.
          show: cell >= 30, fontSize: 11,
          formatter: function (p) { return Math.round(p.value[2]); }
        },
        emphasis: { itemStyle: { borderColor: "#1d2433", borderWidth: 1 } }
      }]
    };
  }

  var DAY = 86400000;
  var MIN_SPAN_DAYS = 120;  // a shorter time axis is widened around its dates (one report: one day)

  // The time axis' bounds: the spec's range, else its dates widened to at least MIN_SPAN_DAYS.
  function timeRange(spec) {
    if (spec.range) { return spec.range; }
    var days = [];
    spec.series.forEach(function (s) { s.data.forEach(function (d) { days.push(Date.parse(d[0])); }); });
    (spec.marks_x || []).forEach(function (m) { days.push(Date.parse(m.value)); });
    if (!days.length) { return null; }
    var lo = Math.min.apply(null, days), hi = Math.max.apply(null, days);
    var pad = Math.max(0, MIN_SPAN_DAYS * DAY - (hi - lo)) / 2;
    return [lo - pad, hi + pad];
  }

  function timeOption(spec, el) {
    var unit = spec.unit || "";
    var series = spec.series.map(function (s) {
      var few = s.data.length <= 6;
      return {
        name: s.name, type: "line", data: s.data, step: s.step ? "end" : false,
        showSymbol: !s.dashed, symbolSize: 8,
        lineStyle: s.dashed ? { type: "dashed" } : undefined,
        // A few reported figures are written beside their points: one report is one point, and a
        // lone point is easy to miss.
        label: { show: few && !s.dashed && !s.step, position: "top", formatter: function (p) { return p.value[1] + unit; } },
        labelLayout: { hideOverlap: true }
      };
    });
    // A date mark labelled above the plot at its top end, a value mark inside the plot at its left end.
    var marks = (spec.marks_x || []).map(function (m) {
      return { name: m.name, xAxis: m.value, label: { position: "end" } };
    }).concat((spec.marks_y || []).map(function (m) {
      return { name: m.name, yAxis: m.value, label: { position: "insideStartTop" } };
    }));
    if (marks.length) {
      series.push({
        name: "", type: "line", data: [], silent: true,
        markLine: { symbol: "none", label: { formatter: "{b}" }, lineStyle: { color: "#5b6475" }, data: marks }
      });
    }
    var xAxis = {
      type: "time",
      // The first and last labels inside the plot's ends: the first never sits on the value axis' 0.
      // margin: under the value axis' "0", whose box reaches 9 px below the axis line.
      axisLabel: {
        hideOverlap: true, alignMinLabel: "left", alignMaxLabel: "right", margin: 12,
        formatter: { year: "{yyyy}年", month: "{M}月", day: "{M}月{d}日" }
      }
    };
    var range = timeRange(spec);
    if (range) { xAxis.min = range[0]; xAxis.max = range[1]; }
    // Lines marked on the value axis (a goal, the number expected) stay in view.
    var markTop = Math.max.apply(null, [0].concat((spec.marks_y || []).map(function (m) { return m.value; })));
    setHeight(el, el.clientWidth < 480 ? 260 : 300);
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", bottom: 0, data: spec.series.map(function (s) { return s.name; }) },
      grid: { left: 8, right: 40, top: 28, bottom: 32, containLabel: true },
      xAxis: xAxis,
      yAxis: {
        type: "value",
        axisLabel: { hideOverlap: true, formatter: "{value}" + unit },
        // Up to a round number past the mark: an axis ending at the mark itself (11) would print
        // its label on top of the tick below it (10) on a phone.
        max: function (extent) { return markTop > extent.max ? roundUp(markTop) : null; }
      },
      series: series
    };
  }

  // `value` up to a multiple of half its power of ten (11 → 15, 96 → 100, 100 → 100).
  function roundUp(value) {
    if (!(value > 0)) { return value; }
    var step = Math.pow(10, Math.floor(Math.log(value) / Math.LN10)) / 2;
    return Math.ceil(value / step) * step;
  }

  function hasData(spec) {
    return spec.series.some(function (s) {
      return s.data.some(function (d) { return d != null && !(Array.isArray(d) && d[1] == null); });
    }) && (spec.kind === "time" || spec.categories.length > 0);
  }

  // Nothing to draw (no unit answers for a task yet, no report received): say so, no empty axes.
  function emptyOption(el) {
    el.style.height = "120px";
    el.setAttribute("data-empty", "1");
    return {
      title: {
        text: "暂无数据", left: "center", top: "middle",
        textStyle: { color: "#5b6475", fontSize: 14, fontWeight: "normal" }
      }
    };
  }

  function option(spec, el) {
    if (!hasData(spec)) { return emptyOption(el); }
    if (spec.kind === "time") { return timeOption(spec, el); }
    if (!spec.stack && spec.series.length >= MATRIX_SERIES) { return matrixOption(spec, el); }
    return barOption(spec, el);
  }

  function draw() {
    var block = document.getElementById("tracking-charts");
    if (!block || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(block.textContent);
    var drawn = [];
    specs.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) { return; }
      var opt = option(spec, el);  // sizes the element first: ECharts takes the size it finds
      var chart = echarts.init(el, null, { locale: "ZH", renderer: "svg" });
      chart.setOption(opt);
      el.setAttribute("data-drawn", "1");
      drawn.push({ chart: chart, spec: spec, el: el });
    });
    var width = window.innerWidth;
    window.addEventListener("resize", function () {
      if (window.innerWidth === width) { return; }  // a phone's toolbar sliding away changes only the height
      width = window.innerWidth;
      drawn.forEach(function (d) {
        var opt = option(d.spec, d.el);
        d.chart.resize();
        d.chart.setOption(opt, true);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

/* duban charts: reads the chart specs a page writes into <script id="tracking-charts"
   type="application/json"> and draws each into the element with its id, with the vendored
   Apache ECharts (static/vendor/echarts) in its built-in Chinese locale. No network access.

   A spec is {id, kind: "bar"|"time", title, …}:
     bar:  categories [names], series [{name, data, color?}], percent (0–100 axis), stack
     time: series [{name, data: [[iso date, value], …], dashed?, step?}], marks_x [{name, value: iso date}],
           marks_y [{name, value}], range? [iso start, iso end], unit?                               */
(function () {
  "use strict";
  var PALETTE = ["#1565c0", "#b3261e", "#2e7d32", "#f2a900", "#6a1b9a", "#00838f"];

  function barOption(spec) {
    var many = spec.categories.length > 6;
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: spec.percent ? function (v) { return v + "%"; } : undefined },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: spec.categories,
        axisLabel: { interval: 0, rotate: many ? 40 : 0, width: many ? 90 : 120, overflow: "truncate" }
      },
      yAxis: spec.percent ? { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
                          : { type: "value", minInterval: 1 },
      series: spec.series.map(function (s) {
        return {
          name: s.name, type: "bar", data: s.data, stack: spec.stack ? "all" : undefined,
          itemStyle: s.color ? { color: s.color } : undefined, barMaxWidth: 36
        };
      })
    };
  }

  function timeOption(spec) {
    var series = spec.series.map(function (s) {
      return {
        name: s.name, type: "line", data: s.data, step: s.step ? "end" : false, showSymbol: !s.dashed,
        lineStyle: s.dashed ? { type: "dashed" } : undefined
      };
    });
    // Labels apart: a date mark labelled at its top, a value mark at its left end.
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
    var xAxis = { type: "time" };
    if (spec.range) { xAxis.min = spec.range[0]; xAxis.max = spec.range[1]; }
    // Lines marked on the value axis (a goal, the number expected) stay in view.
    var markTop = Math.max.apply(null, [0].concat((spec.marks_y || []).map(function (m) { return m.value; })));
    return {
      color: PALETTE,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: spec.series.map(function (s) { return s.name; }) },
      grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
      xAxis: xAxis,
      yAxis: {
        type: "value", axisLabel: { formatter: "{value}" + (spec.unit || "") },
        max: function (extent) { return markTop > extent.max ? markTop : null; }
      },
      series: series
    };
  }

  function draw() {
    var block = document.getElementById("tracking-charts");
    if (!block || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(block.textContent);
    var drawn = [];
    specs.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) { return; }
      var chart = echarts.init(el, null, { locale: "ZH", renderer: "svg" });
      chart.setOption(spec.kind === "bar" ? barOption(spec) : timeOption(spec));
      el.setAttribute("data-drawn", "1");
      drawn.push(chart);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

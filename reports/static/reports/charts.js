// Draw each report chart (ECharts, vendored) from the data the page gives it in a
// <script type="application/json"> element; the table beside each chart holds the
// same numbers for screen readers and for anyone without JavaScript.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var charts = [];
  var palette = ["#0b5394", "#b45f06", "#38761d", "#741b47"];
  document.querySelectorAll("[data-chart-source]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart-source"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var unit = data.unit || "";
    var horizontal = data.type === "bar";
    box.hidden = false;
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    var categoryAxis = {
      type: "category",
      data: data.labels,
      inverse: horizontal,
      axisLabel: { fontSize: 14, color: "#1a1a1a", width: 120, overflow: "truncate" },
    };
    var valueAxis = {
      type: "value",
      minInterval: 1,
      axisLabel: { fontSize: 13, formatter: "{value}" + unit },
    };
    chart.setOption({
      animation: false,
      color: palette,
      legend: data.series.length > 1 ? { top: 0, textStyle: { fontSize: 14 } } : undefined,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "–" : v + unit; } },
      grid: { left: 8, right: 24, top: data.series.length > 1 ? 36 : 8, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: data.type,
          data: s.values,
          connectNulls: false,
          label: horizontal ? { show: true, position: "right", fontSize: 14, formatter: "{c}" + unit } : undefined,
        };
      }),
    });
    box.setAttribute("data-chart-drawn", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();

// Draw the counts of a vote as a bar chart (ECharts, vendored) from the table on the
// page, which stays the accessible version of the same numbers.
(function () {
  "use strict";
  var table = document.getElementById("round-counts");
  var box = document.getElementById("round-chart");
  if (!table || !box || typeof window.echarts === "undefined") {
    return;
  }
  var labels = [];
  var counts = [];
  var chosen = [];
  table.querySelectorAll("tbody tr").forEach(function (row) {
    labels.push(row.getAttribute("data-label"));
    counts.push(parseInt(row.getAttribute("data-count"), 10) || 0);
    chosen.push(row.getAttribute("data-chosen") === "1");
  });
  box.hidden = false;
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 14 } },
    yAxis: {
      type: "category",
      inverse: true,
      data: labels,
      axisLabel: { fontSize: 16, color: "#1a1a1a" },
    },
    series: [
      {
        type: "bar",
        data: counts.map(function (value, i) {
          return { value: value, itemStyle: { color: chosen[i] ? "#146c43" : "#0b4f9c" } };
        }),
        label: { show: true, position: "right", fontSize: 16, color: "#1a1a1a" },
        barMaxWidth: 36,
      },
    ],
  });
  window.addEventListener("resize", function () {
    chart.resize();
  });
})();

/* Trend chart of a province/regency page (ECharts, vendored). Data comes from #trend-data. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("trend-chart");
    var src = document.getElementById("trend-data");
    if (!el || !src || typeof echarts === "undefined") { return; }
    var payload = JSON.parse(src.textContent);
    var trend = payload.trend;
    if (!trend.cutoffs.length) { return; }
    var fmt = new Intl.NumberFormat(payload.lang === "en" ? "en-US" : "id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var series = (trend.order || Object.keys(trend.series)).map(function (id) {
      var s = trend.series[id];
      return { name: s.label[payload.lang] || s.label.id, type: "line", data: s.values, connectNulls: false, symbolSize: 5 };
    });
    series.push({ name: payload.level, type: "line", step: "end", yAxisIndex: 1, data: trend.levels,
                  lineStyle: { type: "dashed" }, symbol: "rect", symbolSize: 6 });
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "–" : fmt.format(v); } },
      legend: { top: 0 },
      grid: { left: 48, right: 40, top: 40, bottom: 60 },
      xAxis: { type: "category", data: trend.cutoffs, axisLabel: { rotate: 45 } },
      yAxis: [{ type: "value", name: "%", scale: true, axisLabel: { formatter: function (v) { return fmt.format(v).replace(/[.,]00$/, ""); } } },
              { type: "value", name: payload.level, min: 1, max: 4, interval: 1 }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  document.addEventListener("DOMContentLoaded", draw);
})();

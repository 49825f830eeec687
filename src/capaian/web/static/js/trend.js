/* Trend chart of a province/regency page (ECharts, vendored). Data comes from #trend-data.
   Top: coverage values with each indicator's threshold as a dashed line, the shown cut-off marked,
   and a new denominator base marked as an event. Below: the level as its own step strip (1-4),
   never on the percentage axis. */
(function () {
  "use strict";
  function shortCutoff(c) {  // 2020-11-H1 -> 11/20 H1
    var m = /^(\d{4})-(\d{2})-(H[12])$/.exec(c);
    return m ? m[2] + "/" + m[1].slice(2) + " " + m[3] : c;
  }
  function draw() {
    var el = document.getElementById("trend-chart");
    var src = document.getElementById("trend-data");
    if (!el || !src || typeof echarts === "undefined") { return; }
    var payload = JSON.parse(src.textContent);
    var trend = payload.trend;
    if (!trend.cutoffs.length) { return; }
    var lang = payload.lang;
    var fmt = new Intl.NumberFormat(lang === "en" ? "en-US" : "id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var palette = ["#1f5f8b", "#b34a00", "#2e7d32", "#6a3d9a", "#8c564b"];
    var marks = [{ xAxis: payload.current, label: { formatter: payload.shown || payload.current },
                   lineStyle: { color: "#1d2733", type: "solid", width: 2 } }];
    (trend.events || []).forEach(function (ev) {
      marks.push({ xAxis: ev.cutoff, label: { formatter: (payload.newBase || "") + " " + (ev.label[lang] || ev.label.id) },
                   lineStyle: { color: "#8a4b00", type: "dotted", width: 2 } });
    });
    var series = (trend.order || Object.keys(trend.series)).map(function (id, i) {
      var s = trend.series[id];
      var colour = palette[i % palette.length];
      return { name: s.label[lang] || s.label.id, type: "line", data: s.values, connectNulls: false, symbolSize: 5,
               xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: colour }, lineStyle: { color: colour },
               markLine: { symbol: "none", silent: true, label: { formatter: "{c} %", position: "end" },
                           lineStyle: { color: colour, type: "dashed" }, data: [{ yAxis: s.threshold }] } };
    });
    if (series.length) {  // the cut-off shown and any new base: vertical lines on the first series
      series[0].markLine.data = series[0].markLine.data.concat(marks);
    }
    series.push({ name: payload.level, type: "line", step: "end", xAxisIndex: 1, yAxisIndex: 1, data: trend.levels,
                  symbol: "rect", symbolSize: 6, itemStyle: { color: "#14532d" }, lineStyle: { color: "#14532d", width: 3 } });
    var labels = { interval: "auto", hideOverlap: true, formatter: shortCutoff, fontSize: 12 };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "–" : fmt.format(v); } },
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      legend: { top: 0, type: "scroll" },
      grid: [{ left: 52, right: 56, top: 40, height: "52%" }, { left: 52, right: 56, bottom: 34, height: "14%" }],
      xAxis: [{ type: "category", data: trend.cutoffs, gridIndex: 0, axisLabel: { show: false } },
              { type: "category", data: trend.cutoffs, gridIndex: 1, axisLabel: labels }],
      yAxis: [{ type: "value", name: "%", scale: true, gridIndex: 0,
                axisLabel: { formatter: function (v) { return fmt.format(v).replace(/[.,]00$/, ""); } } },
              { type: "value", name: payload.level, gridIndex: 1, min: 1, max: 4, interval: 1,
                nameLocation: "middle", nameGap: 30, axisLabel: { formatter: "L{value}" } }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  document.addEventListener("DOMContentLoaded", draw);
})();

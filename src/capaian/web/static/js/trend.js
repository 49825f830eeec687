/* Trend chart of a province/regency page (ECharts, vendored). Data comes from #trend-data.
   Top: coverage values with each indicator's threshold as a dashed line in its colour (the threshold
   is named in the legend), the shown cut-off as a thick line, and a new denominator base as a dotted
   line. Below: the level as its own step strip (1-4), never on the percentage axis.
   No text is drawn along the vertical lines: labels there collided with each other, the legend and
   the thresholds. What the lines mean is said in the note under the chart (#trend-note) and in the
   tooltip of each cut-off. The y axis holds every threshold; the indicators shown are kept in the URL
   (?tampil=); the toolbox saves an SVG (the page's PNG/SVG buttons: app.js). */
(function () {
  "use strict";
  function shortCutoff(c) {  // 2020-11-H1 -> 11/20 H1
    var m = /^(\d{4})-(\d{2})-(H[12])$/.exec(c);
    return m ? m[2] + "/" + m[1].slice(2) + " " + m[3] : c;
  }
  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (ch) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[ch]; });
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
    var events = {};
    (trend.events || []).forEach(function (ev) { events[ev.cutoff] = ev.label[lang] || ev.label.id; });
    var marks = [{ xAxis: payload.current, lineStyle: { color: "#1d2733", type: "solid", width: 2 } }];
    Object.keys(events).forEach(function (c) {
      marks.push({ xAxis: c, lineStyle: { color: "#8a4b00", type: "dotted", width: 2 } });
    });
    var series = (trend.order || Object.keys(trend.series)).map(function (id, i) {
      var s = trend.series[id];
      var colour = palette[i % palette.length];
      var name = (s.label[lang] || s.label.id) + (s.goal ? " " + (s.goal[lang] || s.goal.id) : "");
      return { name: name, type: "line", data: s.values, connectNulls: false, symbolSize: 5,
               xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: colour }, lineStyle: { color: colour },
               markLine: { symbol: "none", silent: true, label: { show: false },
                           lineStyle: { color: colour, type: "dashed" }, data: [{ yAxis: s.threshold }] } };
    });
    if (series.length) {  // the cut-off shown and any new base: vertical lines on the first series
      series[0].markLine.data = series[0].markLine.data.concat(marks);
    }
    series.push({ name: payload.level, type: "line", step: "end", xAxisIndex: 1, yAxisIndex: 1, data: trend.levels,
                  symbol: "rect", symbolSize: 6, itemStyle: { color: "#14532d" }, lineStyle: { color: "#14532d", width: 3 } });
    var thresholds = (trend.order || Object.keys(trend.series)).map(function (id) { return trend.series[id].threshold; })
      .filter(function (t) { return t !== null && t !== undefined; });
    var lowest = thresholds.length ? Math.min.apply(null, thresholds) : Infinity;
    var highest = thresholds.length ? Math.max.apply(null, thresholds) : -Infinity;
    // the indicators shown (legend) live in the URL: ?tampil=ktp_el,kia
    var ids = trend.order || Object.keys(trend.series);
    var shownIds = (new URL(window.location.href).searchParams.get("tampil") || "").split(",").filter(Boolean);
    var selected = {};
    if (shownIds.length) {
      ids.forEach(function (id, i) { selected[series[i].name] = shownIds.indexOf(id) >= 0; });
    }
    // the axis: values and thresholds, at most 5 steps of a round size (labels never crowd)
    var all = [lowest, highest].filter(isFinite);
    ids.forEach(function (id) { (trend.series[id].values || []).forEach(function (v) { if (v !== null && v !== undefined) { all.push(v); } }); });
    var lo = all.length ? Math.min.apply(null, all) : 0, hi = all.length ? Math.max.apply(null, all) : 100;
    var step = [1, 2, 5, 10, 20, 25, 50, 100].filter(function (s) { return (hi - lo) / s <= 5; })[0] || 100;
    var axis = { min: Math.max(0, Math.floor(lo / step) * step), max: Math.ceil(hi / step) * step, step: step };
    if (axis.max === axis.min) { axis.max = axis.min + step; }
    var narrow = el.clientWidth < 440;  // the legend takes two lines
    // Every k-th cut-off labelled, k chosen from the width so that labels ("11/20 H1", 12 px) never touch.
    var fits = Math.max(1, Math.floor((el.clientWidth - 72) / 80));
    var labels = { interval: Math.ceil(trend.cutoffs.length / fits) - 1, formatter: shortCutoff, fontSize: 12, margin: 14 };  // clear of "L1"
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          if (!items.length) { return ""; }
          var c = items[0].axisValue;
          var lines = ["<b>" + escape(c) + "</b>" + (c === payload.current ? " (" + escape(payload.shown) + ")" : "")];
          items.forEach(function (it) {
            var v = it.value == null ? "–" : (it.seriesName === payload.level ? "L" + it.value : fmt.format(it.value) + " %");
            lines.push(it.marker + escape(it.seriesName) + ": " + v);
          });
          if (events[c]) { lines.push(escape(payload.newBase) + " " + escape(events[c])); }
          return lines.join("<br>");
        }
      },
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      legend: { top: 0, left: 0, right: 0, itemGap: 14, selected: selected },
      grid: [{ left: 52, right: 20, top: narrow ? 84 : 56, height: narrow ? "42%" : "50%" },
             { left: 52, right: 20, bottom: 38, height: "14%" }],
      xAxis: [{ type: "category", data: trend.cutoffs, gridIndex: 0, axisLabel: { show: false } },
              { type: "category", data: trend.cutoffs, gridIndex: 1, axisLabel: labels }],
      toolbox: { right: 0, bottom: 0, feature: { saveAsImage: { type: "svg", name: payload.fileName || "trend",
                                                            title: payload.saveSvg || "SVG" } } },
      yAxis: [{ type: "value", name: "%", nameGap: 8, gridIndex: 0,
                // every threshold inside the axis (a 20 % threshold is drawn even when values sit at 30-110)
                min: axis.min, max: axis.max, interval: axis.step,
                axisLabel: { formatter: function (v) { return fmt.format(v).replace(/[.,]00$/, ""); } } },
              { type: "value", name: payload.level, gridIndex: 1, min: 1, max: 4, interval: 1,
                nameLocation: "middle", nameGap: 30, axisLabel: { formatter: "L{value}" } }],
      series: series
    });
    function keep(ev) {  // a legend click (or an action) writes the indicators shown into the URL
      var on = ids.filter(function (id, i) { return ev.selected[series[i].name] !== false; });
      var url = new URL(window.location.href);
      if (on.length === ids.length) { url.searchParams.delete("tampil"); } else { url.searchParams.set("tampil", on.join(",")); }
      window.history.replaceState(null, "", url.toString());
    }
    ["legendselectchanged", "legendselected", "legendunselected"].forEach(function (name) { chart.on(name, keep); });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  document.addEventListener("DOMContentLoaded", draw);
})();

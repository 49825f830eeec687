/* Optional operator-supplied GeoJSON map of the provinces (replaces the tile grid when present). */
(function () {
  "use strict";
  function levelColour(lv) {  // the one level palette: CSS variables from capaian.present.palette
    return getComputedStyle(document.documentElement).getPropertyValue("--l" + lv).trim();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("geomap");
    if (!el || typeof echarts === "undefined") { return; }
    var levels = JSON.parse(el.dataset.levels || "{}");
    fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      geo.features.forEach(function (f) {
        var p = f.properties || {};
        p.name = String(p.code || p.kode || p.KODE || p.name);
        f.properties = p;
      });
      echarts.registerMap("provinsi", geo);
      var data = Object.keys(levels).map(function (code) { return { name: code, value: levels[code] }; });
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        visualMap: { type: "piecewise", pieces: [1, 2, 3, 4].map(function (lv) { return { value: lv, color: levelColour(lv) }; }), orient: "horizontal", left: "center", bottom: 0 },
        series: [{ type: "map", map: "provinsi", roam: true, data: data, label: { show: false } }]
      });
      chart.on("click", function (ev) { if (ev.name) { window.location = "/wilayah/" + ev.name; } });
      var grid = document.getElementById("tilemap");
      if (grid) { grid.style.display = "none"; }
    });
  });
})();

/* capaian: small progressive enhancements. No inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  // CSRF token on every htmx request that changes state.
  document.addEventListener("htmx:configRequest", function (ev) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { ev.detail.headers["X-CSRF-Token"] = meta.content; }
  });

  // A report built in the background (web/reports.py): once the progress line says it is ready, the
  // browser fetches the file (an attachment: the page stays), so one click gives the file.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-download]:not([data-fetched])").forEach(function (el) {
      el.dataset.fetched = "1";
      window.location.assign(el.dataset.download);
    });
  });

  // Cut-off selector submits itself.
  function wireAutosubmit(root) {
    root.querySelectorAll("select.autosubmit").forEach(function (sel) {
      if (sel.dataset.wired) { return; }
      sel.dataset.wired = "1";
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
  }

  // Client-side sorting of tables marked .sortable, by each cell's data-sort value.
  function sortBy(table, th) {
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.dataset.sortType === "num";
    var asc = !th.classList.contains("sorted-asc");
    table.querySelectorAll("th").forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
    th.classList.add(asc ? "sorted-asc" : "sorted-desc");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ca = a.cells[idx], cb = b.cells[idx];
      if (!ca || !cb) { return 0; }
      var va = ca.dataset.sort !== undefined ? ca.dataset.sort : ca.textContent.trim();
      var vb = cb.dataset.sort !== undefined ? cb.dataset.sort : cb.textContent.trim();
      var cmp = numeric ? (parseFloat(va) - parseFloat(vb)) : va.localeCompare(vb, document.documentElement.lang || "id");
      if (isNaN(cmp)) { cmp = 0; }
      return asc ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function wireSortable(root) {
    root.querySelectorAll("table.sortable").forEach(function (table) {
      if (table.dataset.wired) { return; }
      table.dataset.wired = "1";
      table.querySelectorAll("th[data-sort-type]").forEach(function (th) {
        th.addEventListener("click", function (ev) {
          ev.preventDefault();
          sortBy(table, th);
        });
      });
    });
  }

  function wire(root) { wireAutosubmit(root); wireSortable(root); }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { wire(document); });
})();

/* The tile map coloured by level or by one indicator (met / not met, the value in the tile). */
(function () {
  "use strict";
  function wireMap() {
    var select = document.getElementById("map-colour");
    var blob = document.getElementById("map-data");
    var legend = document.getElementById("map-legend");
    if (!select || !blob || select.dataset.wired) { return; }
    select.dataset.wired = "1";
    var cells = JSON.parse(blob.textContent);
    select.addEventListener("change", function () {
      var mode = select.value;
      document.querySelectorAll("#tilemap .tile").forEach(function (tile) {
        var rect = tile.querySelector("rect");
        var value = tile.querySelector("text.tv");
        var level = tile.dataset.level;
        if (!tile.dataset.levelText) { tile.dataset.levelText = value.textContent; }
        if (mode === "level") {
          rect.setAttribute("class", "lv" + (level || "x"));
          value.textContent = tile.dataset.levelText;
        } else {
          var cell = (cells[tile.dataset.code] || {})[mode] || ["no_data", "–"];
          rect.setAttribute("class", "st-" + cell[0]);
          value.textContent = cell[1];
        }
      });
      legend.dataset.mode = mode === "level" ? "level" : "status";
      legend.querySelectorAll(".lg-level").forEach(function (li) { li.hidden = mode !== "level"; });
      legend.querySelectorAll(".lg-status").forEach(function (li) { li.hidden = mode === "level"; });
    });
  }
  document.addEventListener("DOMContentLoaded", wireMap);
})();

/* Scorecard: hide or show an indicator's column (its heading and cells carry data-ind). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("scorecard-table");
    document.querySelectorAll("#column-chooser input[data-col]").forEach(function (box) {
      box.addEventListener("change", function () {
        table.querySelectorAll('[data-ind="' + box.dataset.col + '"]').forEach(function (el) {
          el.hidden = !box.checked;
        });
      });
    });
  });
})();

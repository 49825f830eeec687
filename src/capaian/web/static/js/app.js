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
    document.querySelectorAll("[data-fetch-file]:not([data-fetched])").forEach(function (el) {
      el.dataset.fetched = "1";
      window.location.assign(el.dataset.fetchFile);
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
    table.querySelectorAll("th").forEach(function (h) {
      h.classList.remove("sorted-asc", "sorted-desc");
      if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); }
    });
    th.classList.add(asc ? "sorted-asc" : "sorted-desc");
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
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
        // reachable and operable by keyboard; aria-sort says the order (none until sorted)
        th.tabIndex = 0;
        if (!th.hasAttribute("aria-sort")) { th.setAttribute("aria-sort", "none"); }
        th.addEventListener("click", function (ev) {
          ev.preventDefault();
          sortBy(table, th);
        });
        th.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); sortBy(table, th); }
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
      var url = new URL(window.location.href);  // the view state lives in the URL (warna = colour by)
      if (mode === "level") { url.searchParams.delete("warna"); } else { url.searchParams.set("warna", mode); }
      window.history.replaceState(null, "", url.toString());
    });
    var asked = new URL(window.location.href).searchParams.get("warna");
    if (asked && select.querySelector('option[value="' + asked.replace(/[^a-z0-9_]/g, "") + '"]')) {
      select.value = asked;
      select.dispatchEvent(new Event("change"));
    }
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

/* Download a chart or the map as SVG or PNG, offline: the SVG on the page with its computed colours
   written in, and a PNG drawn from it on a canvas (buttons: data-download="svg|png", data-target). */
(function () {
  "use strict";
  var PROPS = ["fill", "stroke", "stroke-width", "stroke-dasharray", "font-size", "font-family", "font-weight",
               "text-anchor", "opacity"];
  function standalone(svg) {
    var copy = svg.cloneNode(true);
    var from = svg.querySelectorAll("*"), to = copy.querySelectorAll("*");
    for (var i = 0; i < from.length; i++) {
      var style = getComputedStyle(from[i]);
      PROPS.forEach(function (p) { var v = style.getPropertyValue(p); if (v) { to[i].setAttribute(p, v); } });
    }
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    var box = svg.getBoundingClientRect();
    copy.setAttribute("width", Math.round(box.width));
    copy.setAttribute("height", Math.round(box.height));
    var bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    bg.setAttribute("width", "100%"); bg.setAttribute("height", "100%"); bg.setAttribute("fill", "#ffffff");
    copy.insertBefore(bg, copy.firstChild);
    return { text: new XMLSerializer().serializeToString(copy), width: box.width, height: box.height };
  }
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function download(button) {
    var target = document.querySelector(button.dataset.target);
    var svg = target && (target.tagName.toLowerCase() === "svg" ? target : target.querySelector("svg"));
    if (!svg) { return; }
    var out = standalone(svg);
    var name = (button.dataset.name || "chart") + "." + button.dataset.download;
    var svgBlob = new Blob([out.text], { type: "image/svg+xml" });
    if (button.dataset.download === "svg") { save(svgBlob, name); return; }
    var img = new Image();
    img.onload = function () {
      var scale = 2, canvas = document.createElement("canvas");
      canvas.width = out.width * scale; canvas.height = out.height * scale;
      var ctx = canvas.getContext("2d");
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, out.width, out.height);
      canvas.toBlob(function (png) { save(png, name); }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(out.text);
  }
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button[data-download]");
    if (button) { ev.preventDefault(); download(button); }
  });
})();

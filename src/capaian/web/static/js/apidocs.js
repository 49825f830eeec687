// Swagger UI over this server's /openapi.json: no validator badge (it would call out), the session's
// CSRF token on state-changing calls, deep links to operations (the URL follows the operation opened;
// the path link inside each operation's expand button loses its href, so no control nests another:
// axe "nested-interactive"). Colours with AA contrast: app.css (.swagger-card).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  function unnest(scope) {
    scope.querySelectorAll(".opblock-summary-control a[href], .opblock-summary-control button").forEach(function (el) {
      if (el.tagName === "A") { el.removeAttribute("href"); } else { el.setAttribute("tabindex", "-1"); }
    });
  }
  new MutationObserver(function () { unnest(root); })
    .observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec") || "/openapi.json",
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    withCredentials: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (token && method !== "GET" && method !== "HEAD") { request.headers["X-CSRF-Token"] = token; }
      return request;
    }
  });
})();

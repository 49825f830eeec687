// Swagger UI over this server's /openapi.json: no validator badge (it would call out), the session's
// CSRF token on state-changing calls, deep links to operations.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
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

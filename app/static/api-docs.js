// Swagger UI on the vendored bundle; the spec URL comes from the page (no inline script: CSP).
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: el.dataset.specUrl, domNode: el });
});

/* Levy front-end glue. No inline scripts anywhere: CSP is script-src 'self'.
   Loaded with `defer` after htmx.min.js, so `htmx` exists here. */
(function () {
  "use strict";

  // Swap 422 (form with validation errors) like a 2xx; other 4xx/5xx are errors, not swapped.
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
  }

  // Every htmx request carries the CSRF token from <meta name="csrf-token">.
  document.addEventListener("htmx:configRequest", function (evt) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      evt.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // <button type="button" data-print>Print</button>
  document.addEventListener("click", function (evt) {
    var el = evt.target.closest && evt.target.closest("[data-print]");
    if (el) {
      evt.preventDefault();
      window.print();
    }
  });
})();

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

  // Cards on a phone (app.css, max-width 600px): every cell of these tables is labelled with
  // its column's header (data-label), so a row can be read as a card without the header row.
  var CARD_TABLES = "#sheet-rows, #history, #readings-grid table";

  function labelCells(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) { labels.push(th.textContent.trim()); }
    });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.push.apply(rows, body.rows);
    });
    if (table.tFoot) { Array.prototype.push.apply(rows, table.tFoot.rows); }
    rows.forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var label = cell.colSpan > 1 ? "" : labels[column];
        if (label && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", label); }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("cards");
  }

  function cards(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches(CARD_TABLES)) { labelCells(scope); }
    Array.prototype.forEach.call(scope.querySelectorAll(CARD_TABLES), labelCells);
  }

  if (window.htmx) {
    htmx.onLoad(cards);  // the first page, and every fragment htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", function () { cards(document); });
  }
})();

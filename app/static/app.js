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

  // Sending reminders asks first, with how many and the total they owe:
  // <form data-confirm-reminders="Send {count} … {total} …?" data-currency="EUR">, each row
  // <tr data-owed-cents="1234"> with a checkbox member_ids. Cents stay integers; Intl formats
  // the total from a decimal string, never a float.
  function centsText(cents) {
    var negative = cents < 0, size = Math.abs(cents);
    var fraction = String(size % 100);
    return (negative ? "-" : "") + Math.floor(size / 100) + "." + (fraction.length < 2 ? "0" : "") + fraction;
  }

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-confirm-reminders]")) { return; }
    var checked = form.querySelectorAll('input[name="member_ids"]:checked');
    if (!checked.length) { return; }  // the server says to choose someone
    var total = 0;
    Array.prototype.forEach.call(checked, function (box) {
      var row = box.closest("[data-owed-cents]");
      total += row ? parseInt(row.getAttribute("data-owed-cents"), 10) || 0 : 0;
    });
    var lang = document.documentElement.lang || "en";
    var amount;
    try {
      amount = new Intl.NumberFormat(lang, { style: "currency", currency: form.getAttribute("data-currency") || "EUR" })
        .format(centsText(total));
    } catch (error) {
      amount = centsText(total);
    }
    var text = form.getAttribute("data-confirm-reminders")
      .replace("{count}", String(checked.length)).replace("{total}", amount);
    if (!window.confirm(text)) { evt.preventDefault(); }
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

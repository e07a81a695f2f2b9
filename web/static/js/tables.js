// Record tables on a phone: a table that does not fit a phone (wider than the screen, so it
// scrolls sideways, or with a column a few characters wide whose text breaks over several lines:
// names one character per line) reads as one card per row instead, each value beside its
// column's name.  Tables that fit stay tables.
//
// Every <table class="list"> or <table class="data"> with one header row (no spanning header
// cells) gets, on each body cell, `data-label` = its column's header text, and ARIA roles (a
// table shown as blocks loses its table semantics in some screen readers).  Below 40rem the
// table is laid out as a table and measured; if a column is squeezed it gets `stackable`, which
// the stylesheet stacks.  Rows whose cells do not match the header (a "nothing here" row
// spanning the table) are left as they are.  Measured again when the screen changes width.
(function () {
  var PHONE = window.matchMedia("(max-width: 40rem)");
  var NARROW_EM = 5;      // a column narrower than this many em ...
  var SQUEEZED_LINES = 2.5; // ... with a cell taller than this many lines is squeezed

  function text(cell) {
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  function label(table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) return false;
    var cells = head.rows[0].cells;
    var names = [];
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].colSpan !== 1 || cells[i].rowSpan !== 1) return false;
      names.push(text(cells[i]));
    }
    table.setAttribute("role", "table");
    head.setAttribute("role", "rowgroup");
    head.rows[0].setAttribute("role", "row");
    for (i = 0; i < cells.length; i++) cells[i].setAttribute("role", "columnheader");
    for (var b = 0; b < table.tBodies.length; b++) {
      var body = table.tBodies[b];
      body.setAttribute("role", "rowgroup");
      for (var r = 0; r < body.rows.length; r++) {
        var row = body.rows[r];
        row.setAttribute("role", "row");
        var matches = row.cells.length === names.length;
        for (var c = 0; c < row.cells.length; c++) {
          var cell = row.cells[c];
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          if (matches) cell.setAttribute("data-label", names[c]);
        }
      }
    }
    return true;
  }

  function squeezed(table) {
    var room = table.parentElement ? table.parentElement.clientWidth : window.innerWidth;
    if (table.getBoundingClientRect().width > room + 1) return true;  // wider than the screen: scrolls sideways
    var style = window.getComputedStyle(table);
    var em = parseFloat(style.fontSize) || 16;
    var line = parseFloat(style.lineHeight) || em * 1.5;
    var range = document.createRange();
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var cells = rows[r].cells;
        for (var c = 0; c < cells.length; c++) {
          if (cells[c].getBoundingClientRect().width >= NARROW_EM * em) continue;
          range.selectNodeContents(cells[c]);  // the text's height, not the row's
          if (range.getBoundingClientRect().height > SQUEEZED_LINES * line) return true;
        }
      }
    }
    return false;
  }

  var tables = [];
  function measure() {
    for (var i = 0; i < tables.length; i++) tables[i].classList.remove("stackable");
    if (!PHONE.matches) return;
    for (i = 0; i < tables.length; i++) {
      if (squeezed(tables[i])) tables[i].classList.add("stackable");
    }
  }

  function start() {
    var found = document.querySelectorAll("table.list, table.data");
    for (var i = 0; i < found.length; i++) if (label(found[i])) tables.push(found[i]);
    measure();
    if (PHONE.addEventListener) PHONE.addEventListener("change", measure);
    else if (PHONE.addListener) PHONE.addListener(measure);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

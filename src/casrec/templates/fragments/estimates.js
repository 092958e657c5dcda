// Filters, search and sorting for the overview's table of estimates. Without scripts the
// table stays as rendered: every estimate, contested first. Reads only the page (no network).
(function () {
  "use strict";
  var table = document.getElementById("estimates");
  if (!table || table.dataset.ready) return;
  table.dataset.ready = "1";
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var labels = JSON.parse(table.getAttribute("data-labels") || "{}");
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var filters = [["s", "Status"], ["c", "Country"], ["a", "Region"], ["y", "Year"], ["m", "Metric"]];
  var form = document.createElement("form");
  form.className = "filters";
  form.setAttribute("role", "search");
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var selects = {};
  filters.forEach(function (pair) {
    var key = pair[0], values = {};
    rows.forEach(function (row) { var v = row.getAttribute("data-" + key); if (v) values[v] = 1; });
    var order = Object.keys(values);
    var known = labels[key] ? Object.keys(labels[key]) : [];
    order.sort(function (x, y) {
      var i = known.indexOf(x), j = known.indexOf(y);
      if (i >= 0 && j >= 0) return i - j;
      return key === "y" ? (x < y ? 1 : x > y ? -1 : 0) : x.localeCompare(y);
    });
    var label = document.createElement("label");
    label.appendChild(document.createTextNode(pair[1] + " "));
    var select = document.createElement("select");
    select.name = key;
    select.appendChild(new Option("all", ""));
    order.forEach(function (v) {
      select.appendChild(new Option((labels[key] && labels[key][v]) || v, v));
    });
    label.appendChild(select);
    form.appendChild(label);
    selects[key] = select;
    select.addEventListener("change", apply);
  });
  var searchLabel = document.createElement("label");
  searchLabel.appendChild(document.createTextNode("Search "));
  var search = document.createElement("input");
  search.type = "search";
  search.name = "q";
  search.placeholder = "title, place, claimant…";
  searchLabel.appendChild(search);
  form.appendChild(searchLabel);
  search.addEventListener("input", apply);
  var count = document.createElement("p");
  count.className = "count";
  count.setAttribute("aria-live", "polite");
  var wrapper = table.closest(".table-scroll") || table;
  wrapper.parentNode.insertBefore(form, wrapper);
  wrapper.parentNode.insertBefore(count, wrapper);

  function apply() {
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = !query || texts[i].indexOf(query) >= 0;
      for (var key in selects) {
        if (ok && selects[key].value && row.getAttribute("data-" + key) !== selects[key].value) ok = false;
      }
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = "Showing " + shown.toLocaleString("en") + " of " +
      rows.length.toLocaleString("en") + " estimates.";
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var numeric = th.classList.contains("num");
      var keyed = rows.map(function (row, i) {
        var cell = row.cells[column], text = cell ? cell.textContent.trim() : "";
        var value = numeric ? parseFloat(text.replace(/[^0-9.]/g, "")) : text.toLowerCase();
        if (numeric && isNaN(value)) value = -1;
        if (th.getAttribute("data-sort") === "status") value = Number(row.getAttribute("data-r"));
        return [value, i];
      });
      keyed.sort(function (x, y) {
        var d = x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1];
        return descending ? -d : d;
      });
      var fragment = document.createDocumentFragment();
      keyed.forEach(function (pair) { fragment.appendChild(rows[pair[1]]); });
      body.appendChild(fragment);
    });
  });
  apply();
})();

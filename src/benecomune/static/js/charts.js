/* Charts drawn from the data table that sits next to them (includes/chart.html): the table is
   what screen readers and keyboard users read, and what the CSV export holds; the chart is a
   picture of the same numbers. No inline script (the Content-Security-Policy refuses them).
   Each <figure data-chart="bar|line|doughnut|pie"> holds a <canvas> and a <table>: the first
   column gives the labels, each further column a series; a cell's data-value holds the raw
   number (cents already divided where the table says euro). */
(function () {
  "use strict";
  var palette = ["#0066cc", "#008055", "#cc7a00", "#a66300", "#5c2f91", "#d9364f", "#17324d",
                 "#00a3a3"];

  function numberOf(cell) {
    // data-value is a plain number ("1234.5"); the text is Italian ("1.234,5", "€ 12,30").
    var value = cell.dataset.value !== undefined
      ? parseFloat(cell.dataset.value)
      : parseFloat(cell.textContent.replace(/[^0-9,.-]/g, "").replace(/\./g, "").replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function draw(figure) {
    var table = figure.querySelector("table");
    var canvas = figure.querySelector("canvas");
    if (!table || !canvas || !window.Chart) { return; }
    var kind = figure.dataset.chart || "bar";
    var headers = Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    var rows = Array.prototype.filter.call(
      table.querySelectorAll("tbody tr"), function (tr) { return !tr.hasAttribute("data-chart-skip"); });
    var labels = rows.map(function (tr) { return tr.cells[0].textContent.trim(); });
    var datasets = [];
    for (var col = 1; col < headers.length; col++) {
      if (figure.dataset.chartColumns &&
          figure.dataset.chartColumns.split(",").indexOf(String(col)) === -1) { continue; }
      var colour = palette[(datasets.length) % palette.length];
      datasets.push({
        label: headers[col],
        data: rows.map(function (tr) { return tr.cells[col] ? numberOf(tr.cells[col]) : null; }),
        backgroundColor: (kind === "doughnut" || kind === "pie") ? palette : colour,
        borderColor: colour,
        fill: false
      });
    }
    // The canvas is decorative for assistive technology: the table carries the figures.
    canvas.setAttribute("aria-hidden", "true");
    new window.Chart(canvas, {
      type: kind,
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1 || kind === "doughnut" || kind === "pie" } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart]"), draw);
  });
})();

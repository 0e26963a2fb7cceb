/* A school's results by year: draws the chart from the series the page carries in
   <script id="results-chart-data" type="application/json"> (Django's json_script), the
   school against the municipality's average, and redraws it for the subject chosen. */
(function () {
  "use strict";

  var source = document.getElementById("results-chart-data");
  var canvas = document.getElementById("results-chart");
  var select = document.getElementById("chart-series");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var series = JSON.parse(source.textContent);

  function datasets(row) {
    return [
      {label: "Школа", data: row.school, borderColor: "#0d6efd", backgroundColor: "#0d6efd", tension: 0.2, spanGaps: true},
      {label: "Среднее по муниципалитету", data: row.municipal, borderColor: "#6c757d", backgroundColor: "#6c757d", borderDash: [6, 4], tension: 0.2, spanGaps: true},
    ];
  }

  var first = series[0];
  var chart = new Chart(canvas, {
    type: "line",
    data: {labels: first.years, datasets: datasets(first)},
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: {title: {display: true, text: first.metric}},
      scales: {y: {beginAtZero: false}},
    },
  });
  if (select) {
    select.addEventListener("change", function () {
      var row = series[Number(select.value)];
      chart.data.datasets = datasets(row);
      chart.options.plugins.title.text = row.metric;
      chart.update();
    });
  }
  canvas.dataset.drawn = "true";
})();

/* Progress dashboards: draws the charts from the figures the page carries in
   <script id="dashboard-data" type="application/json"> (Django's json_script), the sections'
   chart from "sections-chart-data" inside the table «by section»; redraws that one when htmx
   brings another page of the table, and keeps the address bar in step with the tables' pages. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 });
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.locale = "ru-RU";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = reducedMotion ? false : { duration: 400 };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    return canvas ? new Chart(canvas, config) : null;
  }

  function sum(values) {
    return values.reduce(function (a, b) { return a + b; }, 0);
  }

  // The share of pairs in each state.
  var states = data.states;
  var statesTotal = sum(states.values);
  draw("chart-states", {
    type: "doughnut",
    data: {
      labels: states.labels,
      datasets: [{ data: states.values, backgroundColor: states.colors, borderWidth: 1 }],
    },
    plugins: [
      {
        id: "total",
        afterDraw: function (chart) {
          var area = chart.chartArea;
          var ctx = chart.ctx;
          ctx.save();
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillStyle = "#212529";
          ctx.font = "600 1.6rem " + Chart.defaults.font.family;
          var x = (area.left + area.right) / 2;
          var y = (area.top + area.bottom) / 2;
          ctx.fillText(number.format(statesTotal), x, y - 8);
          ctx.font = "0.8rem " + Chart.defaults.font.family;
          ctx.fillStyle = "#6c757d";
          ctx.fillText("пар", x, y + 16);
          ctx.restore();
        },
      },
    ],
    options: {
      maintainAspectRatio: false,
      cutout: "62%",
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var share = statesTotal ? (100 * ctx.parsed) / statesTotal : 0;
              return " " + ctx.label + ": " + number.format(ctx.parsed) + " (" + number.format(share) + "%)";
            },
          },
        },
      },
    },
  });

  // Month by month: pairs due, pairs done, the cumulative share done.
  var trend = data.trend;
  draw("chart-trend", {
    data: {
      labels: trend.labels,
      datasets: [
        {
          type: "bar",
          label: "Срок наступает (пар)",
          data: trend.due,
          backgroundColor: "rgba(108, 117, 125, 0.45)",
          yAxisID: "y",
          order: 2,
        },
        {
          type: "bar",
          label: "Выполнено в месяце (пар)",
          data: trend.done,
          backgroundColor: trend.done_color,
          yAxisID: "y",
          order: 2,
        },
        {
          type: "line",
          label: "Выполнено нарастающим итогом, %",
          data: trend.share,
          borderColor: "#0d6efd",
          backgroundColor: "#0d6efd",
          pointRadius: 2,
          tension: 0.2,
          spanGaps: false,
          yAxisID: "share",
          order: 1,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom" } },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: "пар" }, ticks: { precision: 0 } },
        share: {
          position: "right",
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          ticks: { callback: function (value) { return value + "%"; } },
        },
      },
    },
  });

  // Sections: stacked bars of the states, one bar per section (of the table's current page).
  function drawSections() {
    var canvas = document.getElementById("chart-sections");
    var source = document.getElementById("sections-chart-data");
    if (!canvas || !source || Chart.getChart(canvas)) {
      return;
    }
    var sections = JSON.parse(source.textContent);
    if (!sections.labels.length) {
      return;
    }
    canvas.parentElement.style.height = 70 + 30 * sections.labels.length + "px";
    draw("chart-sections", {
      type: "bar",
      data: {
        labels: sections.labels,
        datasets: sections.datasets.map(function (set) {
          return { label: set.label, data: set.values, backgroundColor: set.color };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "пар" } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
      },
    });
  }
  drawSections();

  if (typeof htmx === "undefined") {
    return;
  }
  // The page keeps no copy for «back» (hx-history="false": the copy would lose the drawn charts),
  // so going back to an earlier page of a table loads that address whole.
  htmx.config.refreshOnHistoryMiss = true;

  // A page link was written when its table was drawn; other tables may have turned pages since.
  // Ask for the address now in the bar with only this table's page changed, and show that.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var link = event.detail.elt;
    if (!link.dataset || !link.dataset.pageParam) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    params.delete("table");
    params.set(link.dataset.pageParam, link.dataset.page);
    var target = event.detail.target;
    link.setAttribute("hx-push-url", "?" + params.toString() + (target ? "#" + target.id : ""));
    var table = new URL(link.getAttribute("hx-get"), window.location.href).searchParams.get("table");
    params.set("table", table);
    event.detail.path = window.location.pathname + "?" + params.toString();
  });

  // The sections' chart lives in its table: let go of the old one, draw the new one.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var old = Chart.getChart("chart-sections");
    if (old && event.detail.target.contains(old.canvas)) {
      old.destroy();
    }
  });
  document.body.addEventListener("htmx:afterSwap", drawSections);
})();

/* Draws the chart theme/chart_view.py chose (chart_plan, in data-plan): the
   measures as series, the categories or periods as labels, the title and
   axis titles a reader quotes; the selector switches the year shown. */
(function () {
  "use strict";
  var el = document.getElementById("satudata-chart");
  var canvas = document.getElementById("satudata-chart-canvas");
  if (!el || !canvas || !window.Chart) { return; }
  var plan = JSON.parse(el.getAttribute("data-plan"));
  var locale = el.getAttribute("data-locale") === "en" ? "en-GB" : "id-ID";
  var palette = ["#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c"];
  var title = document.getElementById("satudata-chart-title");
  var select = document.getElementById("satudata-chart-option");
  var format = new Intl.NumberFormat(locale, {maximumFractionDigits: 2});

  function data(option) {
    var chart = plan.charts[option];
    return {
      labels: chart.labels,
      datasets: chart.datasets.map(function (d, i) {
        return {label: d.label, data: d.data, backgroundColor: palette[i % palette.length],
                borderColor: palette[i % palette.length]};
      })
    };
  }

  // many categories (25 kecamatan) read best as horizontal bars, on a phone too
  var labels = plan.charts[plan.selected].labels.length;
  var horizontal = plan.type === "bar" && labels > 10;
  var valueAxis = horizontal ? "x" : "y", labelAxis = horizontal ? "y" : "x";
  var scales = {};
  scales[labelAxis] = {title: {display: true, text: plan.x_title}};
  scales[valueAxis] = {beginAtZero: true, title: {display: !!plan.y_title, text: plan.y_title},
                       ticks: {callback: function (value) { return format.format(value); }}};
  if (horizontal) {
    canvas.parentNode.style.height = Math.max(24, labels * 1.4 + 6) + "rem";
  }

  try {
    var chart = new window.Chart(canvas, {
      type: plan.type,
      data: data(plan.selected),
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          // the page's heading shows it; kept here for whoever reads the chart
          title: {display: false, text: plan.charts[plan.selected].title},
          legend: {display: plan.measures.length > 1},
          tooltip: {callbacks: {label: function (ctx) {
            return ctx.dataset.label + ": " + format.format(ctx.parsed[valueAxis]);
          }}}
        },
        indexAxis: labelAxis,
        scales: scales
      }
    });
    if (select) {
      select.addEventListener("change", function () {
        var next = plan.charts[select.value];
        if (!next) { return; }
        chart.data = data(select.value);
        chart.options.plugins.title.text = next.title;
        chart.update();
        title.textContent = next.title;
      });
    }
    el.setAttribute("data-ready", "1");
  } catch (e) {
    el.querySelector(".satudata-chart-error").hidden = false;
  }
})();

/* Draws the charts of the Kinerja SOP and Statistik Layanan pages from the
   JSON the page embeds in <script type="application/json" data-chart>. */
(function () {
  "use strict";
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var nodes = document.querySelectorAll("script[data-chart]");
    for (var i = 0; i < nodes.length; i++) {
      var spec;
      try { spec = JSON.parse(nodes[i].textContent); } catch (e) { continue; }
      var canvas = document.getElementById(nodes[i].getAttribute("data-chart"));
      if (!canvas || !spec) { continue; }
      new Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          responsive: true,
          animation: false,
          // figures as the page's reader writes them (1.234 / 1,234)
          locale: document.documentElement.lang || "id",
          indexAxis: spec.horizontal ? "y" : "x",
          plugins: { legend: { position: "bottom" },
                     title: { display: !!spec.title, text: spec.title } },
          scales: spec.type === "pie" ? {} : (function () {
            var value = { beginAtZero: true,
                          title: { display: !!spec.y_label, text: spec.y_label } };
            return spec.horizontal ? { x: value } : { y: value };
          })()
        }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else { draw(); }
})();

/* Chart of a DataStore table: the first text column as labels, every numeric
   column as a bar series (at most 500 rows). Reads the public datastore_search API. */
(function () {
  "use strict";
  var el = document.getElementById("satudata-chart");
  if (!el || !window.Chart) { return; }
  var url = el.getAttribute("data-api") + "?limit=500&resource_id=" +
    encodeURIComponent(el.getAttribute("data-resource-id"));
  fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
    .then(function (body) {
      if (!body.success) { throw new Error("datastore_search"); }
      var fields = body.result.fields.filter(function (f) { return f.id !== "_id"; });
      var numeric = fields.filter(function (f) { return /^(int|float|numeric)/.test(f.type); });
      var label = fields.find(function (f) { return numeric.indexOf(f) < 0; }) || fields[0];
      var preferred = el.getAttribute("data-value-field");
      if (preferred) { numeric = numeric.filter(function (f) { return f.id === preferred; }); }
      var palette = ["#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c"];
      new window.Chart(document.getElementById("satudata-chart-canvas"), {
        type: "bar",
        data: {
          labels: body.result.records.map(function (r) { return r[label.id]; }),
          datasets: numeric.map(function (f, i) {
            return {label: f.id, backgroundColor: palette[i % palette.length],
                    data: body.result.records.map(function (r) { return Number(r[f.id]); })};
          })
        },
        options: {responsive: true, maintainAspectRatio: false, animation: false}
      });
      el.setAttribute("data-ready", "1");
    })
    .catch(function () {
      el.querySelector(".satudata-chart-error").hidden = false;
    });
})();

/* The public request pages (requests/templates/satudata/permintaan/):
   a form that came back refused opens on its error summary, whose links
   take the person to the field; long text fields count their characters as
   the person types or pastes (nothing is cut: over the limit the count says
   by how much, and the server refuses it with the form filled in). From a
   file: the portal's Content-Security-Policy runs no inline script. */
(function () {
  var summary = document.querySelector("[data-satudata-focus]");
  if (summary) {
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-satudata-field]");
    var field = link && document.getElementById(link.getAttribute("data-satudata-field"));
    if (!field) { return; }
    event.preventDefault();
    // the label above the field stays in sight: it says what the field is
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({block: "start"});
    field.focus({preventScroll: true});
  });

  var lang = document.documentElement.lang || undefined;
  function number(n) {
    try { return n.toLocaleString(lang); } catch (e) { return String(n); }
  }
  document.querySelectorAll("[data-satudata-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-satudata-count-for"));
    if (!field) { return; }
    var most = parseInt(counter.getAttribute("data-satudata-max"), 10);
    function update() {
      // characters as the server counts them (code points; the view
      // sends a line break as one)
      var count = Array.from(field.value).length;
      var over = count - most;
      var text = counter.getAttribute(over > 0 ? "data-satudata-text-over" : "data-satudata-text");
      counter.textContent = text.replace("{count}", number(count)).replace("{max}", number(most))
        .replace("{over}", number(over));
      counter.classList.toggle("satudata-counter-over", over > 0);
    }
    field.addEventListener("input", update);
    update();
  });
})();

/* A table that scrolls sideways (phones) must be reachable by keyboard
   (WCAG 2.1.1; axe scrollable-region-focusable). */
document.querySelectorAll(".table-responsive").forEach(function (el) {
  if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
});

/* CKAN's tag and autocomplete fields become select2 widgets whose combobox
   has no accessible name (WCAG 4.1.2; axe aria-input-field-name) and whose
   search box select2 labels "Search" in English: name both after the label of
   the field they replace, as the widgets appear and whenever select2 puts
   its own label back. */
(function () {
  function fieldName(container) {
    var field = container.previousElementSibling;
    var label = field && field.id && document.querySelector("label[for='" + field.id + "']");
    return label ? label.textContent.replace(/\s+/g, " ").replace(/^\s*\*?\s*|:?\s*$/g, "") : "";
  }
  function nameWidgets(root) {
    (root && root.querySelectorAll ? root : document).querySelectorAll(
      ".select2-container").forEach(function (container) {
      var name = fieldName(container);
      if (!name) { return; }
      container.querySelectorAll(".select2-selection--multiple, .select2-search__field").forEach(
        function (el) {
          if (el.getAttribute("aria-label") !== name) { el.setAttribute("aria-label", name); }
        });
    });
  }
  nameWidgets(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      var target = change.type === "attributes" ? change.target : null;
      if (target && !target.classList.contains("select2-search__field") &&
          !target.classList.contains("select2-selection--multiple")) { return; }
      if (target) {
        nameWidgets(target.closest(".select2-container") &&
                    target.closest(".select2-container").parentElement);
        return;
      }
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) { nameWidgets(node.parentElement || document); }
      });
    });
  }).observe(document.body, {childList: true, subtree: true, attributes: true,
                              attributeFilter: ["aria-label"]});
})();

/* CKAN's inline event handlers, moved here (the portal's Content-Security-
   Policy runs scripts from files only; templates/package/snippets/
   resource_upload_field.html and user/snippets/api_token_*.html). */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-satudata-check]");
  if (!button) { return; }
  var byId = function (name) { return name ? document.getElementById(name) : null; };
  var check = byId(button.getAttribute("data-satudata-check"));
  if (check) { check.checked = true; }
  var clear = byId(button.getAttribute("data-satudata-clear"));
  if (clear) { clear.value = ""; }
  var click = byId(button.getAttribute("data-satudata-click"));
  if (click) { click.click(); }
  var focus = byId(button.getAttribute("data-satudata-focus"));
  if (focus) { focus.focus(); }
});
document.addEventListener("change", function (event) {
  if (!event.target.matches || !event.target.matches("input[name=token]")) { return; }
  var revoke = document.getElementById("revoke-tokens-button");
  if (revoke) { revoke.disabled = !document.querySelector("input[name=token]:checked"); }
});
document.addEventListener("htmx:afterRequest", function (event) {
  if (!event.target.closest || !event.target.closest("[data-satudata-token-revoke]")) { return; }
  var revoke = document.getElementById("revoke-tokens-button");
  if (revoke) { revoke.disabled = true; }
});
document.addEventListener("htmx:afterSettle", function () {
  var created = document.querySelector("#api-tokens-table tbody tr");
  if (created && document.querySelector("[data-satudata-token-created]")) {
    created.scrollIntoView(false);
  }
});

/* The dataset page's "Copy link" button (no inline handler: CSP). */
document.querySelectorAll(".satudata-copy-link").forEach(function (button) {
  button.addEventListener("click", function () {
    var url = button.getAttribute("data-url");
    var status = button.parentNode.querySelector(".satudata-copy-status");
    function done() { if (status) { status.textContent = button.getAttribute("data-copied"); } }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () { window.prompt("", url); });
    } else {
      window.prompt("", url);
    }
  });
});

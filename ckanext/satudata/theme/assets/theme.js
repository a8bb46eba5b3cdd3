/* A table that scrolls sideways (phones) must be reachable by keyboard
   (WCAG 2.1.1; axe scrollable-region-focusable). */
document.querySelectorAll(".table-responsive").forEach(function (el) {
  if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
});

/* CKAN's tag and autocomplete fields become select2 widgets whose combobox
   has no accessible name (WCAG 4.1.2; axe aria-input-field-name): name each
   after the label of the field it replaces, as the widgets appear. */
(function () {
  function nameWidgets(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(
      ".select2-container").forEach(function (container) {
      var field = container.previousElementSibling;
      var label = field && field.id && document.querySelector("label[for='" + field.id + "']");
      if (!label) { return; }
      var name = label.textContent.replace(/\s+/g, " ").replace(/^\s*\*?\s*|:?\s*$/g, "");
      container.querySelectorAll(".select2-selection, .select2-search__field").forEach(
        function (el) {
          if (!el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) {
            el.setAttribute("aria-label", name);
          }
        });
    });
  }
  nameWidgets(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) { nameWidgets(node.parentElement || document); }
      });
    });
  }).observe(document.body, {childList: true, subtree: true});
})();

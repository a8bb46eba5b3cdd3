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

/* A table that scrolls sideways (phones) must be reachable by keyboard
   (WCAG 2.1.1; axe scrollable-region-focusable). */
document.querySelectorAll(".table-responsive").forEach(function (el) {
  if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
});

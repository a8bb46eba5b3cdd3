/* The settings of CKAN's DataTables view, read from the page's JSON data
   block: the globals datatablesview.js expects (CKAN sets them in an inline
   script, which the portal's Content-Security-Policy refuses), and the
   "Refit" button's handler (an inline onclick in CKAN's template). Runs
   before CKAN initialises its modules (on DOM ready). */
(function () {
  var block = document.getElementById("satudata-datatables-data");
  if (!block) { return; }
  var data = JSON.parse(block.textContent);
  window.gdataDict = data.dataDict;
  window.gresviewId = data.resviewId;
  // CKAN's datatablesview.js calls `setTimeout(initFilterObserver(), 100)` on
  // its 'i18n' event (every language but English): the handler is undefined,
  // which the browser evaluates as the string "undefined", an eval the
  // policy refuses (and a no-op). In this frame a timer runs functions only.
  var setTimeoutOfWindow = window.setTimeout;
  window.setTimeout = function (handler) {
    if (typeof handler !== "function") { return 0; }
    return setTimeoutOfWindow.apply(window, arguments);
  };
  // delegated: DataTables clones the header row that holds the button
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#refit-button") &&
        typeof window.fitColText === "function") { window.fitColText(); }
  });
})();

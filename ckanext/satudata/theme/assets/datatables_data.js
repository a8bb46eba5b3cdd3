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

  // What CKAN's view leaves unnamed or shows that a reader has no use for,
  // once DataTables has drawn the table (it redraws the toolbar and header
  // on some events, so this runs again after each).
  var labels = data.labels || {};
  function labelled() {
    var $ = window.jQuery;
    // the column filters: an input per column, named after its column
    $("#dtprv_wrapper th.fhead, #dtprv th.fhead").each(function () {
      var input = this.querySelector("input");
      var column = this.getAttribute("data-satudata-column");
      if (!column) {
        // CKAN's template writes the column's id in the cell before the
        // input replaces it; DataTables' header clones keep the attribute
        var index = parseInt((this.id || "").replace("cdx", ""), 10);
        var field = (window.gdataDict || [])[index - 1];
        column = field ? field.id : "";
        this.setAttribute("data-satudata-column", column);
      }
      if (input && column && labels.filter) {
        input.setAttribute("aria-label", labels.filter.replace("%(column)s", column));
      }
    });
    // the toolbar's icon buttons: their tooltip is their name
    $(".dt-buttons .btn, #refit-button").each(function () {
      var title = this.getAttribute("title");
      if (title && !this.getAttribute("aria-label")) { this.setAttribute("aria-label", title); }
    });
    // DataTables' helpers: the resize sensor's empty frame (scrollResize)
    // and the input that takes the keyboard into the cells (KeyTable)
    $("#resize_wrapper iframe").each(function () {
      this.setAttribute("title", labels.sensor || "");
      this.setAttribute("aria-hidden", "true");
      this.setAttribute("tabindex", "-1");
    });
    $("#dtprv_wrapper input[type=text]").not("th input").each(function () {
      if (!this.getAttribute("aria-label")) { this.setAttribute("aria-label", labels.cells || ""); }
    });
    // the sort line names the hidden `_id` when the table is in file order
    $("#dtprv_wrapper div.sortinfo").contents().each(function () {
      if (this.nodeType === 3 && /(^|\s)_id(\s|$)/.test(this.nodeValue) && labels.fileOrder) {
        this.nodeValue = this.nodeValue.replace(/(^|\s)_id(?=\s|$)/, "$1" + labels.fileOrder);
      }
    });
    var refit = document.getElementById("refit-button");
    if (refit && labels.refit) {
      refit.setAttribute("aria-label", labels.refit);
      refit.setAttribute("title", labels.refit);
    }
  }
  function whenDrawn(event, settings) {
    var $ = window.jQuery;
    if (!settings || settings.nTable !== document.getElementById("dtprv")) { return; }
    var api = new $.fn.dataTable.Api(settings);
    if (event.type === "init") {
      // the internal row id (`_id`, column 0) is the DataStore's, not the
      // data's: hidden; the "Refit" button in its filter cell joins the toolbar
      var refit = document.getElementById("refit-button");
      var toolbar = document.querySelector("#dtprv_wrapper .dt-buttons");
      if (refit && toolbar) {
        refit.classList.add("buttons-refit");
        toolbar.appendChild(refit);
      }
      if (api.column(0).visible()) { api.column(0).visible(false, false); api.columns.adjust(); }
      // the dataset—resource caption CKAN puts over the pager: the page
      // around the frame already says which resource this is
      $("#dtprv_wrapper div.resourceinfo").remove();
    }
    labelled();
  }
  function ready() {
    var $ = window.jQuery;
    if (!$) { return; }
    $(document).on("init.dt draw.dt column-visibility.dt responsive-resize.dt", whenDrawn);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else { ready(); }
})();

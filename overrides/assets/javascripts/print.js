// Printing opens every collapsed callout, so paper shows what the screen folds away, and marks the
// links whose address paper need not show (those within the garden, and those whose text already
// is their address), so that the print stylesheet (reading.css) writes out the address of the
// other outside links only. After printing, the callouts the reader had closed close again.
//
// CSS cannot open a closed <details> in every browser, hence this script. It listens on window,
// which survives Material's instant navigation, and looks at the page only when printing starts,
// so it needs no `document$` subscription.
(function () {
  var OPENED = "data-garden-print-opened";
  var NO_URL = "data-garden-no-url";

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.setAttribute(OPENED, "");
      details.open = true;
    });
    // Material's instant navigation turns relative links into absolute ones, so `href^="http"`
    // alone cannot tell an outside link from one to the next essay.
    document.querySelectorAll("a[href]").forEach(function (link) {
      var text = link.textContent.trim();
      if (link.origin === window.location.origin || text === link.href || text === link.getAttribute("href")) {
        link.setAttribute(NO_URL, "");
      }
    });
  });

  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[" + OPENED + "]").forEach(function (details) {
      details.removeAttribute(OPENED);
      details.open = false;
    });
  });
})();

// Typeset the math that pymdownx.arithmatex (generic mode) wrapped in .arithmatex elements, with
// the site's own Temml, which turns TeX into MathML for the browser to lay out with the reader's
// math font. Only those elements are scanned, so a "$5" in prose is never taken for math.
// document$ is Material's page observable: it fires on first load and after each instant navigation.
//
// Temml (50 kB compressed) is fetched only by pages that have math: main.html preloads its script
// and stylesheet on such pages (so the download starts with the page's own), and this script
// applies them the first time a page with math is shown, by load or by instant navigation.
(function () {
  var base = new URL("../temml/", document.currentScript.src);
  var loading = null;

  function load() {
    if (!document.querySelector('link[rel="stylesheet"][href$="temml.css"]')) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL("temml.css", base).href;
      document.head.appendChild(link);
    }
    loading = loading || new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = new URL("temml.min.js", base).href;
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
    return loading;
  }

  // Typesetting is slow on a phone: a few elements at a time, giving the browser back the main
  // thread between batches, so scrolling and taps are never held up for long.
  function typeset(elements) {
    var start = performance.now();
    while (elements.length && performance.now() - start < 30) {
      temml.renderMathInElement(elements.shift(), {
        delimiters: [
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true },
        ],
        wrap: "tex", // a long inline formula may break after a relation or an operator, as in TeX
        throwOnError: false,
      });
    }
    if (elements.length) setTimeout(typeset, 0, elements);
  }

  // The elements are gathered once Temml is here, not when the page arrives: by then the other
  // scripts have made their copies (sidenotes copy the footnotes), and the copies need typesetting too.
  function pending(page) {
    // Math in a heading reaches Material's table of contents as TeX: typeset it there too.
    var headings = [].filter.call(page.querySelectorAll(".md-nav__link"), function (link) {
      return link.textContent.indexOf("\\(") >= 0;
    });
    var untypeset = [].filter.call(page.querySelectorAll(".arithmatex"), function (element) {
      return !element.querySelector("math");
    });
    return untypeset.concat(headings);
  }

  document$.subscribe(function (page) {
    if (!page.body.querySelector(".arithmatex")) return;
    load().then(function () { typeset(pending(page.body)); });
  });
})();

// Typeset the math that pymdownx.arithmatex (generic mode) wrapped in .arithmatex elements, with
// the site's own KaTeX. Only those elements are scanned, so a "$5" in prose is never taken for math.
// document$ is Material's page observable: it fires on first load and after each instant navigation.
//
// KaTeX (76 kB compressed) is fetched only by pages that have math: main.html links its stylesheet
// on such pages, and this script loads the scripts the first time a page with math is shown (and
// the stylesheet too, when instant navigation arrives from a page without it).
(function () {
  var base = new URL("../katex/", document.currentScript.src);
  var loading = null;

  function load() {
    if (!document.querySelector('link[href$="katex.min.css"]')) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL("katex.min.css", base).href;
      document.head.appendChild(link);
    }
    function script(name) {
      return new Promise(function (resolve, reject) {
        var element = document.createElement("script");
        element.src = new URL(name, base).href;
        element.onload = resolve;
        element.onerror = reject;
        document.head.appendChild(element);
      });
    }
    loading = loading || script("katex.min.js").then(function () { return script("auto-render.min.js"); });
    return loading;
  }

  // Typesetting is slow on a phone: a few elements at a time, giving the browser back the main
  // thread between batches, so scrolling and taps are never held up for long.
  function typeset(elements) {
    var start = performance.now();
    while (elements.length && performance.now() - start < 30) {
      renderMathInElement(elements.shift(), {
        delimiters: [
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true },
        ],
        throwOnError: false,
      });
    }
    if (elements.length) setTimeout(typeset, 0, elements);
  }

  document$.subscribe(function (page) {
    // Math in a heading reaches Material's table of contents as TeX: typeset it there too.
    var headings = [].filter.call(page.body.querySelectorAll(".md-nav__link"), function (link) {
      return link.textContent.indexOf("\\(") >= 0;
    });
    var math = [].slice.call(page.body.querySelectorAll(".arithmatex")).concat(headings);
    if (!math.length) return;
    load().then(function () { typeset(math); });
  });
})();

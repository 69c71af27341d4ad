// Click (or Enter) on an image in an essay to see it enlarged, with GLightbox (assets/glightbox/),
// fetched on the first click only, so pages pay nothing for it until a reader wants it. Images
// inside links keep their link. Without JavaScript an image is simply an image.
(function () {
  var base = new URL("../glightbox/", document.currentScript.src);
  var loading = null;

  function load() {
    if (!loading) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL("glightbox.min.css", base).href;
      document.head.appendChild(link);
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL("glightbox.min.js", base).href;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function open(images, index) {
    load().then(function () {
      var elements = images.map(function (image) {
        return { href: image.currentSrc || image.src, type: "image", description: image.alt || "" };
      });
      window.GLightbox({ elements: elements, loop: false, touchNavigation: true }).openAt(index);
    });
  }

  function setup() {
    var article = document.querySelector("article.md-content__inner");
    if (!article) return;
    var images = [].filter.call(article.querySelectorAll("img"), function (image) {
      return !image.closest("a, .md-tooltip2, .garden-sidenote, .littlefoot__popover, .twemoji, .emojione");
    });
    images.forEach(function (image, index) {
      image.setAttribute("data-garden-zoom", "");
      image.setAttribute("tabindex", "0");
      image.setAttribute("role", "button");
      image.setAttribute("aria-label", "Enlarge image" + (image.alt ? ": " + image.alt : ""));
      image.addEventListener("click", function () { open(images, index); });
      image.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open(images, index);
        }
      });
    });
  }

  if (window.document$) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();

// Material's instant navigation rewrites every link in the page to an absolute address, so CSS
// alone cannot tell a link to the next essay from a link to another site any more. This marks the
// garden's own links (`data-garden-internal`), which essay.css then leaves without the icon it
// draws beside outside links. Without JavaScript, links stay relative and the CSS needs no help.
(function () {
  function mark() {
    document.querySelectorAll("article a[href]").forEach(function (link) {
      if (link.origin === window.location.origin) link.setAttribute("data-garden-internal", "");
    });
  }
  if (window.document$) window.document$.subscribe(mark);
  else document.addEventListener("DOMContentLoaded", mark);
})();

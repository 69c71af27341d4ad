// Footnotes for reading, not for scrolling: on a wide screen each note stands in the margin beside
// the line that cites it (a sidenote); on a narrow one its number opens it in a popover
// (littlefoot, assets/littlefoot/). Without JavaScript, and on paper, the notes stay where
// Python-Markdown put them: at the foot of the essay, with links back (endnotes).
//
// Sidenotes are copies of the notes, set at the height of their first reference and pushed down
// just enough never to overlap the note above them or a full-width block; a note cited only from
// inside another note follows that note. They are laid out again whenever the article changes
// size (fonts and images arriving, callouts opening, the window resizing). The notes at the foot
// stay in the page, hidden on screen (essay.css), so every `#fn:…` link and the printout still work.
//
// document$ is Material's page observable: it fires on the first load and after each instant
// navigation, which replaces the article.
(function () {
  var WIDE = window.matchMedia("screen and (min-width: 76.25em)");
  var GAP = 12; // px between two sidenotes
  var state = null; // what the current page was given: { article, popovers, observer, notes }

  function ready(callback) {
    if (window.document$) window.document$.subscribe(callback);
    else if (document.readyState !== "loading") callback();
    else document.addEventListener("DOMContentLoaded", callback);
  }

  function teardown() {
    if (!state) return;
    if (state.popovers) state.popovers.unmount();
    if (state.observer) state.observer.disconnect();
    state.article.querySelectorAll(".garden-sidenote").forEach(function (note) { note.remove(); });
    state.article.classList.remove("garden-sidenotes");
    state.article.style.minHeight = "";
    state = null;
  }

  function setup() {
    teardown();
    var article = document.querySelector("article.md-content__inner");
    if (!article || !article.querySelector(":scope > .footnote li[id]")) return;
    state = { article: article };
    if (WIDE.matches) sidenotes(article);
    else if (window.littlefoot) popovers(article);
  }

  // ---- Narrow screens: popovers ------------------------------------------------------------

  function popovers(article) {
    state.popovers = window.littlefoot.littlefoot({
      scope: "article.md-content__inner",
      anchorPattern: /#fn:/,
      buttonTemplate:
        '<button class="littlefoot__button" id="<% reference %>" aria-label="Note <% number %>" title="Note <% number %>"><% number %></button>',
      contentTemplate:
        '<aside class="littlefoot__popover md-typeset" id="fncontent:<% id %>" role="note" aria-label="Note <% number %>">' +
        '<div class="littlefoot__wrapper"><div class="littlefoot__content"><% content %></div></div>' +
        '<div class="littlefoot__tooltip"></div></aside>',
    });
  }

  // ---- Wide screens: sidenotes -------------------------------------------------------------

  function noteFor(link) {
    var id = decodeURIComponent(link.hash.slice(1));
    var note = document.getElementById(id);
    return note && note.closest(".footnote") ? note : null;
  }

  function sidenoteFor(note, number) {
    var aside = document.createElement("aside");
    aside.className = "garden-sidenote";
    aside.id = "sn:" + note.id.replace(/^fn:/, "");
    aside.setAttribute("role", "note");
    aside.setAttribute("aria-label", "Note " + number);
    aside.innerHTML = note.innerHTML;
    aside.querySelectorAll(".footnote-backref").forEach(function (link) { link.remove(); });
    aside.querySelectorAll("[id]").forEach(function (element) { element.removeAttribute("id"); });
    var mark = document.createElement("span");
    mark.className = "garden-sidenote-number";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = number;
    (aside.firstElementChild || aside).prepend(mark);
    return aside;
  }

  function sidenotes(article) {
    var notes = []; // { aside, anchor, parent } in reading order
    var placed = new Map(); // footnote li -> its entry
    var queue = [];
    article.querySelectorAll(":scope > :not(.footnote) a.footnote-ref").forEach(function (link) {
      queue.push({ link: link, parent: null });
    });
    while (queue.length) {
      var item = queue.shift();
      var note = noteFor(item.link);
      if (!note) continue;
      var entry = placed.get(note);
      if (!entry) {
        entry = { note: note, anchor: item.link, parent: item.parent, aside: sidenoteFor(note, item.link.textContent.trim()) };
        placed.set(note, entry);
        notes.push(entry);
        article.appendChild(entry.aside);
        entry.aside.querySelectorAll("a.footnote-ref").forEach(function (inner) {
          queue.push({ link: inner, parent: entry });
        });
      }
      connect(item.link, entry);
    }
    if (!notes.length) return;
    article.classList.add("garden-sidenotes");
    state.notes = notes;
    layout();
    state.observer = new ResizeObserver(function () { window.requestAnimationFrame(layout); });
    state.observer.observe(article);
  }

  // A reference leads to its sidenote, and lights it up while hovered or focused.
  function connect(link, entry) {
    var light = function (on) { entry.aside.classList.toggle("garden-sidenote--active", on); };
    link.addEventListener("mouseenter", function () { light(true); });
    link.addEventListener("mouseleave", function () { light(false); });
    link.addEventListener("focus", function () { light(true); });
    link.addEventListener("blur", function () { light(false); });
    link.addEventListener("click", function (event) {
      if (!state || !state.notes) return;
      event.preventDefault();
      entry.aside.scrollIntoView({ block: "nearest", behavior: "smooth" });
      light(true);
    });
  }

  function layout() {
    if (!state || !state.notes) return;
    var article = state.article;
    var origin = article.getBoundingClientRect().top;
    // Blocks that may reach into the margin: a sidenote must not sit beside one.
    var obstacles = [].map.call(article.querySelectorAll(":scope > .full-width, :scope > p:has(> img.full-width)"), function (block) {
      var box = block.getBoundingClientRect();
      return { top: box.top - origin, bottom: box.bottom - origin };
    });
    var bottom = -Infinity;
    state.notes.forEach(function (entry) {
      var top = entry.parent
        ? entry.parent.top + entry.parent.aside.offsetHeight + GAP
        : entry.anchor.getBoundingClientRect().top - origin - 2;
      top = Math.max(top, bottom + GAP);
      var height = entry.aside.offsetHeight;
      obstacles.forEach(function (block) {
        if (top < block.bottom && top + height > block.top) top = block.bottom + GAP;
      });
      entry.top = top;
      entry.aside.style.top = top + "px";
      bottom = top + height;
    });
    var needed = Math.ceil(bottom) + "px";
    if (article.style.minHeight !== needed && bottom > article.offsetHeight) article.style.minHeight = needed;
  }

  ready(setup);
  WIDE.addEventListener("change", setup);
})();

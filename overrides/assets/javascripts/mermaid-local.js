// Material for MkDocs draws ```mermaid diagrams with the global `mermaid`, and fetches Mermaid
// from unpkg.com when there is none. This stand-in keeps the site free of third-party requests
// and pages without a diagram light: it loads the site's own copy (assets/mermaid/mermaid.min.js)
// the first time a diagram is to be drawn, hands it Material's settings, and steps aside: the
// real script replaces the global, so later diagrams go straight to it.
//
// Mermaid is 1 MB compressed, ten times an essay page. So, like a lazy image, a diagram is drawn
// when it comes within a screen's height of the window: a reader who never scrolls to it never
// downloads Mermaid. Asking to print starts drawing them all, but the browser lays out the printout
// at once: a diagram the reader never came near prints as its text until the next print.
(() => {
  const source = new URL("../mermaid/mermaid.min.js", document.currentScript.src).href;
  let settings = {};
  let loading = null;
  const waiting = new Set(); // diagrams not yet near the window: their resolve functions
  const claimed = new WeakSet(); // diagram elements already handed to a render() call

  const load = () =>
    (loading ||= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = source;
      script.onload = () => {
        globalThis.mermaid.initialize(settings);
        resolve(globalThis.mermaid);
      };
      script.onerror = () => reject(new Error(`could not load ${source}`));
      document.head.appendChild(script);
    }));

  // Material marks the element `.mermaid` and passes only its text: the element is the first
  // unclaimed one with that text.
  const element = (text) =>
    [...document.querySelectorAll(".mermaid")].find((candidate) => !claimed.has(candidate) && candidate.textContent === text);

  const near = (target) =>
    new Promise((resolve) => {
      if (!target || !("IntersectionObserver" in window)) return resolve();
      const observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) done();
        },
        { rootMargin: "100% 0px" },
      );
      const done = () => {
        observer.disconnect();
        waiting.delete(done);
        resolve();
      };
      waiting.add(done);
      observer.observe(target);
    });

  addEventListener("beforeprint", () => waiting.forEach((done) => done()));

  globalThis.mermaid = {
    initialize(options) {
      settings = options;
    },
    async render(id, text) {
      const target = element(text);
      if (target) claimed.add(target);
      await near(target);
      return (await load()).render(id, text);
    },
  };
})();

// Material for MkDocs draws ```mermaid diagrams with the global `mermaid`, and fetches Mermaid
// from unpkg.com when there is none. This stand-in keeps the site free of third-party requests
// and pages without a diagram light: it loads the site's own copy (assets/mermaid/mermaid.min.js)
// the first time Material draws a diagram, hands it Material's settings, and steps aside: the
// real script replaces the global, so later diagrams go straight to it.
(() => {
  const source = new URL("../mermaid/mermaid.min.js", document.currentScript.src).href;
  let settings = {};
  let loading = null;

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

  globalThis.mermaid = {
    initialize(options) {
      settings = options;
    },
    async render(id, text) {
      return (await load()).render(id, text);
    },
  };
})();

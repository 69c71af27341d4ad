// Typeset the math that pymdownx.arithmatex (generic mode) wrapped in .arithmatex elements, with
// the site's own KaTeX. Only those elements are scanned, so a "$5" in prose is never taken for math.
// document$ is Material's page observable: it fires on first load and after each instant navigation.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
});

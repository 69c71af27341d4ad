"""The garden's stylesheet and script bundles (`overrides/assets/*/garden-bundle.*`) as MkDocs
renders them into the site, without their comments.

The sources explain themselves at length, which is right for them and costs every reader: the
comments are about a third of the bundles' compressed bytes (6.8 kB of each page). No minifier is
in the garden's stack (MkDocs, Material, pymdown-extensions), and a full one is not needed: the
bundles' comments stand on lines of their own, so whole comment lines go and every line of code
is left as it is. A build without the hook serves the bundles with their comments, which works
the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

BUNDLES = {
    "assets/stylesheets/garden-bundle.css": False,
    "assets/javascripts/garden-bundle.js": True,  # True: `//` starts a comment too
}


def trimmed(output: str, template_name: str) -> str:
    """A bundle (`template_name`, as MkDocs names a static template) without its comment lines
    and blank lines; any other template's output unchanged."""
    if template_name not in BUNDLES:
        return output
    return "".join(f"{line}\n" for line in code_lines(output.splitlines(), line_comments=BUNDLES[template_name]))


def code_lines(lines: Iterable[str], *, line_comments: bool) -> Iterator[str]:
    """The lines that are not comments or blank. A `/* … */` that opens a line is dropped up to
    its end; code after the `*/` on its last line stays. A comment after code stays with it:
    telling it from a `/*` or `//` in a string or a pattern would take a real parser."""
    in_block = False
    for line in lines:
        text = line.strip()
        if in_block:
            end = text.find("*/")
            if end < 0:
                continue
            in_block, text = False, text[end + 2 :].strip()
            line = text
        while text.startswith("/*"):
            end = text.find("*/", 2)
            if end < 0:
                in_block, text = True, ""
                break
            text = text[end + 2 :].strip()
            line = text
        if not text or (line_comments and text.startswith("//")):
            continue
        yield line

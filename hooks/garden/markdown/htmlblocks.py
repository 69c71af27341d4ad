"""Raw HTML blocks end at a blank line, as in CommonMark, so Markdown between HTML tags renders.

Python-Markdown keeps everything from a block-level start tag to its matching end tag as raw
HTML, blank lines included, so Markdown written between `<div>` and `</div>` (a callout, a list,
a footnote reference) is shown as its source text. CommonMark, GitHub, Obsidian and remark-based
sites (where most imported essays were written) end such a block at the first blank line and
read what follows as Markdown again; the tags left open are closed by the later `</div>` in the
browser. This extension gives Python-Markdown's raw-HTML preprocessor that rule, for blocks that
open with a block-level tag (CommonMark's HTML block type 6). Blocks that open with `<script>`,
`<pre>`, `<style>` or `<textarea>` (type 1) still run to their end tag, and no block is split
inside a `<script>` or `<style>`.

`md_in_html` (`markdown="1"`) keeps working: list this extension after it, and the extractor
used is md_in_html's own, with the rule added. Neither Python-Markdown nor pymdown-extensions
has an option for this: the raw-HTML preprocessor is not configurable.

Inside a quote, a callout or a list item the preprocessor never sees raw HTML at the start of
a line, so Python-Markdown wraps a `<div>` written there in a paragraph (`<p><div>…</div></p>`,
which browsers turn into two empty paragraphs around the div). In CommonMark that line opens an
HTML block: here the paragraph is unwrapped, after inline parsing, when it opens with a tag
of the author's that opens an HTML block in CommonMark (type 6: `div`, `figure`, `table`, …).

The blocks that result need not balance on their own (`<div>` in one, `</div>` in the next); the
`garden.markdown.htmlbalance` extension checks and repairs the page as a whole.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown, util
from markdown.extensions.md_in_html import HTMLExtractorExtra, MarkdownInHtmlExtension
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

OPENING_PLACEHOLDER = re.compile(r"\s*" + util.HTML_PLACEHOLDER % r"([0-9]+)")
OPENING_TAG = re.compile(r"\s*</?([A-Za-z][A-Za-z0-9-]*)")
# The tags that open an HTML block even inside a paragraph's container: CommonMark's type 6.
OPENS_HTML_BLOCK = frozenset(
    """address article aside base basefont blockquote body caption center col colgroup dd details
    dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6
    head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p
    param search section summary table tbody td tfoot th thead title tr track ul""".split()
)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
# CommonMark's HTML block type 1: these run to their end tag, blank lines and all.
RUN_TO_END_TAG = frozenset({"script", "pre", "style", "textarea"})


class BlankLineEndsBlock:
    """A mixin for Python-Markdown's `HTMLExtractor` (or md_in_html's subclass of it)."""

    def handle_data(self, data: str) -> None:
        blank = BLANK_LINE.search(data) if self.inraw and self.stack else None
        if blank is None or self.stack[0] in RUN_TO_END_TAG or self.cdata_elem is not None:
            super().handle_data(data)
            return
        super().handle_data(data[: blank.start() + 1])  # the raw block, up to its last line's end
        self.end_raw_block()
        self.handle_data(data[blank.start() + 1 :])  # Markdown again, from the blank line on

    def end_raw_block(self) -> None:
        """Stash the open raw block as Python-Markdown does at its last end tag, tags left open."""
        self.inraw = False
        self.stack = []
        self.cleandoc.append(self.md.htmlStash.store("".join(self._cache)))
        self.cleandoc.append("\n\n")
        self._cache = []


class CommonMarkExtractor(BlankLineEndsBlock, HTMLExtractor):
    pass


class CommonMarkExtractorExtra(BlankLineEndsBlock, HTMLExtractorExtra):
    pass


class HtmlBlockPreprocessor(Preprocessor):
    """Python-Markdown's (or md_in_html's) raw-HTML preprocessor with the extractor above."""

    def __init__(self, md: Markdown, markdown_in_html: bool):
        super().__init__(md)
        self.extractor = CommonMarkExtractorExtra if markdown_in_html else CommonMarkExtractor

    def run(self, lines: list[str]) -> list[str]:
        parser = self.extractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class HtmlParagraphTreeprocessor(Treeprocessor):
    """Unwrap a paragraph that opens with a block-level tag of the author's: an HTML block."""

    def opens_with_block_tag(self, paragraph: etree.Element) -> bool:
        placeholder = OPENING_PLACEHOLDER.match(paragraph.text or "")
        if placeholder is None or (not len(paragraph) and not paragraph.text[placeholder.end() :].strip()):
            return False  # nothing but the HTML: Python-Markdown's raw_html unwraps that itself
        stash = self.md.htmlStash.rawHtmlBlocks
        index = int(placeholder.group(1))
        tag = OPENING_TAG.match(str(stash[index])) if index < len(stash) and isinstance(stash[index], str) else None
        return tag is not None and tag.group(1).lower() in OPENS_HTML_BLOCK

    def run(self, root: etree.Element) -> None:
        found = [(parent, child) for parent in root.iter() for child in parent if child.tag == "p" and self.opens_with_block_tag(child)]
        for parent, paragraph in found:
            index = list(parent).index(paragraph)
            text = (paragraph.text or "").lstrip()
            children = list(paragraph)
            if index:
                previous = parent[index - 1]
                previous.tail = (previous.tail or "") + "\n" + text
            else:
                parent.text = (parent.text or "") + text
            parent.remove(paragraph)
            for offset, child in enumerate(children):
                parent.insert(index + offset, child)
            last = children[-1] if children else (parent[index - 1] if index else None)
            tail = (paragraph.tail or "") or "\n"
            if last is not None:
                last.tail = (last.tail or "") + tail
            else:
                parent.text += tail


class HtmlBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        markdown_in_html = any(isinstance(ext, MarkdownInHtmlExtension) for ext in md.registeredExtensions)
        # In place of the preprocessor it replaces (Python-Markdown's or md_in_html's, at 20).
        md.preprocessors.register(HtmlBlockPreprocessor(md, markdown_in_html), "html_block", 20)
        # After inline parsing (20), which stashes the tags; before the footnotes' reordering (19).
        md.treeprocessors.register(HtmlParagraphTreeprocessor(md), "garden_html_paragraphs", 19.5)


def makeExtension(**kwargs) -> HtmlBlocksExtension:
    return HtmlBlocksExtension(**kwargs)

"""Spoilers: a quote whose every line starts with `!` is hidden until the reader asks for it.

    > ! Snape kills Dumbledore.

(`>! …` works too.) It becomes a disclosure widget, closed:

    <details class="spoiler"><summary>Spoiler</summary><div class="spoiler-content"><p>Snape
    kills Dumbledore.</p></div></details>

`<details>` needs no script: a click, or Enter or Space on the focused summary, opens and closes
it, screen readers announce it as collapsed or expanded, and the text is readable with
JavaScript off (printing opens it, as it opens folded callouts). The look is in
`overrides/assets/stylesheets/conventions.css`.

No maintained extension has this syntax (`pymdownx.details` wants `???`), so this
tree-processor rewrites plain quotes (callouts are `pymdownx.quotes`' by then) after inline
parsing. A quote with any line that does not start with `!` stays a quote.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .tree import split_paragraph

MARK = re.compile(r"(^|\n)[ \t]*!(?:[ \t]+|(?=\n)|$)")
LABEL = "Spoiler"


def _is_spoiler_paragraph(paragraph: etree.Element) -> bool:
    """Whether every line of the paragraph starts with the mark."""
    return paragraph.tag == "p" and all(_line_starts_marked(text) for text in _line_starts(paragraph))


def _line_starts(paragraph: etree.Element) -> list[str]:
    """The text that begins each line of the paragraph (lines begin in text or in tails)."""
    found = []
    for index, piece in enumerate([paragraph.text or "", *((child.tail or "") for child in paragraph)]):
        parts = piece.split("\n")
        if index == 0:
            found.append(parts[0])
        found.extend(parts[1:])
    return found


def _line_starts_marked(text: str) -> bool:
    return bool(re.match(r"[ \t]*!(?:[ \t]|$)", text))


def _unmark(text: str | None) -> str | None:
    return MARK.sub(lambda m: m.group(1), text) if text else text


def split_paragraphs(paragraph: etree.Element) -> list[etree.Element]:
    """The paragraph cut where a line held only the mark (`> !` alone), now an empty line."""
    found = [paragraph]
    while (rest := split_paragraph(found[-1], "\n\n")) is not None:
        rest.text = (rest.text or "").lstrip("\n")
        found.append(rest)
    return [p for p in found if (p.text or "").strip() or len(p)]


class SpoilerTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for quote in [q for q in root.iter("blockquote") if len(q) and not (q.text or "").strip()]:
            if not all(_is_spoiler_paragraph(child) and not (child.tail or "").strip() for child in quote):
                continue
            for paragraph in quote:
                paragraph.text = _unmark(paragraph.text)
                for child in paragraph:
                    child.tail = _unmark(child.tail)
            children = [piece for paragraph in quote for piece in split_paragraphs(paragraph)]
            for attribute in list(quote.attrib):
                del quote.attrib[attribute]
            for child in list(quote):
                quote.remove(child)
            quote.tag = "details"
            quote.set("class", "spoiler")
            summary = etree.SubElement(quote, "summary")
            summary.text = LABEL
            content = etree.SubElement(quote, "div", {"class": "spoiler-content"})
            content.extend(children)


class SpoilersExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (20): a line's `!` is text, an image's `![…]` is an element.
        md.treeprocessors.register(SpoilerTreeprocessor(md), "garden_spoilers", 18)


def makeExtension(**kwargs) -> SpoilersExtension:
    return SpoilersExtension(**kwargs)

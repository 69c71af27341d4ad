"""`Subtitle:` lines: a paragraph that opens with `Subtitle: ` is the subtitle of what stands
above it, a heading, a callout's title, or the post's title when it opens the post.

    ## Manage passwords

    Subtitle: Time: 30 minutes.

becomes `<p class="subtitle">Time: 30 minutes.</p>` (the original site's markup), styled in
`overrides/assets/stylesheets/conventions.css` to sit close under its heading. When the line
runs straight into more text (no blank line after it), only the first line is the subtitle: the
rest stays an ordinary paragraph.

No maintained extension knows this convention (`pymdownx.blocks` wants a `///` fence around
it), so this tree-processor finds the paragraphs after inline parsing, where links, code and
footnote references in the subtitle are already elements and are kept.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .tree import split_paragraph

LABEL = re.compile(r"[ \t]*Subtitle:[ \t]*")


class SubtitleTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, paragraph in reversed(list(enumerate(parent))):
                if paragraph.tag != "p" or paragraph.get("class"):
                    continue
                match = LABEL.match(paragraph.text or "")
                if match is None:
                    continue
                paragraph.text = paragraph.text[match.end() :]
                paragraph.set("class", "subtitle")
                if (rest := split_paragraph(paragraph, "\n")) is not None:
                    parent.insert(index + 1, rest)


class SubtitlesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (20), so the subtitle's links and code are elements.
        md.treeprocessors.register(SubtitleTreeprocessor(md), "garden_subtitles", 19)


def makeExtension(**kwargs) -> SubtitlesExtension:
    return SubtitlesExtension(**kwargs)

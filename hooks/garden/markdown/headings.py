"""Keep the post's title the page's only `<h1>`.

The title comes from frontmatter and the theme prints it as the heading. A body that opens with
`# <its title>`, as many exports do, would show it twice: that heading is dropped. Any other `#`
heading becomes `##`, so the outline stays under the title and the page keeps a single `<h1>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from .context import GardenExtension, current_page


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


class TitleHeadingTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        page = current_page()
        first = next(iter(root), None)
        if page is not None and first is not None and first.tag == "h1":
            if _folded("".join(first.itertext())) == _folded(page.post.title):
                root.remove(first)
        for heading in root.iter("h1"):
            heading.tag = "h2"


class HeadingsExtension(GardenExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        # After inline parsing (20) and attr_list (8), so heading text is final; before smarty
        # (6), so the text is compared with the title as typed (`'`, not `’`); before toc (5),
        # so the table of contents sees the demoted levels.
        md.treeprocessors.register(TitleHeadingTreeprocessor(md), "garden_headings", 6.5)


def makeExtension(**kwargs) -> HeadingsExtension:
    return HeadingsExtension(**kwargs)

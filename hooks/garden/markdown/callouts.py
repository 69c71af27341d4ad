"""Obsidian callouts: what `pymdownx.quotes` (with `callouts: true`) lacks.

`pymdownx.quotes` already renders `> [!type] Title` as Material admonition markup, nested and
foldable (`-` closed, `+` open). This extension adds the one case it leaves to the list parser:
a callout inside a list item indented by two or three spaces, the item's content column, as
Obsidian writes it. Python-Markdown wants four and would end the list before the callout.

It also holds the table of callout types the garden knows, which the linter shares.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor

# Obsidian's types and their aliases; Material's admonition styles cover every one of them.
OBSIDIAN_TYPES = frozenset(
    """note abstract summary tldr info todo tip hint important success check done question help
    faq warning caution attention failure fail missing danger error bug example quote cite""".split()
)
# Types real gardens add; styled in overrides/assets/stylesheets/callouts.css.
GARDEN_TYPES = frozenset({"idea", "thanks", "math", "definition", "money"})
KNOWN_TYPES = OBSIDIAN_TYPES | GARDEN_TYPES


class ListItemCalloutProcessor(BlockProcessor):
    """Re-indent a 2–3-space callout that follows a list to 4 spaces, then let Python-Markdown's
    own list-indent processor put it inside the last item."""

    INDENTED_QUOTE = re.compile(r"( {2,3})>")

    def test(self, parent: etree.Element, block: str) -> bool:
        sibling = self.lastChild(parent)
        return sibling is not None and sibling.tag in ("ul", "ol") and bool(self.INDENTED_QUOTE.match(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        indent = " " * len(self.INDENTED_QUOTE.match(blocks[0]).group(1))
        pad = " " * (4 - len(indent))
        blocks[0] = "\n".join(pad + line if line.startswith(indent) else line for line in blocks[0].split("\n"))
        return False  # not consumed: the next processor ("indent") now takes the block


class CalloutsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Just before Python-Markdown's list-indent processor (90).
        md.parser.blockprocessors.register(ListItemCalloutProcessor(md.parser), "garden_list_callouts", 95)


def makeExtension(**kwargs) -> CalloutsExtension:
    return CalloutsExtension(**kwargs)

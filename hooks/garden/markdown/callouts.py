"""Obsidian callouts: what `pymdownx.quotes` (with `callouts: true`) lacks.

`pymdownx.quotes` already renders `> [!type] Title` as Material admonition markup, nested and
foldable (`-` closed, `+` open). This extension adds the one case it leaves to the list parser:
a callout (or any quote) inside a list item or a definition indented by two or three spaces,
the item's content column, as Obsidian and CommonMark write it. Python-Markdown wants four and
would end the list before the callout; deeper in a nested list, where Python-Markdown has
already taken four spaces off, it would show the callout as code.

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
    """Put a quote indented by 2–3 spaces after a list into the list's last item (after a
    definition list, into its last definition), as if it were indented by four."""

    INDENTED_QUOTE = re.compile(r"( {2,3})>")
    ITEM_OF = {"ul": "li", "ol": "li", "dl": "dd"}

    def last_item(self, parent: etree.Element) -> etree.Element | None:
        sibling = self.lastChild(parent)
        if sibling is None or sibling.tag not in self.ITEM_OF:
            return None
        items = sibling.findall(self.ITEM_OF[sibling.tag])
        return items[-1] if items else None

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(self.INDENTED_QUOTE.match(block)) and self.last_item(parent) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        block = blocks.pop(0)
        item = self.last_item(parent)
        indent = self.INDENTED_QUOTE.match(block).group(1)
        block = "\n".join(line.removeprefix(indent) for line in block.split("\n"))
        if item.text and item.text.strip():
            # A loose item, as Python-Markdown's list-indent processor makes it: its text becomes a paragraph.
            paragraph = etree.Element("p")
            paragraph.text, item.text = item.text, ""
            item.insert(0, paragraph)
        self.parser.parseBlocks(item, [block])
        return True


class CalloutsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Before Python-Markdown's list-indent (90) and code (80) processors.
        md.parser.blockprocessors.register(ListItemCalloutProcessor(md.parser), "garden_list_callouts", 95)


def makeExtension(**kwargs) -> CalloutsExtension:
    return CalloutsExtension(**kwargs)

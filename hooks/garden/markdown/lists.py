"""A list may start on the line after a paragraph, with no blank line between, as in CommonMark.

    There were two problems with that deal.
    1. the first
    2. the second

Python-Markdown reads those three lines as one paragraph: its list processors only look at the
start of a block, and a block ends at a blank line. CommonMark (and so GitHub, remark, Obsidian)
lets a list item interrupt a paragraph when the item has text and, for an ordered list, is
numbered `1.`; essays written for those tools rely on it.

No extension in the project's stack does this: Python-Markdown's `sane_lists` only keeps
ordered and unordered lists apart, pymdownx's `fancylists` adds numbering styles, and the one
third-party extension that does (`mdx-breakless-lists`, unmaintained since 2020) is outside the
fixed stack. So this block processor, registered just above Python-Markdown's paragraph
processor, splits a would-be paragraph at the first line that starts such an item and hands
both parts back to the parser: the text before becomes the paragraph, the rest is parsed as a
list (and whatever follows it), exactly as if the author had left a blank line. It runs
wherever blocks are parsed: in list items, quotes, callouts, footnotes and `markdown="1"` HTML.

A second processor keeps a list item's later blocks in the item when they are indented to its
text, two or three spaces, as CommonMark reads them: Python-Markdown wants four and would end
the list there, so an equation or a paragraph written under `1. Before.` at three spaces fell
out of the item and the next item started a new list. (Quotes indented so are
`garden.markdown.callouts`' business.) No option changes Python-Markdown's four (`tab_length`
is not a setting MkDocs passes on), and pymdownx has no list extension that does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor

# An item that may interrupt a paragraph: `-`, `*` or `+`, or `1.`, then spaces and some text,
# indented less than a code block (Python-Markdown has turned tabs into spaces by now).
LIST_ITEM = re.compile(r"[ ]{0,3}(?:[-*+]|1\.)[ ]+\S")


class ListAfterParagraphProcessor(BlockProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        return self._split_at(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        at = self._split_at(block)
        assert at is not None
        lines = block.split("\n")
        # The paragraph first, then the list as a block of its own, as after a blank line.
        blocks[:0] = ["\n".join(lines[:at]), "\n".join(lines[at:])]

    @staticmethod
    def _split_at(block: str) -> int | None:
        """The index of the first line after the first that starts a list item."""
        lines = block.split("\n")
        for index, line in enumerate(lines[1:], 1):
            if LIST_ITEM.match(line):
                return index
        return None


class ListItemIndentProcessor(BlockProcessor):
    """Before a list is parsed, indent the blocks that continue its last item by two or three
    spaces (the item's text column) by four, so that Python-Markdown's list-indent processor
    puts them in the item. Only the blocks straight after the list are looked at, so a block
    after something that leaves no trace in the tree (a footnote definition) is never pulled
    into a list above it. The list itself is left to the list processors."""

    ITEM = re.compile(r"(?P<marker>[ ]{0,3}(?:[-*+]|\d+\.))(?P<space>[ ]+)\S")

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(self.ITEM.match(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        column = self._text_column(blocks[0])
        for index in range(1, len(blocks)):
            following = blocks[index]
            indent = len(following) - len(following.lstrip(" "))
            if indent < column:
                break
            if indent < 4 and not following.lstrip(" ").startswith(">"):  # quotes: garden.markdown.callouts
                blocks[index] = "\n".join(" " * (4 - indent) + line if line.startswith(" " * indent) else line for line in following.split("\n"))
        return False  # the list processors take the list as usual

    def _text_column(self, block: str) -> int:
        """Where the text of the block's last top-level item starts (CommonMark: after the
        marker and its spaces, or one space when there are five or more)."""
        column = 4
        for line in block.split("\n"):
            if item := self.ITEM.match(line):
                spaces = len(item["space"])
                column = len(item["marker"]) + (spaces if spaces <= 4 else 1)
        return min(column, 4)


class ListsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Just before Python-Markdown's ordered (40) and unordered (30) list processors.
        md.parser.blockprocessors.register(ListItemIndentProcessor(md.parser), "garden_list_item_indent", 40.5)
        # Just above the paragraph processor (10): every other block processor has declined the
        # block, so it would become a paragraph.
        md.parser.blockprocessors.register(ListAfterParagraphProcessor(md.parser), "garden_list_after_paragraph", 10.5)


def makeExtension(**kwargs) -> ListsExtension:
    return ListsExtension(**kwargs)

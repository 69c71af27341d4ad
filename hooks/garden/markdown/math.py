"""Display math wherever the source has a `$$` line: touching the text around it, in list
items, quotes, callouts and footnotes, with blank lines inside.

    The problem is:
    $$
    \\min_x f(x)
    $$
    where f is convex.

`pymdownx.arithmatex` renders display math only when `$$…$$` is a block of its own, between
blank lines; anywhere else the `$$` is shown as text and the TeX between goes through Markdown,
which turns `_` into emphasis and eats backslash escapes. remark-math (and so the sites these
essays come from) treats a `$$` line like a code fence: it may interrupt a paragraph, the text
after the closing line is a new paragraph, and the math runs to the closing `$$` line even
across blank lines. No option of arithmatex and no other extension does this, so this block
processor, registered just above arithmatex's, finds such a run, splits it out of the block
(with the fence's indentation taken off its lines) and hands it back to the parser, where
arithmatex renders it as usual: one renderer, configured in one place. It needs
`pymdownx.arithmatex` with the `dollar` block syntax.

A run opens at a line (indented at most 3 spaces) that starts with `$$` and closes at the first
line that ends with `$$`, which may be the same one (`$$x = y$$` on a line of its own). In a
block that starts a list item, a `$$` indented to the item's text belongs to the item and is
left for the list processor, which hands it back here inside the item.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor

OPENING = re.compile(r"(?P<indent>[ ]{0,3})\$\$")
LIST_ITEM = re.compile(r"[ ]{0,3}(?:[-*+]|\d+\.)[ ]+")


@dataclass(frozen=True)
class Run:
    start: int  # the line that opens the run
    end: int | None  # the line that closes it; None while it is open at the end of the block
    indent: int  # the opening fence's indentation, taken off every line of the run


def find_run(lines: list[str]) -> Run | None:
    """The first `$$` run in a block's lines."""
    item = LIST_ITEM.match(lines[0])
    inside_item = len(item.group(0)) if item else None  # where the item's own text starts
    for start, line in enumerate(lines):
        opening = OPENING.match(line)
        if opening is None:
            continue
        indent = len(opening["indent"])
        if inside_item is not None and start > 0 and indent >= inside_item:
            continue  # the item's own math: the list processor hands it back to us
        rest = line[opening.end() :].rstrip()
        if rest.endswith("$$"):
            return Run(start, start, indent)
        for end in range(start + 1, len(lines)):
            if lines[end].rstrip().endswith("$$"):
                return Run(start, end, indent)
        return Run(start, None, indent)
    return None


def _dedent(lines: list[str], indent: int) -> list[str]:
    return [line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in lines]


class DisplayMathProcessor(BlockProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        lines = block.split("\n")
        run = find_run(lines)
        if run is None:
            return False
        # A block that is exactly one run at the margin is arithmatex's already.
        return not (run.start == 0 and run.end == len(lines) - 1 and run.indent == 0)

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        lines = blocks[0].split("\n")
        run = find_run(lines)
        assert run is not None
        end, taken = run.end, 1
        if end is None:
            # The math goes on past a blank line: take the following blocks up to the closing line.
            for taken, following in enumerate(blocks[1:], 2):
                more = following.split("\n")
                closing = next((i for i, line in enumerate(more) if line.rstrip().endswith("$$")), None)
                lines = [*lines, "", *more]
                if closing is not None:
                    end = len(lines) - len(more) + closing
                    break
            if end is None:
                return False  # never closed: not math, as Python-Markdown alone would have it
        del blocks[:taken]
        before, math, after = lines[: run.start], lines[run.start : end + 1], lines[end + 1 :]
        parts = ["\n".join(before), "\n".join(_dedent(math, run.indent)), "\n".join(after)]
        blocks[:0] = [part for part in parts if part.strip()]
        return True


class MathExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Above arithmatex's block processor (79.9), below indented code (80): a `$$` indented
        # four spaces is code.
        md.parser.blockprocessors.register(DisplayMathProcessor(md.parser), "garden_display_math", 79.95)


def makeExtension(**kwargs) -> MathExtension:
    return MathExtension(**kwargs)

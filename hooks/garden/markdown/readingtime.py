"""Reading time: the words a reader meets on the way through, at 230 words a minute.

Counted on the parsed tree, after callouts have become `<details>` and footnotes have been
gathered: text inside a collapsed callout or in the footnotes is not on the reader's way, and
neither is code, which is skimmed rather than read.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .context import current_page

WORDS_PER_MINUTE = 230


def _words(element: etree.Element) -> int:
    classes = (element.get("class") or "").split()
    if (element.tag == "details" and element.get("open") is None) or "footnote" in classes or element.tag in ("pre", "code"):
        return 0
    count = len((element.text or "").split())
    for child in element:
        count += _words(child) + len((child.tail or "").split())
    return count


def reading_minutes(root: etree.Element) -> int:
    return max(1, math.ceil(_words(root) / WORDS_PER_MINUTE))


class ReadingTimeTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        page = current_page()
        if page is not None and page.garden is not None:
            page.garden.record_reading_time(page.post, reading_minutes(root))


class ReadingTimeExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After callouts become <details> (pymdownx.quotes, 19.99) and inline parsing (20).
        md.treeprocessors.register(ReadingTimeTreeprocessor(md), "garden_reading_time", 10)


def makeExtension(**kwargs) -> ReadingTimeExtension:
    return ReadingTimeExtension(**kwargs)

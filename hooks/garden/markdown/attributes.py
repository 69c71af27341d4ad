"""`{.class}` lines: attributes for the block above, as kramdown and Pandoc authors write them.

    | Model | Score |
    |-------|------:|
    | A     |   0.9 |

    {.full-width .center-table-headings}

Python-Markdown's `attr_list` reads `{: …}` only at the end of a block's own last line, and not
at all for tables, so a line of attributes on its own shows as text. This tree-processor gives
such a paragraph's attributes (parsed by `attr_list` itself: classes, `#id`, `key="value"`) to
the block before it, skipping HTML comments in between: a list, a quote, a table (through a
`<div class="garden-table">` around it, since Material styles and scrolls only tables without
a class), or, for a paragraph that holds only an image, the image (`garden.markdown.captions` moves layout classes
from an image to its figure when the image gets a caption). A paragraph whose last line ends in
`{#id}` or `{.class}` after its text (`Hidden content {#shown}`) gets them itself.

The classes the corpus of real essays uses are styled in
`overrides/assets/stylesheets/conventions.css`: `full-width`, `center-table-headings`,
`float-right`, `float-left`, `centered`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

LONE = re.compile(r"[ \t]*\{:?[ \t]*([^{}\n]+?)[ \t]*\}[ \t]*")
TRAILING = re.compile(r"[ \t]*\{:?[ \t]*([#.][A-Za-z_][^{}\n]*?)[ \t]*\}[ \t]*$")
MEDIA = frozenset({"img", "video", "audio", "iframe", "picture", "svg"})


def is_comment(element: etree.Element, md: Markdown) -> bool:
    """Whether `element` is a paragraph standing for a raw HTML comment."""
    if element.tag != "p" or len(element) or not element.text:
        return False
    match = HTML_PLACEHOLDER_RE.fullmatch(element.text.strip())
    if match is None:
        return False
    index = int(match.group(1))
    blocks = md.htmlStash.rawHtmlBlocks
    return index < len(blocks) and str(blocks[index]).lstrip().startswith("<!--")


def previous_block(parent: etree.Element, index: int, md: Markdown) -> etree.Element | None:
    """The element before `parent[index]`, looking past HTML comments."""
    for candidate in reversed(parent[:index]):
        if not is_comment(candidate, md):
            return candidate
    return None


def lone_media(paragraph: etree.Element) -> etree.Element | None:
    """The one image (or video…) a paragraph holds, perhaps inside a link; else None."""
    if paragraph.tag != "p" or (paragraph.text or "").strip() or len(paragraph) != 1:
        return None
    child = paragraph[0]
    if (child.tail or "").strip():
        return None
    if child.tag == "a" and len(child) == 1 and not (child.text or "").strip() and not (child[0].tail or "").strip():
        child = child[0]
    return child if child.tag in MEDIA else None


def wrap_table(parent: etree.Element, table: etree.Element) -> etree.Element:
    """Put `table` in a `<div class="garden-table">` that takes its attributes: Material styles
    (and makes scrollable) only tables without a class of their own."""
    box = etree.Element("div", {"class": "garden-table"})
    position = list(parent).index(table)
    parent.remove(table)
    parent.insert(position, box)
    box.tail, table.tail = table.tail, None
    box.append(table)
    return box


def parse(attributes: str) -> bool:
    """Whether `attributes` reads as a whole attribute list (`.class #id key="value"`)."""
    pairs, remainder = get_attrs_and_remainder(attributes)
    # Bare words (`{x}`, `{not this}`) would be valueless attributes to attr_list: prose here.
    return bool(pairs) and not remainder.strip() and all(value is not None for _, value in pairs)


class AttributeLineTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.assigner = AttrListTreeprocessor(md)

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, element in reversed(list(enumerate(parent))):
                if element.tag != "p":
                    continue
                if not len(element) and (match := LONE.fullmatch(element.text or "")) and parse(match[1]):
                    target = previous_block(parent, index, self.md)
                    if target is None or HTML_PLACEHOLDER_RE.fullmatch((target.text or "").strip()):
                        continue  # nothing to give them to (or raw HTML): the linter says so
                    if target.tag == "table":
                        target = wrap_table(parent, target)
                    media = lone_media(target)
                    self.assigner.assign_attrs(target if media is None else media, match[1])
                    parent.remove(element)
                else:
                    self.trailing(element)

    def trailing(self, paragraph: etree.Element) -> None:
        last = paragraph[-1] if len(paragraph) else None
        text = last.tail if last is not None else paragraph.text
        match = TRAILING.search(text or "")
        if match is None or not parse(match[1]) or not text[: match.start()].strip() and last is None:
            return
        if last is not None and text.startswith("{"):
            return  # right after an image or link: `attr_list`'s, for that element
        self.assigner.assign_attrs(paragraph, match[1])
        if last is not None:
            last.tail = text[: match.start()]
        else:
            paragraph.text = text[: match.start()]


class AttributesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (20), when images are elements; before the captions (7).
        md.treeprocessors.register(AttributeLineTreeprocessor(md), "garden_attributes", 19)


def makeExtension(**kwargs) -> AttributesExtension:
    return AttributesExtension(**kwargs)

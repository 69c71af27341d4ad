"""`Table:`, `Figure:` and `Code:` lines: captions for the block above (remark-captions' and
Pandoc's convention, which real essays use).

    ![A maze, seen from above](maze.png)
    Figure: The agent's view of the maze.

    | seed | reached |
    |------|---------|
    | 0    | yes     |

    Table: Which mazes the agent solved.

A caption paragraph (or a caption line right under an image, also after a `<br/>`) becomes:

- for a table, the table's `<caption>`;
- for anything else (an image, a video, a code block, a diagram, a quote), a `<figure>` around
  that block with a `<figcaption>`, the markup of `pymdownx.blocks.caption`: the block as it
  is, then `<figcaption><p>…</p></figcaption>`. A code block's figure has class `code-figure`.

HTML comments between the block and its caption are looked past. An image's layout classes and
style (`float-right`, `full-width`, `style="width: 20%"`, from `attr_list` or a `{.class}`
line) move to the figure, so the caption floats with it. A caption with nothing above it stays
a paragraph of class `caption`.

`pymdownx.blocks.caption` wants its caption in a `///` fence, and no extension reads the
`Label: text` line, so this tree-processor rewrites the parsed tree, where the caption's links,
math and emphasis are already elements and stay so.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from .attributes import lone_media, previous_block

LABELS = ("Table", "Figure", "Code")
STARTS = re.compile(r"[ \t]*(?P<label>Table|Figure|Code):[ \t]+")
PLACEHOLDER = HTML_PLACEHOLDER_RE.pattern
# Inside a paragraph: a caption line under an image, on a new line or after a `<br/>`.
WITHIN = re.compile(rf"(?:\n[ \t]*|(?={PLACEHOLDER}))(?:{PLACEHOLDER}[ \t]*)*(?P<label>Table|Figure|Code):[ \t]+")
LAYOUT_CLASS = re.compile(r"^(?:float-.*|full-width|centered|center)$")
UNCAPTIONABLE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "hr"})


class CaptionTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            index = 0
            while index < len(parent):
                element = parent[index]
                if element.tag == "p" and not element.get("class"):
                    self.split_inner_caption(parent, index)
                    if self.caption(parent, index):
                        continue  # the caption paragraph left: look at what took its place
                index += 1

    def split_inner_caption(self, parent: etree.Element, index: int) -> None:
        """Cut a caption line off the image paragraph it ends, into a paragraph of its own."""
        paragraph = parent[index]
        for position, child in enumerate(paragraph):
            match = WITHIN.search(child.tail or "")
            if match is None or not self._only_line_breaks(child.tail[: match.start("label")]):
                continue
            caption = etree.Element("p")
            caption.text = child.tail[match.start("label") :]
            child.tail = child.tail[: match.start()]
            for moved in list(paragraph)[position + 1 :]:
                paragraph.remove(moved)
                caption.append(moved)
            parent.insert(index + 1, caption)
            return

    def _only_line_breaks(self, text: str) -> bool:
        """Whether `text` holds nothing but whitespace and stashed `<br>` tags."""
        for match in HTML_PLACEHOLDER_RE.finditer(text):
            raw = self.md.htmlStash.rawHtmlBlocks[int(match.group(1))]
            if not re.fullmatch(r"\s*<br\s*/?>\s*", str(raw), re.IGNORECASE):
                return False
        return not HTML_PLACEHOLDER_RE.sub("", text).strip()

    def caption(self, parent: etree.Element, index: int) -> bool:
        """Turn `parent[index]` into a caption if it is one; True when it left `parent`."""
        paragraph = parent[index]
        match = STARTS.match(paragraph.text or "")
        if match is None:
            return False
        paragraph.text = paragraph.text[match.end() :]
        if len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "").rstrip() or None
        else:
            paragraph.text = paragraph.text.rstrip()
        target = previous_block(parent, index, self.md)
        if target is None or target.tag in UNCAPTIONABLE or target.tag == "figure" and target.find("figcaption") is not None:
            paragraph.set("class", "caption")
            return False
        parent.remove(paragraph)
        if target.tag == "div" and "garden-table" in (target.get("class") or "").split() and len(target) == 1:
            target = target[0]  # a table that a `{.class}` line gave a box
        if target.tag == "table":
            paragraph.tag = "caption"
            target.insert(0, paragraph)
            return True
        figcaption = etree.Element("figcaption")
        paragraph.tail = None
        figcaption.append(paragraph)
        if target.tag == "figure":
            target.append(figcaption)
            return True
        figure = etree.Element("figure")
        if match["label"] == "Code":
            figure.set("class", "code-figure")
        position = list(parent).index(target)
        parent.remove(target)
        parent.insert(position, figure)
        figure.tail, target.tail = target.tail, None
        figure.append(target)
        figure.append(figcaption)
        if (media := lone_media(target)) is not None:
            self.move_layout(media, figure)
        return True

    @staticmethod
    def move_layout(media: etree.Element, figure: etree.Element) -> None:
        classes = (media.get("class") or "").split()
        layout = [name for name in classes if LAYOUT_CLASS.match(name)]
        if layout:
            figure.set("class", " ".join([*(figure.get("class") or "").split(), *layout]))
            rest = [name for name in classes if name not in layout]
            media.set("class", " ".join(rest)) if rest else media.attrib.pop("class")
        if media.get("style"):
            figure.set("style", media.attrib.pop("style"))


class CaptionsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After attr_list (8), so an image's own `{.class}` is already on it; before the
        # heading ids (toc, 5), which captions do not touch.
        md.treeprocessors.register(CaptionTreeprocessor(md), "garden_captions", 7)


def makeExtension(**kwargs) -> CaptionsExtension:
    return CaptionsExtension(**kwargs)

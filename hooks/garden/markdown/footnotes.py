"""Footnotes numbered as they are read, with every definition kept wherever it stands.

Python-Markdown's `footnotes` extension is the base: this module subclasses its extension and
three of its processors and keeps everything else (markup, ids, `BACKLINK_TEXT`, the duplicate
backlinks, Material's `content.footnote.tooltips`). Use it *instead of* `footnotes` under
`markdown_extensions:`; it takes the same options. It changes what the stock extension gets
wrong on real essays, and no other extension (pymdown-extensions has no footnotes of its own)
does it:

- **Numbers follow reading order.** The stock extension numbers a note when its inline
  processor happens to meet the reference, and that processor reaches text nested in callouts,
  list items and tables after the top-level paragraphs, so the first note read can show "41".
  Here a tree processor numbers the notes after inline parsing, walking the page in document
  order: first the references in the text, then, note by note in that order, references first
  made inside notes (as remark, GitHub and Obsidian do). Notes nobody cites come last. Each
  note's backlinks lead to its references in the same order.
- **A definition inside another note's text is kept.** Notes are parsed after the main text, and
  the stock extension never looks at definitions found then (`[^6]:` indented under a
  multi-paragraph `[^5]:`): they vanished and their references led nowhere. Here every note
  found while parsing notes is parsed and listed too.
- **A note continues where the author indented it.** The stock note ends at the first block not
  indented by four spaces. Here a block after a blank line stays in the note when it is indented
  deeper than the definition line (two spaces is common, and what `garden check` flags as
  ambiguous, since CommonMark renderers want four), and an HTML comment between two parts of a
  note (`<!-- vale off -->`, at any indent) does not end it. So a quote or callout written in a
  note stays in that note.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown, util
from markdown.extensions import footnotes
from markdown.treeprocessors import Treeprocessor

_PLACEHOLDER = re.compile(r"[ ]*" + util.HTML_PLACEHOLDER % r"(\d+)" + r"[ ]*")
_REF_NUMBER = re.compile(r"fnref(\d*)$")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class FootnoteBlockProcessor(footnotes.FootnoteBlockProcessor):
    """Definitions, with a note's continuation read by its indentation relative to the
    definition line, and HTML comments inside a note kept in it."""

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        # `detectTabbed` below runs for the last definition in this block: remember its indent.
        last = None
        for last in self.RE.finditer(blocks[0]):
            pass
        self.definition_indent = indent_of(last.group(0)) if last else 0
        return super().run(parent, blocks)

    def is_comment(self, block: str) -> bool:
        """Is this block only an HTML comment (which the raw-HTML preprocessor has stashed)?"""
        match = _PLACEHOLDER.fullmatch(block.strip("\n"))
        if not match:
            return False
        stash = self.parser.md.htmlStash
        index = int(match.group(1))
        return index < len(stash.rawHtmlBlocks) and str(stash.rawHtmlBlocks[index]).lstrip().startswith("<!--")

    def continues_note(self, block: str) -> bool:
        return bool(block.strip()) and indent_of(block.lstrip("\n").split("\n", 1)[0]) > self.definition_indent

    def detectTabbed(self, blocks: list[str]) -> list[str]:
        fn_blocks: list[str] = []
        while blocks:
            comments = 0
            while comments < len(blocks) and (not blocks[comments].strip() or self.is_comment(blocks[comments])):
                comments += 1
            if comments == len(blocks) or not self.continues_note(blocks[comments]):
                break  # the note ends; comments before what follows stay in the text
            fn_blocks += [kept for _ in range(comments) if (kept := blocks.pop(0).strip(" \n"))]
            block = blocks.pop(0).lstrip("\n")
            width = min(indent_of(block), 4)
            # Another definition at this block's margin is the next note, not part of this one.
            m = re.search(rf"^[ ]{{{width}}}(?=\[\^[^\]]*\]:)", block, re.MULTILINE)
            if m and m.start() > 0:
                fn_blocks.append(self.dedent(block[: m.start()].rstrip("\n"), width))
                blocks.insert(0, self.dedent(block[m.start() :], width))
                break
            fn_blocks.append(self.dedent(block, width))
        return fn_blocks

    @staticmethod
    def dedent(block: str, width: int) -> str:
        """Remove `width` spaces from each line that has them (lazy lines keep their text)."""
        prefix = " " * width
        return "\n".join(line[width:] if line.startswith(prefix) else line for line in block.split("\n"))


class ReadingOrderTreeprocessor(Treeprocessor):
    """Number notes, order the list and give each reference its id, in reading order."""

    def __init__(self, footnotes: FootnoteExtension):
        super().__init__(footnotes.md)
        self.footnotes = footnotes

    def run(self, root: etree.Element) -> None:
        ext = self.footnotes
        div = ext.footnotes_div
        if div is None or not ext.footnotes:
            return
        ol = div.find("ol")
        items = {li.get("id"): li for li in ol.findall("li")}
        label_of = {ext.makeFootnoteId(label): label for label in ext.footnotes}

        def references(tree: etree.Element, skip: etree.Element | None = None) -> list[tuple[str, etree.Element]]:
            found, stack = [], [tree]
            while stack:  # depth first, children in order: document order
                element = stack.pop()
                if element is skip:
                    continue
                if element.tag == "sup" and len(element) and element[0].get("class") == "footnote-ref":
                    label = label_of.get((element[0].get("href") or "")[1:])
                    if label is not None:
                        found.append((label, element))
                stack.extend(reversed(element))
            return found

        in_text = references(root, skip=div)
        in_notes = {label: references(li) for li in ol.findall("li") if (label := label_of.get(li.get("id")))}
        if ext.getConfig("USE_DEFINITION_ORDER"):
            order = list(ext.footnotes)
        else:
            order = list(dict.fromkeys(label for label, _ in in_text))
            for label in order:  # grows while it is read: a note's own notes come after the queue
                order += [cited for cited in dict.fromkeys(c for c, _ in in_notes.get(label, [])) if cited not in order]
            order += [label for label in ext.footnotes if label not in order]
        number = {label: index for index, label in enumerate(order, 1)}

        sups: dict[str, list[etree.Element]] = {}
        for label, sup in in_text + [ref for label in order for ref in in_notes.get(label, [])]:
            sups.setdefault(label, []).append(sup)
            sup[0].text = ext.getConfig("SUPERSCRIPT_TEXT").format(number[label])
        for label, found in sups.items():
            # The same ids, given out again in reading order: the first backlink leads to the first reference.
            ids = sorted((sup.get("id") for sup in found), key=self.id_rank)
            for sup, ref_id in zip(found, ids):
                sup.set("id", ref_id)

        for li in list(ol):
            ol.remove(li)
        for index, label in enumerate(order, 1):
            li = items[ext.makeFootnoteId(label)]
            backlink = li.find('.//a[@class="footnote-backref"]')
            if backlink is not None:
                backlink.set("title", ext.getConfig("BACKLINK_TITLE").format(index))
            ol.append(li)

    def id_rank(self, ref_id: str) -> int:
        head = ref_id.split(self.footnotes.get_separator(), 1)[0]
        match = _REF_NUMBER.search(head)
        return int(match.group(1) or 1) if match else 0


class FootnoteExtension(footnotes.FootnoteExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        md.parser.blockprocessors.register(FootnoteBlockProcessor(self), "footnote", 17)
        if "footnote-reorder" in md.treeprocessors:
            md.treeprocessors.deregister("footnote-reorder")
        # After inline parsing (20), which makes the references; before the duplicate backlinks (15).
        md.treeprocessors.register(ReadingOrderTreeprocessor(self), "footnote-reorder", 19)

    def reset(self) -> None:
        super().reset()
        self.footnotes_div: etree.Element | None = None

    def makeFootnotesDiv(self, root: etree.Element) -> etree.Element | None:
        """The stock list, parsing every note once, including notes defined while parsing
        another note (the stock loop sees only those known before it starts)."""
        if not self.footnotes:
            return None
        div = etree.Element("div")
        div.set("class", "footnote")
        etree.SubElement(div, "hr")
        ol = etree.SubElement(div, "ol")
        surrogate_parent = etree.Element("div")
        done: set[str] = set()
        while pending := [label for label in self.footnotes if label not in done]:
            for label in pending:
                done.add(label)
                li = etree.SubElement(ol, "li")
                li.set("id", self.makeFootnoteId(label))
                # Parsed under a surrogate parent, as the stock extension does: list processors treat `li` specially.
                self.parser.parseChunk(surrogate_parent, self.footnotes[label])
                for element in list(surrogate_parent):
                    li.append(element)
                    surrogate_parent.remove(element)
                backlink = etree.Element("a")
                backlink.set("href", "#" + self.makeFootnoteRefId(label))
                backlink.set("class", "footnote-backref")
                backlink.set("title", self.getConfig("BACKLINK_TITLE").format(len(ol)))
                backlink.text = footnotes.FN_BACKLINK_TEXT
                if len(li) and li[-1].tag == "p":
                    paragraph = li[-1]
                    if len(paragraph):  # the space goes right before the backlink, after the last child
                        paragraph[-1].tail = (paragraph[-1].tail or "") + footnotes.NBSP_PLACEHOLDER
                    else:
                        paragraph.text = (paragraph.text or "") + footnotes.NBSP_PLACEHOLDER
                    paragraph.append(backlink)
                else:
                    etree.SubElement(li, "p").append(backlink)
        self.footnotes_div = div
        return div


def makeExtension(**kwargs) -> FootnoteExtension:
    return FootnoteExtension(**kwargs)

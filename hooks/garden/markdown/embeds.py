"""`![[…]]` embeds: pictures, videos and sounds, and transclusions of other garden posts.

What an embed names is `garden.model.embeds`' business; this extension renders it:

- `![[photo.avif|A heron at dawn]]` becomes `<img src="…" alt="A heron at dawn">` (a size,
  `|300` or `|300x200`, sets `width`/`height`); a video `<video controls>`, a sound `<audio
  controls>`. A local file is linked relative to the page, so MkDocs checks and rewrites it like
  any image. A `{.class}` right after the embed applies to it (`attr_list`).
- `![[post#Section]]` alone in its paragraph (also in a quote or a list item) becomes
  `<div class="transclusion">`: that section's Markdown, parsed as part of this page, then a
  line naming and linking its source (`Post title § Section`). Relative links and pictures in
  it are rebased from the other post's folder to this one's, and `#anchor` links lead to the
  other post; footnote marks are left out (their notes belong to the other page). An embed
  inside a sentence becomes a link to the section instead.
- An embed that leads nowhere (no such post, section or file) renders as its name, marked
  `transclusion--missing`; the linter reports it with file and line (`garden check`, and every
  build, so a strict build fails).

Python-Markdown has no embed syntax and `pymdownx.snippets` includes files by path at the
preprocessor stage, before the page's tree exists, so it can neither find posts by permalink or
title nor rebase their links; so the garden has its own. Outside a garden build (no current
page) only pictures and sounds with a URL or a path as written are rendered.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..model.embeds import EMBED, Embed, normalised
from ..model.resolve import Resolution
from ..model.source import FOOTNOTE_REFERENCE
from .context import GardenExtension, PagePreprocessor, current_page

ALONE = re.compile(rf"[ ]{{0,3}}{EMBED.pattern}[ \t]*")
SOURCE_ATTRIBUTE = "data-garden-transcluded-from"
MAX_DEPTH = 4
# Footnote marks and definitions (with their indented paragraphs) of the embedded post are left
# out: their notes are on that post's page.
FOOTNOTE_BLOCK = re.compile(r"^[ ]{0,3}\[\^[^\]]+\]:.*(?:\n(?:[ \t]*\n)*(?:[ ]{4}|\t).*)*", re.MULTILINE)


def media_element(embed: Embed) -> etree.Element:
    """`<img>`, `<video>` or `<audio>` for a media embed, its source as written."""
    page = current_page()
    src = embed.target
    if not embed.is_url and page is not None and page.garden is not None:
        found = page.garden.media_file(embed.target, page.post)
        if found is not None:
            src = posixpath.relpath(found, posixpath.dirname(page.post.src_uri) or ".")
    if embed.kind == "image":
        element = etree.Element("img", {"src": src, "alt": embed.alt})
        if embed.size:
            width, height = embed.size
            element.set("width", width)
            if height:
                element.set("height", height)
        return element
    element = etree.Element(embed.kind, {"src": src, "controls": "controls"})
    if embed.alt:
        element.set("aria-label", embed.alt)
    return element


def missing(embed: Embed, problem: str) -> etree.Element:
    element = etree.Element("span", {"class": "transclusion transclusion--missing", "title": problem})
    element.text = AtomicString(embed.target + (f" § {embed.fragment}" if embed.fragment else ""))
    return element


def anchor_of(target, heading: str | None, garden) -> str | None:
    """The id of `heading` on the target's page, whatever slug style the ids use."""
    if heading is None:
        return None
    wanted = normalised(heading)
    return next((anchor for anchor in sorted(garden.anchors(target)) if normalised(anchor) == wanted), None)


def source_link(target, heading: str | None, page) -> etree.Element:
    fragment = anchor_of(target, heading, page.garden)
    link = etree.Element("a", {"href": Resolution(target, fragment).href_from(page.post), "class": "transclusion-link"})
    link.text = AtomicString(target.title + (f" § {heading}" if heading else ""))
    return link


class EmbedInlineProcessor(InlineProcessor):
    """Media embeds anywhere; a post embed inside a sentence becomes a link to it."""

    def handleMatch(self, match: re.Match, data: str):
        embed = Embed.parse(match["inner"])
        if embed.kind != "post":
            return media_element(embed), match.start(0), match.end(0)
        page = current_page()
        if page is None or page.garden is None:
            return None, None, None
        target, _ = page.garden.lookup(embed.post_name)
        if target is None:
            return missing(embed, "no such post"), match.start(0), match.end(0)
        section = page.garden.section(target, embed.fragment, embed.lede)
        if section is None:
            return missing(embed, "no such section"), match.start(0), match.end(0)
        return source_link(target, section.heading, page), match.start(0), match.end(0)


class TransclusionProcessor(BlockProcessor):
    """A post embed alone in its block: the section's Markdown, parsed into this page."""

    def __init__(self, parser) -> None:
        super().__init__(parser)
        self.stack: list[tuple[str, str | None]] = []  # the embeds being parsed, outermost first

    def test(self, parent: etree.Element, block: str) -> bool:
        match = ALONE.fullmatch(block)
        return match is not None and Embed.parse(match["inner"]).kind == "post" and current_page() is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        page = current_page()
        embed = Embed.parse(ALONE.fullmatch(blocks[0])["inner"])
        if page is None or page.garden is None:
            return False  # leave it to the paragraph and the inline processor
        blocks.pop(0)
        paragraph = etree.SubElement(parent, "p")
        target, _ = page.garden.lookup(embed.post_name)
        section = page.garden.section(target, embed.fragment, embed.lede) if target is not None else None
        key = (target.src_uri, embed.fragment) if target is not None else ("", None)
        if target is None or section is None:
            paragraph.append(missing(embed, "no such post" if target is None else "no such section"))
            return True
        if key in self.stack or len(self.stack) >= MAX_DEPTH:
            paragraph.append(source_link(target, section.heading, page))  # a loop: link instead
            return True
        parent.remove(paragraph)
        box = etree.SubElement(parent, "div", {"class": "transclusion", SOURCE_ATTRIBUTE: target.src_uri})
        text = FOOTNOTE_REFERENCE.sub("", FOOTNOTE_BLOCK.sub("", section.text)).strip()
        self.stack.append(key)
        try:
            # The page's preprocessors first, as for the page's own text: fenced code and raw
            # HTML are taken out there, before any block is parsed. (Not those about the page
            # as a whole, such as which post it is.)
            lines = text.split("\n")
            for preprocessor in self.parser.md.preprocessors:
                if not isinstance(preprocessor, PagePreprocessor):
                    lines = preprocessor.run(lines)
            self.parser.parseChunk(box, "\n".join(lines))
        finally:
            self.stack.pop()
        source = etree.SubElement(box, "p", {"class": "transclusion-source"})
        source.append(source_link(target, section.heading, page))
        return True


class TransclusionLinkTreeprocessor(Treeprocessor):
    """Make the links and pictures of transcluded text work from this page."""

    def run(self, root: etree.Element) -> None:
        page = current_page()
        boxes = [box for box in root.iter("div") if box.get(SOURCE_ATTRIBUTE)]
        if page is None or not boxes:
            return
        here = posixpath.dirname(page.post.src_uri) or "."
        owner: dict[etree.Element, str] = {}
        for box in boxes:  # outer boxes come first, so an inner box's links end up its own
            for element in box.iter():
                owner[element] = box.get(SOURCE_ATTRIBUTE)
        for element, source in owner.items():
            if source == page.post.src_uri or "transclusion-link" in (element.get("class") or ""):
                continue
            attribute = "href" if element.tag == "a" else "src" if element.tag in ("img", "video", "audio", "source") else None
            value = element.get(attribute) if attribute else None
            if value:
                element.set(attribute, rebase(value, source, here))
        for box in boxes:
            del box.attrib[SOURCE_ATTRIBUTE]


def rebase(url: str, source: str, here: str) -> str:
    """`url` as written in the post at `source`, made relative to the folder `here`."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return url
    if not parts.path:  # `#anchor`: a heading of the other post
        return posixpath.relpath(source, here) + url
    if "." not in posixpath.basename(parts.path.rstrip("/")):
        return url  # `./permalink`, `permalink/`: a garden link, the same from anywhere
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), parts.path))
    rebased = posixpath.relpath(path, here)
    return rebased + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


class EmbedsExtension(GardenExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        # Between quotes (20) and paragraphs (10), so an embed alone in a quote is found too.
        md.parser.blockprocessors.register(TransclusionProcessor(md.parser), "garden_transclusion", 15)
        # Before Python-Markdown's image and link patterns (150-170) and the wikilinks (175).
        md.inlinePatterns.register(EmbedInlineProcessor(EMBED.pattern, md), "garden_embed", 176)
        # After inline parsing (20); before the cross-links (15), which then see rebased links.
        md.treeprocessors.register(TransclusionLinkTreeprocessor(md), "garden_transclusion_links", 16)


def makeExtension(**kwargs) -> EmbedsExtension:
    return EmbedsExtension(**kwargs)

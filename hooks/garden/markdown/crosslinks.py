"""Links between garden posts: LessWrong URLs, `/permalink` links and wikilinks, resolved
against the garden index, and `@title` text.

- An inline processor turns `[[name#Heading|text]]` into a link (or, when nothing matches, a
  marked span; the linter reports it with file and line).
- A tree-processor rewrites every link that leads to a garden post (see `garden.model.resolve`) into a
  relative link to the post's Markdown file, so MkDocs turns it into the right URL and checks it
  like any hand-written one; and replaces link text `@title` with the target's title. (Who links
  to whom, for the "Linked from" lists, the index reads from the sources: `garden.model.backlinks`.)

Links inside code are never touched: code spans and blocks hold no `<a>` elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..model.resolve import markdown_link_target, resolve_href, resolve_wikilink
from ..model.source import WIKILINK
from .context import GardenExtension, current_page


class WikilinkInlineProcessor(InlineProcessor):
    def handleMatch(self, match: re.Match, data: str):
        page = current_page()
        if page is None:
            return None, None, None  # outside a garden build: leave the text as written
        resolution, shown = resolve_wikilink(match["inner"], page.garden)
        if resolution.target is None:
            element = etree.Element("span", {"class": "wikilink wikilink--missing", "title": resolution.problem or ""})
        else:
            element = etree.Element("a", {"href": resolution.href_from(page.post), "class": "wikilink"})
        element.text = AtomicString(shown)
        return element, match.start(0), match.end(0)


class CrossLinkTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        page = current_page()
        if page is None:
            return
        post, garden = page.post, page.garden
        for link in root.iter("a"):
            href = link.get("href")
            if not href:
                continue
            resolution = resolve_href(href, post, garden)
            if resolution.target is not None:
                link.set("href", resolution.href_from(post))
                target = resolution.target
            else:
                target = markdown_link_target(href, post, garden)
            if target is not None and "".join(link.itertext()).strip() == "@title":
                for child in list(link):
                    link.remove(child)
                link.text = AtomicString(target.title)


class CrossLinksExtension(GardenExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        # Before Python-Markdown's reference (170) and link (160) patterns, after escapes (180).
        md.inlinePatterns.register(WikilinkInlineProcessor(WIKILINK.pattern, md), "garden_wikilink", 175)
        # After inline parsing (20) and footnotes (50), so links in notes count; before MkDocs'
        # own relative-link processor (0), which turns the `.md` paths into URLs.
        md.treeprocessors.register(CrossLinkTreeprocessor(md), "garden_crosslinks", 15)


def makeExtension(**kwargs) -> CrossLinksExtension:
    return CrossLinksExtension(**kwargs)

"""Links between garden posts: LessWrong URLs, `/permalink` links and wikilinks, resolved
against the garden index, and `@title` text.

- An inline processor turns `[[name#Heading|text]]` into a link (or, when nothing matches, a
  marked span; the linter reports it with file and line).
- A tree-processor rewrites every link that leads to a garden post (see `garden.model.resolve`)
  into a relative link to the post's Markdown file, so MkDocs turns it into the right URL and
  checks it like any hand-written one, and gives `@title` links their text
  (`garden.model.titles`): the target's title; for a link outside the garden, a `#heading` on the
  same page its heading's text, anything else words made from its address (the linter warns
  about each, with file and line). Outside a garden build only this fallback runs.

Who links to whom, for the "Linked from" lists, the index reads from the sources
(`garden.model.backlinks`). Links inside code are never touched: code spans and blocks hold no
`<a>` elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from urllib.parse import unquote

from markdown import Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..model.embeds import normalised
from ..model.resolve import markdown_link_target, resolve_href, resolve_wikilink
from ..model.source import WIKILINK
from ..model.titles import fallback_title, has_title_token, set_title
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
            if has_title_token(link):
                if target is not None:
                    set_title(link, target.title)
                elif href.startswith("#"):
                    if (heading := same_page_heading(root, unquote(href[1:]))) is not None:
                        set_title(link, heading)
                else:
                    set_title(link, fallback_title(href))


class TitleFallbackTreeprocessor(Treeprocessor):
    """`@title` links still untitled (outside a garden build, or to an explicit `{#id}`): a
    same-page heading's text, or words from the address."""

    def run(self, root: etree.Element) -> None:
        links = [link for link in root.iter("a") if has_title_token(link)]
        if not links:
            return
        ids = {element.get("id"): element for element in root.iter() if element.get("id")}
        for link in links:
            href = link.get("href") or ""
            heading = ids.get(unquote(href[1:])) if href.startswith("#") else None
            text = heading_text(heading) if heading is not None else ""
            set_title(link, text or fallback_title(href))


def same_page_heading(root: etree.Element, fragment: str) -> str | None:
    """The text of the page's heading that `#fragment` names, before the ids exist: matched
    by its letters and digits, whichever slug style the ids will use."""
    wanted = normalised(fragment)
    for element in root.iter():
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = heading_text(element)
            if element.get("id") == fragment or (wanted and normalised(text) == wanted):
                return text
    return None


def heading_text(heading: etree.Element) -> str:
    """A heading's words, without the permalink mark the table of contents adds."""
    parts = [heading.text or ""]
    for child in heading:
        if "headerlink" not in (child.get("class") or ""):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


class CrossLinksExtension(GardenExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        # Before Python-Markdown's reference (170) and link (160) patterns, after escapes (180).
        md.inlinePatterns.register(WikilinkInlineProcessor(WIKILINK.pattern, md), "garden_wikilink", 175)
        # After inline parsing (20) and footnotes (50), so links in notes count; before MkDocs'
        # own relative-link processor (0), which turns the `.md` paths into URLs.
        md.treeprocessors.register(CrossLinkTreeprocessor(md), "garden_crosslinks", 15)
        # After the table of contents (5) has given headings their ids.
        md.treeprocessors.register(TitleFallbackTreeprocessor(md), "garden_title_fallback", 4)


def makeExtension(**kwargs) -> CrossLinksExtension:
    return CrossLinksExtension(**kwargs)

"""Links between garden posts: LessWrong URLs, `/permalink` links and wikilinks, resolved
against the garden index, with `@title` text and backlinks recorded on the way.

- An inline processor turns `[[name#Heading|text]]` into a link (or, when nothing matches, a
  marked span; the linter reports it with file and line).
- A tree-processor rewrites every link that leads to a garden post (see `garden.model.resolve`) into a
  relative link to the post's Markdown file, so MkDocs turns it into the right URL and checks it
  like any hand-written one; replaces link text `@title` with the target's title; and tells the
  garden who links to whom, with the paragraph around the link, for the "Linked from" list.

Links inside code are never touched: code spans and blocks hold no `<a>` elements.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import unquote, urlsplit

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..model.index import Garden
from ..model.post import Post
from ..model.resolve import resolve_href, resolve_wikilink
from .context import current_page

WIKILINK = r"(?<!!)\[\[([^\]\n]+)\]\]"  # `![[…]]` is an embed, which the garden leaves alone
_BLOCKS = frozenset({"p", "li", "dd", "dt", "td", "th", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "summary"})
_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")  # Python-Markdown's stand-ins for stashed raw HTML
CONTEXT_LENGTH = 280


class WikilinkInlineProcessor(InlineProcessor):
    def handleMatch(self, match: re.Match, data: str):
        page = current_page()
        if page is None or page.garden is None:
            return None, None, None  # outside a garden build: leave the text as written
        resolution, shown = resolve_wikilink(match[1], page.garden)
        if resolution.target is None:
            element = etree.Element("span", {"class": "wikilink wikilink--missing", "title": resolution.problem or ""})
        else:
            element = etree.Element("a", {"href": resolution.href_from(page.post), "class": "wikilink"})
        element.text = AtomicString(shown)
        return element, match.start(0), match.end(0)


class CrossLinkTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        page = current_page()
        if page is None or page.garden is None:
            return
        post, garden = page.post, page.garden
        parents = {child: parent for parent in root.iter() for child in parent}
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
            if target is None:
                continue
            if "".join(link.itertext()).strip() == "@title":
                for child in list(link):
                    link.remove(child)
                link.text = AtomicString(target.title)
            garden.add_backlink(target, post, context_of(link, parents))


def markdown_link_target(href: str, post: Post, garden: Garden) -> Post | None:
    """The post a relative `.md` link (as authors and MkDocs write them) points at."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return None
    path = unquote(parts.path)
    src_uri = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(post.src_uri), path)
    return garden.post_at(posixpath.normpath(src_uri))


def context_of(link: etree.Element, parents: dict[etree.Element, etree.Element]) -> str:
    """The words around a link: its paragraph (or list item, cell…), cut to a readable length."""
    block = link
    while block in parents and block.tag not in _BLOCKS:
        block = parents[block]
    text = " ".join(_PLACEHOLDER.sub("", "".join(block.itertext())).split())
    if len(text) <= CONTEXT_LENGTH:
        return text
    anchor = text.find(" ".join("".join(link.itertext()).split()))
    start = max(0, min(anchor - CONTEXT_LENGTH // 3, len(text) - CONTEXT_LENGTH))
    excerpt = text[start : start + CONTEXT_LENGTH].strip()
    return ("… " if start else "") + excerpt + (" …" if start + CONTEXT_LENGTH < len(text) else "")


class CrossLinksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Before Python-Markdown's reference (170) and link (160) patterns, after escapes (180).
        md.inlinePatterns.register(WikilinkInlineProcessor(WIKILINK, md), "garden_wikilink", 175)
        # After inline parsing (20) and footnotes (50), so links in notes count; before MkDocs'
        # own relative-link processor (0), which turns the `.md` paths into URLs.
        md.treeprocessors.register(CrossLinkTreeprocessor(md), "garden_crosslinks", 15)


def makeExtension(**kwargs) -> CrossLinksExtension:
    return CrossLinksExtension(**kwargs)

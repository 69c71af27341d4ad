"""Who links to whom, read from the sources: the index's "Linked from" lists, known before any
page is converted, by a build with or without the hook, and by a build that takes every page
from the cache.

Each post's links are found by the source scanner (`garden.model.source`, so links in code do
not count) and resolved by the same rules as the Markdown extension that rewrites them
(`garden.model.resolve`). The words shown beside a backlink are the paragraph (or list item,
table row, heading…) around the first link, converted by Python-Markdown with the site's own
extensions (`Garden.markdown_settings`, which the build sets from mkdocs.yml) and read as
text, so a reader sees what the page shows (inline code, link texts, `@title` as the title,
typography), not the Markdown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import markdown
from markdown.treeprocessors import Treeprocessor

from .resolve import link_target, resolve_wikilink
from .titles import fallback_title, has_title_token, set_title
from .source import CALLOUT_MARKER, FOOTNOTE_DEFINITION, FOOTNOTE_REFERENCE, WIKILINK, SourceLine, links_on, prose_lines

if TYPE_CHECKING:
    from .index import Garden
    from .post import Post

CONTEXT_LENGTH = 280
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]")
_TABLE_ROW = re.compile(r"[ \t]*\|")
_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")  # Python-Markdown's stand-ins for raw HTML
_BLOCK_END = re.compile(r"</(?:p|li|dt|dd|td|th|tr|h[1-6]|div|blockquote|summary|figcaption)>|<br\s*/?>")


@dataclass(frozen=True)
class Backlink:
    """A post that links to another, with the words around the link."""

    source: Post
    context: str


Outgoing = Callable[["Post", "Garden"], list[tuple[str, str]]]


def find_backlinks(garden: Garden, sources: list[Post], outgoing: Outgoing | None = None) -> dict[str, dict[str, Backlink]]:
    """Target src_uri -> {source src_uri: backlink}, for the first link from each source to
    each other post. `outgoing` finds one post's links (`outgoing_links`, or a memo of it:
    `garden.speed.memo.link_finder`)."""
    outgoing = outgoing or outgoing_links
    found: dict[str, dict[str, Backlink]] = {}
    for source in sources:
        for target, context in outgoing(source, garden):
            found.setdefault(target, {})[source.src_uri] = Backlink(source, context)
    return found


def outgoing_links(post: Post, garden: Garden) -> list[tuple[str, str]]:
    """(target src_uri, words around the link) for the first link from `post` to each other
    post, in reading order: what one post contributes to the others' "Linked from" lists,
    which depends only on its source and on how the garden answers its links."""
    links: dict[str, str] = {}
    excerpts = Excerpts.for_settings(garden.markdown_settings)
    for block, targets in linked_blocks(post, garden):
        for target in targets:
            if target is not post and target.src_uri not in links:
                links[target.src_uri] = excerpts.of(block, target, post, garden)
    return list(links.items())


def linked_blocks(post: Post, garden: Garden) -> Iterator[tuple[str, list[Post]]]:
    """Each block of the post's prose that links to garden posts, with those posts in order."""
    for lines in blocks(prose_lines(post.body, post.body_line)):
        targets = []
        for line in lines:
            for link in links_on(line):
                if link.kind == "wikilink":
                    target = resolve_wikilink(link.target, garden)[0].target
                else:
                    target = link_target(link.target, post, garden)
                if target is not None:
                    targets.append(target)
        if targets:
            yield "\n".join(line.original for line in lines), targets


def blocks(lines: Iterator[SourceLine]) -> Iterator[list[SourceLine]]:
    """Lines of prose grouped as a reader sees them: paragraphs, list items, table rows,
    headings; a blank line or a change of quote depth ends one."""
    block: list[SourceLine] = []
    for line in lines:
        starts = _LIST_ITEM.match(line.text) or _HEADING.match(line.text) or _TABLE_ROW.match(line.text)
        if block and (line.blank or line.depth != block[-1].depth or starts or _HEADING.match(block[-1].text)):
            yield block
            block = []
        if not line.blank:
            block.append(line)
    if block:
        yield block


class Excerpts:
    """A block's words as its page shows them, cut to a readable length around the link."""

    _made: dict[str, Excerpts] = {}  # one converter per process and Markdown settings

    def __init__(self, settings: tuple[list, dict]) -> None:
        self.titles = _AtTitles()
        extensions, configs = settings
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        # After inline parsing (20) and the cross-links (15), which leave a block that is no
        # post's alone; before their fallback text for `@title` (4).
        self.md.treeprocessors.register(self.titles, "garden_at_titles", 14)

    @classmethod
    def for_settings(cls, settings: tuple[list, dict]) -> Excerpts:
        """Making a Markdown instance with the site's extensions costs more than a post's
        excerpts: one is kept per settings (by their repr, which names each setting)."""
        key = repr(settings)
        if key not in cls._made:
            cls._made[key] = cls(settings)
        return cls._made[key]

    def of(self, block: str, target: Post, source: Post, garden: Garden) -> str:
        self.titles.resolve = lambda href: link_target(href, source, garden)
        self.titles.target, self.titles.link_text = target, None
        words = " ".join(_text_of(self.md.reset().convert(self.prepared(block, garden))).split())
        return cut(words, self.titles.link_text or target.title)

    def prepared(self, block: str, garden: Garden) -> str:
        """The block as core Python-Markdown will read it: wikilinks as the text they show, no
        footnote labels, no callout marker, a table row as its cells' words."""
        block = WIKILINK.sub(lambda match: resolve_wikilink(match["inner"], garden)[1], block).lstrip()
        if block.startswith("|"):
            block = block.replace("|", " ")
        if marker := CALLOUT_MARKER.match(block):
            block = block[marker.end() :]
        if definition := FOOTNOTE_DEFINITION.match(block):
            block = block[definition.end() :]
        return FOOTNOTE_REFERENCE.sub("", block)


class _AtTitles(Treeprocessor):
    """`@title` links read as on the page (`garden.model.titles`); and the text of the first
    link to the target is noted, to centre the excerpt on it."""

    def __init__(self) -> None:
        super().__init__()
        self.resolve: Callable[[str], Post | None] = lambda href: None
        self.target: Post | None = None
        self.link_text: str | None = None

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href") or ""
            found = self.resolve(href)
            if has_title_token(link):
                set_title(link, found.title if found is not None else fallback_title(href))
            text = "".join(link.itertext()).strip()
            if self.link_text is None and found is self.target and text:
                self.link_text = text


def _text_of(html: str) -> str:
    """The text of converted HTML (tags dropped, entities read), blocks apart by a space as a
    browser shows them, inline elements not (`<em>garden</em>s` reads "gardens")."""
    from selectolax.lexbor import LexborHTMLParser

    spaced = _BLOCK_END.sub(lambda end: end[0] + " ", _PLACEHOLDER.sub("", html))
    body = LexborHTMLParser(f"<body>{spaced}</body>").body
    return body.text(separator="") if body is not None else ""


def cut(text: str, around: str) -> str:
    """`text`, or CONTEXT_LENGTH characters of it around `around`, marked where cut."""
    if len(text) <= CONTEXT_LENGTH:
        return text
    anchor = text.find(" ".join(around.split()))
    start = max(0, min(anchor - CONTEXT_LENGTH // 3, len(text) - CONTEXT_LENGTH))
    excerpt = text[start : start + CONTEXT_LENGTH].strip()
    return ("… " if start else "") + excerpt + (" …" if start + CONTEXT_LENGTH < len(text) else "")

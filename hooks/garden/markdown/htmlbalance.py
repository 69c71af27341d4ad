"""Raw HTML that does not balance is repaired, so it cannot close the page's `<article>` or
swallow the rest of the post.

Markdown passes an author's HTML through as written. A stray `</div>` then closes whatever
`<div>` the browser has open around the post (the theme's `<article>` and content column), and
the rest of the page, footnotes included, falls outside it; an element never closed holds
everything after it, and an unclosed `<b>` or `<a>` carries on into the next paragraphs. Nothing
in Python-Markdown, pymdown-extensions or MkDocs checks this (Python-Markdown only balances
tags to find where a raw block ends).

This extension reads the converted page as the browser will, with the author's HTML (the
raw-HTML stash) told apart from the elements Markdown made, and repairs the author's part:

- an end tag that closes no element the author opened (in the same Markdown container) is
  dropped;
- an element still open when the Markdown container around it ends (a paragraph, a callout, a
  list item) is closed there, as the browser would, but explicitly, so an inline element is not
  carried on into the next paragraph;
- an element never closed is closed at the end of the HTML block it was opened in (or, if
  elements opened inside it in that block close later, after the last of them), so it holds what
  the author wrote with it and not the rest of the post.

Elements whose end tag HTML lets one omit (`p`, `li`, `td`, `option`, …) are closed where the
browser would imply it. The same reading, `balance()`, serves `garden check`, which reports each
repair with the file, line and column (hooks/garden/check/lint.py), and the build, which logs it.
The repairs of the last conversion are kept on the Markdown instance as `md.html_repairs`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from markdown import Extension, Markdown, util
from markdown.postprocessors import Postprocessor

VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr basefont bgsound frame".split()
)
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"})
FOREIGN = frozenset({"svg", "math"})
# Start tags that close an open <p> (HTML's "close a p element" steps), and the other elements
# whose end tag may be left out, with the start tags that imply it.
_CLOSES_P = frozenset(
    """address article aside blockquote center details dialog dir div dl fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table
    ul dd dt""".split()
)
IMPLIED_BY: dict[str, frozenset[str]] = {
    "p": _CLOSES_P,
    "li": frozenset({"li"}),
    "dt": frozenset({"dt", "dd"}),
    "dd": frozenset({"dt", "dd"}),
    "option": frozenset({"option", "optgroup"}),
    "optgroup": frozenset({"optgroup"}),
    "tr": frozenset({"tr", "tbody", "thead", "tfoot"}),
    "td": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "th": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "thead": frozenset({"tbody", "tfoot"}),
    "tbody": frozenset({"tbody", "tfoot"}),
    "rb": frozenset({"rb", "rt", "rtc", "rp"}),
    "rt": frozenset({"rb", "rt", "rtc", "rp"}),
    "rp": frozenset({"rb", "rt", "rtc", "rp"}),
    "colgroup": frozenset({"colgroup", "thead", "tbody", "tfoot", "tr"}),
    "caption": frozenset({"thead", "tbody", "tfoot", "tr", "colgroup", "col"}),
}
OPTIONAL_END = frozenset(IMPLIED_BY) | {"html", "head", "body", "tfoot"}


@dataclass(eq=False)
class Tag:
    """One start or end tag, in document order. `start` and `end` are positions: anything that
    orders as the document does ((line, column) in the source; an offset in the page)."""

    name: str
    closing: bool
    raw: bool  # written by the author, not made by Markdown
    start: Any
    end: Any
    block_end: Any = None  # a raw tag's: the end of the HTML block (or inline HTML) it stands in
    self_closing: bool = False
    text: str = ""


@dataclass
class Repair:
    kind: Literal["stray", "unclosed"]
    tag: Tag  # the stray end tag, or the start tag of the element left open
    at: Any = None  # for "unclosed": the position where its end tag goes
    container: str | None = None  # the Markdown element whose end closed it, if one did

    @property
    def noticeable(self) -> bool:
        """Worth telling the author: not an end tag HTML lets one leave out."""
        return not (self.kind == "unclosed" and self.tag.name in OPTIONAL_END)


@dataclass
class _Open:
    tag: Tag
    close_at: Any
    ended: bool = False  # a Markdown element whose end came while a <select> was open in it


def balance(tags: Iterable[Tag]) -> list[Repair]:
    """What the page needs so that the author's HTML closes every element it opens and no other."""
    repairs: list[Repair] = []
    stack: list[_Open] = []

    def popped(index: int, at: Any) -> None:
        """Pop stack[index:] (the elements above it implicitly); widen the new top's extent."""
        closed = stack[index]
        del stack[index:]
        if stack and stack[-1].tag.raw and _before(closed.tag.start, stack[-1].close_at):
            # An element opened inside the top's own block closes later: the top must outlast it.
            stack[-1].close_at = _later(stack[-1].close_at, at)

    def selecting() -> bool:
        return any(entry.tag.raw and entry.tag.name == "select" for entry in stack)

    for tag in tags:
        name = tag.name
        if not tag.raw and selecting():
            # Inside a <select> the browser ignores Markdown's tags (a list of <option> lines
            # becomes paragraphs and line breaks): an end tag takes effect when the select closes.
            if tag.closing:
                for entry in reversed(stack):
                    if not entry.tag.raw and entry.tag.name == name and not entry.ended:
                        entry.ended = True
                        break
            continue
        if not tag.closing:
            while stack and stack[-1].tag.raw and name in IMPLIED_BY.get(stack[-1].tag.name, ()):
                popped(len(stack) - 1, tag.start)  # `<li>` after an open `<li>`: the browser closes it
            if name in VOID:
                continue
            if tag.self_closing and (name in FOREIGN or any(entry.tag.name in FOREIGN for entry in stack)):
                continue  # `<path/>` in SVG is complete; in HTML, `<div/>` opens a div
            stack.append(_Open(tag, tag.block_end if tag.raw else None))
            continue
        if name in VOID:
            continue
        match = None
        for index in range(len(stack) - 1, -1, -1):
            entry = stack[index]
            if tag.raw and not entry.tag.raw:
                break  # an author's end tag never closes what Markdown made
            if entry.tag.name == name and entry.tag.raw == tag.raw:
                match = index
                break
        if match is None:
            if tag.raw:
                repairs.append(Repair("stray", tag))
            continue
        if not tag.raw:
            # A Markdown container ends: the author's elements still open in it end here.
            for entry in reversed(stack[match + 1 :]):
                repairs.append(Repair("unclosed", entry.tag, tag.start, container=name))
        popped(match, tag.block_end if tag.raw and tag.block_end is not None else tag.end)
        while stack and stack[-1].ended and not selecting():
            popped(len(stack) - 1, tag.end)
    for entry in reversed(stack):
        if entry.tag.raw:
            repairs.append(Repair("unclosed", entry.tag, entry.close_at))
    return repairs


def _before(a: Any, b: Any) -> bool:
    return b is None or a < b


def _later(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


# --------------------------------------------------------------------------------------------
# Reading HTML text into tags.

TAG = re.compile(
    r"""<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?[^>]*>
    |<(?P<closing>/)?(?P<name>[A-Za-z][A-Za-z0-9:-]*)
      (?P<attrs>(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(?P<self>/)?>""",
    re.DOTALL | re.VERBOSE,
)


def read_tags(text: str) -> Iterator[tuple[re.Match, str, bool, bool]]:
    """(match, lower-case name, closing, self-closing) of each tag in `text`; comments and the
    content of raw-text elements (`<script>`, `<style>`, …) are skipped."""
    position = 0
    while match := TAG.search(text, position):
        position = match.end()
        name = match["name"]
        if name is None:
            continue  # a comment, declaration or processing instruction
        name = name.lower()
        yield match, name, bool(match["closing"]), bool(match["self"])
        if not match["closing"] and name in RAW_TEXT and not match["self"]:
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, position)
            position = end.start() if end else len(text)


# --------------------------------------------------------------------------------------------
# The extension: the page as converted, before the author's HTML is put back in.

PLACEHOLDER = re.compile(r"<p>" + util.HTML_PLACEHOLDER % r"([0-9]+)" + r"</p>|" + util.HTML_PLACEHOLDER % r"([0-9]+)")


@dataclass
class _Edits:
    deletions: dict[Any, list[tuple[int, int]]] = field(default_factory=dict)  # owner -> (offset, length)
    insertions: dict[Any, dict[int, list[str]]] = field(default_factory=dict)  # owner -> offset -> texts

    def delete(self, owner: Any, offset: int, length: int) -> None:
        self.deletions.setdefault(owner, []).append((offset, length))

    def insert(self, owner: Any, offset: int, text: str) -> None:
        self.insertions.setdefault(owner, {}).setdefault(offset, []).append(text)

    def owners(self) -> set[Any]:
        return set(self.deletions) | set(self.insertions)

    def apply(self, owner: Any, text: str) -> str:
        changes = [(offset, length, "") for offset, length in self.deletions.get(owner, [])]
        changes += [(offset, 0, "".join(texts)) for offset, texts in self.insertions.get(owner, {}).items()]
        for offset, length, insert in sorted(changes, key=lambda change: (change[0], change[1]), reverse=True):
            text = text[:offset] + insert + text[offset + length :]
        return text


@dataclass(frozen=True, order=True)
class _Place:
    """A position in the page as the browser reads it (`doc`), and where to edit it: `owner` is
    None for Markdown's output or the index of a raw-HTML stash entry, `offset` within it."""

    doc: int
    owner: Any = field(compare=False, default=None)
    offset: int = field(compare=False, default=0)


class HtmlBalancePostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        stash = self.md.htmlStash
        self.md.html_repairs = []
        if not stash.html_counter:
            return text
        restore = self.md.postprocessors["raw_html"] if "raw_html" in self.md.postprocessors else None
        if self._each_balanced(text, restore):
            return text
        tags = list(self._tags(text, None, 0, restore, frozenset()))
        repairs = balance(tags)
        self.md.html_repairs = repairs
        if not repairs:
            return text
        edits = _Edits()
        for repair in repairs:
            if repair.kind == "stray":
                # A comment in its place, which also tells Python-Markdown that an entry left
                # with nothing else is a block, not a paragraph.
                place = repair.tag.start
                edits.delete(place.owner, place.offset, len(repair.tag.text))
                edits.insert(place.owner, place.offset, f"<!-- garden: removed a stray {repair.tag.text} -->")
            elif repair.at is not None:
                edits.insert(repair.at.owner, repair.at.offset, f"</{repair.tag.name}>")
        for owner in edits.owners():
            if owner is None:
                text = edits.apply(None, text)
            else:
                stash.rawHtmlBlocks[owner] = edits.apply(owner, str(stash.rawHtmlBlocks[owner]))
        return text

    def _each_balanced(self, text: str, restore: Any) -> bool:
        """Whether each piece of the author's HTML in `text` closes, by itself, every element it
        opens and no other. Then the page needs no repair (Markdown's own elements always
        balance), and reading its every tag can be skipped: most pages' stash holds only
        smarty's entities and highlighted code, and reading all of the page took a tenth of
        converting an essay. (toc runs the postprocessors on each heading's text too.)"""
        for placeholder in PLACEHOLDER.finditer(text):
            if (found := self._stashed(placeholder, restore)) is None:
                continue
            index, entry, html = found
            if not isinstance(entry, str):
                return False  # md_in_html's elements, which hold Markdown and placeholders
            if "<" not in html:
                continue  # an entity, or text: no tags
            if PLACEHOLDER.search(html) or balance(self._plain_tags(html, 0, len(html), index, 0, True)):
                return False
        return True

    def _stashed(self, placeholder: re.Match, restore: Any) -> tuple[int, Any, str] | None:
        """The stash entry a placeholder stands for: its index, the entry, and its HTML as
        raw_html will put it back (None: no such entry)."""
        index = int(placeholder.group(1) or placeholder.group(2))
        stash = self.md.htmlStash
        if index >= stash.html_counter:
            return None
        entry = stash.rawHtmlBlocks[index]
        return index, entry, restore.stash_to_string(entry) if restore is not None else str(entry)

    def _tags(self, text: str, owner: int | None, doc: int, restore: Any, seen: frozenset[int]) -> Iterator[Tag]:
        """The tags of `text` (Markdown's output, or stash entry `owner`), with the stash entries
        its placeholders stand for read in place; `doc` is where `text` starts in the page."""
        raw = owner is not None
        position = 0
        for placeholder in PLACEHOLDER.finditer(text):
            start, stop = placeholder.span()
            yield from self._plain_tags(text, position, start, owner, doc - position, raw)
            doc += start - position
            position = stop
            found = self._stashed(placeholder, restore)
            if found is None or found[0] in seen:
                doc += stop - start
                continue
            index, entry, html = found
            # As raw_html will put it back: a block of HTML loses the paragraph Markdown put around it.
            paragraph = placeholder.group(1) is not None and not (restore is not None and restore.isblocklevel(html))
            if paragraph:
                yield Tag("p", False, raw, _Place(doc, owner, start), _Place(doc + 3, owner, start + 3))
                doc += 3
            # md_in_html's elements are Markdown's work (balanced); strings are the author's HTML.
            inner = seen | {index}
            if isinstance(entry, str):
                block_end = _Place(doc + len(html), index, len(html))
                for tag in self._tags(html, index, doc, restore, inner):
                    if tag.block_end is None:
                        tag.block_end = block_end
                    yield tag
            else:
                yield from self._tags(html, None, doc, restore, inner)
            doc += len(html)
            if paragraph:
                yield Tag("p", True, raw, _Place(doc, owner, stop - 4), _Place(doc + 4, owner, stop))
                doc += 4
        yield from self._plain_tags(text, position, len(text), owner, doc - position, raw)

    @staticmethod
    def _plain_tags(text: str, start: int, stop: int, owner: int | None, shift: int, raw: bool) -> Iterator[Tag]:
        """Tags of text[start:stop]; `shift` turns an offset in `text` into one in the page."""
        for match, name, closing, self_closing in read_tags(text[start:stop]):
            begin, end = start + match.start(), start + match.end()
            yield Tag(
                name, closing, raw, _Place(begin + shift, owner, begin), _Place(end + shift, owner, end),
                self_closing=self_closing, text=match.group(0),
            )


class HtmlBalanceExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.html_repairs = []
        # Just before the author's HTML is put back (raw_html, 30), while it can be told apart.
        md.postprocessors.register(HtmlBalancePostprocessor(md), "garden_html_balance", 31)


def makeExtension(**kwargs) -> HtmlBalanceExtension:
    return HtmlBalanceExtension(**kwargs)

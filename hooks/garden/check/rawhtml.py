"""Raw HTML in a post's source that does not balance: what `garden.markdown.htmlbalance` repairs
in the build, found with the line and column of the tag at fault.

The source is read as the renderer reads it (`garden.model.source`: HTML blocks end at a blank
line, code is left out), with the Markdown containers that bound an author's element: a
paragraph (a run of text lines) and a quote. `htmlbalance.balance` then says, with the same
rules the build applies, which end tags close nothing and which elements are left open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown import Markdown

from ..markdown.htmlbalance import Repair, Tag, balance, read_tags
from ..model.source import SourceLine

Position = tuple[int, int]
BLOCK_LEVEL = frozenset(Markdown().block_level_elements)
OPENING_TAG = re.compile(r"\s*</?([A-Za-z][A-Za-z0-9-]*)")
# Text that holds no tag: TeX (`$a<b>c$`) and an image's description (`![the "<eos>" token](…)`).
MARKDOWN_ATTRIBUTE = re.compile(r"\bmarkdown\s*=")
MARKDOWN_HTML_LINE = re.compile(r"<[A-Za-z][^>]*\bmarkdown\s*=[^>]*>|</(?P<name>[A-Za-z][A-Za-z0-9-]*)\s*>")
NOT_HTML = re.compile(r"\$\$.*?\$\$|(?<![\\$])\$(?!\s)(?:\\.|[^\\$\n])+?(?<![\s\\])\$|!\[[^\]]*\]")


@dataclass(frozen=True)
class HtmlFinding:
    position: Position
    message: str
    hint: str


def tags_in(lines: Iterable[SourceLine]) -> Iterator[Tag]:
    """The author's tags in document order, between Markdown's paragraph and quote boundaries."""
    paragraph = False
    quotes = 0  # quote depth of the open paragraph's container

    def mark(name: str, closing: bool, at: Position) -> Tag:
        return Tag(name, closing, False, at, at)

    def close_paragraph(at: Position) -> Iterator[Tag]:
        nonlocal paragraph
        if paragraph:
            if paragraph is True:
                yield mark("p", True, at)
            paragraph = False

    def to_depth(depth: int, at: Position) -> Iterator[Tag]:
        nonlocal quotes
        while quotes > depth:
            quotes -= 1
            yield mark("blockquote", True, at)
        while quotes < depth:
            quotes += 1
            yield mark("blockquote", False, at)

    in_markdown_html: list[str] = []  # elements opened with `markdown="1"`: md_in_html's, not raw

    last: Position = (0, 0)
    for line in lines:
        at = last = (line.number, line.column)
        if line.blank:
            yield from close_paragraph(at)
            if line.depth == 0:
                yield from to_depth(0, at)
            continue
        if line.html_block:
            yield from close_paragraph(at)
            yield from to_depth(0, at)
            text = line.text
        elif (only := MARKDOWN_HTML_LINE.fullmatch(line.text.strip())) and (
            only["name"] is None or (in_markdown_html and in_markdown_html[-1] == only["name"].lower())
        ):
            yield from close_paragraph(at)  # `<div markdown="1">` or its end tag, on a line of its own
            text = line.text
        else:
            text = NOT_HTML.sub(lambda m: " " * len(m.group(0)), line.text)
            lazy = line.depth == 0 and bool(paragraph)  # a line without `>` continues the quote's paragraph
            if line.depth != quotes and not lazy:
                yield from close_paragraph(at)
                yield from to_depth(line.depth, at)
            if not paragraph:
                # A paragraph that opens with a block-level tag is an HTML block: no <p> (as
                # garden.markdown.htmlblocks and Python-Markdown's raw_html unwrap it).
                opening = OPENING_TAG.match(text)
                paragraph = "html" if opening and opening.group(1).lower() in BLOCK_LEVEL else True
                if paragraph is True:
                    yield mark("p", False, at)
        for match, name, closing, self_closing in read_tags(text):
            start, end = (line.number, line.column_of(match.start())), (line.number, line.column_of(match.end()))
            if not closing and MARKDOWN_ATTRIBUTE.search(match["attrs"] or ""):
                in_markdown_html.append(name)
                yield Tag(name, False, False, start, end)  # md_in_html makes this element
            elif closing and in_markdown_html and in_markdown_html[-1] == name:
                in_markdown_html.pop()
                yield Tag(name, True, False, start, end)
            else:
                yield Tag(name, closing, True, start, end, self_closing=self_closing, text=match.group(0))
    yield from close_paragraph(last)
    yield from to_depth(0, last)


def unbalanced_html(lines: Iterable[SourceLine]) -> list[HtmlFinding]:
    return [describe(repair) for repair in balance(tags_in(lines)) if repair.noticeable]


def describe(repair: Repair) -> HtmlFinding:
    tag = repair.tag
    if repair.kind == "stray":
        return HtmlFinding(
            tag.start,
            f"`{tag.text}` closes no element opened before it in the post; a browser would close the page's "
            f"own <{tag.name}> around the post with it (the garden removes it)",
            f"delete it, or add the `<{tag.name}>` it was meant to close",
        )
    where = {"p": "its paragraph ends", "blockquote": "its quote ends"}.get(repair.container or "")
    if where:
        return HtmlFinding(
            tag.start,
            f"`<{tag.name}>` is not closed before {where}, so it would run on into what follows (the garden closes it there)",
            f"add `</{tag.name}>` before {where} (a blank line ends a paragraph)",
        )
    return HtmlFinding(
        tag.start,
        f"`<{tag.name}>` is never closed, so it would hold the rest of the post (the garden closes it at the end "
        "of its HTML block)",
        f"add `</{tag.name}>` where the element should end",
    )

"""Markdown source as lines of prose, with code taken out and positions kept.

Python-Markdown keeps no source positions, and converting a long essay takes tens of
milliseconds, so the content checks read the source instead: this module walks a post's body
line by line, drops what Markdown would render as code (fenced blocks, indented blocks, inline
code spans) and HTML comments, strips blockquote markers, and remembers where each remaining
character came from. It follows the garden's Markdown: continuation inside a list item is
indented by four spaces, inside a footnote by more than the definition line, and code inside
either by four more; a raw HTML block ends at its last end tag or at a blank line (CommonMark's
rule, `garden.markdown.htmlblocks`), except a `<script>`, `<pre>`, `<style>` or `<textarea>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markdown import Markdown

_QUOTE = re.compile(r"[ \t]*>[ ]?")
# A list item or definition whose content opens with a quote: `- > [!note]`, `: > [!quote]`.
_MARKER_BEFORE_QUOTE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)]|:)[ \t]+(?=>)")
_FENCE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_LIST_ITEM = re.compile(r"(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+\S")
# Raw HTML blocks: Python-Markdown leaves their content alone unless it says markdown="1".
_HTML_OPEN = re.compile(r" {0,3}<(?P<tag>[A-Za-z][A-Za-z0-9]*)(?P<attrs>[^>]*?)(?P<selfclosing>/?)>")
_BLOCK_TAGS = frozenset(Markdown().block_level_elements) - {"p"}
_RAW_TEXT_TAGS = frozenset({"script", "style", "pre", "textarea"})  # never prose
_VOID_TAGS = frozenset({"hr", "br", "img", "input", "source", "track", "wbr", "embed", "area", "col", "meta", "link"})
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_COMMENT = re.compile(r"<!--.*?-->")
# Footnotes and callout markers as Python-Markdown and pymdownx.quotes read them.
FOOTNOTE_DEFINITION = re.compile(r"[ \t]*\[\^([^\]]+)\]:")
FOOTNOTE_REFERENCE = re.compile(r"(?<!\\)\[\^([^\]]+)\](?!:)")
CALLOUT_MARKER = re.compile(r"(?<!\\)\[!([\w-]+(?: *\| *[\w-]+)*)\]([-+])?(?!\()")
# An ATX heading, `## Text`, with its closing marks left out.
ATX_HEADING = re.compile(r"(?P<marks>#{1,6})[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
# Links as Python-Markdown reads them: `[text](url "title")`, `[label]: url`, and the garden's
# `[[wikilink]]` (`![[…]]` is an embed).
INLINE_LINK = re.compile(r"\]\((?P<url><[^>\n]*>|(?:[^()\s]|\([^()\s]*\))+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")
REFERENCE_DEFINITION = re.compile(r"[ \t]{0,3}\[(?!\^)[^\]]+\]:[ \t]*(?P<url><[^>]*>|\S+)")
WIKILINK = re.compile(r"(?<!!)\[\[(?P<inner>[^\]\n]+)\]\]")


@dataclass(frozen=True)
class SourceLine:
    """One line of prose: `text` is what follows the quote markers, with code spans and
    comments blanked out (same length, so columns stay true)."""

    number: int  # the line's number in the file
    depth: int  # how many blockquote markers (`>`) it starts with
    text: str
    column: int  # the file column (1-based) where `text` starts
    html_block: str | None = None  # the tag of the raw HTML block the line is in: no Markdown there
    original: str = ""  # the same text before code spans and comments were blanked out
    margin: int = 0  # the file line's indentation, before any quote or list marker

    @property
    def indent(self) -> int:
        return _indent(self.text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def column_of(self, index: int) -> int:
        return self.column + index


def _blank_out(match: re.Match) -> str:
    return " " * len(match.group(0))


def _indent(text: str) -> int:
    stripped = text.lstrip(" \t")
    return len(text[: len(text) - len(stripped)].expandtabs(4))


def _still_open(block: tuple[str, int], text: str) -> tuple[str, int] | None:
    """Follow the nesting of a raw HTML block's tag through one more line."""
    tag, nesting = block
    nesting += len(re.findall(rf"<{tag}\b(?![^>]*/>)", text, re.IGNORECASE))
    nesting -= len(re.findall(rf"</{tag}\s*>", text, re.IGNORECASE))
    return (tag, nesting) if nesting > 0 else None


def prose_lines(body: str, first_line: int = 1) -> Iterator[SourceLine]:
    """Every line of `body` that is not code, in order.

    A post is read this way by several checks in a row (its nesting and reading time when it
    is parsed; the linter, its links and anchors when it is converted), so the last few posts'
    lines are kept: reading them was a tenth of a cold build's work outside Markdown."""
    return iter(_prose_lines(body, first_line))


@lru_cache(maxsize=4)
def _prose_lines(body: str, first_line: int) -> tuple[SourceLine, ...]:
    return tuple(_read_prose_lines(body, first_line))


def _read_prose_lines(body: str, first_line: int) -> Iterator[SourceLine]:
    fence: tuple[int, str] | None = None  # (quote depth, fence characters) of an open fence
    html: tuple[str, int] | None = None  # (tag, nesting) of an open raw HTML block
    in_comment = False
    container = 0  # indentation of list-item or footnote continuation; 0 at the top level
    footnote_margin: int | None = None  # the indent of the footnote definition being continued
    previous_blank = True
    previous_code = False
    after_comment = False  # the last line was only an HTML comment

    for number, raw in enumerate(body.split("\n"), first_line):  # not splitlines: see post.py
        raw = raw.removesuffix("\r")
        depth, offset = 0, 0
        if fence is None and (item := _MARKER_BEFORE_QUOTE.match(raw)):
            offset = item.end()
        while match := _QUOTE.match(raw, offset):
            depth, offset = depth + 1, match.end()
        text = raw[offset:]

        if fence is not None:
            fence_depth, marks = fence
            closing = _FENCE.fullmatch(text)
            if depth < fence_depth:
                fence = None  # the quote holding the fence ended, and the fence with it
            else:
                if closing and closing["fence"][0] == marks[0] and len(closing["fence"]) >= len(marks) and not closing["info"].strip():
                    fence = None
                previous_blank, previous_code = False, True
                continue

        if html is not None and not raw.strip() and html[0] not in _RAW_TEXT_TAGS:
            html = None  # a blank line ends the HTML block: Markdown again

        if html is None and not in_comment and "<!--" in text and not _COMMENT.sub("", text).strip():
            # Only a comment: Python-Markdown stashes it as a block of its own, so an HTML block
            # may start on the next line; it neither ends nor continues a list or a footnote.
            after_comment = True
            yield SourceLine(number, depth, " " * len(text), offset + 1, original=text)
            continue
        block_may_start, after_comment = previous_blank or after_comment, False

        if html is None and depth == 0 and block_may_start and (tag := _HTML_OPEN.match(raw)):
            name = tag["tag"].lower()
            if name in _BLOCK_TAGS and "markdown=" not in tag["attrs"]:
                html = (name, 0) if not tag["selfclosing"] and name not in _VOID_TAGS else None
                previous_blank = False
                if html is None:
                    continue
        if html is not None:
            tag_name = html[0]
            html = _still_open(html, raw)
            if tag_name not in _RAW_TEXT_TAGS:
                yield SourceLine(number, 0, _COMMENT.sub(_blank_out, raw), 1, html_block=tag_name, original=raw)
            continue

        if not text.strip():
            previous_blank = True
            yield SourceLine(number, depth, "", offset + 1, original=text)
            continue

        indent = _indent(text)
        if previous_blank and indent < container and not _LIST_ITEM.match(text):
            if footnote_margin is None or indent <= footnote_margin:
                container, footnote_margin = 0, None  # a paragraph back at the margin ends the list or footnote
        if (previous_blank or previous_code) and indent >= container + 4 and depth == 0:
            previous_blank, previous_code = False, True
            continue  # an indented code block
        opening = _FENCE.match(text)
        if opening and not ("`" in opening["info"] and opening["fence"][0] == "`"):
            fence = (depth, opening["fence"])
            previous_blank, previous_code = False, True
            continue

        if item := _LIST_ITEM.match(text):
            container, footnote_margin = _indent(item["indent"]) + 4, None
        elif footnote := FOOTNOTE_DEFINITION.match(text):
            footnote_margin = _indent(text[: footnote.start(1) - 2])  # the spaces before `[^`
            container = footnote_margin + 4

        original = text
        if in_comment:
            end = text.find("-->")
            if end < 0:
                continue
            text = " " * (end + 3) + text[end + 3 :]
            in_comment = False
        if "<!--" in text:
            text = _COMMENT.sub(_blank_out, text)
            if (start := text.find("<!--")) >= 0:
                text, in_comment = text[:start], True
        if "`" in text:
            text = _CODE_SPAN.sub(_blank_out, text)

        previous_blank, previous_code = False, False
        yield SourceLine(number, depth, text, offset + 1, original=original, margin=_indent(raw))


@dataclass(frozen=True)
class SourceLink:
    """A link as the source writes it: a URL (`kind` "url": inline, or a reference definition)
    or the inside of a `[[wikilink]]` ("wikilink"), with the file position of its target."""

    kind: str
    target: str
    line: int
    column: int


def links_on(line: SourceLine) -> Iterator[SourceLink]:
    """The links on one line of prose, left to right within each kind."""
    for match in INLINE_LINK.finditer(line.text):
        yield SourceLink("url", match["url"].strip("<>"), line.number, line.column_of(match.start("url")))
    if definition := REFERENCE_DEFINITION.match(line.text):
        yield SourceLink("url", definition["url"].strip("<>"), line.number, line.column_of(definition.start("url")))
    for match in WIKILINK.finditer(line.text):
        yield SourceLink("wikilink", match["inner"], line.number, line.column_of(match.start()))

"""Reading time: the words a reader meets on the way through a post, at 230 words a minute.

Counted on the source, so the index knows every post's reading time before any page is
converted, with or without the hook: code (fenced, indented, inline) and HTML comments are left
out by the source scanner (`garden.model.source`); so are footnotes and folded callouts
(`> [!type]-`), which are not on the reader's way, and what no reader reads as a word: link
URLs, HTML tags, Markdown's own marks (`#`, `-`, `|`, `>`).
"""

from __future__ import annotations

import math
import re

from .source import CALLOUT_MARKER, FOOTNOTE_DEFINITION, prose_lines

WORDS_PER_MINUTE = 230
_LINK_DESTINATION = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_WORD = re.compile(r"\w")


def words_read(body: str, first_line: int = 1) -> int:
    count = 0
    in_footnote = False
    folded_at = 0  # the quote depth of the folded callout being skipped (0: none)
    previous_blank = True
    for line in prose_lines(body, first_line):  # numbered as the other checks number them: read once for all
        if line.html_block:
            continue  # raw HTML blocks: embeds, widgets, not prose
        if folded_at and (line.depth < folded_at or (line.blank and line.depth == 0)):
            folded_at = 0
        if FOOTNOTE_DEFINITION.match(line.text) and line.depth == 0:
            in_footnote = True
        elif in_footnote and not line.blank and previous_blank and line.indent < 4:
            in_footnote = False  # back at the margin after a blank line: the note has ended
        previous_blank = line.blank
        marker = CALLOUT_MARKER.match(line.text.lstrip()) if line.depth and not folded_at else None
        if marker and marker[2] == "-":
            folded_at = line.depth
        if in_footnote or folded_at or line.blank:
            continue
        text = _TAG.sub(" ", _LINK_DESTINATION.sub("] ", line.text))
        count += sum(1 for token in text.split() if _WORD.search(token))
    return count


def reading_minutes(body: str, first_line: int = 1) -> int:
    return max(1, math.ceil(words_read(body, first_line) / WORDS_PER_MINUTE))

"""How deeply a post's Markdown nests, measured on the source before anything renders it.

Python-Markdown parses nested blocks and inline markup recursively: thousands of levels of
quotes, list items, `markdown="1"` HTML or emphasis end in a RecursionError, and a few hundred
nested list items already take seconds per page. No essay nests that deep, so the post model
refuses a post beyond `MAX_DEPTH` levels, naming the line, rather than letting the build crash
or hang on it. The measure is a cheap upper bound read off the raw lines (quote markers, list
indentation, HTML tags opened and not closed, emphasis and bracket runs opened in a paragraph),
so it never needs the renderer it protects; code (fenced, indented, inline) and HTML comments
are left out, as `garden.model.source` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .source import prose_lines

MAX_DEPTH = 50  # levels; Python-Markdown's recursion gives out at a few hundred

_LIST_ITEM = re.compile(r"([ \t]*)(?:[-*+]|\d+[.)])[ \t]+\S")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# A run of emphasis or bracket characters, with what stands on either side of it.
_RUN = re.compile(r"(?<!\\)(\*+|_+|~+|\^+|=+|\[+|\]+)")


@dataclass(frozen=True)
class TooDeep:
    line: int  # the file's line where the nesting passes the limit
    what: str  # "quotes", "list items", "HTML elements", "emphasis or brackets"
    depth: int

    @property
    def message(self) -> str:
        return f"{self.what} nest {self.depth} levels deep here, more than the {MAX_DEPTH} the renderer can take"


def too_deep(body: str, first_line: int = 1, limit: int = MAX_DEPTH) -> TooDeep | None:
    """The first place where `body` nests deeper than `limit`, or None."""
    html = 0
    inline = 0  # emphasis and brackets opened in the current paragraph
    # Counting emphasis run by run is most of this check's time, and no paragraph of an essay
    # comes near the limit: until a paragraph holds more marks than the limit (a bound on
    # what it can open), its lines are only kept, and counted exactly if it gets there.
    marks = 0
    uncounted: list[str] = []  # the paragraph's lines so far, while `marks` is within the limit
    for line in prose_lines(body, first_line):
        number, text = line.number, line.text
        if line.blank:
            inline = marks = 0
            uncounted = []
            continue
        if line.depth > limit:
            return TooDeep(number, "quotes", line.depth)
        if (item := _LIST_ITEM.match(text)) and (depth := len(item[1].expandtabs(4)) // 4 + 1) > limit:
            return TooDeep(number, "list items", depth)
        if "<" in text:
            for tag in _TAG.finditer(text):
                closing, name, self_closing = tag.groups()
                if closing:
                    html = max(0, html - 1)
                elif not self_closing and name.lower() not in _VOID:
                    html += 1
                    if html > limit:
                        return TooDeep(number, "HTML elements", html)
        if line.html_block:
            continue  # raw HTML: no Markdown inline markup
        if marks <= limit:
            marks += sum(map(text.count, _OPENING))
            if marks <= limit:
                uncounted.append(text)
                continue
            for earlier in uncounted:  # within the limit before this line: it cannot be passed there
                inline = _emphasis(earlier, inline, limit)
            uncounted = []
        inline = _emphasis(text, inline, limit)
        if inline > limit:
            return TooDeep(number, "emphasis or brackets", inline)
    return None


_OPENING = "*_~^=["  # the characters of every run that can open emphasis or a bracket


def _emphasis(text: str, inline: int, limit: int) -> int:
    """How many emphasis runs and brackets are open after `text`, `inline` being open before it;
    as soon as more than `limit` are, that many."""
    for run in _RUN.finditer(text):
        before = text[run.start() - 1] if run.start() else " "
        after = text[run.end()] if run.end() < len(text) else " "
        marks = run[0]
        if marks[0] == "[":
            inline += len(marks)
        elif marks[0] == "]":
            inline = max(0, inline - len(marks))
        elif before.isspace() and not after.isspace():  # opens: `*word`
            inline += len(marks)
        elif after.isspace() and not before.isspace():  # closes: `word*`
            inline = max(0, inline - len(marks))
        if inline > limit:
            return inline
    return inline

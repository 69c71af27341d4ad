"""The anchors a post's page will have, found without rendering the whole post.

Heading ids come from Python-Markdown's own `toc` extension, run over the post's headings alone,
so they match the built page; explicit ids (`{#id}`, `id="…"`) are read as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import markdown

from .source import prose_lines

if TYPE_CHECKING:
    from .post import Post

_ATX = re.compile(r"(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_EXPLICIT_ID = re.compile(r"""\{:?[^}]*#([\w:.-]+)[^}]*\}|\bid=["']([^"']+)["']""")


def anchors_of(post: Post) -> frozenset[str]:
    headings: list[str] = []
    explicit: set[str] = set()
    previous = ""
    for line in prose_lines(post.body, post.body_line):
        text = line.original.strip()
        if atx := _ATX.match(text):
            headings.append(atx[2])
        elif _SETEXT.fullmatch(text) and previous and not previous.startswith(("-", "*", "+", ">")):
            headings.append(previous)
        for match in _EXPLICIT_ID.finditer(line.text):
            explicit.add(match[1] or match[2])
        previous = "" if line.blank else text
    converter = markdown.Markdown(extensions=["toc", "attr_list"])
    converter.convert("\n\n".join(f"# {heading}" for heading in headings))
    return frozenset(_ids(converter.toc_tokens)) | explicit


def _ids(tokens: list[dict]):
    for token in tokens:
        yield token["id"]
        yield from _ids(token["children"])

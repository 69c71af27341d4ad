"""Heading ids, and the anchors a post's page will have, found without rendering the whole post.

A heading's id is the one the site these essays come from gives it: GitHub's (github-slugger:
lowercase, punctuation dropped, each space a `-`, a repeat numbered `-1`, `-2`…), except that an
apostrophe, a slash, an ampersand or an em dash separates words, and runs of `-` are one:
"How steering vectors impact GPT-2's capabilities" → `how-steering-vectors-impact-gpt-2-s-capabilities`.
Two more ids stay reachable on the same heading: GitHub's own (`…gpt-2s-capabilities`) and the
one Python-Markdown's `toc` gave before (the garden's old ids, so old links keep working).

Links written for other sites name headings their own way (LessWrong: `#Section_Two`; a
converter: `#1-Love-Hate`). `find_anchor` finds the heading such a fragment means by comparing
words, without case or punctuation.

`anchors_of` renders the post's headings alone with the same extension the site uses
(`garden.markdown.heading_ids`), so the ids match the built page; explicit ids (`{#id}`,
`id="…"`) are read as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote

import markdown
from markdown.extensions.toc import slugify as toc_slugify
from pymdownx.slugs import slugify as pymdownx_slugify

from .source import ATX_HEADING, prose_lines

if TYPE_CHECKING:
    from .post import Post

_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_EXPLICIT_ID = re.compile(r"""\{:?[^}]*#([\w:.-]+)[^}]*\}|\bid=["']([^"']+)["']""")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\]")
_RENDERED_ID = re.compile(r'\sid="([^"]*)"')

# github-slugger: lowercase, drop every character but letters, digits, `_`, `-` and spaces,
# then each space becomes a `-` (pymdownx.slugs implements exactly that).
github_slug = pymdownx_slugify(case="lower")
# The characters the original site turns into a `-` before slugging (its `preprocessSlug`).
_WORD_SEPARATORS = re.compile(r"['’‘/&—]")
_HYPHENS = re.compile(r"-{2,}")
_NOT_A_WORD = re.compile(r"[\W_]+")


def heading_slug(text: str) -> str:
    """The id of a heading with this text, before numbering repeats."""
    return _HYPHENS.sub("-", github_slug(_HYPHENS.sub("-", _WORD_SEPARATORS.sub("-", text)), "-"))


def github_heading_slug(text: str) -> str:
    return github_slug(text, "-")


def old_heading_slug(text: str) -> str:
    """The id Python-Markdown's `toc` gives (ASCII, `-` between words, repeats `_1`, `_2`…)."""
    return toc_slugify(text, "-")


def fragment_key(fragment: str) -> str:
    """A fragment's words, without case or punctuation: `Section_Two`, `section-two` and
    "Section two!" all give "section two"."""
    return " ".join(_NOT_A_WORD.sub(" ", unquote(fragment).casefold()).split())


def find_anchor(fragment: str, anchors: Iterable[str]) -> str | None:
    """The anchor a link's fragment leads to: the fragment itself, or else the anchor with the
    same words (the shortest, which is the heading's own id when several of its ids match)."""
    anchors = set(anchors)
    if fragment in anchors:
        return fragment
    if unquote(fragment) in anchors:
        return unquote(fragment)
    key = fragment_key(fragment)
    same = sorted((anchor for anchor in anchors if fragment_key(anchor) == key), key=lambda a: (len(a), a))
    return same[0] if key and same else None


def anchors_of(post: Post) -> frozenset[str]:
    headings: list[str] = []
    explicit: set[str] = set()
    previous = ""
    for line in prose_lines(post.body, post.body_line):
        text = line.original.strip()
        if atx := ATX_HEADING.match(text):
            headings.append(atx["text"])
        elif _SETEXT.fullmatch(text) and previous and not previous.startswith(("-", "*", "+", ">")):
            headings.append(previous)
        for match in _EXPLICIT_ID.finditer(line.text):
            explicit.add(match[1] or match[2])
        previous = "" if line.blank else text
    # Footnote references are left out of heading ids; here their definitions are missing, so
    # Python-Markdown would show them as text: take them out first.
    headings = [_FOOTNOTE_REFERENCE.sub("", heading) for heading in headings]
    converter = markdown.Markdown(extensions=["attr_list", "garden.markdown.heading_ids", "toc"])
    rendered = converter.convert("\n\n".join(f"# {heading}" for heading in headings))
    return frozenset(html.unescape(anchor) for anchor in _RENDERED_ID.findall(rendered)) | explicit

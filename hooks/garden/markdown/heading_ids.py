"""Heading ids as on GitHub and the remark sites essays come from, with the old ids kept.

    ## How steering vectors impact GPT-2's capabilities

gets `id="how-steering-vectors-impact-gpt-2-s-capabilities"` (the rule is in
`garden.model.anchors.heading_slug`), plus an empty `<span id="…">` at the start of the heading
for each other id that should still lead there: GitHub's own (`…-gpt-2s-capabilities`) and the
one Python-Markdown's `toc` gave (`…-gpt-2s-capabilities`, repeats `_1`), so links written for
GitHub, for the original site or for an earlier build of the garden all land on the heading.
An id the author set (`## Title {#mine}`) is kept and gets no others.

Why not `toc`'s `slugify` option with `pymdownx.slugs`: a heading has one id there, and the old
ids must stay reachable; the original site also splits words at apostrophes and slashes, which
no configurable slugify does; and the option takes a Python object, which `mkdocs.yml` can only
name with a `!!python/name:` tag that plain YAML readers reject. So this tree-processor sets the
ids before `toc` runs; `toc` keeps ids that are already there and builds the table of contents
and the permalinks from them. `garden.model.anchors.anchors_of` runs it too, to know a page's
anchors without rendering the page.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags, unique
from markdown.treeprocessors import Treeprocessor

from ..model.anchors import github_heading_slug, heading_slug, old_heading_slug

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class Slugger:
    """github-slugger's numbering: the second "Notes" is `notes-1`, the third `notes-2`."""

    def __init__(self, slug: Callable[[str], str], used: set[str]) -> None:
        self.slug, self.used, self.seen = slug, used, {}

    def __call__(self, text: str) -> str:
        base = self.slug(text) or "section"  # a heading of punctuation alone still needs an id
        result = base
        while result in self.used:
            self.seen[base] = self.seen.get(base, 0) + 1
            result = f"{base}-{self.seen[base]}"
        self.used.add(result)
        return result


class HeadingIdTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        used = {element.get("id") for element in root.iter() if element.get("id")}
        primary = Slugger(heading_slug, used)
        github = Slugger(github_heading_slug, set())
        old_ids, old_counters = set(used), {}
        extras: list[tuple[etree.Element, list[str]]] = []
        for heading in [element for element in root.iter() if element.tag in HEADINGS]:
            if heading.get("id"):
                continue  # the author's own
            text = html.unescape(strip_tags(render_inner_html(remove_fnrefs(heading), self.md)))
            heading.set("id", primary(text))
            extras.append((heading, [github(text), unique(old_heading_slug(text), old_ids, old_counters)]))
        # Every heading's own id first: another heading's old id never pushes one to `-1`.
        for heading, candidates in extras:
            anchors = [a for a in dict.fromkeys(candidates) if a and a not in used]
            used.update(anchors)
            for anchor in reversed(anchors):
                span = etree.Element("span", {"id": anchor})
                span.tail, heading.text = heading.text, None
                heading.insert(0, span)


class HeadingIdsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (20), cross-links (15, which write `@title` text) and attr_list
        # (8, the author's `{#id}`); before smarty (6), so ids come from the text as typed, and
        # before toc (5) and MkDocs' anchor collector (5), which take the ids from here.
        md.treeprocessors.register(HeadingIdTreeprocessor(md), "garden_heading_ids", 7)


def makeExtension(**kwargs) -> HeadingIdsExtension:
    return HeadingIdsExtension(**kwargs)

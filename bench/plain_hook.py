"""The one MkDocs hook of the plain build in bench/build_time.py: a lone tag becomes a list.

LessWrong exports write a single tag as a bare string (`tags: meta`). The garden normalises that
in its post model; Material's tags plugin alone aborts the build on it ("Expected iterable tags").
This hook does only that conversion, so the plain build can read the very same corpus while
costing next to nothing next to the garden's code it stands in for.
"""

from __future__ import annotations

from mkdocs.structure.pages import Page


def on_page_markdown(markdown: str, page: Page, **kwargs) -> str:
    # Runs at the default priority 0, before the tags plugin reads page.meta at priority -50.
    tags = page.meta.get("tags")
    if isinstance(tags, (str, int, float)):
        page.meta["tags"] = [str(tags)]
    return markdown

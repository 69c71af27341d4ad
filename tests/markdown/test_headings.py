"""garden.markdown.headings: Markdown in, parsed HTML out."""

from __future__ import annotations

from pathlib import Path

import markdown
from selectolax.lexbor import LexborHTMLParser

from garden.markdown.context import rendering
from garden.model.post import Post


def render(text: str, title: str | None = None) -> LexborHTMLParser:
    md = markdown.Markdown(extensions=["garden.markdown.headings", "toc"])
    if title is None:
        return LexborHTMLParser(md.convert(text))
    post = Post.parse(f"---\ntitle: {title}\n---\n", Path("x.md"), "x.md")
    with rendering(post):
        return LexborHTMLParser(md.convert(text))


def test_an_opening_heading_that_repeats_the_title_is_dropped():
    html = render("# The  *Same* title\n\nText.\n\n## Part\n", title="The Same Title")
    assert html.css("h1") == []
    assert [h.text() for h in html.css("h2")] == ["Part"]


def test_other_top_level_headings_become_second_level():
    html = render("# Another heading\n\nText.\n\n# Later\n", title="The title")
    assert html.css("h1") == []
    assert [h.text() for h in html.css("h2")] == ["Another heading", "Later"]


def test_a_title_heading_later_in_the_body_is_kept():
    html = render("Intro.\n\n# The title\n", title="The title")
    assert [h.text() for h in html.css("h2")] == ["The title"]


def test_without_a_post_headings_are_only_demoted():
    html = render("# Title\n")
    assert [h.text() for h in html.css("h2")] == ["Title"]


def test_the_table_of_contents_sees_the_demoted_levels():
    md = markdown.Markdown(extensions=["garden.markdown.headings", "toc"])
    md.convert("# One\n\n## Two\n")
    assert [(t["level"], t["name"]) for t in md.toc_tokens] == [(2, "One"), (2, "Two")]

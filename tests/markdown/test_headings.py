"""garden.markdown.headings: Markdown in, parsed HTML out."""

from __future__ import annotations

import markdown
from selectolax.lexbor import LexborHTMLParser

import pytest


@pytest.fixture
def render(tmp_path):
    """Convert `text`, as the body of a post titled `title` in a garden at tmp_path (or, with
    no title, as text that is no post's)."""

    def convert(text: str, title: str | None = None) -> LexborHTMLParser:
        if title is not None:
            (tmp_path / "x.md").write_text(f"---\ntitle: {title}\n---\n{text}", encoding="utf-8")
        md = markdown.Markdown(extensions=["garden.markdown.headings", "toc"], extension_configs={"garden.markdown.headings": {"content_dir": tmp_path}})
        return LexborHTMLParser(md.convert(text))

    return convert


def test_an_opening_heading_that_repeats_the_title_is_dropped(render):
    html = render("# The  *Same* title\n\nText.\n\n## Part\n", title="The Same Title")
    assert html.css("h1") == []
    assert [h.text() for h in html.css("h2")] == ["Part"]


def test_other_top_level_headings_become_second_level(render):
    html = render("# Another heading\n\nText.\n\n# Later\n", title="The title")
    assert html.css("h1") == []
    assert [h.text() for h in html.css("h2")] == ["Another heading", "Later"]


def test_a_title_heading_later_in_the_body_is_kept(render):
    html = render("Intro.\n\n# The title\n", title="The title")
    assert [h.text() for h in html.css("h2")] == ["The title"]


def test_without_a_post_headings_are_only_demoted(render):
    html = render("# Title\n")
    assert [h.text() for h in html.css("h2")] == ["Title"]


def test_the_table_of_contents_sees_the_demoted_levels():
    md = markdown.Markdown(extensions=["garden.markdown.headings", "toc"])
    md.convert("# One\n\n## Two\n")
    assert [(t["level"], t["name"]) for t in md.toc_tokens] == [(2, "One"), (2, "Two")]

"""Raw HTML that does not balance is repaired, so the post stays inside the page's <article>.

Markdown in; the HTML as converted (not as a parser has tidied it) is placed inside the theme's
article, parsed as a browser parses it, and checked for what a reader would notice."""

from __future__ import annotations

import textwrap

import markdown
import pytest
from conftest import site_markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from garden.markdown.htmlbalance import HtmlBalancePostprocessor


def convert(source: str) -> tuple[str, markdown.Markdown]:
    converter = site_markdown()
    return converter.convert(textwrap.dedent(source)), converter


def in_page(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(
        f'<div class="md-content"><article id="post">{html}</article></div><aside id="after">Page chrome</aside>'
    )


def article_children(page: LexborHTMLParser) -> list[str]:
    return [node.tag for node in page.css_first("article").iter()]


def test_a_stray_end_tag_cannot_close_the_article():
    # Regression: test-page.md (line 1064): an extra </div> put all 16 footnotes outside <article>.
    html, converter = convert(
        """\
        <div class="timeline">
            <div class="card">One</div>
        </div>
        </div>

        After the timeline.[^1]

        [^1]: A note.
        """
    )
    page = in_page(html)
    article = page.css_first("article")
    assert article.parent.attributes["class"] == "md-content"
    assert article.css_first("p").text() == "After the timeline.1"
    assert article.css_first(".footnote li#fn\\:1") is not None
    assert [(r.kind, r.tag.text) for r in converter.html_repairs] == [("stray", "</div>")]
    assert "<!-- garden: removed a stray </div> -->" in html


def test_an_element_never_closed_holds_only_its_own_block():
    html, converter = convert('<figure class="wide">\n<img src="a.png" alt="A">\n\nThe next paragraph.\n\n## A heading\n')
    page = in_page(html)
    figure = page.css_first("figure.wide")
    assert figure.css_first("img").attributes["alt"] == "A"
    assert "next paragraph" not in figure.text()
    assert page.css_first("article > h2") is not None
    assert [(r.kind, r.tag.name) for r in converter.html_repairs] == [("unclosed", "figure")]


def test_an_unclosed_inline_element_ends_with_its_paragraph():
    html, _ = convert("Some <b>bold and <a href='#x'>a link.\n\nA plain paragraph.\n")
    page = in_page(html)
    first, second = page.css("article > p")
    assert first.css_first("b a").text() == "a link."
    assert second.css("b, a") == []  # the browser does not carry <b> or <a> on into it
    assert second.text() == "A plain paragraph."


def test_html_balanced_across_blocks_is_left_alone():
    source = '<div id="wrap">\n<p>Intro.</p>\n\n> [!note] Inside\n> The box.\n\n</div>\n\nOutside.\n'
    html, converter = convert(source)
    assert converter.html_repairs == []
    page = in_page(html)
    assert page.css_first("div#wrap > div.admonition.note") is not None
    assert page.css_first("article > p").text() == "Outside."


@pytest.mark.parametrize(
    "source",
    [
        # Regression: test-page.md (192-198): a select whose option lines Markdown wraps in paragraphs.
        '<label for="s">Pick:</label>\n<select id="s">\n  <option value="1">One</option>\n  <option value="2">Two</option>\n</select>\n',
        '<svg viewBox="0 0 2 2"><path d="M0 0"/><circle r="1"/></svg>\n\nAfter.\n',
        "<ul>\n<li>one\n<li>two\n</ul>\n\n<p>An open paragraph\n<div>and a div.</div>\n",
        "Math: $a<b$ and `</div>` in code.\n",
    ],
    ids=["select", "svg", "implied-end-tags", "math-and-code"],
)
def test_what_a_browser_reads_as_balanced_is_not_repaired(source):
    html, converter = convert(source)
    assert [r for r in converter.html_repairs if r.noticeable] == []
    page = in_page(html)
    assert page.css_first("article").parent.attributes["class"] == "md-content"
    if "<select" in source:
        assert [o.text() for o in page.css("select#s > option")] == ["One", "Two"]


def test_it_works_as_a_plain_python_markdown_extension():
    html = markdown.markdown("<div>\n<p>x</p>\n</div>\n</div>\n\nAfter.\n", extensions=["garden.markdown.htmlbalance"])
    page = in_page(html)
    assert page.css_first("article > p").text() == "After."


# A page whose every piece of raw HTML balances by itself is passed over without reading the
# whole page (`_each_balanced`). Random pages of balanced and unbalanced pieces, Markdown around
# them, come out the same, repairs included, as when every page is read in full.
HTML_PIECES = st.sampled_from(
    ["<b>", "</b>", "<div>", "</div>", "<div>\n", "\n</div>\n", "<span>x</span>", "<p>", "</p>", "<li>", "<ul>",
     "</ul>", "<br>", "<img src=x>", "<svg><path d='M0'/></svg>", "<select><option>a</select>", "<!-- c -->",
     "<script>'</div>'</script>", "<em>'q'</em>", "\n\n", "\n", "text", "'quote'", "*em*", "`</div>`", "> ",
     "- ", "$a<b$", "&amp;", "[^1]", "\n\n[^1]: note <b>", "\n\n```\n<div>\n```\n"]
)


@settings(max_examples=400, deadline=None)
@given(source=st.lists(HTML_PIECES, max_size=25).map("".join))
def test_pages_passed_over_as_balanced_come_out_as_when_read_in_full(source):
    quick, quick_converter = convert(source)
    quick_repairs = [(r.kind, r.tag.name) for r in quick_converter.html_repairs]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HtmlBalancePostprocessor, "_each_balanced", lambda self, text, restore: False)
        full, full_converter = convert(source)
    assert quick == full
    assert quick_repairs == [(r.kind, r.tag.name) for r in full_converter.html_repairs]

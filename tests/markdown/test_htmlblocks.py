"""Raw HTML blocks end at a blank line, as in CommonMark: Markdown between HTML tags renders.
Markdown in, parsed HTML out, with the site's extensions (and once without md_in_html)."""

from __future__ import annotations

import markdown
import pytest
from conftest import render
from selectolax.lexbor import LexborHTMLParser


def test_callouts_inside_a_div_after_a_blank_line_render_inside_it():
    # Regression: punctilio.md (lines 29-72): three callouts inside a <div> showed `[!info] Input`.
    html = render(
        """\
        <div id="demo">
        <div class="modes"><button>One</button></div>

        > [!info] Input
        > <div class="raw"><textarea></textarea></div>

        > [!abstract] Options
        > Pick one.

        </div>

        After the demo.
        """
    )
    demo = html.css_first("div#demo")
    assert [box.css_first(".admonition-title").text() for box in demo.css("div.admonition")] == ["Input", "Options"]
    assert demo.css_first("div.modes button").text() == "One"
    assert demo.css_first("div.admonition.info > div.raw > textarea") is not None  # not wrapped in a <p>
    assert html.css("p:empty") == []
    assert "[!" not in html.body.text()
    assert html.css("body > p")[-1].text() == "After the demo."


def test_markdown_between_html_tags_renders():
    html = render(
        """\
        <section class="aside">

        A *claim* with a note.[^n]

        - one
        - two

        </section>

        [^n]: The note.
        """
    )
    section = html.css_first("section.aside")
    assert section.css_first("p em").text() == "claim"
    assert [li.text() for li in section.css("ul > li")] == ["one", "two"]
    assert section.css_first("sup a.footnote-ref").attributes["href"] == "#fn:n"


def test_details_with_markdown_inside_renders_it():
    html = render("<details>\n<summary>More</summary>\n\nMarkdown **inside**.\n\n</details>\n")
    details = html.css_first("details")
    assert details.css_first("summary").text() == "More"
    assert details.css_first("p strong").text() == "inside"


@pytest.mark.parametrize(
    "source, selector, kept",
    [
        ("<pre>\nline one\n\n*not emphasis*\n</pre>\n", "pre", "*not emphasis*"),
        ("<script>\nconst a = 1;\n\nconst b = '*x*';\n</script>\n", "script", "const b = '*x*';"),
        ('<div class="c">\n<script>\nlet a;\n\nlet b = "*y*";\n</script>\n</div>\n', "script", 'let b = "*y*";'),
    ],
    ids=["pre", "script", "script-inside-a-div"],
)
def test_a_blank_line_does_not_end_pre_or_script(source, selector, kept):
    html = render(source)
    assert kept in html.css_first(selector).text()
    assert html.css("em") == []


def test_html_without_blank_lines_is_still_one_raw_block():
    html = render('<div class="raw">\n*not emphasis* and [!note] as typed\n</div>\n')
    assert html.css_first("div.raw").text().strip() == "*not emphasis* and [!note] as typed"


def test_markdown_in_html_keeps_working():
    html = render('<div class="box" markdown="1">\n\n> [!tip] Inside\n> Body.\n\n</div>\n')
    assert html.css_first("div.box > div.admonition.tip .admonition-title").text() == "Inside"


def test_a_div_written_inside_a_callout_is_not_wrapped_in_a_paragraph():
    html = render('> [!note] A form\n> <div class="field">\n> <input type="text">\n> </div>\n')
    box = html.css_first("div.admonition.note")
    assert box.css_first("div.field > input") is not None
    assert [p.attributes.get("class") for p in box.css("p")] == ["admonition-title"]


def test_it_works_without_md_in_html():
    source = '<div id="demo">\n\n> [!note] Hi\n> There.\n\n</div>\n'
    converter = markdown.Markdown(extensions=["pymdownx.quotes", "garden.markdown.htmlblocks"], extension_configs={"pymdownx.quotes": {"callouts": True}})
    html = LexborHTMLParser(converter.convert(source))
    assert html.css_first("div#demo > div.admonition.note .admonition-title").text() == "Hi"

"""Math: garden.markdown.math and pymdownx.arithmatex as mkdocs.yml configures them. Display math
wherever a `$$` line stands, the TeX passed to the browser's typesetter untouched; `\\[` and `\\(` in prose are text."""

from __future__ import annotations

import markdown
from conftest import render
from selectolax.lexbor import LexborHTMLParser


def display(html) -> list[str]:
    """The TeX of each display-math block, as Temml's renderMathInElement will read it."""
    return [node.text() for node in html.css("div.arithmatex")]


def inline(html) -> list[str]:
    return [node.text() for node in html.css("span.arithmatex")]


def test_display_math_touching_the_text_above_and_below():
    html = render(
        """\
        Our problem is:
        $$
        \\min_{x_i} \\sum_{i} x_i^2
        $$
        where each _x_ is real.
        """
    )
    assert display(html) == ["\\[\n\\min_{x_i} \\sum_{i} x_i^2\n\\]"]
    assert [p.text() for p in html.css("body > p")] == ["Our problem is:", "where each x is real."]
    assert [e.text() for e in html.css("em")] == ["x"]  # the prose's emphasis, none from the TeX
    assert "$$" not in html.body.text()


def test_the_tex_keeps_its_backslash_escapes_and_underscores():
    html = render("Estimate:\n$$\n\\mathbb{P}(\\text{a_b} > 1) \\approx 15\\%, \\{x\\} \\\\\n$$\n")
    assert display(html) == ["\\[\n\\mathbb{P}(\\text{a_b} > 1) \\approx 15\\%, \\{x\\} \\\\\n\\]"]
    assert html.css("em") == []


def test_blank_lines_inside_display_math():
    html = render(
        """\
        $$
        \\begin{aligned}
        a &= b \\\\

        c &= d
        \\end{aligned}
        $$

        After.
        """
    )
    assert display(html) == ["\\[\n\\begin{aligned}\na &= b \\\\\n\nc &= d\n\\end{aligned}\n\\]"]
    assert html.css_first("body > p").text() == "After."


def test_display_math_in_a_list_item_a_callout_and_a_footnote():
    html = render(
        """\
        1. Before.

            $$
            x = y
            $$

            After.

        > [!math] A callout
        > It says
        > $$
        > E = mc^2
        > $$

        Cited.[^eq]

        [^eq]: More concretely,
            $$
            p \\approx 15\\%
            $$
            where p is small.
        """
    )
    assert display(html.css_first("ol > li")) == ["\\[\nx = y\n\\]"]
    assert display(html.css_first("div.admonition")) == ["\\[\nE = mc^2\n\\]"]
    note = html.css_first("div.footnote li")
    assert display(note) == ["\\[\np \\approx 15\\%\n\\]"]
    assert "where p is small." in note.text()
    assert "$$" not in html.body.text()


def test_a_list_item_whose_math_is_indented_to_its_text():
    html = render("- The sum\n  $$\n  1 + 1\n  $$\n- Next item\n")
    first, second = html.css("ul > li")
    assert display(first) == ["\\[\n1 + 1\n\\]"]
    assert second.text().strip() == "Next item"


def test_one_line_display_math_between_lines_of_text():
    html = render("Before.\n$$x = y$$\nAfter.\n")
    assert display(html) == ["\\[x = y\\]"]
    assert [p.text() for p in html.css("p")] == ["Before.", "After."]


def test_display_math_alone_is_arithmatexs_as_before():
    html = render("Text.\n\n$$\na^2 + b^2 = c^2\n$$\n\nMore.\n")
    assert display(html) == ["\\[\na^2 + b^2 = c^2\n\\]"]


def test_an_unclosed_dollar_pair_is_text():
    html = render("Costs\n$$ and more\n\nNothing closes it.\n")
    assert display(html) == []
    assert "$$ and more" in html.body.text()


def test_math_in_code_is_code():
    html = render("```latex\n$$\nx\n$$\n```\n\n    $$\n    indented code\n    $$\n")
    assert display(html) == []
    assert [c.text() for c in html.css("pre code")] == ["$$\nx\n$$\n", "$$\nindented code\n$$\n"]


def test_escaped_brackets_and_parentheses_in_prose_are_text():
    html = render("> \\[...\\] she said \\(sic\\).\n\n\\[not math\\]\n")
    assert display(html) == [] and inline(html) == []
    assert [p.text() for p in html.css("p")] == ["[…] she said (sic).", "[not math]"]


def test_inline_math_as_remark_math_reads_it():
    """Spaces inside are allowed (`$ f, g $`); a dollar sign in prose is written `\\$`."""
    html = render("For $ f, g \\in F^S$ and $a_1*b*$ at \\$5 each.\n")
    assert inline(html) == ["\\( f, g \\in F^S\\)", "\\(a_1*b*\\)"]
    assert html.css("em") == []
    assert html.css_first("p").text().endswith("at $5 each.")


def test_without_the_extension_arithmatex_shows_the_dollars_and_markdown_mangles_the_tex():
    """What the extension fixes, so the tests above can fail."""
    text = "Problem:\n$$\na_1 + b_1\n$$\n"
    plain = LexborHTMLParser(markdown.markdown(text, extensions=["pymdownx.arithmatex"], extension_configs={"pymdownx.arithmatex": {"generic": True}}))
    assert "$$" in plain.body.text() and plain.css("div.arithmatex") == []
    fixed = LexborHTMLParser(
        markdown.markdown(text, extensions=["pymdownx.arithmatex", "garden.markdown.math"], extension_configs={"pymdownx.arithmatex": {"generic": True}})
    )
    assert display(fixed) == ["\\[\na_1 + b_1\n\\]"]

"""Obsidian callouts, Markdown in and parsed HTML out, with the site's own extensions."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, render

from garden.markdown.callouts import GARDEN_TYPES, OBSIDIAN_TYPES


def callout_classes(node) -> list[str]:
    return [c for c in (node.attributes.get("class") or "").split() if c != "admonition"]


@pytest.mark.parametrize("kind", sorted(OBSIDIAN_TYPES | GARDEN_TYPES))
def test_every_type_renders_as_an_admonition_with_its_default_title(kind):
    html = render(f"> [!{kind.upper()}]\n> Body text.\n")
    box = html.css_first("div.admonition")
    assert callout_classes(box) == [kind]
    assert box.css_first(".admonition-title").text() == kind.title()
    assert box.css_first("p:not(.admonition-title)").text() == "Body text."


def test_every_garden_type_has_a_style_and_an_icon():
    css = (REPO / "overrides/assets/stylesheets/callouts.css").read_text(encoding="utf-8")
    styled = re.search(r":is\(\.admonition, details\):is\(([^)]*)\) \{\s*border-color", css)[1]
    for kind in GARDEN_TYPES:
        rule = re.search(rf"\.md-typeset :is\(\.admonition, details\)\.{kind} \{{([^}}]*)\}}", css)
        assert rule and "--garden-callout-rgb:" in rule[1], kind
        assert '--garden-callout-icon: url("data:image/svg+xml' in rule[1], kind
        assert f".{kind}" in styled.split(", "), kind


def test_an_unknown_type_still_renders_as_an_admonition():
    box = render("> [!goose] Honk\n> Body.\n").css_first("div.admonition")
    assert callout_classes(box) == ["goose"]  # Material's default admonition look is the note's
    assert box.css_first(".admonition-title").text() == "Honk"


def test_titles_keep_links_emphasis_code_html_and_math():
    title = render(
        '> [!quote] See [the source](https://example.org) *now*, `code`, '
        '<span class="book-citation">A Book</span> and $x^2$\n> Body.\n'
    ).css_first(".admonition-title")
    assert title.css_first("a").attributes["href"] == "https://example.org"
    assert title.css_first("em").text() == "now"
    assert title.css_first("code").text() == "code"
    assert title.css_first("span.book-citation").text() == "A Book"
    assert title.css_first(".arithmatex").text() == r"\(x^2\)"


def test_foldable_callouts_are_details_closed_or_open():
    html = render("> [!tip]- Closed\n> Hidden.\n\n> [!warning]+ Open\n> Shown.\n")
    closed, opened = html.css("details")
    assert callout_classes(closed) == ["tip"] and "open" not in closed.attributes
    assert closed.css_first("summary").text() == "Closed"
    assert callout_classes(opened) == ["warning"] and "open" in opened.attributes


def test_callouts_nest_two_and_three_deep():
    html = render("> [!note] One\n> > [!tip] Two\n> > > [!danger]- Three\n> > > Deepest.\n")
    one = html.css_first("div.note")
    two = one.css_first("div.tip")
    three = two.css_first("details.danger")
    assert three.css_first("summary").text() == "Three"
    assert three.css_first("p").text() == "Deepest."


@pytest.mark.parametrize(
    "source",
    [
        "- First item.\n\n  > [!tip] In the item\n  > Body.\n\n- Second item.\n",  # 2 spaces
        "- First item.\n\n    > [!tip] In the item\n    > Body.\n\n- Second item.\n",  # 4 spaces
        "1. First item.\n\n   > [!tip] In the item\n   > Body.\n\n2. Second item.\n",  # 3, ordered
        "- First item.\n  > [!tip] In the item\n  > Body.\n- Second item.\n",  # no blank line
    ],
    ids=["two-spaces", "four-spaces", "ordered-three-spaces", "no-blank-line"],
)
def test_a_callout_inside_a_list_item_stays_in_that_item(source):
    html = render(source)
    items = html.css("li")
    assert len(items) == 2 and len(html.css("ul, ol")) == 1
    assert items[0].css_first("div.admonition.tip .admonition-title").text() == "In the item"
    assert items[1].css_first("div.admonition") is None


def test_a_plain_quote_after_a_list_is_left_to_markdown():
    html = render("- Item.\n\n  > Just a quote.\n")
    assert html.css_first("li blockquote p").text() == "Just a quote."


def test_lists_code_tables_and_footnotes_inside_a_callout():
    html = render(
        """\
        > [!example] Everything inside
        > - one
        > - two
        >
        > ```python
        > x = 1
        > ```
        >
        > | a | b |
        > |---|---|
        > | 1 | 2 |
        >
        > A claim.[^inside]
        >
        > [^inside]: Defined inside the callout.
        """
    )
    box = html.css_first("div.admonition.example")
    assert [li.text() for li in box.css("ul > li")] == ["one", "two"]
    assert box.css_first("pre code").text().strip() == "x = 1"
    assert [td.text() for td in box.css("table td")] == ["1", "2"]
    reference = box.css_first("sup a.footnote-ref")
    note = html.css_first(reference.attributes["href"].replace(":", "\\:"))
    assert "Defined inside the callout." in note.text()


def test_a_callout_directly_after_a_paragraph_line():
    html = render("A paragraph line\n> [!note] Right after\n> Body.\n")
    assert html.css_first("p").text() == "A paragraph line"
    assert html.css_first("div.admonition.note .admonition-title").text() == "Right after"


def test_a_marker_inside_code_is_left_alone():
    html = render("```markdown\n> [!note] Not a callout\n```\n\nAnd `> [!tip]` inline.\n")
    assert html.css("div.admonition") == []
    assert "[!note]" in html.css_first("pre").text()


@pytest.mark.parametrize(
    "source",
    [
        "- Outer.\n    - Inner.\n\n      > [!tip] In the inner item\n      > Body.\n\n- Next outer.\n",  # 2 past the inner marker
        "- Outer.\n    - Inner.\n\n        > [!tip] In the inner item\n        > Body.\n\n- Next outer.\n",  # 4 past it
        "- Outer.\n    - Inner.\n      > [!tip] In the inner item\n      > Body.\n- Next outer.\n",  # no blank line
    ],
    ids=["two-spaces", "four-spaces", "no-blank-line"],
)
def test_a_callout_in_a_nested_list_item_stays_in_that_item(source):
    html = render(source)
    inner = html.css_first("ul ul > li")
    assert inner.css_first("div.admonition.tip .admonition-title").text() == "In the inner item"
    assert html.css("pre") == []  # not shown as code
    assert [li.text().strip() for li in html.css("body > ul > li")][1] == "Next outer."


def test_a_callout_under_a_definition_stays_in_the_definition():
    # Regression: inner-and-outer-alignment-…md (~405-413): a quote two spaces under a `: definition`.
    html = render("Term\n: The definition.\n\n  > [!quote]\n  > Quoted under it.\n\nAfter.\n")
    definition = html.css_first("dl > dd")
    assert definition.css_first("div.admonition.quote p:not(.admonition-title)").text() == "Quoted under it."
    assert html.css("body > p")[-1].text() == "After."

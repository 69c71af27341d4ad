"""garden.markdown.lists: a list may start on the line after a paragraph (CommonMark). Markdown
in, parsed HTML out, with the site's extensions."""

from __future__ import annotations

import markdown
from conftest import render
from selectolax.lexbor import LexborHTMLParser


def items(node) -> list[str]:
    return [li.text().strip() for li in node.css("li")]


def test_a_bulleted_list_straight_after_a_paragraph_line():
    html = render(
        """\
        The garden needs three things:
        - water
        - light
        """
    )
    assert [p.text() for p in html.css("body > p")] == ["The garden needs three things:"]
    assert items(html.css_first("body > ul")) == ["water", "light"]


def test_an_ordered_list_that_starts_at_one():
    html = render("Two problems with that plan.\n1. It is late.\n2. It is dear.\n")
    assert html.css_first("body > p").text() == "Two problems with that plan."
    assert items(html.css_first("body > ol")) == ["It is late.", "It is dear."]


def test_a_number_other_than_one_does_not_start_a_list():
    """CommonMark: `2019. was a year` inside a paragraph is text, not a list."""
    html = render("It rained all through\n2019. The beds flooded.\n")
    assert html.css("ol") == []
    assert html.css_first("p").text() == "It rained all through\n2019. The beds flooded."


def test_a_lone_marker_or_a_marker_without_a_space_is_text():
    html = render("Compost is warm\n-that is the point\n*really* warm.\n")
    assert html.css("ul") == []
    assert [e.text() for e in html.css("em")] == ["really"]


def test_text_after_the_list_is_the_list_items_lazy_continuation():
    html = render("Before:\n- one\n- two\nstill two\n\nAfter.\n")
    assert items(html.css_first("ul")) == ["one", "two\nstill two"]
    assert [p.text() for p in html.css("body > p")] == ["Before:", "After."]


def test_in_a_quote_and_a_callout():
    html = render(
        """\
        > He threatened to:
        > 1. cancel the contract,
        > 2. call in the lawyers.

        > [!note] Steps
        > Do this:
        > - dig
        > - plant
        """
    )
    quote = html.css_first("blockquote")
    assert quote.css_first("p").text() == "He threatened to:"
    assert items(quote.css_first("ol")) == ["cancel the contract,", "call in the lawyers."]
    callout = html.css_first("div.admonition.note")
    assert items(callout.css_first("ul")) == ["dig", "plant"]


def test_in_a_list_item_and_a_footnote():
    html = render(
        """\
        - A task, in steps:

            Do these:
            - first
            - second

        See the note.[^1]

        [^1]: The note lists:
            - one thing
            - another
        """
    )
    nested = html.css_first("body > ul > li > ul")
    assert items(nested) == ["first", "second"]
    note = html.css_first("div.footnote li")
    assert note.css_first("p").text() == "The note lists:"
    assert items(note.css_first("ul")) == ["one thing", "another"]


def test_a_heading_or_a_rule_inside_the_block_is_still_a_heading_or_a_rule():
    html = render("Intro line\n- item\n\n## Heading\nText\n- - -\n")
    assert items(html.css_first("ul")) == ["item"]
    assert html.css_first("h2").text().startswith("Heading")
    assert html.css("hr")


def test_without_the_extension_python_markdown_runs_the_list_into_the_paragraph():
    """The behaviour the extension exists to change, so the test above can fail."""
    html = LexborHTMLParser(markdown.markdown("The deal:\n- one\n- two\n"))
    assert html.css("ul") == []
    with_it = LexborHTMLParser(markdown.markdown("The deal:\n- one\n- two\n", extensions=["garden.markdown.lists"]))
    assert items(with_it.css_first("ul")) == ["one", "two"]


def test_blocks_indented_to_the_items_text_stay_in_the_item():
    """CommonMark's content column (3 spaces under `1.`, 2 under `-`), where Python-Markdown
    wants 4: the equation, the paragraph and the table stay in their items, and the list goes on."""
    html = render(
        """\
        1. Before.

           $$
           x = y
           $$

           After.

        2. A table.

           | A | B |
           |---|---|
           | 1 | 2 |

        Between.

        - A bullet.

          Its second paragraph.

          - and a list inside it

        Outside.
        """
    )
    first, second = html.css("body > ol > li")
    assert [p.text() for p in first.css("p")] == ["Before.", "After."]
    assert [m.text() for m in first.css("div.arithmatex")] == ["\\[\nx = y\n\\]"]
    assert second.css_first("p").text() == "A table." and second.css("table")
    bullet = html.css_first("body > ul > li")
    assert [p.text() for p in bullet.css("p")] == ["A bullet.", "Its second paragraph."]
    assert items(bullet.css_first("ul")) == ["and a list inside it"]
    assert [p.text() for p in html.css("body > p")] == ["Between.", "Outside."]


def test_a_block_indented_less_than_the_items_text_or_after_a_footnote_is_not_the_items():
    html = render(
        """\
        1. One.

          Two spaces, short of the text of the item.

        - An item.

        [^1]: A note.

          Indented, but after the note, not the list.

        Cited.[^1]
        """
    )
    assert [li.text().strip() for li in html.css("body > ol > li, body > ul > li")] == ["One.", "An item."]
    assert [p.text() for p in html.css("body > p")][0] == "Two spaces, short of the text of the item."
    # After a footnote, an indented block continues the note (garden.markdown.footnotes), never the list.
    assert "Indented, but after the note" in html.css_first("div.footnote li").text()

"""Footnotes wherever authors put them, checked on the rendered HTML: every reference is a
superscript link to a note that exists, and every note links back to a reference that exists."""

from __future__ import annotations

import markdown
import pytest
from conftest import render
from selectolax.lexbor import LexborHTMLParser


def note_for(html, reference):
    target = reference.attributes["href"]
    assert target.startswith("#")
    return html.css_first(f"[id='{target[1:]}']")


def assert_all_links_work(html) -> None:
    ids = {node.attributes["id"] for node in html.css("[id]")}
    references = html.css("sup > a.footnote-ref")
    assert references, "no footnote reference rendered"
    for reference in references:
        assert reference.parent.tag == "sup"
        assert reference.attributes["href"][1:] in ids
    for backlink in html.css("a.footnote-backref"):
        assert backlink.attributes["href"][1:] in ids
    assert "[^" not in html.body.text()


def test_a_definition_right_under_the_paragraph_that_cites_it():
    html = render("First paragraph.[^1]\n\n[^1]: Placed mid-document.\n\nSecond paragraph.\n")
    assert_all_links_work(html)
    assert [p.text() for p in html.css("body > p")] == ["First paragraph.1", "Second paragraph."]
    assert "Placed mid-document." in note_for(html, html.css_first("a.footnote-ref")).text()


def test_a_definition_inside_a_list_item():
    html = render("- An item with a note.[^item]\n  [^item]: Defined in the item.\n- Another item.\n")
    assert_all_links_work(html)
    assert [li.text().strip() for li in html.css("body > ul > li")] == ["An item with a note.1", "Another item."]
    assert "Defined in the item." in note_for(html, html.css_first("a.footnote-ref")).text()


def test_a_reference_and_definition_inside_a_callout():
    html = render("> [!note] Aside\n> Cited here.[^c]\n>\n> [^c]: From the callout.\n")
    assert_all_links_work(html)
    assert html.css_first("div.admonition sup a.footnote-ref") is not None
    assert html.css_first("div.admonition .footnote") is None  # the notes go to the end of the page


def test_a_multi_paragraph_definition():
    html = render(
        "Claim.[^long]\n\n[^long]: First paragraph of the note.\n\n    Second paragraph.\n\n"
        "        code in the note\n\nBack in the text.\n"
    )
    assert_all_links_work(html)
    note = note_for(html, html.css_first("a.footnote-ref"))
    assert [p.text().strip() for p in note.css("p") if p.text().strip() != "\u21a9"] == [
        "First paragraph of the note.",
        "Second paragraph.",
    ]
    assert note.css_first("pre code").text().strip() == "code in the note"
    assert html.css("body > p")[-1].text() == "Back in the text."


def test_a_footnote_that_cites_another():
    html = render("Text.[^outer]\n\n[^outer]: See also the next note.[^inner]\n[^inner]: The inner note.\n")
    assert_all_links_work(html)
    outer = note_for(html, html.css_first("body > p a.footnote-ref"))
    inner_reference = outer.css_first("a.footnote-ref")
    assert "The inner note." in note_for(html, inner_reference).text()


def test_the_same_footnote_cited_twice_has_one_note_with_two_backlinks():
    html = render("Once.[^twice] And again.[^twice]\n\n[^twice]: Shared note.\n")
    assert_all_links_work(html)
    references = html.css("a.footnote-ref")
    assert len(references) == 2
    assert {r.attributes["href"] for r in references} == {"#fn:twice"}
    assert len({r.parent.attributes["id"] for r in references}) == 2  # each reference has its own anchor
    note = note_for(html, references[0])
    assert len(note.css("a.footnote-backref")) == 2


def test_named_and_numbered_labels_are_numbered_in_order_of_citation():
    html = render("A.[^why] B.[^7]\n\n[^7]: Seven.\n[^why]: Why.\n")
    assert_all_links_work(html)
    assert [r.text() for r in html.css("a.footnote-ref")] == ["1", "2"]
    notes = html.css(".footnote li")
    assert [n.attributes["id"] for n in notes] == ["fn:why", "fn:7"]


def numbers_read(html) -> list[str]:
    """The footnote numbers a reader meets, in document order (text first, then the notes)."""
    return [reference.text() for reference in html.css("a.footnote-ref")]


def listed(html) -> list[str]:
    return [item.attributes["id"].removeprefix("fn:") for item in html.css(".footnote > ol > li")]


def test_notes_are_numbered_in_reading_order_wherever_the_reference_stands():
    # Regression: steering-gpt-2-xl-…md's first note read "41", deep-causal-transcoding's "20":
    # references in callouts, list items and tables were numbered after the top-level ones.
    html = render(
        """\
        > [!note] A callout first
        > It cites a note.[^callout]

        A paragraph.[^paragraph]

        - A list item.[^item]

        | cell | cell |
        |------|------|
        | a table[^table] | b |

        > > A nested quote.[^nested]

        [^paragraph]: In the text.
        [^table]: In a table.
        [^item]: In a list.
        [^callout]: In a callout.
        [^nested]: In a nested quote.
        """
    )
    assert_all_links_work(html)
    assert numbers_read(html) == ["1", "2", "3", "4", "5"]
    assert listed(html) == ["callout", "paragraph", "item", "table", "nested"]
    titles = [a.attributes["title"] for a in html.css(".footnote a.footnote-backref")]
    assert titles == [f"Jump back to footnote {n} in the text" for n in range(1, 6)]


def test_a_note_cited_only_from_another_note_is_numbered_after_the_notes_of_the_text():
    # As remark, GitHub and the original site number them: a reader meets it while reading notes.
    html = render("One.[^a] Two.[^b]\n\n[^a]: A cites a note.[^inner]\n[^b]: B.\n[^inner]: Inner.\n")
    assert_all_links_work(html)
    assert listed(html) == ["a", "b", "inner"]
    assert numbers_read(html) == ["1", "2", "3"]


def test_a_note_cited_twice_links_back_to_its_references_in_reading_order():
    html = render("> [!tip] First\n> Here.[^twice]\n\nThen here.[^twice]\n\n[^twice]: Shared.\n")
    first, second = html.css("sup[id] > a.footnote-ref")
    assert first.parent.attributes["id"] == "fnref:twice"  # the callout's, read first
    assert second.parent.attributes["id"] == "fnref2:twice"
    assert [a.attributes["href"] for a in html.css(".footnote a.footnote-backref")] == ["#fnref:twice", "#fnref2:twice"]


def test_a_note_nobody_cites_is_listed_last():
    html = render("Text.[^b]\n\n[^a]: Orphan.\n[^b]: Cited.\n")
    assert listed(html) == ["b", "a"]


def test_definitions_indented_inside_a_multi_paragraph_note_are_kept():
    # Regression: mechanistically-eliciting-latent-behaviors-in-language-1.md (~1017-1029), where
    # nine definitions indented under [^5] were dropped and their references led nowhere.
    html = render(
        "A.[^5] B.[^6] C.[^7]\n\n[^5]:\n    First paragraph.\n\n    Second paragraph.\n"
        "    [^6]: Six, indented like the note above.\n    [^7]: Seven.\n"
    )
    assert_all_links_work(html)
    assert listed(html) == ["5", "6", "7"]
    five = note_for(html, html.css_first("a.footnote-ref"))
    assert [p.text().replace("\u21a9", "").strip() for p in five.css("p")] == ["First paragraph.", "Second paragraph."]
    assert "Six, indented" in html.css(".footnote li")[1].text()


def test_a_definition_inside_a_note_is_kept():
    html = render("A.[^outer] B.[^inner]\n\n[^outer]: Outer text.\n    [^inner]: Defined in the outer note's text.\n")
    assert_all_links_work(html)
    assert listed(html) == ["outer", "inner"]
    assert "Defined in the outer" in html.css(".footnote li")[1].text()


@pytest.mark.parametrize(
    "source",
    [
        # Regression: best-reasons-for-pessimism-…md (~59-67): two spaces, a comment before the quote.
        "Text.[^1]\n\n[^1]: Someone said:\n  \n  <!-- vale off -->\n  > [!quote]\n  >\n  > The words.\n  <!-- vale on -->\n\nAfter.\n",
        # Regression: the-first-rung-…md (~262-276): comments at the margin around four-space quotes.
        "Text.[^1]\n\n[^1]: Someone said:\n\n<!-- vale off -->\n    > [!quote]\n    >\n    > The words.\n<!-- vale on -->\n\nAfter.\n",
        "Text.[^1]\n\n[^1]: Someone said:\n\n    > A plain quote: The words.\n\nAfter.\n",
    ],
    ids=["two-spaces-and-a-comment", "comments-at-the-margin", "four-spaces"],
)
def test_a_quote_or_callout_inside_a_note_stays_in_the_note(source):
    html = render(source)
    assert_all_links_work(html)
    note = html.css_first(".footnote li")
    assert "The words." in note.css_first("blockquote, div.admonition").text()
    assert html.css("body > .admonition, body > blockquote, body > pre, body > .highlight") == []
    assert [p.text() for p in html.css("body > p")] == ["Text.1", "After."]


def test_a_later_paragraph_indented_two_spaces_stays_in_the_note():
    # Regression: maze-solving-agents-…md (~382-387): an image two spaces in, after a blank line.
    html = render("Text.[^7]\n\n[^7]: A note.\n\n    Four spaces in.\n\n  ![A maze](maze.png)\n\nAfter.\n")
    note = html.css_first(".footnote li")
    assert note.css_first("img").attributes["alt"] == "A maze"
    assert [p.text() for p in html.css("body > p")] == ["Text.1", "After."]


def test_definition_order_can_still_be_chosen():
    converter = markdown.Markdown(
        extensions=["garden.markdown.footnotes"], extension_configs={"garden.markdown.footnotes": {"USE_DEFINITION_ORDER": True}}
    )
    html = LexborHTMLParser(converter.convert("A.[^b] B.[^a]\n\n[^a]: First defined.\n[^b]: Second defined.\n"))
    assert numbers_read(html) == ["2", "1"]
    assert listed(html) == ["a", "b"]


def test_it_works_as_a_plain_python_markdown_extension():
    html = LexborHTMLParser(markdown.markdown("- Item.[^x]\n\n[^x]: Note.\n", extensions=["garden.markdown.footnotes"]))
    assert_all_links_work(html)

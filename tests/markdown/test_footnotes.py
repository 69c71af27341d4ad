"""Footnotes wherever authors put them, checked on the rendered HTML: every reference is a
superscript link to a note that exists, and every note links back to a reference that exists."""

from __future__ import annotations

from conftest import render


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

"""garden.markdown.heading_ids: heading ids as on GitHub and the original site, the old ids still
reachable. Markdown in, parsed HTML out, with the site's extensions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import render

from garden.model.anchors import anchors_of, find_anchor, fragment_key, github_heading_slug, heading_slug
from garden.model.post import Post


def heading_ids(html) -> list[tuple[str, list[str]]]:
    """Each heading's id and the extra anchors inside it."""
    return [
        (h.attributes["id"], [span.attributes["id"] for span in h.css("span[id]")])
        for h in html.css("h1, h2, h3, h4, h5, h6")
    ]


@pytest.mark.parametrize(
    ("heading", "own", "extra"),
    [
        ("Why the roots matter", "why-the-roots-matter", []),
        ("How steering vectors impact GPT-2's capabilities", "how-steering-vectors-impact-gpt-2-s-capabilities", ["how-steering-vectors-impact-gpt-2s-capabilities"]),
        ("III: Outer/inner just isn’t how alignment works", "iii-outer-inner-just-isn-t-how-alignment-works", ["iii-outerinner-just-isnt-how-alignment-works"]),
        ("Appendix A: definitions of “outer/inner alignment”", "appendix-a-definitions-of-outer-inner-alignment", ["appendix-a-definitions-of-outerinner-alignment"]),
        ("1\\. Love − Hate", "1-love-hate", ["1-love--hate"]),
        ("Testing that we're \"just injecting tokens\"", "testing-that-we-re-just-injecting-tokens", ["testing-that-were-just-injecting-tokens"]),
        ("Über Gödel & *friends*", "über-gödel-friends", ["über-gödel--friends", "uber-godel-friends"]),
    ],
)
def test_the_id_and_the_other_ids_that_still_lead_to_the_heading(heading, own, extra):
    [(got, extras)] = heading_ids(render(f"## {heading}\n"))
    assert got == own
    assert extras == extra


def test_the_table_of_contents_and_the_permalink_use_the_heading_id():
    html = render("## GPT-2's capabilities\n")
    heading = html.css_first("h2")
    assert heading.css_first("a.headerlink").attributes["href"] == "#gpt-2-s-capabilities"
    assert heading.text().replace("¶", "") == "GPT-2’s capabilities"  # the extra anchor is empty


def test_repeated_headings_are_numbered_as_on_github_and_old_ids_keep_their_numbers():
    html = render("## Notes\n\n## Notes\n\n## Notes\n")
    assert heading_ids(html) == [("notes", []), ("notes-1", ["notes_1"]), ("notes-2", ["notes_2"])]


def test_an_extra_anchor_never_takes_another_headings_own_id():
    """GitHub and the old toc called the first heading `gpt-2s-use`, the second's own id: the
    second keeps it, and gets the ids GitHub and toc gave *it* as extras."""
    html = render("## GPT-2's use\n\n## GPT-2s use\n")
    assert heading_ids(html) == [("gpt-2-s-use", []), ("gpt-2s-use", ["gpt-2s-use-1", "gpt-2s-use_1"])]


def test_an_id_the_author_set_is_kept_alone():
    html = render("## Roots {#the-roots}\n\n## Roots\n")
    assert heading_ids(html) == [("the-roots", []), ("roots", [])]


def test_footnote_references_are_not_part_of_the_id():
    html = render("## A claim[^1]\n\n[^1]: Its source.\n")
    assert heading_ids(html)[0] == ("a-claim", [])


def test_every_id_is_unique_in_the_page():
    html = render("## Don't stop\n\n## Dont stop\n\n## Don’t stop\n\n## Don't-stop\n")
    ids = [node.attributes["id"] for node in html.css("[id]")]
    assert len(ids) == len(set(ids))


def test_fragments_written_for_other_sites_find_the_heading_with_the_same_words():
    anchors = {"how-it-works", "1-love-hate", "1-love--hate", "section-two"}
    assert find_anchor("Section_Two", anchors) == "section-two"  # LessWrong
    assert find_anchor("1-Love-Hate", anchors) == "1-love-hate"  # another converter
    assert find_anchor("How%20it%20works", anchors) == "how-it-works"
    assert find_anchor("how-it-works", anchors) == "how-it-works"
    assert find_anchor("nowhere", anchors) is None
    assert find_anchor("", anchors) is None
    assert fragment_key("Self_aware_desires_1__wireheading") == "self aware desires 1 wireheading"


def test_the_anchors_found_without_rendering_are_those_the_page_gets():
    body = (
        "# Title\n\nIntro.\n\n## GPT-2's capabilities[^1]\n\n## Notes\n\n## Notes\n\n"
        "Setext heading: “quoted”\n---\n\n## Own {#mine}\n\n<span id=\"raw\"></span>\n\n[^1]: A note.\n"
    )
    source = Post.parse(f"---\ntitle: Title\n---\n{body}", Path("x.md"), "x.md")
    rendered = render(body)
    headings = {node.attributes["id"] for node in rendered.css("h2, h2 > span[id]")}
    assert anchors_of(source) >= headings
    assert anchors_of(source) - headings == {"raw"}


def test_a_heading_of_punctuation_alone_still_gets_an_id():
    assert heading_slug("?!") == "" and github_heading_slug("?!") == ""
    assert heading_ids(render("## ?!\n\n## ...\n")) == [("section", ["_1"]), ("section-1", ["_2"])]

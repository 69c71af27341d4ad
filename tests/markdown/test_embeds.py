"""`![[…]]` embeds and `@title` links, rendered with the site's extensions inside a garden:
pictures found as Obsidian finds them, transclusions of posts, sections and blocks with their
links rebased, and readable text for `@title` links that lead outside the garden."""

from __future__ import annotations

from pathlib import Path

from conftest import post, published, render, site_markdown
from selectolax.lexbor import LexborHTMLParser

from garden.model.index import Garden

GARDEN = {
    "essays/pruning.md": post(
        "On pruning",
        """\
        Cutting back.

        ## When to cut

        In late winter, before the sap rises. See [the shears](../tools.md) and
        [the roots](#roots), ![the saw](saw.png), [the weeds](/weeds).[^1]

        ### Which branches

        The crossing ones.

        ## Roots

        Leave them be. ^roots-rule

        [^1]: A note that belongs to this page.
        """,
        permalink="pruning",
    ),
    "essays/saw.png": b"\x89PNG\r\n\x1a\n",
    "images/heron.avif": b"AVIF",
    "tools.md": post("Tools", "Shears.\n", permalink="tools"),
    "weeds.md": post("On weeds", "Weeds come back.\n", permalink="weeds"),
}


def garden_page(tmp_path: Path, body: str, files: dict | None = None, name: str = "notes/here.md") -> LexborHTMLParser:
    """Render `body` as the post `name` of a garden holding GARDEN (and `files`)."""
    content = tmp_path / "content"
    for path, text in {**GARDEN, **(files or {}), name: post("Here", body, permalink="here")}.items():
        target = content / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text) if isinstance(text, bytes) else target.write_text(text, encoding="utf-8")
    garden = Garden.load(content)
    page = garden.post_at(name)
    with published(garden):
        return LexborHTMLParser(site_markdown().convert(page.body))


def test_a_picture_embed_is_an_image_with_its_alt_text(tmp_path):
    html = garden_page(tmp_path, "![[https://example.org/heron.avif|A heron at dawn]]\n")
    image = html.css_first("img")
    # (loading and decoding: garden.markdown.images, as for every picture)
    assert image.attributes == {"src": "https://example.org/heron.avif", "alt": "A heron at dawn", "loading": "lazy", "decoding": "async"}
    assert "![[" not in html.body.text()


def test_a_local_picture_is_found_by_its_name_anywhere_and_linked_from_the_page(tmp_path):
    html = garden_page(tmp_path, "![[heron.avif|A heron]] and ![[saw.png|300x200]]\n")
    heron, saw = html.css("img")
    assert heron.attributes["src"] == "../images/heron.avif"
    assert saw.attributes["src"] == "../essays/saw.png"
    assert (saw.attributes["width"], saw.attributes["height"], saw.attributes["alt"]) == ("300", "200", "")


def test_a_class_after_a_picture_embed_styles_it_and_its_caption_floats_with_it(tmp_path):
    html = garden_page(tmp_path, '![[heron.avif|A heron]]{.float-right style="width:20%;"}\nFigure: Floats.\n')
    figure = html.css_first("figure")
    assert figure.attributes["class"] == "float-right" and figure.attributes["style"] == "width:20%;"
    assert figure.css_first("figcaption").text() == "Floats."


def test_videos_and_sounds_get_controls(tmp_path):
    html = garden_page(tmp_path, "![[https://example.org/walk.mp4|A walk]]\n\n![[https://example.org/song.mp3]]\n")
    assert html.css_first("video").attributes["aria-label"] == "A walk"
    assert "controls" in html.css_first("video").attributes and "controls" in html.css_first("audio").attributes


def test_a_section_embed_shows_that_section_with_its_subsections_and_its_source(tmp_path):
    html = garden_page(tmp_path, "Before.\n\n![[pruning#When to cut]]\n\nAfter.\n")
    box = html.css_first("div.transclusion")
    text = box.text()
    assert "In late winter" in text and "The crossing ones." in text
    assert "Leave them be" not in text  # the next section at the same level is not included
    assert box.css_first("h3").text().startswith("Which branches")
    source = box.css_first("p.transclusion-source a")
    assert source.text() == "On pruning § When to cut"
    assert source.attributes["href"] == "../essays/pruning.md#when-to-cut"
    assert "![[" not in html.body.text()


def test_a_section_is_found_by_its_id_and_a_trailing_hash_takes_its_lede(tmp_path):
    html = garden_page(tmp_path, "![[/pruning#when-to-cut#]]\n")
    text = html.css_first("div.transclusion").text()
    assert "In late winter" in text and "The crossing ones." not in text


def test_links_in_a_transclusion_lead_where_they_led_in_their_post(tmp_path):
    html = garden_page(tmp_path, "![[On pruning#When to cut]]\n")
    box = html.css_first("div.transclusion")
    hrefs = {a.text(): a.attributes["href"] for a in box.css("a")}
    assert hrefs["the shears"] == "../tools.md"  # relative to essays/, rebased for notes/
    assert hrefs["the roots"] == "../essays/pruning.md#roots"  # an anchor of the other post
    assert hrefs["the weeds"] == "../weeds.md"  # a garden link, resolved as usual
    assert box.css_first("img").attributes["src"] == "../essays/saw.png"
    assert not box.css("sup, .footnote-ref") and "[^1]" not in box.text()  # its note is on its page


def test_a_block_embed_and_a_whole_post_embed(tmp_path):
    html = garden_page(tmp_path, "![[pruning#^roots-rule]]\n\n![[weeds]]\n")
    block, whole = html.css("div.transclusion")
    assert block.css_first("p").text() == "Leave them be."
    assert whole.css_first("p").text() == "Weeds come back."
    assert whole.css_first(".transclusion-source a").text() == "On weeds"


def test_an_embed_inside_a_quote_and_a_post_embed_mid_sentence(tmp_path):
    html = garden_page(tmp_path, "> ![[weeds]]\n\nAs ![[pruning#Roots]] says.\n")
    assert html.css_first("blockquote div.transclusion") is not None
    link = html.css_first("body > p > a.transclusion-link")
    assert link.text() == "On pruning § Roots" and link.attributes["href"] == "../essays/pruning.md#roots"


def test_an_embed_that_leads_nowhere_shows_its_name_marked_missing(tmp_path):
    html = garden_page(tmp_path, "![[nowhere#Part]]\n\n![[pruning#No such part]]\n")
    missing = html.css(".transclusion--missing")
    assert [node.text() for node in missing] == ["nowhere § Part", "pruning § No such part"]
    assert "![[" not in html.body.text()


def test_a_post_that_embeds_itself_links_instead_of_looping(tmp_path):
    html = garden_page(tmp_path, "## Loop\n\nOnce.\n\n![[here#Loop]]\n")
    box = html.css_first("div.transclusion")
    assert html.body.text().count("Once.") == 2  # the section, and one copy of it inside it
    loop = box.css_first("p:not(.transclusion-source) > a.transclusion-link")
    assert loop.text() == "Here § Loop"  # the copy's own embed: a link, not a third copy


def test_outside_a_garden_pictures_still_render():
    html = render("![[https://example.org/a.png|Alt]]\n")
    assert html.css_first("img").attributes["alt"] == "Alt"


# @title (garden.markdown.crosslinks)


def test_title_links_outside_the_garden_read_as_words_from_their_address(tmp_path):
    html = garden_page(
        tmp_path,
        "## A heading here\n\n[@title](/no-such-essay#its-part), [@title](https://example.org/notes/), "
        "[@title](#a-heading-here), [@title-lower](/weeds) and [\"@title\"](./weeds).\n",
    )
    texts = [a.text() for a in html.css("p a")]
    assert texts == ["No such essay § Its part", "example.org/notes", "A heading here", "on weeds", '"On weeds"']
    assert "@title" not in html.body.text()


def test_title_fallback_runs_outside_a_garden_too():
    html = render("## Seeds\n\n[@title](#seeds) and [@title](/slow-growth).\n")
    assert [a.text() for a in html.css("p a")] == ["Seeds", "Slow growth"]

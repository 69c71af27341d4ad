"""The original site's authoring conventions, Markdown in and parsed HTML out with the site's
extensions: `Subtitle:` lines, `Table:`/`Figure:`/`Code:` captions, `{.class}` lines, `> !`
spoilers and mermaid fences. (Embeds and `@title` need a garden: test_embeds.py,
test_crosslinks.py.)"""

from __future__ import annotations

from conftest import render


def classes(node) -> list[str]:
    return (node.attributes.get("class") or "").split()


# Subtitles (garden.markdown.subtitles)


def test_a_subtitle_line_under_a_heading_becomes_its_subtitle():
    html = render("## Keep passwords apart\n\nSubtitle: Time: 30 minutes, with a [link](https://example.org).\n\nThe text.\n")
    subtitle = html.css_first("h2 + p")
    assert classes(subtitle) == ["subtitle"]
    assert subtitle.text() == "Time: 30 minutes, with a link."
    assert subtitle.css_first("a").attributes["href"] == "https://example.org"
    assert "Subtitle:" not in html.body.text()


def test_a_subtitle_in_a_callout_follows_its_title():
    html = render("> [!quote] On gardens\n> Subtitle: By a gardener\n>\n> Weeds grow.\n")
    box = html.css_first("div.admonition")
    title, subtitle, body = box.css("p")
    assert classes(title) == ["admonition-title"]
    assert classes(subtitle) == ["subtitle"] and subtitle.text() == "By a gardener"
    assert body.text() == "Weeds grow."


def test_only_the_first_line_of_a_run_on_subtitle_is_the_subtitle():
    html = render("Subtitle: June 5th, 2024\nThe text goes *on* here.\n")
    subtitle, rest = html.css("p")
    assert classes(subtitle) == ["subtitle"] and subtitle.text() == "June 5th, 2024"
    assert classes(rest) == [] and rest.text() == "The text goes on here."
    assert rest.css_first("em").text() == "on"


def test_subtitle_in_the_middle_of_a_paragraph_and_in_code_stays_text():
    html = render("Her name was Subtitle: a cat.\n\n`Subtitle: x`\n\n```\nSubtitle: y\n```\n")
    assert not html.css(".subtitle")
    assert html.css_first("p").text() == "Her name was Subtitle: a cat."
    assert html.css_first("pre").text().strip() == "Subtitle: y"


# Captions (garden.markdown.captions)


def test_a_figure_line_under_an_image_becomes_its_figcaption():
    html = render("![A heron](heron.png)\nFigure: A heron at *dawn*.\n")
    figure = html.css_first("figure")
    assert figure.css_first("img").attributes["alt"] == "A heron"
    caption = figure.css_first("figcaption > p")
    assert caption.text() == "A heron at dawn." and caption.css_first("em").text() == "dawn"
    assert "Figure:" not in html.body.text()


def test_a_caption_after_a_line_break_or_a_blank_line_is_a_caption_too():
    html = render("![A](a.png)<br/>Figure: After a break.\n\n![B](b.png)\n\nFigure: After a blank line.\n")
    first, second = html.css("figure")
    assert first.css_first("img").attributes["src"] == "a.png"
    assert first.css_first("figcaption").text() == "After a break."
    assert not first.css("br")
    assert second.css_first("img").attributes["src"] == "b.png"
    assert second.css_first("figcaption").text() == "After a blank line."


def test_a_table_line_becomes_the_tables_caption():
    html = render("| seed | solved |\n|---|---|\n| 0 | yes |\n\n<!-- a comment between -->\n\nTable: Which mazes were *solved*.\n")
    table = html.css_first("table")
    caption = table.css_first("caption")
    assert caption.text() == "Which mazes were solved." and caption.css_first("em")
    assert next(table.iter()).tag == "caption"  # the table's first child, as HTML requires
    assert not html.css("figure")


def test_a_code_line_captions_a_code_block_and_a_diagram():
    html = render("```python\nx = 1\n```\n\nCode: Setting x.\n\n```mermaid\ngraph LR\n  A --> B\n```\n\nCode: A diagram.\n")
    code, diagram = html.css("figure")
    assert classes(code) == ["code-figure"] and code.css_first("code").text().strip() == "x = 1"
    assert code.css_first("figcaption").text().strip() == "Setting x."
    assert diagram.css_first("pre.mermaid") is not None
    assert diagram.css_first("figcaption").text().strip() == "A diagram."


def test_a_caption_of_a_video_wraps_the_raw_html():
    html = render('<video src="film.mp4" controls></video>\n\nFigure: The film.\n')
    figure = html.css_first("figure")
    assert figure.css_first("video").attributes["src"] == "film.mp4"
    assert figure.css_first("figcaption").text() == "The film."


def test_a_caption_with_nothing_to_caption_is_a_caption_paragraph():
    html = render("## Heading\n\nFigure: Nothing above but a heading.\n")
    paragraph = html.css_first("p")
    assert classes(paragraph) == ["caption"] and paragraph.text() == "Nothing above but a heading."
    assert not html.css("figure")


def test_a_figure_line_inside_a_quote_captions_the_quoted_block():
    html = render("> ```python\n> x = 1\n> ```\n>\n> Code: Quoted code.\n")
    figure = html.css_first("blockquote figure.code-figure")
    assert figure is not None and figure.css_first("figcaption").text().strip() == "Quoted code."


def test_words_like_table_mid_sentence_stay_text():
    html = render("I set the Table: a cloth, plates.\n\n![A](a.png) and Figure: not a caption.\n")
    assert not html.css("figure, caption, .caption")


# Attribute lines (garden.markdown.attributes)


def test_a_class_line_after_a_table_styles_that_table_in_a_box():
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n{.full-width .center-table-headings}\n\nTable: Wide.\n")
    box = html.css_first("div.garden-table")
    assert classes(box) == ["garden-table", "full-width", "center-table-headings"]
    table = box.css_first("table")
    assert "class" not in table.attributes  # Material styles and scrolls only class-less tables
    assert table.css_first("caption").text() == "Wide."
    assert "{" not in html.body.text()


def test_a_class_line_after_an_image_goes_to_the_image_and_then_its_figure():
    html = render('![A](a.png)\n\n{.float-right style="width: 20%"}\n\nFigure: Floats with it.\n')
    figure = html.css_first("figure")
    assert classes(figure) == ["float-right"] and figure.attributes["style"] == "width: 20%"
    image = figure.css_first("img")
    assert "class" not in image.attributes and "style" not in image.attributes


def test_an_inline_class_after_an_image_stays_attr_lists():
    image = render("![A](a.png){.float-right} and text.\n").css_first("img")
    assert classes(image) == ["float-right"]


def test_an_id_at_the_end_of_a_paragraph_goes_to_the_paragraph():
    html = render("Displayed content. {#shown}\n")
    paragraph = html.css_first("p")
    assert paragraph.attributes["id"] == "shown" and paragraph.text() == "Displayed content."


def test_braces_that_are_not_attributes_stay_text():
    html = render("A set {1, 2} and {x}.\n\n{not attributes here}\n\n{x}\n")
    assert [p.text() for p in html.css("p")] == ["A set {1, 2} and {x}.", "{not attributes here}", "{x}"]
    assert all("class" not in p.attributes and "x" not in p.attributes for p in html.css("p"))


# Spoilers (garden.markdown.spoilers)


def test_a_spoiler_is_a_closed_details_with_its_text_inside():
    html = render("> ! Snape kills\n> ! *Dumbledore*.\n")
    spoiler = html.css_first("details.spoiler")
    assert "open" not in spoiler.attributes
    assert spoiler.css_first("summary").text() == "Spoiler"
    content = spoiler.css_first(".spoiler-content p")
    assert content.text() == "Snape kills\nDumbledore." and content.css_first("em")
    assert not html.css("blockquote")


def test_the_unspaced_form_and_several_paragraphs_make_one_spoiler():
    html = render(">! First.\n>!\n>! Second.\n")
    spoilers = html.css("details.spoiler")
    assert len(spoilers) == 1
    assert [p.text() for p in spoilers[0].css(".spoiler-content p")] == ["First.", "Second."]


def test_a_quote_with_an_unmarked_line_stays_a_quote():
    html = render("> ! Hidden?\n> Not all of it.\n\n> ![An image](a.png) in a quote\n\n> !important is a word\n")
    assert not html.css("details")
    assert len(html.css("blockquote")) == 3


# Mermaid (pymdownx.superfences custom fence)


def test_a_mermaid_fence_is_left_for_material_to_draw():
    html = render("```mermaid\ngraph TD\n  A --> B\n```\n")
    diagram = html.css_first("pre.mermaid")
    assert diagram.css_first("code").text() == "graph TD\n  A --> B"
    assert not html.css(".highlight")  # not highlighted as code

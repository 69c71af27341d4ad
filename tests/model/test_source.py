"""garden.model.source: a post's source as lines of prose, code left out, positions kept."""

from __future__ import annotations

from garden.model.source import SourceLink, links_on, prose_lines


def texts(body: str) -> list[tuple[int, int, str]]:
    return [(line.number, line.depth, line.text.rstrip()) for line in prose_lines(body, 10) if not line.blank]


def test_code_of_every_kind_is_left_out_and_line_numbers_kept():
    body = "Prose `inline` here.\n\n```python\ncode = 1\n```\n\n    indented code\n\n~~~\nmore\n~~~\nEnd.\n"
    assert texts(body) == [(10, 0, "Prose          here."), (21, 0, "End.")]


def test_quote_markers_are_counted_and_columns_point_into_the_file():
    [line] = [line for line in prose_lines("> > Nested [[x]]\n") if not line.blank]
    assert (line.depth, line.text) == (2, "Nested [[x]]")
    assert line.column_of(line.text.index("[[")) == 12  # 1-based, in the file's line


def test_a_fence_inside_a_quote_ends_with_the_quote():
    body = "> ```\n> code in a quote\n\nProse after.\n"
    assert texts(body) == [(13, 0, "Prose after.")]


def test_raw_html_blocks_are_marked_and_comments_blanked():
    lines = [line for line in prose_lines("<div>\ninside [!note]\n</div>\n\nText <!-- hidden --> shown.\n") if not line.blank]
    assert [line.html_block for line in lines] == ["div", "div", "div", None]
    assert lines[-1].text == "Text                 shown."


def prose(body: str):
    return [line for line in prose_lines(body) if not line.blank]


def test_links_on_a_line_in_order_with_their_columns():
    [line] = prose('See [a](/one "t") and [[two|2]] and [b](<three four>).\n')
    assert list(links_on(line)) == [
        SourceLink("url", "/one", 1, 9),
        SourceLink("url", "three four", 1, 41),
        SourceLink("wikilink", "two|2", 1, 23),
    ]
    [definition] = prose("[label]: https://example.org/x\n")
    assert [link.target for link in links_on(definition)] == ["https://example.org/x"]
    [embed] = prose("![[picture.png]] and `[[code]]`\n")
    assert list(links_on(embed)) == []

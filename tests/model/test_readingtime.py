"""garden.model.readingtime: the words on a reader's way, counted on the source."""

from __future__ import annotations

import pytest

from garden.model.readingtime import reading_minutes, words_read


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("One two three.\n", 3),
        ("## A heading\n\n- one item\n- two [items](https://example.org/a/long/url)\n", 6),
        ("Text with `inline code` and\n\n```\ncode block words\n```\n", 3),
        ("Before.\n\n> [!note]- Folded\n> hidden words here\n\nAfter.\n", 2),
        ("Before.\n\n> [!note]+ Open\n> shown words\n\nAfter.\n", 6),
        ("Cited.[^1]\n\n[^1]: note words\n    more note words\n\nAfter the note.\n", 4),
        ("| a | b |\n|---|---|\n| c | d |\n", 4),
        ("<div class='x'>raw html</div>\n\nWords <em>inside</em> tags.\n", 3),
    ],
)
def test_words_a_reader_meets(body, words):
    assert words_read(body) == words


def test_minutes_round_up_at_230_words_a_minute():
    assert reading_minutes("") == 1
    assert reading_minutes(" ".join(["w"] * 230)) == 1
    assert reading_minutes(" ".join(["w"] * 231)) == 2

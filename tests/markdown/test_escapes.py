"""Backslash escapes as in CommonMark (pymdownx.escapeall, as mkdocs.yml configures it): a
backslash before any ASCII punctuation shows the character alone."""

from __future__ import annotations

import string

import markdown
import pytest
from conftest import render
from selectolax.lexbor import LexborHTMLParser


@pytest.mark.parametrize("char", sorted(set(string.punctuation) - {"\\"}))
def test_every_ascii_punctuation_character_can_be_escaped(char):
    html = render(f"a\\{char}b\n")
    assert html.css_first("p").text() == f"a{char}b"


def test_the_escapes_the_corpus_uses():
    html = render("Up 62\\% from 3\\%, \\#1 on the list, R\\&D, snake\\_case, a\\<b\n")
    assert html.css_first("p").text() == "Up 62% from 3%, #1 on the list, R&D, snake_case, a<b"
    assert html.css("em") == []


def test_an_escaped_backslash_and_a_backslash_at_the_end_of_a_line():
    html = render("C:\\\\garden\\\\beds\nnext line\\\nafter a break\n")
    paragraph = html.css_first("p")
    assert len(paragraph.css("br")) == 1
    assert paragraph.text() == "C:\\garden\\beds\nnext line\nafter a break"


def test_escapes_in_code_and_math_are_left_as_written():
    html = render("`100\\%` and $50\\% \\_x$\n\n```\n\\#\n```\n")
    assert [c.text() for c in html.css("code")] == ["100\\%", "\\#\n"]
    assert html.css_first("span.arithmatex").text() == "\\(50\\% \\_x\\)"


def test_python_markdown_alone_shows_the_backslash():
    """The behaviour escapeall changes, so the tests above can fail."""
    plain = LexborHTMLParser(markdown.markdown("62\\% and R\\&D\n"))
    assert plain.css_first("p").text() == "62\\% and R\\&D"

"""garden.markdown.drafts: a draft's text never reaches a page built without the hook."""

from __future__ import annotations

import markdown
import pytest
from conftest import post
from selectolax.lexbor import LexborHTMLParser

from garden.markdown import context
from garden.markdown.drafts import NOTICE
from garden.model.index import Garden

BODY = "A secret plan, not yet published.\n"


@pytest.fixture
def content(tmp_path):
    (tmp_path / "draft.md").write_text(post("Draft", BODY, publish="false"), encoding="utf-8")
    (tmp_path / "done.md").write_text(post("Done", "Published words.\n"), encoding="utf-8")
    context._loaded.clear()
    yield tmp_path
    context.publish(None)
    context._loaded.clear()


def text(content, source: str) -> str:
    md = markdown.Markdown(extensions=["garden.markdown.drafts"], extension_configs={"garden.markdown.drafts": {"content_dir": content}})
    return LexborHTMLParser(md.convert(source)).text().strip()


def test_a_draft_converts_to_a_notice_only(content):
    assert text(content, BODY) == NOTICE.strip("*")


def test_published_posts_and_other_text_are_untouched(content):
    assert text(content, "Published words.") == "Published words."
    assert text(content, "Not a post at all.") == "Not a post at all."


def test_a_preview_that_shows_drafts_shows_the_text(content):
    garden = Garden.load(content)
    garden.drafts_visible = True  # as the hook sets it under `mkdocs serve`
    context.publish(garden)
    assert text(content, BODY) == BODY.strip()

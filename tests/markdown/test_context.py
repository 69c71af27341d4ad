"""garden.markdown.context: extensions find the post being converted by its text, in the index
the hook built or, without the hook, in one they load from `content_dir` themselves."""

from __future__ import annotations

import os
from pathlib import Path

import markdown
import pytest
from conftest import post
from markdown.treeprocessors import Treeprocessor

from garden.markdown import context
from garden.markdown.context import GardenExtension, PostIdentifier, current_page
from garden.model.index import Garden


class Spy(GardenExtension):
    """Records, for each conversion, the title of the post the garden extensions saw."""

    seen: list[str | None] = []

    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        spy = self

        class Look(Treeprocessor):
            def run(self, root):
                page = current_page()
                spy.seen.append(page.post.title if page else None)

        md.treeprocessors.register(Look(md), "spy", 1)


def convert(content_dir: Path, text: str) -> str | None:
    Spy.seen = []
    markdown.Markdown(extensions=[Spy(content_dir=content_dir)]).convert(text)
    return Spy.seen[0]


@pytest.fixture(autouse=True)
def no_hook():
    context.publish(None)
    context._loaded.clear()
    yield
    context.publish(None)
    context._loaded.clear()


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_posts_body_converts_with_its_post_and_other_text_without(tmp_path):
    write(tmp_path, "a.md", post("First", "Some words.\n"))
    write(tmp_path, "b.md", post("Second", "\r\nOther words.\r\n"))
    assert convert(tmp_path, "Some words.") == "First"
    assert convert(tmp_path, "Other words.\n") == "Second"  # line ends and blank lines aside
    assert convert(tmp_path, "A snippet that is no post.") is None
    assert current_page() is None  # only during a conversion


def test_two_posts_with_one_text_are_neither(tmp_path):
    write(tmp_path, "a.md", post("First", "Same.\n"))
    write(tmp_path, "b.md", post("Second", "Same.\n"))
    assert convert(tmp_path, "Same.") is None


def test_a_folder_that_is_not_there_gives_no_post(tmp_path):
    assert convert(tmp_path / "missing", "Some words.") is None


def test_without_the_hook_a_new_build_sees_the_changed_folder(tmp_path):
    path = write(tmp_path, "a.md", post("First", "Some words.\n"))
    write(tmp_path, "b.md", post("Second", "Other words.\n"))
    assert convert(tmp_path, "Some words.") == "First"
    assert convert(tmp_path, "Other words.") == "Second"
    path.write_text(post("Renamed", "Some words.\n"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    # The first page again: a new build (as under `mkdocs serve`), which reloads the index.
    assert convert(tmp_path, "Some words.") == "Renamed"


def test_during_a_garden_build_the_hooks_index_is_used_whatever_content_dir_says(tmp_path):
    write(tmp_path / "garden", "a.md", post("From the hook", "Some words.\n"))
    write(tmp_path / "other", "a.md", post("From the option", "Some words.\n"))
    context.publish(Garden.load(tmp_path / "garden"))
    assert convert(tmp_path / "other", "Some words.") == "From the hook"
    context.publish(None)
    assert convert(tmp_path / "other", "Some words.") == "From the option"


def test_every_garden_extension_shares_one_identification(tmp_path):
    md = markdown.Markdown(extensions=["garden.markdown.headings", "garden.markdown.crosslinks", "garden.markdown.drafts"])
    assert sum(isinstance(processor, PostIdentifier) for processor in md.preprocessors) == 1

"""Dependency tracking for cached pages (garden.speed.trace): a cached result is reused only while
every question it asked the garden gets the same answer."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import post

from garden.model.index import Garden
from garden.speed.trace import Trace, TracingGarden

TARGET = post("The target", "Intro.\n\n## Roots\n\nSome words about roots.\n", permalink="target", aliases=["old-target"])
SOURCE = post("The source", "See [[target]] and [[The target#Roots]].\n", permalink="source")


def garden_of(root: Path, files: dict[str, str | None]) -> Garden:
    """Write (or, for None, delete) files under `root`, then index it afresh, as a build does."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return Garden.load(root)


def traced_questions(garden: Garden) -> Trace:
    """What a page linking to the target asks while it renders."""
    tracing = TracingGarden(garden)
    target = tracing.find("target")
    assert target is not None
    tracing.lookup("The target")
    tracing.anchors(target)
    tracing.find("missing")
    return tracing.trace


@pytest.fixture
def garden(tmp_path) -> Garden:
    return garden_of(tmp_path, {"target.md": TARGET, "source.md": SOURCE})


# --------------------------------------------------------------------------------------------
# What is recorded


def test_questions_and_their_answers_are_recorded(garden):
    trace = traced_questions(garden)
    names = [name for name, _args, _kwargs in trace.reads]
    assert names == ["find", "lookup", "anchors", "find"]
    assert trace.reads[("find", ("missing",), ())] is None
    # The post asked about is written down by its file, to be found again in a later garden.
    assert ("anchors", (("post", "target.md"),), ()) in trace.reads


def test_a_tracing_garden_answers_like_the_garden(garden):
    tracing = TracingGarden(garden)
    target = garden.find("target")
    assert tracing.find("old-target") is target
    assert tracing.lookup("the target") == (target, [])
    assert tracing.anchors(target) == garden.anchors(target) >= {"roots"}
    assert tracing.listed() == garden.listed()
    assert tracing.tags == garden.tags


def test_the_unchanged_garden_holds(tmp_path, garden):
    trace = traced_questions(garden)
    assert trace.holds(garden)
    assert trace.holds(Garden.load(tmp_path))  # a fresh index of the same files


# --------------------------------------------------------------------------------------------
# Which changes invalidate


def test_an_edit_to_the_targets_words_only_still_holds(tmp_path, garden):
    """Pages that link to an essay need not be rebuilt when only its prose changes."""
    trace = traced_questions(garden)
    edited = TARGET.replace("Some words about roots.", "Other, longer words about roots and soil.")
    assert edited != TARGET
    assert trace.holds(garden_of(tmp_path, {"target.md": edited}))


def test_a_new_title_of_the_target_does_not_hold(tmp_path, garden):
    """A wikilink shows the title: the linking page must be rendered again."""
    trace = traced_questions(garden)
    assert not trace.holds(garden_of(tmp_path, {"target.md": TARGET.replace("title: The target", "title: The aim")}))


def test_any_frontmatter_change_of_the_target_does_not_hold(tmp_path, garden):
    trace = traced_questions(garden)
    changed = TARGET.replace("permalink: target", "permalink: target\ndescription: Now described.")
    assert not trace.holds(garden_of(tmp_path, {"target.md": changed}))


def test_a_renamed_heading_of_the_target_does_not_hold(tmp_path, garden):
    """A link to `#roots` must be checked again when the heading goes."""
    trace = traced_questions(garden)
    assert not trace.holds(garden_of(tmp_path, {"target.md": TARGET.replace("## Roots", "## Branches")}))


def test_a_deleted_target_does_not_hold(tmp_path, garden):
    trace = traced_questions(garden)
    assert not trace.holds(garden_of(tmp_path, {"target.md": None}))


def test_a_new_post_at_a_slug_that_was_missing_does_not_hold(tmp_path, garden):
    """A link that led nowhere leads somewhere now: the page must lose its broken-link marks."""
    trace = traced_questions(garden)
    assert not trace.holds(garden_of(tmp_path, {"missing.md": post("Found at last", permalink="missing")}))


def test_a_second_post_with_the_looked_up_title_does_not_hold(tmp_path, garden):
    """`[[The target]]` becomes ambiguous when another post takes the same title."""
    trace = TracingGarden(garden)
    trace.lookup("The target")
    assert not trace.trace.holds(garden_of(tmp_path, {"twin.md": post("The target", permalink="twin")}))


def test_an_unrelated_new_post_still_holds(tmp_path, garden):
    trace = traced_questions(garden)
    assert trace.holds(garden_of(tmp_path, {"other.md": post("Something else", permalink="other")}))


def test_a_question_about_a_post_that_is_gone_does_not_hold(tmp_path, garden):
    """`backlinks(post)` was asked about a file that no longer exists."""
    tracing = TracingGarden(garden)
    tracing.backlinks(garden.find("source"))
    assert tracing.trace.holds(Garden.load(tmp_path))
    assert not tracing.trace.holds(garden_of(tmp_path, {"source.md": None}))


def test_the_listed_posts_and_tags_hold_until_a_post_is_hidden(tmp_path):
    """The home and tag pages list posts: `publish: false` on one of them changes both."""
    files = {"a.md": post("A", tags=["x"], date_published="2024-01-01"), "b.md": post("B", tags=["x"], date_published="2024-02-01")}
    tracing = TracingGarden(garden_of(tmp_path, files))
    tracing.listed()
    tracing.tagged("x")
    trace = tracing.trace
    assert trace.holds(Garden.load(tmp_path))
    assert not trace.holds(garden_of(tmp_path, {"a.md": post("A", tags=["x"], date_published="2024-01-01", publish=False)}))


def test_backlinks_hold_until_another_post_links_here(tmp_path, garden):
    tracing = TracingGarden(garden)
    [backlink] = tracing.backlinks(garden.find("target"))
    assert backlink.context == "See The target and The target § Roots."
    assert tracing.trace.holds(Garden.load(tmp_path))
    newer = garden_of(tmp_path, {"third.md": post("Third", "Also [[target]].\n", permalink="third")})
    assert not tracing.trace.holds(newer)
    # The words around a link are shown under "Linked from": new words, new answer.
    garden_of(tmp_path, {"third.md": None})
    reworded = garden_of(tmp_path, {"source.md": SOURCE.replace("See", "Now see")})
    assert not tracing.trace.holds(reworded)


def test_a_trace_survives_pickling(tmp_path, garden):
    """Traces are stored in the on-disk cache and checked by the next build."""
    trace = pickle.loads(pickle.dumps(traced_questions(garden)))
    assert trace.holds(Garden.load(tmp_path))
    assert not trace.holds(garden_of(tmp_path, {"target.md": TARGET.replace("The target", "Renamed")}))


# --------------------------------------------------------------------------------------------
# Untraced reads fail loudly


@pytest.mark.parametrize("name", ["posts", "redirects", "sequences", "post_for", "_backlinks", "content_dir"])
def test_reading_an_untraced_attribute_is_a_type_error_naming_the_trace_module(garden, name):
    """Jinja turns AttributeError into an empty value; a TypeError cannot pass unnoticed."""
    with pytest.raises(TypeError, match=r"garden\.speed\.trace"):
        getattr(TracingGarden(garden), name)


def test_a_tracing_garden_is_true_in_templates(garden):
    """Templates write `if garden`: a tracing garden must not look empty."""
    assert TracingGarden(garden)


# --------------------------------------------------------------------------------------------
# Shared answers


def test_shared_answers_give_the_same_verdicts(tmp_path, garden):
    """One build step checks many traces against one garden, answering each question once."""
    traces = [traced_questions(garden) for _ in range(3)]
    only_missing = TracingGarden(garden)
    only_missing.find("missing")
    traces.append(only_missing.trace)
    # scenario: files changed, then what each trace's verdict must be (all but the last trace
    # ask about the target; the last only about the missing slug)
    scenarios = {
        "unchanged": ({}, True, True),
        "body edit": ({"target.md": TARGET.replace("Some words", "New words")}, True, True),
        "retitled": ({"target.md": TARGET.replace("title: The target", "title: The aim")}, False, True),
        "slug filled": ({"missing.md": post("Found", permalink="missing")}, False, False),
        "both deleted": ({"target.md": None, "missing.md": None}, False, True),
    }
    for scenario, (files, linking, missing) in scenarios.items():
        current = garden_of(tmp_path, files)
        alone = [trace.holds(current) for trace in traces]
        assert alone == [linking] * 3 + [missing], scenario
        answers: dict = {}
        assert [trace.holds(current, answers) for trace in traces] == alone, scenario
        assert answers, scenario  # the questions were answered into the shared dict
        # A second pass, answered from the dict alone, agrees as well.
        assert [trace.holds(current, answers) for trace in traces] == alone, scenario


# --------------------------------------------------------------------------------------------
# Questions checked by their inputs


def test_did_you_mean_hints_hold_without_being_worked_out_again_until_a_post_changes(tmp_path, garden, monkeypatch):
    """`closest` (fuzzy matching over every name, for each broken link) is checked by a digest
    of every post's address and frontmatter, not by matching again."""
    tracing = TracingGarden(garden)
    assert tracing.closest("targte") == [garden.find("target")]
    again = Garden.load(tmp_path)
    monkeypatch.setattr(Garden, "closest", lambda *args: pytest.fail("closest was worked out again"))
    assert tracing.trace.holds(again)
    assert tracing.trace.holds(garden_of(tmp_path, {"target.md": TARGET.replace("Intro.", "A new intro.")}))
    assert not tracing.trace.holds(garden_of(tmp_path, {"targets.md": post("Targets", permalink="targets")}))


def test_a_missing_file_holds_until_the_content_folder_gains_a_file(tmp_path, garden, monkeypatch):
    tracing = TracingGarden(garden)
    assert tracing.missing_file("pictures/tree.png") == ()
    monkeypatch.setattr(Garden, "missing_file", lambda *args: pytest.fail("missing_file was worked out again"))
    assert tracing.trace.holds(Garden.load(tmp_path))
    (tmp_path / "pictures").mkdir()
    assert not tracing.trace.holds(Garden.load(tmp_path))  # a new folder: its listing is the hint
    (tmp_path / "pictures" / "tree.png").write_bytes(b"\x89PNG")
    assert not tracing.trace.holds(Garden.load(tmp_path))

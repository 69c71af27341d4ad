"""garden.model.resolve: where a link leads in the garden, one set of rules for the extension
that rewrites links and for the linter."""

from __future__ import annotations

import pytest
from conftest import garden_in_memory, post

from garden.model.resolve import link_target, resolve_href, resolve_source_link, resolve_wikilink
from garden.model.source import SourceLink

LW = "https://www.lesswrong.com/posts"
GARDEN = garden_in_memory(
    {
        "essays/roots.md": post("On roots", "Intro.\n\n## Deep soil\n\nWords.\n", permalink="roots", aliases=["old-roots"], lw_page_url=f"{LW}/RootsPostId000001/on-roots"),
        "notes/leaf.md": post("A leaf", "Text.\n", permalink="leaf", original_url=f"{LW}/FeedPostId0000001/shortform?commentId=LeafComment000001"),
        "one.md": post("Twin", "One.\n", permalink="one"),
        "two.md": post("Twin", "Two.\n", permalink="two"),
    }
)
SOURCE = GARDEN.post_at("one.md")


@pytest.mark.parametrize(
    ("href", "target", "fragment"),
    [
        ("/roots", "roots", None),
        ("./roots", "roots", None),
        ("roots/", "roots", None),
        ("/old-roots/#deep-soil", "roots", "deep-soil"),
        (f"{LW}/RootsPostId000001/any-slug", "roots", None),
        ("https://www.alignmentforum.org/posts/RootsPostId000001#deep-soil", "roots", "deep-soil"),
        (f"{LW}/FeedPostId0000001/shortform?commentId=LeafComment000001", "leaf", None),
    ],
)
def test_garden_links_lead_to_their_post(href, target, fragment):
    resolution = resolve_href(href, SOURCE, GARDEN)
    assert resolution.target is GARDEN.find(target) and resolution.fragment == fragment and resolution.problem is None


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/roots",
        f"{LW}/RootsPostId000001/on-roots?commentId=SomeComment000001",
        f"{LW}/OtherPostId000001/elsewhere",
        "images/roots.png",
        "essays/roots.md",
        "roots",  # a bare word: a relative file, not a permalink
    ],
)
def test_other_links_are_not_the_gardens_business(href):
    resolution = resolve_href(href, SOURCE, GARDEN)
    assert resolution.target is None and resolution.problem is None


def test_a_permalink_that_leads_nowhere_is_a_problem_with_suggestions():
    resolution = resolve_href("/rots", SOURCE, GARDEN)
    assert resolution.target is None and "no permalink or alias 'rots'" in resolution.problem
    assert "did you mean 'roots' (On roots)" in resolution.hint


def test_a_lesswrong_fragment_the_post_lacks_is_dropped_with_a_warning():
    resolution = resolve_href(f"{LW}/RootsPostId000001/x#no-such", SOURCE, GARDEN)
    assert resolution.target is GARDEN.find("roots") and resolution.fragment is None
    assert resolution.severity == "warning" and "#no-such" in resolution.problem


def test_a_links_href_is_a_relative_path_to_the_targets_file():
    assert resolve_href("/roots#deep-soil", SOURCE, GARDEN).href_from(SOURCE) == "essays/roots.md#deep-soil"
    assert resolve_href("/leaf", GARDEN.find("roots"), GARDEN).href_from(GARDEN.find("roots")) == "../notes/leaf.md"


def test_wikilinks_match_permalink_alias_or_title_and_say_what_to_show():
    assert resolve_wikilink("roots", GARDEN) == (resolve_wikilink("roots", GARDEN)[0], "On roots")
    resolution, shown = resolve_wikilink("On Roots#Deep soil", GARDEN)
    assert resolution.target is GARDEN.find("roots") and resolution.fragment == "deep-soil" and shown == "On roots § Deep soil"
    assert resolve_wikilink("old-roots|the roots essay", GARDEN)[1] == "the roots essay"
    ambiguous, _ = resolve_wikilink("Twin", GARDEN)
    assert ambiguous.target is None and "ambiguous: 2 posts" in ambiguous.problem


def test_source_links_and_file_links_find_their_target():
    assert resolve_source_link(SourceLink("wikilink", "leaf", 1, 1), SOURCE, GARDEN).target is GARDEN.find("leaf")
    assert resolve_source_link(SourceLink("url", "/leaf", 1, 1), SOURCE, GARDEN).target is GARDEN.find("leaf")
    assert link_target("essays/roots.md#deep-soil", SOURCE, GARDEN) is GARDEN.find("roots")
    assert link_target("../one.md", GARDEN.find("roots"), GARDEN) is SOURCE
    assert link_target("missing.md", SOURCE, GARDEN) is None

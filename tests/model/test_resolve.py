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


# Fragments written for other sites' heading ids land on the heading with the same words.

STEERING = post(
    "Steering",
    "## Section Two\n\nText.\n\n### 1\\. Love − Hate\n\n## GPT-2's capabilities\n",
    permalink="steering",
    lw_page_url=f"{LW}/SteeringPostId001/steering",
)
HEADINGS = garden_in_memory({"steering.md": STEERING, "source.md": post("Source", "Words.\n", permalink="source")})


def test_a_lesswrong_fragment_leads_to_the_local_heading():
    source = HEADINGS.find("source")
    resolution = resolve_href(f"{LW}/SteeringPostId001/steering#Section_Two", source, HEADINGS)
    assert (resolution.target.permalink, resolution.fragment, resolution.problem) == ("steering", "section-two", None)
    apostrophe = resolve_href(f"{LW}/SteeringPostId001/steering#GPT_2_s_capabilities", source, HEADINGS)
    assert apostrophe.fragment == "gpt-2-s-capabilities"


def test_a_permalink_fragment_in_another_case_or_form_is_rewritten():
    source = HEADINGS.find("source")
    assert resolve_href("/steering#1-Love-Hate", source, HEADINGS).fragment == "1-love-hate"
    assert resolve_href("/steering#gpt-2s-capabilities", source, HEADINGS).fragment == "gpt-2s-capabilities"  # GitHub's id: kept
    assert resolve_href("/steering#no-such-thing", source, HEADINGS).fragment == "no-such-thing"  # MkDocs reports it


def test_a_wikilink_heading_uses_the_heading_id():
    resolution, shown = resolve_wikilink("steering#GPT-2's capabilities", HEADINGS)
    assert (resolution.fragment, resolution.problem, shown) == ("gpt-2-s-capabilities", None, "Steering § GPT-2's capabilities")
    missing, _ = resolve_wikilink("steering#Section Nine", HEADINGS)
    assert missing.fragment is None and missing.severity == "warning"


def test_the_rendered_link_points_at_an_id_the_target_page_has(tmp_path):
    import markdown
    from selectolax.lexbor import LexborHTMLParser

    source = post("Source", f"[love]({LW}/SteeringPostId001/steering#1__Love___Hate)\n", permalink="source")
    for name, text in {"steering.md": STEERING, "source.md": source}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def convert(text: str) -> LexborHTMLParser:
        extensions = ["garden.markdown.crosslinks", "garden.markdown.heading_ids", "toc"]
        md = markdown.Markdown(extensions=extensions, extension_configs={"garden.markdown.crosslinks": {"content_dir": tmp_path}})
        return LexborHTMLParser(md.convert(text))

    assert convert(source.split("---\n", 2)[2]).css_first("a").attributes["href"] == "steering.md#1-love-hate"
    assert convert(STEERING.split("---\n", 2)[2]).css_first("[id='1-love-hate']").tag == "h3"


def test_a_link_to_a_missing_file_names_look_alikes_once_and_the_bare_check_names_none(tmp_path, monkeypatch):
    """The bare check (MkDocs' log filter asks it for every warning a cached page replays) says
    the same problem without the fuzzy search; the search itself runs once per file name."""
    from garden.model.index import Garden
    from garden.model.resolve import check_address

    (tmp_path / "a.md").write_text(post("A", "See [the chart](chart.svg).\n", permalink="a"), encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(b"\x89PNG")
    garden = Garden.load(tmp_path)
    source = garden.post_at("a.md")
    searches = []
    look_alikes = Garden._look_alikes
    monkeypatch.setattr(Garden, "_look_alikes", staticmethod(lambda path: searches.append(path) or look_alikes(path)))
    full = check_address("chart.svg", source, garden)
    assert full.problem == "link 'chart.svg' leads to no file: the content folder has no chart.svg"
    assert "did you mean 'chart.png'?" in full.hint
    assert check_address("chart.svg", source, garden).hint == full.hint
    assert len(searches) == 1
    bare = check_address("chart.svg", source, Garden.load(tmp_path), hints=False)
    assert (bare.problem, bare.hint) == (full.problem, "")
    assert len(searches) == 1  # the bare check searched nothing
    assert check_address("chart.png", source, garden, hints=False).problem is None

"""garden.site.preview: the 404 page of `mkdocs serve` lists the garden's problems, errors first,
up to a readable number, and says how many more `garden check` would list."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from jinja2 import Environment, FileSystemLoader
from selectolax.lexbor import LexborHTMLParser

from garden.model.errors import GardenError
from garden.site.preview import Problems


def problems() -> Problems:
    found = Problems()
    found.collect(
        [GardenError(Path("/g/a.md"), line, f"link {line} leads to no post", severity="warning") for line in (3, 4, 5)]
        + [GardenError(Path("/g/b.md"), 2, "`date_published` is not a date"), GardenError(Path("/g/c.md"), 1, "the post has no title")]
    )
    return found


def listing(**context) -> LexborHTMLParser:
    env = Environment(loader=FileSystemLoader(REPO / "overrides"))
    return LexborHTMLParser(env.get_template("partials/problems.html").render(**context))


def test_errors_come_first_and_the_rest_are_counted():
    everything = problems().everything(shown=2)
    assert everything["count"] == 5
    assert [item["severity"] for item in everything["shown"]] == ["error", "error"]
    assert everything["shown"][0]["text"].endswith("b.md:2: `date_published` is not a date")


def test_the_404_listing_shows_the_first_ones_and_how_many_more():
    page = listing(garden_serving=True, garden_problems=lambda: problems().everything(shown=2))
    assert page.css_first("h2").text() == "The garden has 5 problems"
    assert [li.attributes["class"] for li in page.css("li")] == ["garden-problem garden-problem--error"] * 2
    assert page.css_first(".garden-problems-more").text() == "And 3 more: garden check lists them all."


def test_a_short_list_is_shown_whole_and_a_built_site_shows_none():
    page = listing(garden_serving=True, garden_problems=problems().everything)
    assert len(page.css("li")) == 5 and page.css_first(".garden-problems-more") is None
    assert listing(garden_serving=False, garden_problems=problems().everything).css_first("section") is None
    assert listing(garden_serving=True, garden_problems=list).css_first("section") is None  # no problems kept

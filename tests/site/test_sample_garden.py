"""The bundled sample garden builds strictly and shows what its essays say it shows."""

from __future__ import annotations

import re

from conftest import REPO

import pytest
from garden.model.index import Garden

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes


def test_the_sample_garden_has_no_problems_and_at_least_six_essays():
    garden = Garden.load(REPO / "content")
    assert garden.errors == []
    assert len(garden.listed()) >= 6


def test_every_published_post_is_built_at_its_permalink_and_listed_at_home(sample_site):
    garden = Garden.load(REPO / "content")
    home_links = {a.attributes["href"] for a in sample_site.page("").css(".garden-post-title")}
    for post in garden.listed():
        assert (sample_site.site / post.permalink / "index.html").exists(), post.permalink
        assert post.url in home_links
    for alias, post in garden.redirects.items():
        built = (sample_site.site / alias / "index.html").exists()
        assert built is not post.is_draft, alias


def test_the_draft_is_not_built(sample_site):
    assert not (sample_site.site / "unfinished-thought").exists()


def test_math_is_typeset_by_temml_served_from_the_site(sample_site):
    page = sample_site.page("math-and-code")
    assert page.css(".arithmatex"), "no math found on the math post"
    scripts = [s.attributes.get("src", "") for s in page.css("script[src]")]
    # math.js (in the garden's bundle) fetches Temml's script from the site, on pages with math only
    assert any(src.endswith("assets/javascripts/garden-bundle.js") for src in scripts)
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    styles = [link.attributes["href"] for link in page.css('link[rel="stylesheet"]')]
    assert "../assets/temml/temml.css" not in styles  # applied by math.js, so it never holds up the first paint
    preloads = {link.attributes["href"]: link.attributes.get("as") for link in page.css('link[rel="preload"]')}
    assert preloads == {"../assets/temml/temml.min.js": "script", "../assets/temml/temml.css": "style"}
    assert not [href for href in styles if href.startswith(("http:", "https:", "//"))]
    for name in ("temml.min.js", "temml.css", "Temml.woff2", "LICENSE"):
        assert (sample_site.site / "assets/temml" / name).exists()
    # Every font the stylesheet names is served too (the only one is Temml's script capitals).
    css = (sample_site.site / "assets/temml/temml.css").read_text(encoding="utf-8")
    for font in re.findall(r"src:\s*url\(['\"]?([^'\")]+)", css):
        assert (sample_site.site / "assets/temml" / font).exists(), font
    # A page without math does not fetch Temml.
    plain = [link.attributes["href"] for link in sample_site.page("footnotes").css("link[href]")]
    assert not [href for href in plain if "temml" in href]


def test_the_repository_image_is_published(sample_site):
    page = sample_site.page("math-and-code")
    image = page.css_first("article img")
    assert image.attributes["src"] == "../images/garden-path.svg"
    assert (sample_site.site / "images/garden-path.svg").exists()

"""The bundled sample garden builds strictly and shows what its essays say it shows."""

from __future__ import annotations

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


def test_math_is_typeset_by_katex_served_from_the_site(sample_site):
    page = sample_site.page("math-and-code")
    assert page.css(".arithmatex"), "no math found on the math post"
    scripts = [s.attributes.get("src", "") for s in page.css("script[src]")]
    # katex-render.js fetches KaTeX's scripts from the site, on pages with math only
    assert any(src.endswith("assets/javascripts/garden-bundle.js") for src in scripts)  # with katex-render.js
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    styles = [link.attributes["href"] for link in page.css('link[rel="stylesheet"]')]
    assert "../assets/katex/katex.min.css" in styles
    assert not [href for href in styles if href.startswith(("http:", "https:", "//"))]
    for name in ("katex.min.js", "auto-render.min.js", "fonts/KaTeX_Main-Regular.woff2"):
        assert (sample_site.site / "assets/katex" / name).exists()
    # A page without math does not link KaTeX's stylesheet.
    plain = [link.attributes["href"] for link in sample_site.page("footnotes").css('link[rel="stylesheet"]')]
    assert not [href for href in plain if "katex" in href]


def test_the_repository_image_is_published(sample_site):
    page = sample_site.page("math-and-code")
    image = page.css_first("article img")
    assert image.attributes["src"] == "../images/garden-path.svg"
    assert (sample_site.site / "images/garden-path.svg").exists()

"""The built site: URLs, redirects, drafts, the post page and the home page, read from its HTML."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as etree

import pytest
from conftest import BIN, ENV, post, write_project
from test_search import indexed_pages
from selectolax.lexbor import LexborHTMLParser

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

ESSAY = post(
    "Tending a garden",
    "# Tending a garden\n\nThe first paragraph.\n\n# A section\n\nMore.\n",
    permalink="tending",
    aliases=["old-tending", "gardening"],
    description="On weeding, slowly.",
    tags=["writing", "meta"],
    date_published="2024-03-05",
    date_updated="2025-01-10T12:00:00Z",
    lw_is_af="true",
    authors=["Wren Ashby", "Juno Castell"],
)


def sitemap_urls(build) -> set[str]:
    tree = etree.parse(build.site / "sitemap.xml")
    return {loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}


def search_locations(build) -> set[str]:
    """The pages in the search index (Pagefind's), as site paths such as `tending/`."""
    return {url.lstrip("/") for url in indexed_pages(build.site)}


def test_a_post_is_served_at_its_permalink_wherever_its_file_sits(build_garden):
    build = build_garden({"deep/folder/tending-a-garden.md": ESSAY})
    assert build.returncode == 0, build.output
    page = build.page("tending")
    assert page.css_first("h1").text() == "Tending a garden"
    assert not (build.site / "deep").exists()


def test_an_alias_is_a_noindex_redirect_kept_out_of_search_and_sitemap(build_garden):
    build = build_garden({"tending.md": ESSAY})
    assert build.returncode == 0, build.output
    redirect = build.page("old-tending")
    refresh = redirect.css_first('meta[http-equiv="refresh"]').attributes["content"]
    assert refresh == "0; url=../tending/"
    assert redirect.css_first('link[rel="canonical"]').attributes["href"] == "https://garden.example.org/tending/"
    assert redirect.css_first('meta[name="robots"]').attributes["content"] == "noindex"
    assert redirect.css_first("a").attributes["href"] == "../tending/"
    assert (build.site / "gardening/index.html").exists()
    assert not any("old-tending" in url for url in sitemap_urls(build))
    assert "old-tending/" not in search_locations(build)
    assert "https://garden.example.org/tending/" in sitemap_urls(build)


def test_the_post_page_has_one_h1_title_description_dates_and_tags(build_garden):
    build = build_garden({"tending.md": ESSAY, "tags.md": post("Tags", "<!-- material/tags -->\n", unlisted=True)})
    assert build.returncode == 0, build.output
    page = build.page("tending")
    assert [h.text() for h in page.css("h1")] == ["Tending a garden"]  # the body's copy was dropped
    assert page.css_first("article h2#a-section") is not None
    assert page.css_first("title").text().startswith("Tending a garden")
    meta = {(m.attributes.get("name") or m.attributes.get("property")): m.attributes.get("content") for m in page.css("meta")}
    assert meta["description"] == "On weeding, slowly."
    assert meta["og:title"] == meta["twitter:title"] == "Tending a garden"
    assert meta["og:description"] == meta["twitter:description"] == "On weeding, slowly."
    assert meta["og:url"] == "https://garden.example.org/tending/"
    assert page.css_first(".garden-authors").text() == "By Wren Ashby, Juno Castell"
    published = page.css_first("time.garden-published")
    assert (published.attributes["datetime"], published.text()) == ("2024-03-05T00:00:00+00:00", "5 March 2024")
    updated = page.css_first("time.garden-updated")
    assert (updated.attributes["datetime"], updated.text()) == ("2025-01-10T12:00:00+00:00", "10 January 2025")
    tags = {a.text(): a.attributes["href"] for a in page.css(".garden-post-header .md-tags a")}
    assert tags == {"writing": "../tags/writing/", "meta": "../tags/meta/"}
    tag_page = build.page("tags/writing")
    assert [a.text() for a in tag_page.css(".garden-post-title")] == ["Tending a garden"]
    listing = build.page("tags")
    assert listing.css_first("[id='tag:writing']") is not None


def test_an_update_on_the_day_of_publication_is_not_shown(build_garden):
    build = build_garden({"a.md": post("A", date_published="2024-03-05", date_updated="2024-03-05T18:00:00Z")})
    assert build.page("a").css_first("time.garden-updated") is None


def test_drafts_are_left_out_of_the_build_everywhere(build_garden):
    build = build_garden(
        {
            "tending.md": ESSAY,
            "notes/unfinished.md": post("Unfinished", permalink="unfinished", aliases=["wip"], publish="false"),
            "hidden.md": post("Hidden", draft="true"),
        }
    )
    assert build.returncode == 0, build.output
    for slug in ("unfinished", "wip", "hidden"):
        assert not (build.site / slug).exists(), slug
    titles = [a.text() for a in build.page("").css(".garden-post-title")]
    assert titles == ["Tending a garden"]
    assert not any("unfinished" in url or "hidden" in url for url in sitemap_urls(build))
    assert not {"unfinished/", "hidden/"} & search_locations(build)


def test_the_home_page_lists_published_posts_newest_first(build_garden):
    build = build_garden(
        {
            "a.md": post("Older", description="The first one.", date_published="2023-01-02"),
            "b.md": post("Newest", description="The latest one.", date_published="2025-06-07"),
            "c.md": post("Middle", date_published="2024-01-01"),
        }
    )
    assert build.returncode == 0, build.output
    items = build.page("").css("li.garden-post")
    assert [i.css_first(".garden-post-title").text() for i in items] == ["Newest", "Middle", "Older"]
    assert [i.css_first(".garden-post-title").attributes["href"] for i in items] == ["b/", "c/", "a/"]
    assert items[0].css_first("time").attributes["datetime"] == "2025-06-07T00:00:00+00:00"
    assert items[0].css_first(".garden-post-description").text() == "The latest one."
    # The home page is titled by site_name, whatever its own title says ("Home" here).
    assert build.page("").css_first("h1").text() == "An Essay Garden"
    assert build.page("").css_first("title").text() == "An Essay Garden"


def test_a_post_with_a_bad_value_fails_the_strict_build_with_file_and_line(build_garden):
    build = build_garden({"good.md": post("Good"), "essays/bad.md": "---\ntitle: Bad\npermalink: no spaces please\n---\n"})
    assert build.returncode != 0
    assert "content/essays/bad.md:3: `permalink` 'no spaces please' is not a URL-safe slug" in build.output
    assert "Traceback" not in build.output


def test_without_strict_the_rest_of_the_garden_still_builds(build_garden):
    build = build_garden({"good.md": post("Good"), "bad.md": "---\ntitle: [oops\n---\n"}, strict=False)
    assert build.returncode == 0, build.output
    assert "content/bad.md:2: the frontmatter is not valid YAML" in build.output
    assert build.page("good") is not None
    assert not (build.site / "bad").exists()


def test_two_posts_with_the_same_permalink_fail_the_build_naming_both(build_garden):
    build = build_garden({"a.md": post("A", permalink="same"), "b.md": post("B", permalink="same")})
    assert build.returncode != 0
    assert "content/b.md:3: permalink 'same' is already the permalink of" in build.output
    assert "content/a.md:3" in build.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve(tmp_path):
    """Run `mkdocs serve` on a garden, bound to 127.0.0.1; yield a page fetcher."""
    processes = []

    def start(files: dict[str, str]):
        # Without a path in site_url, `mkdocs serve` serves the site at the root.
        config = write_project(tmp_path, {"index.md": post("Home"), **files}, site_url="http://127.0.0.1/")
        port = free_port()
        process = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "--no-livereload", "-f", str(config), "-a", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=ENV,
            cwd=tmp_path,
        )
        processes.append(process)

        def fetch(path: str) -> LexborHTMLParser:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                return LexborHTMLParser(response.read().decode())

        deadline = time.monotonic() + 60
        while True:
            try:
                fetch("")
                return fetch
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("mkdocs serve did not start") from None
                time.sleep(0.2)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_serve_previews_drafts_with_a_visible_label(serve):
    fetch = serve({"draft.md": post("Work in progress", permalink="wip", draft="true"), "done.md": post("Done")})
    page = fetch("wip/")
    assert page.css_first("h1").text() == "Work in progress"
    assert "Draft" in page.css_first(".garden-draft-label").text()
    home = fetch("")
    drafts = [li.css_first(".garden-post-title").text() for li in home.css("li.garden-post") if li.css_first(".garden-draft-tag")]
    assert drafts == ["Work in progress"]
    assert fetch("done/").css_first(".garden-draft-label") is None

"""No HTML injection: markup and quotes in a post's title, description, tags, authors and
addresses reach every output as text (the page, the home page, a tag page, meta tags, the feed,
the sitemap, the search index, redirect pages), each output parsed as a browser or reader would."""

from __future__ import annotations

import gzip
import json
import subprocess
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from conftest import BIN, ENV, post, write_project
from selectolax.lexbor import LexborHTMLParser

pytestmark = pytest.mark.slow

HOSTILE = """<script>alert("x")</script> "double" 'single' & <b>bold</b> </title><img src=x onerror=alert(1)>"""
TITLE = f"T {HOSTILE}"
DESCRIPTION = f"D {HOSTILE}"
TAG = f"G {HOSTILE}"
AUTHOR = f"A {HOSTILE}"
SEQUENCE = f"S {HOSTILE}"
ALT = f"Alt {HOSTILE}"
ADDRESS = 'https://example.org/?q="><script>alert("x")</script>&r=1'
LESSWRONG = 'https://www.lesswrong.com/posts/abcdefghijklmnopq/x?a="><b>'

FILES = {
    "index.md": post("Home", "Welcome.\n"),
    "evil.md": post(
        TITLE,
        "The evil post's text, linking to [[quiet]].\n",
        permalink="evil",
        aliases=["old-evil"],
        description=DESCRIPTION,
        tags=[TAG, "plain"],
        authors=[AUTHOR],
        date_published="2024-02-02",
        original_url=ADDRESS,
        card_image="/images/card.png",
        card_image_alt=ALT,
        lw_page_url=LESSWRONG,
        lw_linkpost_url=ADDRESS,
        lw_sequence_title=SEQUENCE,
    ),
    "quiet.md": post("Quiet", "It links back to [the evil one](/evil).\n", permalink="quiet", date_published="2024-02-01", lw_sequence_title=SEQUENCE),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("injection")
    config = write_project(root, FILES)
    command = [str(BIN / "mkdocs"), "build", "--strict", "--clean", "-f", str(config), "-d", str(root / "site")]
    result = subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=root, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def html(site: Path, url: str) -> LexborHTMLParser:
    path = site / url if url.endswith(".html") else site / url / "index.html"
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def text(node) -> str:
    return " ".join(node.text().split())


def meta(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    assert node is not None, selector
    return node.attributes["content"]


def test_no_page_of_the_site_runs_or_shows_the_injected_markup(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        scripts = [node.text() for node in tree.css("script")]
        assert not [s for s in scripts if 'alert("x")' in s], page
        assert not tree.css('img[src="x"]'), page
        assert not [b for b in tree.css("b") if "bold" in b.text()], page
        assert not [n for n in tree.css("[onerror]")], page


def test_the_post_page_shows_every_value_as_text(site):
    page = html(site, "evil/")
    assert text(page.css_first("article h1")) == " ".join(TITLE.split())
    assert text(page.css_first(".garden-authors")) == " ".join(f"By {AUTHOR}".split())
    assert " ".join(TAG.split()) in [text(a) for a in page.css(".garden-tags a")]
    assert page.css_first("a.garden-original").attributes["href"] == ADDRESS
    assert page.css_first("a.garden-discuss").attributes["href"] == LESSWRONG
    linkpost = page.css_first(".garden-linkpost a")
    assert linkpost.attributes["href"] == ADDRESS and text(linkpost) == ADDRESS
    assert text(page.css_first(".garden-sequence-title strong")) == " ".join(SEQUENCE.split())


def test_meta_tags_hold_the_values_exactly(site):
    page = html(site, "evil/")
    assert text(page.css_first("title")) == " ".join(f"{TITLE} - An Essay Garden".split())
    assert meta(page, 'meta[name="description"]') == DESCRIPTION
    assert meta(page, 'meta[property="og:title"]') == TITLE
    assert meta(page, 'meta[property="og:description"]') == DESCRIPTION
    assert meta(page, 'meta[name="twitter:title"]') == TITLE
    assert meta(page, 'meta[name="twitter:description"]') == DESCRIPTION
    assert meta(page, 'meta[property="og:image:alt"]') == ALT


def test_lists_of_posts_show_titles_and_descriptions_as_text(site):
    home = html(site, "")
    titles = [text(a) for a in home.css(".garden-post-title")]
    assert " ".join(TITLE.split()) in titles
    assert " ".join(DESCRIPTION.split()) in [text(p) for p in home.css(".garden-post-description")]
    [tag_page] = [p for p in (site / "tags").iterdir() if p.name.startswith("g-")]
    tagged = html(site, f"tags/{tag_page.name}/")
    assert text(tagged.css_first("article h1")) == " ".join(f"Tagged “{TAG}”".split())
    assert " ".join(TITLE.split()) in [text(a) for a in tagged.css(".garden-post-title")]
    quiet = html(site, "quiet/")
    assert " ".join(TITLE.split()) in [text(a) for a in quiet.css(".garden-backlinks a")]
    assert text(quiet.css_first(".garden-sequence-next")) == " ".join(f"{TITLE} →".split())


def test_the_redirect_page_shows_the_title_as_text(site):
    page = html(site, "old-evil/")
    assert text(page.css_first("title")) == " ".join(f"Redirecting to {TITLE}".split())
    assert text(page.css_first("body a")) == " ".join(TITLE.split())
    assert [s.text() for s in page.css("script")] == ['location.replace("../evil/" + location.hash)']


def test_the_feed_carries_the_values_as_text(site):
    channel = etree.parse(site / "feed.xml").getroot().find("channel")
    [item] = [i for i in channel.findall("item") if i.findtext("link", "").endswith("/evil/")]
    assert item.findtext("title") == TITLE
    assert item.findtext("description") == DESCRIPTION
    assert TAG in [c.text for c in item.findall("category")]
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == AUTHOR


def test_the_sitemap_is_well_formed_and_lists_the_post(site):
    root = etree.parse(site / "sitemap.xml").getroot()
    locations = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://garden.example.org/evil/" in locations
    assert not [loc for loc in locations if any(c in loc for c in '<>"\' ')]


def test_the_search_index_holds_the_title_as_plain_text(site):
    records = {}
    for fragment in (site / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    [evil] = [r for url, r in records.items() if url.rstrip("/").endswith("evil")]
    assert " ".join(evil["meta"]["title"].split()) == " ".join(TITLE.split())
    assert "The evil post’s text" in evil["content"]  # typeset by smarty, as on the page


def test_an_alias_with_markup_or_quotes_is_refused_before_anything_is_written(tmp_path):
    files = {"index.md": post("Home", "Welcome.\n"), "a.md": post("A", permalink="a", aliases=['x"><script>alert(1)</script>'])}
    config = write_project(tmp_path, files)
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "-f", str(config), "-d", str(tmp_path / "site")],
        capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert "content/a.md:5: alias 'x\"><script>alert(1)</script>' is not a URL-safe slug" in result.stderr
    assert sorted(p.name for p in (tmp_path / "site").iterdir() if "script" in p.name or '"' in p.name) == []

"""Search with Pagefind (garden.site.search, partials/search.html, assets/javascripts/search.js): what
the index holds, how failures are reported, and the header's search box in headless Chromium."""

from __future__ import annotations

import logging

import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import BIN, ENV, Build, post, write_project

from garden.speed.cache import Cache
from garden.site.search import SHARDS_FILE, SearchIndexError, index_site, shard_count, shard_of, write_search_index

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

GARDEN = {
    "index.md": post("Home", "Welcome to the garden.\n"),
    "essays/pruning.md": post(
        "On pruning hedges",
        "Cutting things back is how a quiet orchard keeps its shape.\n\n## Why cut\n\nBecause growth needs room.\n",
        permalink="pruning",
        aliases=["old-pruning"],
        tags=["craft"],
        date_published="2024-03-05",
    ),
    "essays/water.md": post(
        "Watering at dusk",
        "A kettle of rainwater and a patient hand; see [the hedges](pruning.md) for the rest.\n",
        permalink="water",
        date_published="2024-04-01",
    ),
    "essays/markup.md": post(
        "Markup as text",
        "To show a tag, write `<img src=x onerror=alert(1)>` in backticks.\n\n"
        "```markdown\n> [!warning]\n> A listing of callout syntax.\n```\n\nAfter the listing.\n",
        permalink="markup",
        date_published="2024-05-01",
    ),
    "essays/secret.md": post(
        "A secret draft",
        "Only this draft mentions the zephyrine quokka.\n",
        permalink="secret",
        aliases=["secret-alias"],
        publish="false",
    ),
}


def build(config_file: Path, site: Path, env: dict[str, str] = ENV) -> Build:
    command = [str(BIN / "mkdocs"), "build", "--strict", "--clean", "-f", str(config_file), "-d", str(site)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=config_file.parent, timeout=300)
    return Build(result.returncode, result.stdout + result.stderr, site)


def indexed_pages(site: Path) -> dict[str, dict]:
    """Pagefind's index, page by page: each fragment is gzipped `pagefind_dcd` + JSON."""
    pages = {}
    for fragment in (site / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        page = json.loads(data[len(b"pagefind_dcd") :])
        pages[page["url"]] = page
    return pages


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The garden built for http://127.0.0.1:PORT/sub/ (a sub-path, and a site_url that lets
    Material's instant navigation work) and served there; yields the site's URL and the build."""
    root = tmp_path_factory.mktemp("search")
    www = root / "www"
    www.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    url = f"http://127.0.0.1:{server.server_port}/sub/"
    result = build(write_project(root, GARDEN, site_url=url), www / "sub")
    assert result.returncode == 0, result.output
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, result
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------------------------
# The index.


def test_every_built_page_is_indexed_once_but_no_redirect_draft_or_404(served):
    _, site = served
    pages = indexed_pages(site.site)
    assert set(pages) == {"/", "/pruning/", "/water/", "/markup/", "/tags/craft/"}
    assert (site.site / "old-pruning/index.html").exists()  # the redirect page was written...
    assert not (site.site / "secret").exists()  # ...and the draft was not built
    assert {pages[url]["meta"]["title"] for url in ("/pruning/", "/water/")} == {"On pruning hedges", "Watering at dusk"}
    assert re.search(r"INFO\s+-\s+garden: search: indexed 5 pages with Pagefind in [\d.]+ s", site.output)


def test_a_page_is_indexed_without_other_posts_words_or_heading_anchors(served):
    _, site = served
    pages = indexed_pages(site.site)
    pruning = pages["/pruning/"]["content"]
    assert "quiet orchard" in pruning and "Why cut" in pruning
    assert "Watering at dusk" not in pruning and "kettle" not in pruning  # its backlink
    assert "¶" not in pruning
    home = pages["/"]["content"]
    assert "Welcome to the garden" in home and "On pruning hedges" not in home  # the post list


def test_code_listings_are_not_indexed_so_excerpts_are_prose(served):
    _, site = served
    markup = indexed_pages(site.site)["/markup/"]["content"]
    assert "onerror" in markup and "After the listing." in markup  # inline code stays
    assert "callout syntax" not in markup and "[!warning]" not in markup


def test_pagefind_failing_is_a_warning_so_a_strict_build_fails(tmp_path):
    config = write_project(tmp_path, {"index.md": post("Home", "Welcome.\n")})
    result = build(config, tmp_path / "site", env={**ENV, "PAGEFIND_BINARY_PATH": shutil.which("false")})
    assert result.returncode != 0
    assert re.search(r"WARNING\s+-\s+garden: search: Pagefind failed \(exit status 1\)", result.output), result.output
    assert "Traceback" not in result.output


def test_a_missing_pagefind_or_an_empty_index_is_an_error_with_its_remedy(tmp_path, monkeypatch, caplog):
    (tmp_path / "index.html").write_text("<!doctype html><html><body><p>No article here.</p></body></html>", encoding="utf-8")
    with pytest.raises(SearchIndexError, match=r"no page to index: none of \*\*/index\.html in .* has an `article\.md-content__inner`"):
        write_search_index(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match=r"Pagefind is not installed.*pip install 'pagefind\[bin\]'"):
        write_search_index(tmp_path)
    page = '<!doctype html><html><body><article class="md-content__inner"><h1>A page</h1></article></body></html>'
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    config = SimpleNamespace(site_dir=str(tmp_path), plugins={})
    with caplog.at_level(logging.WARNING):
        index_site(config, Cache(None))  # logged as a warning instead of raised
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "garden: search: Pagefind is not installed, so the site has no search index: run `pip install 'pagefind[bin]'` (or `make install`)"
    ]


def test_with_materials_search_plugin_on_pagefind_is_not_run(tmp_path, caplog):
    plugin = SimpleNamespace(config=SimpleNamespace(enabled=True))
    index_site(SimpleNamespace(site_dir=str(tmp_path), plugins={"material/search": plugin}), Cache(None))
    assert not (tmp_path / "pagefind").exists()
    assert "remove `- search` from `plugins`" in caplog.text


# --------------------------------------------------------------------------------------------
# Shards: the index cut by page, merged by the search box.


def test_a_garden_is_cut_into_more_shards_as_it_grows_and_a_page_keeps_its_shard(monkeypatch):
    monkeypatch.delenv("GARDEN_SEARCH_SHARDS", raising=False)
    assert [shard_count(n) for n in (0, 5, 100, 300, 400, 1000, 5000)] == [1, 1, 1, 1, 2, 4, 4]
    monkeypatch.setenv("GARDEN_SEARCH_SHARDS", "3")
    assert shard_count(5000) == 3
    assert shard_of("essays/a/index.html", 16) == shard_of("essays/a/index.html", 16)
    assert len({shard_of(f"post-{n}/index.html", 16) for n in range(200)}) == 16  # every shard is used


def test_a_shard_indexed_for_a_build_that_another_has_overtaken_is_still_kept(tmp_path):
    """Under `mkdocs serve` a save can start a build while the last one's index is being made:
    that index is still right for its pages, so the next build must find it in the cache."""
    from garden.site import search

    html = b'<html lang="en"><body><article class="md-content__inner"><h1>A</h1><p>Moss on stones.</p></article></body></html>'
    pages = {"a/index.html": html}
    index = search.ShardedIndex(Cache(tmp_path / "cache"), pages, search._generation)
    search.new_build()  # another build began while this one indexed
    try:
        assert index.build() is not None
    finally:
        index.close()
    again = search.ShardedIndex(Cache(tmp_path / "cache"), pages, search._generation)
    try:
        assert again.cached and not again.todo
    finally:
        again.close()


def shard_of_page(site: Path, url: str) -> str:
    """The shard folder (relative to pagefind/) whose fragments hold the page at `url`."""
    for fragment in (site / "pagefind").rglob("*.pf_fragment"):
        if json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])["url"] == url:
            return fragment.parent.parent.relative_to(site / "pagefind").as_posix()
    raise AssertionError(f"{url} is in no shard")


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The same garden with its index cut into 4 shards (and one for the pages that list posts), served at /sub/ like `served`."""
    root = tmp_path_factory.mktemp("sharded")
    www = root / "www"
    www.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    url = f"http://127.0.0.1:{server.server_port}/sub/"
    env = {**ENV, "GARDEN_SEARCH_SHARDS": "4", "GARDEN_CACHE_DIR": str(root / "cache")}
    config = write_project(root, GARDEN, site_url=url)
    result = build(config, www / "sub", env)
    assert result.returncode == 0, result.output
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=url, build=result, root=root, config=config, env=env)
    server.shutdown()
    server.server_close()


def test_each_page_is_in_one_shard_and_the_search_box_is_told_of_the_others(sharded, served):
    site = sharded.build.site
    merged = json.loads((site / "pagefind" / SHARDS_FILE).read_text(encoding="utf-8"))
    homes = {url: shard_of_page(site, url) for url in indexed_pages(site)}
    assert set(homes) == set(indexed_pages(served[1].site))  # the same pages as one index holds
    assert len(set(homes.values())) > 1  # cut into several shards: the first at pagefind/, the others listed
    assert sorted(set(homes.values()) - {"."}) == sorted(shard.rstrip("/") for shard in merged)
    for shard in merged:  # a merged shard brings its index, not a second copy of the scripts
        assert (site / "pagefind" / shard / "pagefind-entry.json").is_file()
        assert not list((site / "pagefind" / shard).glob("*.js")) and not list((site / "pagefind" / shard).glob("wasm.*"))
    assert re.search(r"search: indexed 5 pages with Pagefind in [\d.]+ s \(\d of 5 shards", sharded.build.output)
    # the pages that list posts (which change with almost every edit) have a shard of their own
    assert homes["/"] == homes["/tags/craft/"] == "shard-4" and "shard-4" not in {homes[url] for url in ("/pruning/", "/water/", "/markup/")}


def test_a_rebuild_after_one_edit_reindexes_only_that_pages_shard_and_equals_a_clean_build(sharded, tmp_path):
    source = sharded.root / "content" / "essays" / "water.md"
    original = source.read_text(encoding="utf-8")
    source.write_text(original + "\nA postscript about the moon.\n", encoding="utf-8")
    try:
        again = build(sharded.config, tmp_path / "again", sharded.env)
        clean = build(sharded.config, tmp_path / "clean", {**sharded.env, "GARDEN_NO_CACHE": "1"})
    finally:
        source.write_text(original, encoding="utf-8")
    assert again.returncode == 0 and clean.returncode == 0, again.output + clean.output
    assert re.search(r"search: indexed 1 page with Pagefind in [\d.]+ s \(1 of 5 shards", again.output), again.output
    assert "moon" in indexed_pages(again.site)["/water/"]["content"]
    tree = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "pagefind").rglob("*")) if p.is_file()}
    assert tree(again.site) == tree(clean.site)


def test_the_search_box_finds_pages_in_every_shard(page, sharded):
    site = sharded.build.site
    assert {shard_of_page(site, url) for url in ("/pruning/", "/water/", "/markup/")} != {"."}  # not all in the first
    page.goto(sharded.url)
    assert search(page, "quiet orchard")[0] == "On pruning hedges"
    assert search(page, "kettle") == ["Watering at dusk"]
    assert search(page, "onerror") == ["Markup as text"]
    assert search(page, "zephyrine quokka") == []
    assert not [requested for requested in page.requested if requested.startswith("pageerror")]


# --------------------------------------------------------------------------------------------
# The search box, in Chromium.


CHROMIUM = os.environ.get("GARDEN_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    """The system's Chromium (never one Playwright downloads). As in test_browser.py, a missing
    Playwright or Chromium fails the tests with how to install it rather than skipping them."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the search box tests need Playwright: `make test` installs it (the `test` extra)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's, or set GARDEN_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, served):
    """A fresh browser page that records every URL it requests, in `page.requested`."""
    context = browser.new_context()
    page = context.new_page()
    page.requested = []
    context.on("request", lambda request: page.requested.append(request.url))
    page.on("pageerror", lambda error: page.requested.append(f"pageerror: {error}"))
    yield page
    context.close()


def search(page, query: str) -> list[str]:
    """Type `query` into the header's search box; return the titles of the results shown."""
    page.focus(".md-search__input")
    page.fill(".md-search__input", query)
    page.wait_for_function("query => document.querySelector('.md-search-result').dataset.query === query", arg=query)
    return page.eval_on_selector_all(".md-search-result__item h1", "els => els.map(e => e.textContent)")


def test_a_post_is_found_by_its_title_and_by_a_phrase_of_its_body(page, served):
    url, _ = served
    page.goto(url + "water/")
    assert search(page, "pruning hedges")[0] == "On pruning hedges"
    assert search(page, "quiet orchard")[0] == "On pruning hedges"
    first = page.locator(".md-search-result__item").first
    assert first.locator("a").first.get_attribute("href") == "/sub/pruning/"
    assert first.locator("mark").all_text_contents()[:2] == ["quiet", "orchard"]


def test_drafts_and_redirect_pages_are_never_results(page, served):
    url, _ = served
    page.goto(url)
    assert search(page, "zephyrine quokka") == []
    assert page.text_content(".md-search-result__meta").strip() == "No matching documents"
    search(page, "pruning")
    hrefs = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and not any("old-pruning" in href or "secret" in href for href in hrefs)


def test_the_index_loads_on_first_focus_from_the_site_itself(page, served):
    url, _ = served
    page.goto(url + "pruning/", wait_until="networkidle")
    assert not any("/pagefind/" in requested for requested in page.requested)  # nothing before the reader asks
    assert search(page, "kettle") == ["Watering at dusk"]
    assert any(requested.startswith(url + "pagefind/pagefind.js") for requested in page.requested)
    assert [requested for requested in page.requested if not requested.startswith("http://127.0.0.1:")] == []


def test_results_show_page_text_as_text(page, served):
    url, _ = served
    page.goto(url)
    assert search(page, "onerror") == ["Markup as text"]
    assert "<img src=x onerror=alert(1)>" in page.text_content(".md-search-result__item p")
    assert page.query_selector(".md-search-result img") is None


def test_search_keeps_working_across_instant_navigation(page, served):
    url, _ = served
    page.goto(url + "water/", wait_until="networkidle")
    page.evaluate("window.notReloaded = true")
    page.keyboard.press("/")  # Material's shortcut, kept
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert search(page, "hedges")[0] == "On pruning hedges"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(url + "pruning/")
    assert page.evaluate("window.notReloaded") is True  # Material swapped the page in
    assert not page.is_checked("#__search")  # and the search closed
    assert search(page, "kettle") == ["Watering at dusk"]
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    assert not [requested for requested in page.requested if requested.startswith("pageerror")]


def test_a_page_rewritten_while_its_shard_is_made_is_not_filed_under_its_old_digest(tmp_path):
    """Under `mkdocs serve` the background index reads the site's pages while a newer build may
    be writing them: a shard must hold the very pages whose digest it is filed under."""
    from collections.abc import Mapping

    from garden.site import search

    def page(words: str) -> bytes:
        return f'<html lang="en"><body><article class="md-content__inner"><h1>A</h1><p>{words}</p></article></body></html>'.encode()

    class Rewritten(Mapping):
        """The page as the index first reads it, then as a newer build rewrote it."""

        def __init__(self) -> None:
            self.reads = 0

        def __getitem__(self, uri: str) -> bytes:
            self.reads += 1
            return page("Moss on stones." if self.reads == 1 else "Lichen on bark.")

        def __iter__(self):
            return iter(["a/index.html"])

        def __len__(self) -> int:
            return 1

    cache = Cache(tmp_path / "cache")
    index = search.ShardedIndex(cache, Rewritten(), search._generation)
    try:
        with pytest.raises(OSError, match="changed while its search shard was being made"):
            index.build()
    finally:
        index.close()
    again = search.ShardedIndex(cache, {"a/index.html": page("Moss on stones.")}, search._generation)
    try:
        assert not again.cached and again.todo  # nothing was filed for the old page
    finally:
        again.close()

"""The reader's side in a real browser: Playwright drives the system's Chromium over the built
sample garden, served from 127.0.0.1.

These tests need two things besides the Python packages of the `test` extra: Playwright (installed
by `make test` like every other test dependency) and Chromium at /usr/bin/chromium, or wherever
GARDEN_CHROMIUM points. `make test` installs Debian's Chromium with apt-get when it is missing;
Playwright's own browser download (`playwright install`) is never used. Without either, every test
here fails and says how to install it: they never skip silently.

With GARDEN_SCREENSHOTS=1, `test_screenshots_of_a_post` rewrites the README's screenshots in
content/images/screenshots/; otherwise it takes them into a temporary folder.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # Chromium against the built sample garden

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError as error:  # the `browser` fixture reports it, with how to install
    IMPORT_ERROR: ImportError | None = error
else:
    IMPORT_ERROR = None

CHROMIUM = os.environ.get("GARDEN_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
INSTALL_HINT = (
    "run `make test`, which installs the test dependencies into .venv and Chromium with apt-get; "
    "by hand: `.venv/bin/pip install -c constraints.txt -e '.[test]'` and `sudo apt-get install chromium` "
    "(or point GARDEN_CHROMIUM, or `make test CHROMIUM=...`, at another Chromium or Chrome). "
    "Do not run `playwright install`: the tests use the system's browser."
)
SITE_URL = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
SCREENSHOTS = REPO / "content" / "images" / "screenshots"
PHONE = {"width": 390, "height": 844}

# A phrase from the body of content/essays/footnotes.md (not from its title), found nowhere else.
FOOTNOTES_TITLE = "Footnotes that stay put"
FOOTNOTES_PHRASE = "the qualification, the source or the tangent"


# ---- The site, the browser and the pages --------------------------------------------------------


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the built site, with its sitemap naming pages at this server's address, as
    `mkdocs serve` does: Material's instant navigation only takes over a link listed in
    sitemap.xml, and it compares scheme and host name but not the port."""

    def do_GET(self):
        if self.path.partition("?")[0] != "/sitemap.xml":
            return super().do_GET()
        sitemap = (Path(self.directory) / "sitemap.xml").read_bytes()
        body = sitemap.replace(SITE_URL.encode(), f"http://{self.headers['Host']}/".encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


class SiteServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-download is no failure
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server(sample_site):
    """The built sample garden at http://127.0.0.1:<free port>."""
    httpd = SiteServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(sample_site.site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the whole module."""
    if IMPORT_ERROR is not None:
        pytest.fail(f"the browser tests need Playwright and axe-playwright-python ({IMPORT_ERROR}): {INSTALL_HINT}")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM}, which is missing: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page in its own browser context, with what it logged and requested since it opened."""

    page: Page
    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions, HTTP errors
    requests: list[str] = field(default_factory=list)  # every URL the page asked for


@pytest.fixture
def open_tab(browser, server):
    """`open_tab(path, width=, height=, scheme=, wait=)`: a fresh context (no cookies, no storage)
    showing `path`, in the light or dark colour scheme of the reader's system."""
    contexts = []

    def open_tab(path: str, *, width: int = 1200, height: int = 800, scheme: str = "light", wait: str = "load") -> Tab:
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, base_url=server)
        contexts.append(context)
        tab = Tab(context.new_page())

        def on_console(message):
            if message.type == "error":
                tab.errors.append(f"console: {message.text}")

        def on_response(response):
            if response.status >= 400:
                tab.errors.append(f"HTTP {response.status}: {response.url}")

        tab.page.on("console", on_console)
        tab.page.on("response", on_response)
        tab.page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
        tab.page.on("request", lambda request: tab.requests.append(request.url))
        tab.page.goto(path, wait_until=wait)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def color_scheme(page: Page) -> str:
    """Material's colour scheme on the page: "default" (light) or "slate" (dark)."""
    return page.evaluate("document.body.dataset.mdColorScheme")


def search(page: Page, query: str) -> list[str]:
    """Type `query` into the site's search box; return the titles of the pages it lists, best first.

    The only code that knows the search interface: Material's search box and result list, whose
    markup the Pagefind box (partials/search.html, assets/javascripts/search.js) keeps. If the
    search interface changes, adapt this function; the tests stay as they are."""
    box = page.locator(".md-search__input")
    if not box.is_visible():  # on a narrow screen the box opens from a button in the header
        page.locator('label[for="__search"]:visible').first.click()
    box.fill(query)
    box.press("End")  # Material searches when a key is released; `fill` alone presses none
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=10_000)
    # Each result is one page: its first article's <h1> is the page title, the rest are sections.
    return [title.strip() for title in page.locator(".md-search-result__item > a:first-child h1").all_inner_texts()]


# ---- Tests --------------------------------------------------------------------------------------


def test_pages_load_without_errors(open_tab):
    tab = open_tab("/", wait="networkidle")  # the search index and the sitemap included
    problems = {}
    for path in ["/", "/footnotes/", "/math-and-code/"]:
        if path != "/":
            tab.page.goto(path)
            tab.page.evaluate("document.fonts.ready.then(() => true)")
        if tab.page.locator(".katex-error").count():
            tab.errors.append("KaTeX could not typeset some math")
        if tab.errors:
            problems[path] = list(tab.errors)
            tab.errors.clear()
    assert problems == {}


def test_collapsed_callout_opens_on_click(open_tab):
    page = open_tab("/callouts/").page
    index = page.evaluate("[...document.querySelectorAll('article details')].findIndex(details => !details.open)")
    assert index >= 0, "the page has no collapsed callout"
    callout = page.locator("article details").nth(index)
    body = callout.locator(":scope > :not(summary)").first
    expect(body).to_be_hidden()
    callout.locator(":scope > summary").click()
    expect(callout).to_have_attribute("open", "")
    expect(body).to_be_visible()


def test_footnote_tooltip_shows_the_note_on_hover(open_tab):
    page = open_tab("/footnotes/").page
    reference = page.locator("sup a.footnote-ref").first
    note_id = reference.evaluate("link => new URL(link.href).hash.slice(1)")
    note = page.locator(f'li[id="{note_id}"]').inner_text()
    note_start = " ".join(note.split()[:8])  # the opening words; the backlink arrow is at the end
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_have_count(0)
    reference.hover()
    expect(tooltip).to_be_visible()
    assert note_start in " ".join(tooltip.inner_text().split())


def test_search_finds_a_post_by_a_phrase_from_its_body(open_tab):
    sources = [path for path in (REPO / "content").rglob("*.md") if FOOTNOTES_PHRASE in " ".join(path.read_text(encoding="utf-8").split())]
    assert [path.name for path in sources] == ["footnotes.md"], "the phrase must occur in exactly one post"
    page = open_tab("/").page
    titles = search(page, FOOTNOTES_PHRASE)
    assert titles, "the search listed nothing"
    assert titles[0] == FOOTNOTES_TITLE, titles


def test_dark_mode_toggle_persists_across_navigation(open_tab):
    page = open_tab("/callouts/", wait="networkidle").page  # instant navigation reads sitemap.xml first
    assert color_scheme(page) == "default"
    # mkdocs.yml's palette cycles system → light → dark: one header button, titled with its next step.
    toggle = page.locator('form[data-md-component="palette"] label:visible')
    for _ in range(3):
        if color_scheme(page) == "slate":
            break
        step = toggle.get_attribute("title")
        toggle.click()
        expect(toggle).not_to_have_attribute("title", step)
    assert color_scheme(page) == "slate"
    assert page.evaluate("__md_get('__palette').color.scheme") == "slate"  # remembered in localStorage

    # Instant navigation (the page is not reloaded: a mark left on window survives) stays dark...
    page.evaluate("window.gardenNotReloaded = true")
    page.locator('article a[href$="/footnotes/"]').first.click()
    expect(page.locator("article h1")).to_have_text(FOOTNOTES_TITLE)
    assert page.url.endswith("/footnotes/")
    assert page.evaluate("window.gardenNotReloaded === true"), "the link reloaded the page"
    assert color_scheme(page) == "slate"
    # ...and so does a full load of another page.
    page.goto("/math-and-code/")
    assert page.evaluate("window.gardenNotReloaded") is None
    assert color_scheme(page) == "slate"


def test_no_horizontal_scroll_on_a_phone(open_tab):
    tab = open_tab("/", **PHONE)
    overflowing = {}
    for path in ["/", "/math-and-code/", "/callouts/"]:
        if path != "/":
            tab.page.goto(path)
        tab.page.evaluate("document.fonts.ready.then(() => true)")  # KaTeX's fonts set the math's width
        widths = tab.page.evaluate("({scroll: document.documentElement.scrollWidth, window: window.innerWidth})")
        if widths["scroll"] > widths["window"]:
            overflowing[path] = widths
    assert overflowing == {}


def test_no_request_leaves_the_machine(open_tab, server):
    tab = open_tab("/", wait="networkidle")
    tab.page.locator("a.garden-post-title", has_text="Math, code and tables").click()
    tab.page.wait_for_url("**/math-and-code/")
    tab.page.wait_for_load_state("networkidle")
    tab.page.goto("/footnotes/", wait_until="networkidle")
    assert len(tab.requests) > 10, tab.requests  # the listener saw the pages' assets
    outside = [url for url in tab.requests if not (url.startswith(f"{server}/") or url.startswith(("data:", "blob:")))]
    assert outside == []


@pytest.mark.parametrize(
    ("scheme", "paths"),
    [
        ("light", ["/", "/callouts/"]),  # the home page, and a post with callouts, code and links
        ("dark", ["/callouts/", "/math-and-code/"]),  # callouts, and code in several languages
    ],
    ids=["light", "dark"],
)
def test_no_serious_accessibility_violations(open_tab, scheme, paths):
    tab = open_tab(paths[0], scheme=scheme)
    serious = []
    for path in paths:
        if path != paths[0]:
            tab.page.goto(path)
        for violation in Axe().run(tab.page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                serious.append((violation["id"], f"{path}: {violation['impact']} {violation['id']}: {violation['help']} ({targets})"))
    assert [text for rule, text in serious] == []


def test_text_is_set_at_a_readable_measure_in_the_serif_face(open_tab):
    page = open_tab("/footnotes/").page
    measure = page.evaluate(
        """() => {
          let characters = 0, lines = 0;
          for (const p of document.querySelectorAll("article.md-content__inner > p")) {
            const count = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
            if (count >= 3) {  // a paragraph's last line is about half full
              characters += p.textContent.replace(/\\s+/g, " ").trim().length;
              lines += count - 0.5;
            }
          }
          return characters / lines;
        }"""
    )
    assert 60 <= measure <= 80, f"{measure:.0f} characters a line"
    fonts = page.evaluate(
        """() => Object.fromEntries(Object.entries({
             text: "article.md-content__inner > p", code: "article pre code", header: ".md-header__title",
           }).map(([name, selector]) => [name, getComputedStyle(document.querySelector(selector)).fontFamily]))"""
    )
    assert fonts["text"].startswith("Charter,") and fonts["text"].endswith("serif"), fonts
    assert "Charter" not in fonts["code"] and "Charter" not in fonts["header"], fonts


def test_printing_opens_callouts_and_shows_where_outside_links_lead(open_tab):
    page = open_tab("/callouts/").page
    closed = page.locator("details:not([open])").count()
    assert closed >= 1
    # Listeners added after print.js's run after it: they see the page as it is printed.
    page.evaluate(
        """() => {
          window.gardenPrint = [];
          const count = () => document.querySelectorAll("details:not([open])").length;
          addEventListener("beforeprint", () => gardenPrint.push(["printing", count()]));
          addEventListener("afterprint", () => gardenPrint.push(["printed", count()]));
        }"""
    )
    page.pdf()  # Chromium's print to PDF fires beforeprint and afterprint like a real print
    assert page.evaluate("gardenPrint") == [["printing", 0], ["printed", closed]]

    # A post with outside links, one of them showing its address as its text, and inside links.
    page.goto("/does-a-garden-want-water/")
    page.emulate_media(media="print")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    links = page.evaluate(
        """() => [...document.querySelectorAll("article a[href]")].map(link => ({
             text: link.textContent.trim(), href: link.href, outside: link.origin !== location.origin,
             after: getComputedStyle(link, "::after").content,
           }))"""
    )
    shown = [link for link in links if link["outside"] and link["text"] != link["href"]]
    assert shown and any(link["text"] == link["href"] for link in links) and any(not link["outside"] for link in links)
    assert all(link["after"] in ('" (" attr(href) ")"', f'" ({link["href"]})"') for link in shown), shown
    assert all(link["after"] in ("none", "normal") for link in links if link not in shown), links
    assert page.locator(".md-header").is_hidden() and page.locator(".md-sidebar--secondary").is_hidden()


def test_screenshots_of_a_post(open_tab, tmp_path):
    """Light and dark screenshots of a post for the README: rewritten in content/images/screenshots/
    with GARDEN_SCREENSHOTS=1, else taken into a temporary folder."""
    folder = SCREENSHOTS if os.environ.get("GARDEN_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page = open_tab("/callouts/").page
    for scheme, material_scheme in (("light", "default"), ("dark", "slate")):
        page.emulate_media(color_scheme=scheme)  # the palette follows the system's, as it starts
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material_scheme)
        page.evaluate("document.fonts.ready.then(() => true)")
        path = folder / f"post-{scheme}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")  # the 1200×800 viewport only
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert 10_000 < len(data) < 200_000, f"{path}: {len(data)} bytes"

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
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ENV, REPO, mkdocs_build, post, write_project

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
        if path == "/math-and-code/":  # Temml is fetched by pages with math, and typesets all of it
            expect(tab.page.locator(".arithmatex math").first).to_be_attached()
            expect(tab.page.locator(".arithmatex:not(:has(math))")).to_have_count(0)  # a batch at a time
        if tab.page.locator(".temml-error").count():
            tab.errors.append("Temml could not typeset some math")
        if tab.errors:
            problems[path] = list(tab.errors)
            tab.errors.clear()
    assert problems == {}


def test_every_equation_is_typeset_display_math_as_display(open_tab):
    """Math touching the text around it, in the sample essay, is typeset like any other; math in a
    footnote is typeset in its sidenote too (the sidenote is a copy made as the page arrives)."""
    page = open_tab("/math-and-code/", width=1440).page
    expect(page.locator("article .garden-sidenote .arithmatex math").first).to_be_attached()
    expect(page.locator("article .arithmatex:not(:has(math))")).to_have_count(0)
    found = page.evaluate(
        r"""() => [...document.querySelectorAll("article .arithmatex")].map(e => {
            const math = e.querySelector("math");
            return {
              display: e.tagName === "DIV",
              inSidenote: !!e.closest(".garden-sidenote"),
              shownAsDisplay: math?.getAttribute("display") === "block",
              // MathML, drawn with some width where it is shown (the notes at the foot are hidden
              // on a wide screen, their sidenotes shown)
              laidOut: math instanceof MathMLElement && (!e.checkVisibility() || math.getBoundingClientRect().width > 0),
              leftover: /\$\$|\\[\[(]/.test(e.textContent),
            };
        })"""
    )
    assert len([m for m in found if m["display"]]) >= 3
    assert [m for m in found if m["inSidenote"]], "no math in a sidenote"
    assert [m for m in found if not (m["laidOut"] and m["shownAsDisplay"] == m["display"] and not m["leftover"])] == []


def test_math_is_typeset_after_instant_navigation_from_a_page_without_math(open_tab):
    """Material's instant navigation swaps the article but not the head: the page left had no
    Temml, so math.js must bring its stylesheet and script itself."""
    page = open_tab("/", width=1440, height=900, wait="networkidle").page
    assert page.locator('link[rel="stylesheet"][href$="temml.css"]').count() == 0
    page.evaluate("window.gardenNotReloaded = true")
    page.locator("a.garden-post-title", has_text="Math, code and tables").click()
    page.wait_for_url("**/math-and-code/")
    expect(page.locator("article .arithmatex math").first).to_be_attached()
    expect(page.locator("article .arithmatex:not(:has(math))")).to_have_count(0)
    assert page.evaluate("window.gardenNotReloaded === true"), "the link reloaded the page"
    assert page.locator('link[rel="stylesheet"][href$="temml.css"]').count() == 1
    # Temml's stylesheet applies: its rule that lets inline math wrap in Chromium is in force.
    assert page.evaluate("getComputedStyle(document.querySelector('article span.arithmatex math')).display") == "inline-flex"


def test_math_downloads_no_font_primes_included(open_tab):
    """MathML is drawn with the system's math font: *Plain text in, typography out* writes a
    derivative, whose prime Temml would draw with a font of its own."""
    tab = open_tab("/typography/", wait="networkidle")
    expect(tab.page.locator("article .arithmatex mo.tml-prime").first).to_be_attached()
    assert [url for url in tab.requests if url.endswith("temml.min.js")]
    assert not [url for url in tab.requests if url.endswith((".woff2", ".woff", ".ttf"))], tab.requests


def test_collapsed_callout_opens_on_click(open_tab):
    page = open_tab("/callouts/").page
    callouts = "article details:not(.garden-toc-inline)"  # the folded table of contents is no callout
    index = page.evaluate(f"[...document.querySelectorAll('{callouts}')].findIndex(details => !details.open)")
    assert index >= 0, "the page has no collapsed callout"
    callout = page.locator(callouts).nth(index)
    body = callout.locator(":scope > :not(summary)").first
    expect(body).to_be_hidden()
    callout.locator(":scope > summary").click()
    expect(callout).to_have_attribute("open", "")
    expect(body).to_be_visible()


WIDE = {"width": 1440, "height": 900}


def sidenote_layout(page: Page) -> dict:
    """Where the footnotes are on the page: each sidenote's box and its first reference's, the
    reading column's right edge, and whether the notes at the foot are shown."""
    return page.evaluate(
        """() => {
          const article = document.querySelector("article.md-content__inner");
          const column = article.querySelector(":scope > p").getBoundingClientRect();
          const notes = [...article.querySelectorAll(".garden-sidenote")].map(note => {
            const box = note.getBoundingClientRect();
            const id = note.id.replace(/^sn:/, "fn:");
            const ref = article.querySelector(`:scope > :not(.footnote, .garden-sidenote) a.footnote-ref[href$="#${CSS.escape(id)}"]`);
            return {id, top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                    visible: box.width > 0 && getComputedStyle(note).visibility !== "hidden",
                    ref: ref && ref.getBoundingClientRect().top, text: note.textContent.replace(/\\s+/g, " ").trim()};
          });
          const footer = article.querySelector(":scope > .footnote");
          return {notes, column: column.right, viewport: innerWidth,
                  defined: footer.querySelectorAll(":scope > ol > li").length,
                  footShown: getComputedStyle(footer).display !== "none"};
        }"""
    )


def test_sidenotes_stand_in_the_margin_beside_their_references_without_overlap(open_tab):
    page = open_tab("/footnotes/", **WIDE).page
    page.evaluate("document.fonts.ready.then(() => true)")
    layout = sidenote_layout(page)
    notes = layout["notes"]
    assert len(notes) == layout["defined"] >= 5, layout  # every note, once, however often it is cited
    assert not layout["footShown"]  # the notes at the foot give way to the margin on screen
    for note in notes:
        assert note["visible"] and note["left"] >= layout["column"] + 16 and note["right"] <= layout["viewport"], note
    for above, below in zip(notes, notes[1:]):
        assert below["top"] >= above["bottom"], (above, below)  # never overlapping
    cited = [note for note in notes if note["ref"] is not None]
    assert len(cited) < len(notes)  # [^deeper] is cited only from inside [^chain], and follows it
    for note in cited:
        assert note["top"] >= note["ref"] - 8, note  # never above the line that cites it
    first = cited[0]
    assert abs(first["top"] - first["ref"]) < 8, first  # with room to spare, level with it
    # Pointing at a reference lights its note up.
    reference = page.locator("article > p a.footnote-ref").first
    reference.hover()
    expect(page.locator(".garden-sidenote--active")).to_have_count(1)


def test_footnotes_open_as_popovers_on_a_phone(open_tab):
    page = open_tab("/footnotes/", **PHONE).page
    assert page.locator(".garden-sidenote").count() == 0
    first_note = page.locator(".footnote li[id]").first
    note_start = " ".join(first_note.evaluate("li => li.textContent").split()[:8])
    button = page.locator("article .littlefoot__button").first
    expect(button).to_be_visible()
    popover = page.locator(".littlefoot__popover")
    expect(popover).to_have_count(0)
    button.click()
    expect(popover).to_be_visible()
    assert note_start in " ".join(popover.inner_text().split())
    box = popover.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box


@pytest.mark.parametrize(("width", "kind"), [(1440, ".garden-sidenote"), (390, ".littlefoot__button")])
def test_sidenotes_and_popovers_follow_instant_navigation(open_tab, width, kind):
    page = open_tab("/", width=width, height=900, wait="networkidle").page  # instant navigation reads sitemap.xml
    page.evaluate("window.gardenNotReloaded = true")
    page.locator("a.garden-post-title", has_text=FOOTNOTES_TITLE).click()
    page.wait_for_url("**/footnotes/")
    expect(page.locator(kind).first).to_be_attached()
    assert page.evaluate("window.gardenNotReloaded === true"), "the link reloaded the page"
    page.go_back()
    page.wait_for_url(lambda url: url.endswith("/"))
    expect(page.locator(kind)).to_have_count(0)  # nothing left behind on a page without notes


def test_footnotes_stay_endnotes_without_javascript_and_on_paper(browser, server):
    context = browser.new_context(viewport=WIDE, java_script_enabled=False, base_url=server)
    try:
        page = context.new_page()
        page.goto("/footnotes/")
        expect(page.locator("article > .footnote")).to_be_visible()
        assert page.locator(".garden-sidenote").count() == 0
        assert page.locator("article > .footnote .footnote-backref").first.evaluate("a => getComputedStyle(a).opacity") == "1"
    finally:
        context.close()


def test_printing_an_essay_gives_endnotes(open_tab):
    page = open_tab("/footnotes/", **WIDE).page
    expect(page.locator(".garden-sidenote").first).to_be_attached()
    page.emulate_media(media="print")
    assert page.locator("article > .footnote").is_visible()
    assert page.locator(".garden-sidenote").first.is_hidden()


def expect_preview(page: Page, title: str) -> None:
    """A link preview (Material's tooltip) showing the page titled `title` is open. The one
    before it may still be fading out, so the preview is found by its title."""
    preview = page.locator(".md-tooltip2--active", has=page.locator("h3", has_text=title))
    expect(preview).to_be_visible(timeout=20_000)  # the page is fetched and parsed first
    assert " ".join(preview.inner_text().split()).startswith(title)


def test_a_link_preview_appears_on_hover_and_on_focus(open_tab):
    page = open_tab("/links/", **WIDE, wait="networkidle").page  # previews need sitemap.xml
    # A plain link to another post's file, shown with that post's title and opening.
    page.locator('article a[href$="/footnotes/"]').first.hover()
    expect_preview(page, FOOTNOTES_TITLE)
    page.mouse.move(5, 5)
    # A LessWrong address the garden turned into a link to its own copy, reached by the keyboard.
    imported = page.locator("article a", has_text="imported essays").first
    assert imported.evaluate("a => a.origin === location.origin")
    imported.focus()
    expect_preview(page, "Imported essays keep their history")
    # An alias link leads straight to its post, and previews it too.
    page.locator('article a[href$="/drafts-and-publishing/"]').first.focus()
    expect_preview(page, "Drafts")


def test_nothing_is_wider_than_the_column_on_a_phone(open_tab):
    tab = open_tab("/", **PHONE)
    wide = {}
    for path in ["/", "/footnotes/", "/math-and-code/", "/callouts/", "/links/", "/404.html"]:
        if path != "/":
            tab.page.goto(path)
        tab.page.evaluate("document.fonts.ready.then(() => true)")
        tab.page.wait_for_timeout(200)  # Temml, loaded on demand
        found = tab.page.evaluate(
            """() => {
              const article = document.querySelector("article.md-content__inner");
              const style = getComputedStyle(article);
              const box = article.getBoundingClientRect();
              const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
              const out = [];
              const walk = element => {
                for (const child of element.children) {
                  const rect = child.getBoundingClientRect();
                  // Boxes, not words: an inline code span's padding may overhang a line break.
                  if (getComputedStyle(child).display === "inline" && !["IMG", "VIDEO", "IFRAME", "svg"].includes(child.tagName)) continue;
                  if (rect.width && (rect.left < left - 1 || rect.right > right + 1))
                    out.push(`${child.tagName.toLowerCase()}.${child.className}: ${Math.round(rect.left)}..${Math.round(rect.right)}`);
                  // A box that scrolls sideways holds what is wider than it.
                  if (!["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(child).overflowX)) walk(child);
                }
              };
              walk(article);
              return {column: [left, right], out};
            }"""
        )
        if found["out"]:
            wide[path] = found
    assert wide == {}


def test_search_finds_a_post_by_a_phrase_from_its_body(open_tab):
    sources = [path for path in (REPO / "content").rglob("*.md") if FOOTNOTES_PHRASE in " ".join(path.read_text(encoding="utf-8").split())]
    assert [path.name for path in sources] == ["footnotes.md"], "the phrase must occur in exactly one post"
    page = open_tab("/").page
    titles = search(page, FOOTNOTES_PHRASE)
    assert titles, "the search listed nothing"
    assert titles[0] == FOOTNOTES_TITLE, titles


def test_search_results_arrive_as_the_list_is_scrolled(open_tab):
    """Each result shown costs its page's fragment file: a search fetches those that fill the
    panel, and the rest as the reader scrolls to the end of the list."""
    tab = open_tab("/", wait="networkidle")
    page = tab.page
    fragments = set()  # Pagefind fetches them from its worker: the context sees those requests
    page.context.on("request", lambda request: fragments.add(request.url) if "/pagefind/fragment/" in request.url else None)
    search(page, "garden")
    total = int(re.match(r"\d+", page.locator(".md-search-result__meta").inner_text()).group())
    items = page.locator(".md-search-result__item")
    assert total > 10, "the query should match most of the sample garden"
    page.wait_for_timeout(500)  # would more be fetched unasked?
    shown = items.count()
    assert shown < total
    assert len(fragments) == shown, (len(fragments), shown)
    panel = page.locator(".md-search__scrollwrap").bounding_box()
    assert items.last.bounding_box()["y"] + items.last.bounding_box()["height"] > panel["y"] + panel["height"], "the panel is not full"
    for _ in range(total):
        if items.count() == total:
            break
        page.locator(".md-search__scrollwrap").evaluate("wrap => wrap.scrollTop = wrap.scrollHeight")
        page.wait_for_timeout(200)
    assert items.count() == total
    assert len(fragments) == total
    assert page.locator(".md-search-result__meta").inner_text() == f"{total} matching documents"


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
        tab.page.evaluate("document.fonts.ready.then(() => true)")  # the system's math font sets the math's width
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


# Each page at the width it is checked at: the footnotes post as popovers (1200) and as sidenotes
# (1440), a part of a sequence (its box of links) on a phone and on a wide screen.
AXE_PAGES = {
    "light": [("/", 1200), ("/callouts/", 1200), ("/footnotes/", 1200), ("/footnotes/", 1440), ("/essay-tending/", 390), ("/404.html", 1200)],
    "dark": [("/", 1200), ("/callouts/", 1200), ("/math-and-code/", 1200), ("/footnotes/", 1440), ("/essay-tending/", 1440), ("/404.html", 390)],
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(open_tab, scheme):
    serious = []
    for path, width in AXE_PAGES[scheme]:
        tab = open_tab(path, scheme=scheme, width=width)
        tab.page.evaluate("document.fonts.ready.then(() => true)")
        if path == "/footnotes/" and width < 1220:
            tab.page.locator("article .littlefoot__button").first.click()  # an open popover too
            expect(tab.page.locator(".littlefoot__popover")).to_be_visible()
        for violation in Axe().run(tab.page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                serious.append(f"{path} at {width}px: {violation['impact']} {violation['id']}: {violation['help']} ({targets})")
        tab.page.context.close()
    assert serious == []


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


def test_an_image_opens_enlarged_on_click_with_its_size_kept_while_loading(open_tab):
    tab = open_tab("/math-and-code/", wait="networkidle")
    image = tab.page.locator("article img").first
    assert (image.get_attribute("width"), image.get_attribute("height"), image.get_attribute("loading")) == ("480", "240", "lazy")
    assert not [url for url in tab.requests if "glightbox" in url]  # nothing until a reader asks
    image.scroll_into_view_if_needed()
    image.click()
    expect(tab.page.locator(".glightbox-container .gslide-image img")).to_be_visible()
    tab.page.keyboard.press("Escape")
    expect(tab.page.locator(".glightbox-container")).to_have_count(0)
    assert tab.errors == []


def test_an_essay_opens_with_a_drop_cap_and_acronyms_in_small_capitals(open_tab):
    page = open_tab("/footnotes/").page
    first = page.locator("article > p").first
    assert first.evaluate("p => getComputedStyle(p, '::first-letter').float") == "left"
    assert page.locator("article > p").nth(1).evaluate("p => getComputedStyle(p, '::first-letter').float") == "none"
    page.goto("/")  # the home page is no essay: no drop cap
    assert page.locator("article > p").first.evaluate("p => getComputedStyle(p, '::first-letter').float") == "none"
    page.goto("/writing-a-post/")
    acronym = page.locator("article abbr.garden-acronym").first
    assert acronym.evaluate("a => getComputedStyle(a).fontVariantCaps") == "all-small-caps"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_preview_shows_a_posts_problems_where_the_post_would_be(browser, tmp_path):
    """Under `mkdocs serve`, a post with a content error carries its `garden check` messages,
    and a post whose frontmatter is broken has a page at its address holding them."""
    files = {
        "index.md": post("Home", "Welcome.\n"),
        "slip.md": post("A slip", "A note.[^nope]\n", permalink="slip"),
        "broken.md": "---\ntitle: Broken\npermalink: broken-one\ndate_published: someday\n---\n\nText.\n",
    }
    config = write_project(tmp_path, files)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--livereload", "--dirty", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    context = browser.new_context(base_url=f"http://127.0.0.1:{port}")
    try:
        page = context.new_page()
        for _ in range(120):  # until the first build is served
            try:
                if page.goto("/slip/").ok:
                    break
            except Exception:  # noqa: BLE001 - connection refused while MkDocs starts
                pass
            page.wait_for_timeout(250)
        problems = page.locator(".garden-problems")
        expect(problems).to_be_visible()
        assert "content/slip.md:6:8: footnote [^nope] is referenced but never defined" in problems.inner_text()
        response = page.goto("/broken-one/")
        assert response.ok  # not a 404
        assert "content/broken.md:4: `date_published` is not a date" in page.locator(".garden-problems").inner_text()
        page.goto("/no-such-page/")  # the 404 page lists every problem
        assert page.locator(".garden-problems li").count() == 2
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=30)
    build = mkdocs_build(config)  # the built site is strict about them, and shows none
    assert build.returncode != 0 and "footnote [^nope] is referenced but never defined" in build.output


SCREENSHOT_PAGES = {"home": "/", "essay": "/footnotes/", "404": "/404.html"}


def test_screenshots(open_tab, tmp_path):
    """The home page, an essay with sidenotes and the 404 page at 1440 px and 390 px wide, light
    and dark, for the README: rewritten in content/images/screenshots/ with GARDEN_SCREENSHOTS=1,
    else taken into a temporary folder."""
    folder = SCREENSHOTS if os.environ.get("GARDEN_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1440, 900), (390, 844)):
        for name, path in SCREENSHOT_PAGES.items():
            tab = open_tab(path, width=width, height=height)
            page = tab.page
            if name == "essay" and width > 1000:  # down to where several sidenotes are in view
                page.evaluate("scrollTo(0, document.getElementById('names-instead-of-numbers').getBoundingClientRect().top + scrollY - 500)")
            elif name == "essay":  # a note open in its popover
                page.locator("article .littlefoot__button").first.click()
                expect(page.locator(".littlefoot__popover.is-active")).to_be_visible()
            for scheme, material_scheme in (("light", "default"), ("dark", "slate")):
                page.emulate_media(color_scheme=scheme)  # the palette follows the system's, as it starts
                expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material_scheme)
                page.evaluate("document.fonts.ready.then(() => true)")
                shot = folder / f"{name}-{width}-{scheme}.png"
                page.screenshot(path=shot, animations="disabled", caret="hide")  # the viewport only
                data = shot.read_bytes()
                assert data.startswith(b"\x89PNG\r\n\x1a\n")
                assert 5_000 < len(data) < 400_000, f"{shot}: {len(data)} bytes"
            tab.page.context.close()


# ---- The original site's conventions (content/essays/conventions.md) -----------------------------

MERMAID = "/assets/mermaid/mermaid.min.js"


def test_a_mermaid_diagram_is_drawn_with_the_sites_own_copy_once_the_reader_comes_near(open_tab):
    tab = open_tab("/conventions/", wait="networkidle")
    # The diagram is near the end of the essay: until the reader scrolls towards it, Mermaid
    # (1 MB compressed) is not downloaded, like a lazy image.
    assert tab.page.locator("article .mermaid").evaluate("element => element.getBoundingClientRect().top") > 2 * 800
    tab.page.wait_for_timeout(500)
    assert not [url for url in tab.requests if url.endswith(MERMAID)], "Mermaid was loaded for a diagram out of sight"
    tab.page.locator("article .mermaid").scroll_into_view_if_needed()
    diagram = tab.page.locator("article div.mermaid")
    expect(diagram).to_have_count(1, timeout=15_000)  # Material swaps the code block for a drawing
    # Material draws into a closed shadow root; the drawing has a size where the code had text.
    assert diagram.evaluate("element => element.getBoundingClientRect().height") > 40
    assert tab.page.locator("article pre.mermaid").count() == 0
    assert [url for url in tab.requests if url.endswith(MERMAID)], "the local Mermaid was not loaded"
    assert not [url for url in tab.requests if not url.startswith(("http://127.0.0.1", "data:", "blob:"))], tab.requests
    assert tab.errors == []


def test_mermaid_is_loaded_only_for_a_page_with_a_diagram_also_after_instant_navigation(open_tab):
    tab = open_tab("/links/", wait="networkidle")
    assert not [url for url in tab.requests if url.endswith(MERMAID)], "a page without a diagram loaded Mermaid"
    tab.page.evaluate("window.gardenNotReloaded = true")
    tab.page.goto("/links/")  # to be sure the sitemap is read, then follow a link in the page
    tab.page.evaluate("window.gardenNotReloaded = true")
    tab.page.evaluate("""() => {
        const link = document.createElement('a');
        link.href = '../conventions/';
        link.textContent = 'conventions';
        document.querySelector('article').append(link);
    }""")
    tab.page.wait_for_load_state("networkidle")
    tab.page.locator('article a[href="../conventions/"]').last.click()
    expect(tab.page.locator("article h1")).to_have_text("Conventions from older gardens")
    tab.page.locator("article .mermaid").scroll_into_view_if_needed()
    expect(tab.page.locator("article div.mermaid")).to_have_count(1, timeout=15_000)
    assert tab.page.evaluate("window.gardenNotReloaded === true"), "the link reloaded the page"
    assert not [url for url in tab.requests if "unpkg" in url], tab.requests
    assert tab.errors == []


def test_a_spoiler_is_hidden_until_opened_with_the_keyboard(open_tab):
    page = open_tab("/conventions/").page
    spoiler = page.locator("article details.spoiler")
    text = spoiler.locator(".spoiler-content")
    expect(text).to_be_hidden()
    summary = spoiler.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(text).to_be_visible()
    assert "planted the weeds" in text.inner_text()
    page.keyboard.press("Enter")
    expect(text).to_be_hidden()

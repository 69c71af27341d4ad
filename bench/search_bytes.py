"""What a reader's first search downloads, with Material's lunr search and with Pagefind.

For each corpus size N (default 1000 and 5000) this builds the generated essays of
bench/generate.py twice, keeping both sites in bench/.work/search-N/:

- lunr:     mkdocs.yml with Material's `search` plugin and Material's own search box;
- pagefind: mkdocs.yml without it, with the garden's Pagefind search (hooks/garden/search.py,
            overrides/partials/search.html, assets/javascripts/search.js and search.css).

Each site is then served on 127.0.0.1 by a small server that gzips text files as a static host
does (Pagefind's own files are gzipped already and are sent as they are), and opened in headless
Chromium through Playwright. The script opens an essay, waits for the page to settle, focuses the
search box, types one word and waits for the results. It counts every request the search causes:

- lunr: what Material fetches for search when the page loads (search/search_index.json and the
  search worker), plus anything requested from the focus on;
- pagefind: everything requested from the focus on: pagefind.js, its worker and wasm, the entry
  and meta files, the index chunks and the fragments of the results shown.

"downloaded" is the bytes of the response bodies as the browser decoded them (Playwright's
`response.body()`); "transferred" is the body bytes the server sent for them, gzipped or not
(Chromium's own count, `request.sizes()`, is 0 for a worker's requests, and Pagefind fetches
from one). Typing the word letter by letter, as a reader does, makes Pagefind load the index
chunk of the first letters too: two chunks where pasting the word loads one. The build columns
are the wall time of `python -m mkdocs build` of that site, and "index" is Pagefind's share,
from the build's own log line. Any request that does not go to
127.0.0.1 is listed, since the site must make none.

    python bench/search_bytes.py                      # N = 1000 and 5000: about 15 minutes
    python bench/search_bytes.py --sizes 100 --query lantern

It needs Playwright (`pip install playwright`) and a Chromium (`--chromium`, default
/usr/bin/chromium); it never downloads a browser. The prose of the generated essays comes from
a word list of a few hundred words, so every word occurs in most essays: a one-word query there
fetches bigger index chunks than it would on real prose, which makes the Pagefind figures an
upper bound.

One run on a shared 2-CPU virtual machine (Pagefind 1.5.2, Chromium 156, query "lantern"):

       N   search     requests   downloaded (kB)   transferred (kB)   build (s)   index (s)   index/build
    1000   lunr              2          11,587.7            2,714.8        33.5
    1000   pagefind         17             275.7              213.7        53.7        9.13         17.0%
    5000   lunr              2          57,992.1           13,561.2       175.3
    5000   pagefind         17             377.5              315.4       176.4       31.34         17.8%

    N=5000 pagefind (kB downloaded/transferred): pagefind.js 45.6/12.9; pagefind-worker.js 41.3/11.9;
    pagefind-entry.json 0.2/0.2; pagefind.en_*.pf_meta 40.4/40.4; wasm.en.pagefind 72.2/72.2;
    index/ ×2 141.0/141.0; fragment/ ×10 36.8/36.8

Build times on such a machine move by a third from run to run: a second run at N=1000 gave
28.1 s (lunr) and 29.8 s (pagefind, of which Pagefind 3.75 s, 12.6%), with the same bytes. The
pagefind build does not pay for Material's search plugin, which is why its total stays close to
the lunr build's. Pagefind's files (wasm, index chunks, fragments) are compressed by Pagefind
itself, so a server's gzip changes only its two scripts.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import mimetypes
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import generate
from build_time import BUILD_ENV, PROJECT_DIR, WORK_DIR, ensure_corpus, garden_config, load_site_config, write_config

OVERRIDES = PROJECT_DIR / "overrides"
SEARCH_CSS = "assets/stylesheets/search.css"
SEARCH_JS = "assets/javascripts/search.js"
MATERIAL_SEARCH = ("search", "material/search")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
INDEX_LINE = re.compile(r"indexed (\d+) pages? with Pagefind in ([\d.]+) s")


# --------------------------------------------------------------------------------------------
# The two sites.


def plugin_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def lunr_config(site: dict[str, Any], corpus: Path, work: Path) -> dict[str, Any]:
    """The site with Material's search plugin and search box, whatever mkdocs.yml says now."""
    config = garden_config(site, corpus)
    plugins = config.setdefault("plugins", [])
    if not any(plugin_name(entry) in MATERIAL_SEARCH for entry in plugins):
        plugins.insert(0, "search")
    for key, asset in (("extra_css", SEARCH_CSS), ("extra_javascript", SEARCH_JS)):
        config[key] = [item for item in config.get(key, []) if item != asset]
    # The garden's templates without its search box, so Material's header shows Material's.
    theme = work / "theme-lunr"
    copy_overrides(theme)
    for partial in ("partials/search.html", "partials/header.html"):
        (theme / partial).unlink(missing_ok=True)
    config["theme"]["custom_dir"] = str(theme)
    return config


def pagefind_config(site: dict[str, Any], corpus: Path, work: Path) -> dict[str, Any]:
    """The site as mkdocs.yml builds it: Pagefind search."""
    return garden_config(site, corpus)


def copy_overrides(theme: Path) -> None:
    shutil.rmtree(theme, ignore_errors=True)
    shutil.copytree(OVERRIDES, theme)


@dataclass
class Built:
    site: Path
    seconds: float
    index_seconds: float | None = None
    indexed_pages: int | None = None


def build(config_file: Path, site: Path) -> Built:
    """A `mkdocs build` into `site`, timed, with its log kept for Pagefind's line."""
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config_file), "--site-dir", str(site)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=PROJECT_DIR, env=BUILD_ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"error: `mkdocs build -f {config_file}` exited with {result.returncode}:\n{result.stderr.rstrip()}")
    for line in result.stderr.splitlines():
        if line.startswith("WARNING"):
            say(f"  {line}")
    built = Built(site, seconds)
    if match := INDEX_LINE.search(result.stderr):
        built.indexed_pages, built.index_seconds = int(match[1]), float(match[2])
    return built


# --------------------------------------------------------------------------------------------
# Serving, as a static host does: text gzipped, everything else as it is.

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml", "application/wasm")


@dataclass(frozen=True)
class Sent:
    path: str  # the URL's path
    at: float  # time.monotonic() when the server answered
    size: int  # the file's bytes
    sent: int  # body bytes sent: gzipped, or the file as it is


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    gzipped: dict[Path, bytes] = {}
    sent: list[Sent] = []  # every answer, in order: the server's side of what was transferred

    def do_GET(self) -> None:
        path = Path(self.translate_path(unquote(urlsplit(self.path).path)))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body = size = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(200)
        if kind.startswith(COMPRESSED_TYPES) and "gzip" in self.headers.get("Accept-Encoding", ""):
            if path not in self.gzipped:
                self.gzipped[path] = gzip.compress(body, compresslevel=6)
            body = self.gzipped[path]
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
        self.sent.append(Sent(urlsplit(self.path).path, time.monotonic(), len(size), len(body)))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(site: Path) -> Iterator[str]:
    handler = functools.partial(StaticHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    StaticHandler.sent = []
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        StaticHandler.gzipped.clear()


# --------------------------------------------------------------------------------------------
# The browser.


@dataclass
class Fetch:
    path: str  # the URL's path
    during: str  # "load" (the page) or "search" (from the focus on)
    downloaded: int = 0  # the response body as the browser decoded it: len(response.body())
    transferred: int = 0  # body bytes the server sent for it (gzipped or not)


LUNR_FILES = re.compile(r"/search/search_index\.json$|/workers/search\.[^/]*js$|/javascripts/lunr/")


@dataclass
class Search:
    fetches: list[Fetch] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    seconds: float = 0.0  # from the focus to the results
    outside: list[str] = field(default_factory=list)

    def counted(self, kind: str) -> list[Fetch]:
        """What the search cost: from the focus on, and for lunr what Material loads for it with the page."""
        return [f for f in self.fetches if f.during == "search" or (kind == "lunr" and LUNR_FILES.search(f.path))]


def first_search(chromium: str, base: str, page_path: str, query: str, timeout: float) -> Search:
    from playwright.sync_api import sync_playwright

    search = Search()
    phase = {"now": "load"}
    started: dict[Any, Fetch] = {}

    def on_request(request: Any) -> None:
        if not request.url.startswith(base + "/"):
            search.outside.append(request.url)
        started[request] = Fetch(urlsplit(request.url).path, phase["now"])

    def on_finished(request: Any) -> None:
        fetch = started.get(request)
        response = request.response()
        if fetch is None or response is None:
            return
        fetch.downloaded = len(response.body())
        search.fetches.append(fetch)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.on("request", on_request)
            context.on("requestfinished", on_finished)
            page = context.new_page()
            page.goto(base + page_path, wait_until="networkidle", timeout=timeout * 1000)
            phase["now"] = "search"
            start = time.perf_counter()
            page.focus(".md-search__input")
            page.keyboard.type(query)
            page.wait_for_selector(".md-search-result__item", timeout=timeout * 1000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)  # the last fragments of the first page of results
            search.seconds = time.perf_counter() - start
            search.results = page.eval_on_selector_all(".md-search-result__item h1", "els => els.map(e => e.textContent.trim())")
        finally:
            browser.close()
    return search


def add_transfers(search: Search, answers: Sequence[Sent]) -> None:
    """What the server sent for each fetch. Chromium's own count (`request.sizes()`) is 0 for
    the requests of a worker, and Pagefind fetches from one."""
    unused = list(answers)
    for fetch in search.fetches:
        answer = next((answer for answer in unused if answer.path == fetch.path), None)
        if answer is not None:
            unused.remove(answer)
            fetch.transferred = answer.sent


# --------------------------------------------------------------------------------------------
# The run.


@dataclass
class Row:
    count: int
    kind: str
    built: Built
    search: Search

    @property
    def fetches(self) -> list[Fetch]:
        return self.search.counted(self.kind)


def measure(count: int, args: argparse.Namespace) -> list[Row]:
    corpus, generated_in = ensure_corpus(count, args.seed)
    if generated_in is not None:
        say(f"N={count}: generated {corpus} in {generated_in:.1f} s")
    work = WORK_DIR / f"search-{count}"
    work.mkdir(parents=True, exist_ok=True)
    site = load_site_config()
    rows = []
    for kind, make in (("lunr", lunr_config), ("pagefind", pagefind_config)):
        config_file = write_config(make(site, corpus, work), work / f"{kind}.yml")
        say(f"N={count}: building the {kind} site ...")
        built = build(config_file, work / f"site-{kind}")
        say(f"N={count}: {kind} built in {built.seconds:.1f} s" + (f", Pagefind {built.index_seconds:.2f} s" if built.index_seconds else ""))
        page = "/" + essay_path(built.site)
        with serving(built.site) as base:
            search = first_search(args.chromium, base, page, args.query, args.timeout)
            add_transfers(search, StaticHandler.sent)
        say(f"N={count}: {kind}: {len(search.results)} results shown in {search.seconds:.1f} s; first: {search.results[:2]}")
        rows.append(Row(count, kind, built, search))
    return rows


def essay_path(site: Path) -> str:
    """A generated essay's URL path: the page a reader searches from."""
    for page in sorted(site.glob("*/index.html")):
        if "garden-post-meta" in page.read_text(encoding="utf-8", errors="replace"):
            return f"{page.parent.name}/"
    return ""


def table(rows: Sequence[Row]) -> str:
    lines = [("N", "search", "requests", "downloaded (kB)", "transferred (kB)", "build (s)", "index (s)", "index/build")]
    for row in rows:
        fetches = row.fetches
        index = row.built.index_seconds
        lines.append(
            (
                str(row.count),
                row.kind,
                str(len(fetches)),
                f"{sum(f.downloaded for f in fetches) / 1000:,.1f}",
                f"{sum(f.transferred for f in fetches) / 1000:,.1f}",
                f"{row.built.seconds:.1f}",
                f"{index:.2f}" if index is not None else "",
                f"{index / row.built.seconds:.1%}" if index is not None else "",
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    def aligned(line: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) if column == 1 else cell.rjust(width) for column, (cell, width) in enumerate(zip(line, widths))]
        return "   ".join(cells)

    return "\n".join(aligned(line) for line in lines)


def breakdown(row: Row) -> str:
    """Each file the search fetched, grouped: what the bytes are made of."""
    groups: dict[str, list[Fetch]] = {}
    for fetch in row.fetches:
        name = fetch.path.rsplit("/", 2)
        kind = name[-2] + "/" if name[-2] in ("index", "fragment") else name[-1]
        kind = re.sub(r"\.[0-9a-f]{6,}\.", ".*.", kind)  # hashed names
        groups.setdefault(kind, []).append(fetch)
    parts = []
    for kind, items in groups.items():
        count = f" ×{len(items)}" if len(items) > 1 else ""
        downloaded, transferred = (sum(getattr(f, side) for f in items) / 1000 for side in ("downloaded", "transferred"))
        parts.append(f"{kind}{count} {downloaded:,.1f}/{transferred:,.1f}")
    return f"N={row.count} {row.kind} (kB downloaded/transferred): " + "; ".join(parts)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Bytes downloaded for a first search, Material's lunr search against Pagefind, on generated gardens."
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], metavar="N", help="corpus sizes (default: 1000 5000)")
    parser.add_argument("--query", default="lantern", help="the word typed into the search box (default: lantern)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help=f"corpus seed (default: {generate.DEFAULT_SEED})")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to drive (default: /usr/bin/chromium)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a page or for results (default: 600)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(args.chromium).exists():
        say(f"error: no Chromium at {args.chromium} (pass --chromium)")
        return 1
    rows = [row for count in args.sizes for row in measure(count, args)]
    print(f"query {args.query!r}; kB = 1,000 bytes; requests, downloaded and transferred count only what the search fetched")
    print()
    print(table(rows))
    print()
    for row in rows:
        print(breakdown(row))
    outside = sorted({url for row in rows for url in row.search.outside})
    print()
    print("requests that left 127.0.0.1: " + (", ".join(outside) if outside else "none"))
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())

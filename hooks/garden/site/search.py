"""Full-text search with Pagefind: the built site is indexed after every build.

Why not Material's built-in search: it writes every page's text into one
`search/search_index.json`, and the browser downloads all of it, with a lunr worker, on the
first page it opens (Material fetches the index on page load, before anyone types). For the
generated essays of bench/ that is 11.6 MB (2.7 MB gzipped) at 1,000 posts and 58 MB (13.6 MB
gzipped) at 5,000. Pagefind splits its index into chunks and loads nothing until the search box
is used, then only the chunks a query needs: a first one-word search transfers 214 kB at 1,000
posts and 315 kB at 5,000, of which about 100 kB is Pagefind's script and wasm
(bench/search_bytes.py measures both in Chromium).

What is indexed, with Pagefind's own settings rather than markup in our templates:

- `ROOT_SELECTOR`: the article of each page MkDocs built, that is the title, the byline and the
  essay. Alias redirect pages (written by garden.site.redirects after the build) have no article, so
  Pagefind skips them. Drafts are not built by `mkdocs build`, so they are never indexed; under
  `mkdocs serve` they are, like the rest of the preview.
- `GLOB`: pages are `<path>/index.html` (the garden needs `use_directory_urls`), which leaves out
  Material's 404.html.
- `EXCLUDE_SELECTORS`: text that belongs to other posts (post lists, backlinks, sequence links)
  or to the page's chrome (heading anchors, footnote return links, the draft label), so that a
  search for one essay's words finds that essay; and code listings, so that every excerpt is
  the essay's own prose as readers see it.

Pagefind's first `<h1>` in the article is the result title: the post's frontmatter title.
Indexing runs the `pagefind` binary shipped in the `pagefind_bin` wheel (PyPI `pagefind[bin]`):
a subprocess needs no event loop, and the Python API's service polls its pipe every 0.1 s per
request. Pagefind costs about 5 CPU-seconds per 1,000 essays: 0.06 s for the sample garden, so
`mkdocs serve` runs it on every rebuild, and 13-18% of a build of 1,000 or 5,000 generated essays,
about what Material's search plugin cost before it (a build of 5,000 took 175 s with that plugin
and 176 s with Pagefind instead). Any failure (no binary, a crash, a timeout) is a warning, so
`mkdocs build --strict` fails on it while `mkdocs serve` keeps going.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from ..speed.cache import Cache, code_version, digest
from .report import warning_level

log = get_plugin_logger(__name__)  # prefixed "garden"; its warnings count under `--strict`

BUNDLE = "pagefind"  # the folder of the site the search box loads /pagefind/pagefind.js from
ROOT_SELECTOR = "article.md-content__inner"  # Material's article: the page's own content
GLOB = "**/index.html"
EXCLUDE_SELECTORS = (
    ".headerlink",  # the ¶ after each heading
    ".footnote-backref",  # ↩
    ".md-content__button",  # "edit this page" and "view source" buttons
    ".garden-draft-label",  # "Draft: shown by mkdocs serve only" (serve only)
    ".garden-post-list",  # the home page's list of essays: their titles and descriptions
    ".garden-posts",  # a tag page's list of essays
    ".garden-sequence",  # links to the previous and next parts
    ".garden-backlinks",  # other posts' titles and the words around their links here
    # Code listings: a result's excerpt is then always the essay's own prose, never Markdown or
    # code shown as an example (a search for "untitled warning" should land on the callout, not
    # on the listing that shows how to write one). Inline code stays searchable.
    "pre",
)
TIMEOUT = 600  # seconds; 5,000 generated essays index in about 30


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


@dataclass(frozen=True)
class SearchIndexReport:
    pages: int  # pages in the index
    seconds: float  # wall time of the pagefind run
    bundle: Path  # the folder holding pagefind.js and the index

    def __str__(self) -> str:
        return f"search: indexed {self.pages} page{'s' * (self.pages != 1)} with Pagefind in {self.seconds:.2f} s"


def index_site(
    config: MkDocsConfig, cache: Cache, pages: str | None = None, *, background: bool = False, early: EarlyIndex | None = None
) -> None:
    """The hook's entry (on_post_build, after the garden's redirect pages are written): give the
    built site its search index and turn any failure into a warning.

    The index depends only on the pages Pagefind reads, so it is cached under `pages`, their
    digest (None: read them to find out): a rebuild that changed no page copies the last index.
    `early` is an index started before MkDocs wrote the site (`start_early`), used if it was made
    from these very pages. `background` (under `mkdocs serve`) indexes in a thread, so the
    browser reloads the edited page without waiting; the search box catches up a little later."""
    if material_search_on(config):
        return
    site_dir = Path(config.site_dir)
    if early is not None:
        try:
            bundle = early.finish()
            # No index: Pagefind failed, and said why. A damaged cached one: index afresh below.
            if early.pages == pages and (bundle is None or install(bundle, site_dir / BUNDLE)):
                return
        finally:
            early.close()
    folder = cache.folder("search", index_key(site_dir, pages)) if cache.enabled else None
    if folder is not None and sealed(folder) and install(folder, site_dir / BUNDLE):
        log.info("search: no page changed, so the index is the last build's")
        return
    if not cache.writable:
        folder = None  # index straight into the site: the cache cannot keep it
    if background:
        threading.Thread(target=_index, args=(site_dir, folder, _generation, True), daemon=True).start()
    elif (bundle := _index(site_dir, folder, _generation)) is not None and folder is not None:
        install(bundle, site_dir / BUNDLE)


class EarlyIndex:
    """Pagefind started as soon as every page's HTML is known, on a copy of just those pages, so
    that it indexes while MkDocs writes the site (the pages are all Pagefind reads: alias
    redirects have no article). `index_site` takes its result if the site has the same pages."""

    def __init__(self, cache: Cache, pages: str, outputs: dict[str, str]) -> None:
        self.pages = pages
        self.staging = Path(tempfile.mkdtemp(prefix="garden-search-"))
        folder = cache.folder("search", index_key(self.staging, pages)) if cache.enabled else None
        if folder is not None and not cache.writable and not sealed(folder):
            folder = None  # the cache cannot keep a new index
        self.bundle: Path | None = None
        self._thread = threading.Thread(target=self._run, args=(folder, outputs, _generation), daemon=True)
        self._thread.start()

    def _run(self, folder: Path | None, outputs: dict[str, str], generation: int) -> None:
        if folder is not None and sealed(folder):
            self.bundle = folder
            log.info("search: no page changed, so the index is the last build's")
            return
        for dest_uri, html in outputs.items():
            path = self.staging / dest_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(html.encode("utf-8", errors="xmlcharrefreplace"))  # as MkDocs writes it
        outputs.clear()  # a dict of its own: the pages need not stay in memory while Pagefind runs
        self.bundle = _index(self.staging, folder, generation)

    def finish(self) -> Path | None:
        """Wait for the index; its folder, or None if Pagefind failed (it said why)."""
        self._thread.join()
        return self.bundle

    def close(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def start_early(config: MkDocsConfig, cache: Cache, pages: str, outputs: dict[str, str]) -> EarlyIndex | None:
    return None if material_search_on(config, quiet=True) else EarlyIndex(cache, pages, outputs)


def material_search_on(config: MkDocsConfig, *, quiet: bool = False) -> bool:
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    if plugin is None or not getattr(plugin.config, "enabled", True):
        return False
    if not quiet:
        log.log(warning_level(log), "search: Material's search plugin is on, so Pagefind was not run: remove `- search` from `plugins` in mkdocs.yml")
    return True


_generation = 0  # counts builds: a background run whose build was followed by another gives up
DEBOUNCE = 1.0  # seconds a background run waits, in case the author saves again at once


def new_build() -> None:
    """A build is starting (and, under `mkdocs serve`, about to empty the site folder)."""
    global _generation
    _generation += 1


def _index(site_dir: Path, folder: Path | None, generation: int, background: bool = False) -> Path | None:
    """Index `site_dir` into `folder` of the cache (into `site_dir/pagefind/` without a cache);
    returns where the index is, or None. In the background the run waits a moment, is niced,
    installs its index itself, and gives up if another build began: that build emptied the
    site folder under it, and will index the site itself."""
    if background:
        time.sleep(DEBOUNCE)
        if generation != _generation:
            return None
    output = site_dir / BUNDLE if folder is None else folder.with_name(f".{folder.name}.{os.getpid()}.{generation}")
    try:
        report = write_search_index(site_dir, output, nice=background)
    except SearchIndexError as error:
        if generation == _generation:
            log.log(warning_level(log), f"search: {error}")
        return None
    finally:
        if folder is not None and output.exists() and not (output / "pagefind-entry.json").exists():
            shutil.rmtree(output, ignore_errors=True)
    if generation != _generation:
        shutil.rmtree(output, ignore_errors=True)  # indexed a site that changed under it
        return None
    log.info(str(report))
    if folder is None:
        return output
    seal(output)
    if folder.exists() and not sealed(folder):
        shutil.rmtree(folder, ignore_errors=True)  # a damaged entry that lost its seal: replaced
    try:
        output.rename(folder)  # whole or not at all: a killed build leaves no half index
    except OSError:
        shutil.rmtree(output, ignore_errors=True)  # another build stored the same index first
    if background:
        install(folder, site_dir / BUNDLE)
    return folder


def index_key(site_dir: Path, pages: str | None) -> str:
    """The digest of what Pagefind reads (the pages it indexes), its version and settings."""
    if pages is None:
        found = sorted(site_dir.glob(GLOB))
        pages = digest([(page.relative_to(site_dir).as_posix(), page.read_bytes()) for page in found])
    return digest(code_version(), ROOT_SELECTOR, GLOB, EXCLUDE_SELECTORS, pages)


SEAL = ".garden-files"  # in a cached index: each file's digest, checked whenever it is used


def seal(folder: Path) -> None:
    """Note the digest of each file of a finished index, before it goes into the cache."""
    files = {p.relative_to(folder).as_posix(): digest(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / SEAL).write_text(json.dumps(files), encoding="utf-8")


def sealed(folder: Path) -> bool:
    return (folder / SEAL).is_file()


def install(folder: Path, bundle: Path) -> bool:
    """Copy an index into the site. A cached (sealed) one is checked file by file as it is
    copied; if any file differs from its seal, the cached index is deleted and False returned,
    so that the caller indexes afresh. Copies, not hard links: the site is the author's to
    post-process, and that must not reach back into the cache."""
    if bundle.exists():
        shutil.rmtree(bundle)
    if not sealed(folder):
        shutil.copytree(folder, bundle)
        return True
    try:
        files = json.loads((folder / SEAL).read_text(encoding="utf-8"))
        for name, expected in files.items():
            data = (folder / name).read_bytes()
            if digest(data) != expected:
                raise ValueError(name)
            (bundle / name).parent.mkdir(parents=True, exist_ok=True)
            (bundle / name).write_bytes(data)
    except (OSError, ValueError, AttributeError):
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        log.info("search: the cached index was damaged; indexing afresh")
        return False
    return True


def write_search_index(site_dir: Path, output: Path | None = None, *, nice: bool = False) -> SearchIndexReport:
    """Run Pagefind over `site_dir`, writing the index and its scripts to `output` (by default
    `site_dir/pagefind/`); `nice`: at low priority, behind the next rebuild."""
    executable = pagefind_executable()
    bundle = output or site_dir / BUNDLE
    if (bundle / "pagefind-entry.json").exists():
        shutil.rmtree(bundle)  # a previous index, e.g. from `mkdocs build --dirty`
    command = [
        str(executable),
        "--site", str(site_dir),
        "--output-path", str(bundle.resolve()),
        "--root-selector", ROOT_SELECTOR,
        "--glob", GLOB,
        "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS),
        "--quiet",
    ]  # fmt: skip
    if nice and (renice := shutil.which("nice")):
        command = [renice, "-n", "10", *command]
    start = time.perf_counter()
    try:
        # cwd: Pagefind reads a pagefind.yml/.toml/.json from its working folder; the site has none.
        result = subprocess.run(command, cwd=site_dir, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind did not finish within {TIMEOUT} s; the site has no search index") from None
    except OSError as error:
        raise SearchIndexError(
            f"cannot run Pagefind ({executable}): {error.strerror or error}; reinstall it with `pip install 'pagefind[bin]'`"
        ) from None
    seconds = time.perf_counter() - start
    output = "\n".join(line for line in (result.stdout + result.stderr).splitlines() if line.strip())
    pages = sum(1 for _ in (bundle / "fragment").glob("*.pf_fragment"))
    if result.returncode != 0 or pages == 0 or not (bundle / "pagefind.js").exists():
        if "not able to build an index" in output or result.returncode == 0:
            raise SearchIndexError(
                f"Pagefind found no page to index: none of {GLOB} in {site_dir} has an `{ROOT_SELECTOR}` "
                "element (did a theme override change Material's <article>?)"
            )
        detail = " ".join(dict.fromkeys(output.splitlines()))  # Pagefind may repeat its error line
        raise SearchIndexError(f"Pagefind failed (exit status {result.returncode}): {detail or 'no output'}")
    for line in output.splitlines():
        log.info(f"search: pagefind: {line}")
    return SearchIndexReport(pages=pages, seconds=seconds, bundle=bundle)


def pagefind_executable() -> Path:
    """The binary of the `pagefind_bin` wheel (or $PAGEFIND_BINARY_PATH, or one on $PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        executable = Path(found) if found else None
    else:
        executable = get_executable()
    if executable is None or not executable.exists():
        raise SearchIndexError(
            "Pagefind is not installed, so the site has no search index: run `pip install 'pagefind[bin]'` (or `make install`)"
        )
    return executable

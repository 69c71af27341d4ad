"""Full-text search with Pagefind: the built site is indexed after every build.

Why not Material's built-in search: it writes every page's text into one
`search/search_index.json`, and the browser downloads all of it, with a lunr worker, on the
first page it opens (Material fetches the index on page load, before anyone types). For the
generated essays of bench/ that is 11.6 MB (2.7 MB gzipped) at 1,000 posts and 58 MB (13.6 MB
gzipped) at 5,000. Pagefind splits its index into chunks and loads nothing until the search box
is used, then only the chunks a query needs: a first one-word search transfers 294 kB at 1,000
posts and 414 kB at 5,000 from the garden's 4 shards (211 and 315 kB from one whole index), of
which about 100 kB is Pagefind's script and wasm (bench/scale.py measures it in Chromium).

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
Pagefind cannot update an index in place, so a large garden's index is cut into shards (see
"Shards" below) and a rebuild re-indexes only the shards whose pages changed.
Indexing runs the `pagefind` binary shipped in the `pagefind_bin` wheel (PyPI `pagefind[bin]`):
a subprocess needs no event loop, and the Python API's service polls its pipe every 0.1 s per
request. Pagefind takes 2 to 3 s per 1,000 essays on 2 cores (14 s for 5,000) and 0.06 s for
the sample garden, so `mkdocs serve` runs it on every rebuild: 9-16% of a cold build of 1,000 or
5,000 generated essays, about what Material's search plugin cost before it. Any failure (no
binary, a crash, a timeout) is a warning, so
`mkdocs build --strict` fails on it while `mkdocs serve` keeps going.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
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


class NothingToIndex(SearchIndexError):
    """Pagefind ran, and found no page with an article to index."""

    def __init__(self, pages: str) -> None:  # `pages`: which pages had none, e.g. "no **/index.html"
        super().__init__(
            f"Pagefind found no page to index: {pages} has an `{ROOT_SELECTOR}` element (did a theme override change Material's <article>?)"
        )


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

    `early` is an index started before MkDocs wrote the site (`start_early`), used if it was made
    from these very pages (`pages`: their digest). Otherwise the written pages are indexed, shard
    by shard, each shard taken from the cache if none of its pages changed. `background` (under
    `mkdocs serve`) indexes in a thread, so the browser reloads the edited page without waiting;
    the search box catches up a little later."""
    if material_search_on(config):
        return
    site_dir = Path(config.site_dir)
    if early is not None:
        try:
            shards = early.finish()
            # No index: Pagefind failed, and said why. A damaged cached shard: index afresh below.
            if early.pages == pages and (shards is None or install(shards, site_dir / BUNDLE)):
                return
        finally:
            early.close()
    if background:
        threading.Thread(target=_index_site, args=(site_dir, cache, _generation, True), daemon=True).start()
    else:
        _index_site(site_dir, cache, _generation)


def _index_site(site_dir: Path, cache: Cache, generation: int, background: bool = False) -> None:
    """Index the pages written in `site_dir`. In the background the run waits a moment, is
    niced, and gives up if another build began: that build emptied the site folder under it,
    and will index the site itself."""
    if background:
        time.sleep(DEBOUNCE)
        if generation != _generation:
            return
    for _attempt in range(2):  # a damaged cached shard is deleted by install: made again once
        index = None
        try:
            index = ShardedIndex(cache, WrittenPages(site_dir), generation, nice=background)
            shards = index.build()
            if shards is None or generation != _generation or install(shards, site_dir / BUNDLE):
                return
        except OSError:
            return  # the site folder changed under a background run: a newer build indexes it
        finally:
            if index is not None:
                index.close()


class WrittenPages(Mapping[str, bytes]):
    """The pages in a built site, by path, each read when asked for."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.uris = [path.relative_to(site_dir).as_posix() for path in sorted(site_dir.glob(GLOB))]

    def __getitem__(self, uri: str) -> bytes:
        return (self.site_dir / uri).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.uris)

    def __len__(self) -> int:
        return len(self.uris)


class EarlyIndex:
    """Pagefind started as soon as every page's HTML is known (the pages are all Pagefind
    reads: alias redirects have no article), so that it indexes while MkDocs writes the site.
    `index_site` installs its shards if the site has the same pages."""

    def __init__(self, cache: Cache, pages: str, outputs: Mapping[str, bytes]) -> None:
        self.pages = pages
        self.shards: list[Shard] | None = None
        self._index: ShardedIndex | None = None
        self._thread = threading.Thread(target=self._run, args=(cache, outputs, _generation), daemon=True)
        self._thread.start()

    def _run(self, cache: Cache, outputs: Mapping[str, bytes], generation: int) -> None:
        # `outputs` are the bytes MkDocs is about to write (garden.speed.output.as_written), read
        # as each is needed: to sort and digest the pages (here, beside MkDocs' pass rather than
        # before it), then to write each shard's pages to the folder Pagefind reads.
        try:
            self._index = ShardedIndex(cache, outputs, generation)
            self.shards = self._index.build()
        except OSError as error:  # the pages waiting to be written could not be read back
            _warn(SearchIndexError(f"cannot read the pages to index ({error}); the site has no search index"), generation)

    def finish(self) -> list[Shard] | None:
        """Wait for the index; its shards, or None if Pagefind failed (it said why)."""
        self._thread.join()
        return self.shards

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


def start_early(config: MkDocsConfig, cache: Cache, pages: str, outputs: Mapping[str, bytes]) -> EarlyIndex | None:
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


# --------------------------------------------------------------------------------------------
# Shards: Pagefind cannot update an index in place, so a garden's index is cut into shards by
# a hash of each page's path, each indexed on its own and cached under a digest of its pages.
# An edit re-indexes the shards of the pages whose HTML changed (usually the essay's own and the
# home page's), not the whole garden. The search box merges them at query time with Pagefind's
# own `mergeIndex` (multisite search): the wasm and script load once, from the first shard, and
# each further shard adds its entry and meta files and the chunks a query needs.

SHARD_PAGES = 256  # pages a shard aims at: a one-edit rebuild re-indexes one or two of these
MAX_SHARDS = 4  # and no more: a first query fetches an index chunk (about 28 kB) from each shard
SHARDS_FILE = "garden-shards.json"  # in the bundle: the folders of the shards after the first
LISTING = b'<ol class="garden-posts">'  # in a page that lists posts (overrides/partials/post-list.html)
ARTICLE = ROOT_SELECTOR.rpartition(".")[2].encode()  # the class of the article Pagefind indexes


def shard_count(pages: int) -> int:
    """How many shards `pages` indexed pages go into: a power of two near pages / SHARD_PAGES
    (a garden crossing a boundary is re-indexed once). $GARDEN_SEARCH_SHARDS sets it."""
    if (forced := os.environ.get("GARDEN_SEARCH_SHARDS", "").strip()).isdigit() and int(forced) > 0:
        return int(forced)
    return int(max(1, min(MAX_SHARDS, 2 ** round(math.log2(max(pages, 1) / SHARD_PAGES)))))


def shard_of(uri: str, count: int) -> int:
    """The shard of a page: by its path only, so a page keeps its shard as the garden grows."""
    return int(digest(uri), 16) % count


def indexed(uri: str, html: bytes) -> bool:
    """Whether Pagefind indexes a page: the GLOB's `index.html` pages that have the article
    (alias redirects do not). Counting the same pages from MkDocs' outputs and from the written
    site gives both the same shards, and no shard of redirects only, which Pagefind refuses."""
    return (uri == "index.html" or uri.endswith("/index.html")) and ARTICLE in html


@dataclass(frozen=True)
class Shard:
    number: int
    folder: Path  # its index: a cached (sealed) folder, or one in the run's temporary folder


class ShardedIndex:
    """`pages` (path in the site to HTML) cut into shards; `build` gives each shard's index.
    Pages are read from `pages` when they are needed, and not kept: once to digest and sort
    them, once more to write a shard's pages where Pagefind reads them."""

    def __init__(self, cache: Cache, pages: Mapping[str, bytes], generation: int, *, nice: bool = False) -> None:
        self.pages = pages
        kept: dict[str, str] = {}  # each indexed page's digest
        lists = set()
        for uri in sorted(pages):
            html = pages[uri]
            if indexed(uri, html):
                kept[uri] = digest(html)
                if LISTING in html:
                    lists.add(uri)
        self.count = shard_count(len(kept) - len(lists))
        # Pages that list other posts (home, tags) change with almost every edit: in a sharded
        # index they have a small shard of their own, so an edit re-indexes it and one other.
        groups: list[dict[str, str]] = [{} for _ in range(self.count + (self.count > 1))]
        for uri, page_digest in kept.items():
            groups[self.count if uri in lists and self.count > 1 else shard_of(uri, self.count)][uri] = page_digest
        self.sizes = [len(group) for group in groups]  # pages per shard, for the log
        self.generation, self.nice = generation, nice
        self.temp = Path(tempfile.mkdtemp(prefix="garden-search-"))
        self.cached: dict[int, Path] = {}
        self.todo: dict[int, tuple[dict[str, str], Path | None]] = {}
        for number, group in enumerate(groups):
            if not group:
                continue
            folder = cache.folder("search", self.key(number, group)) if cache.enabled else None
            if folder is not None and sealed(folder):
                self.cached[number] = folder
            else:
                self.todo[number] = (group, folder if cache.writable else None)

    def build(self) -> list[Shard] | None:
        """Every non-empty shard's index, from the cache or made now; None, after a warning,
        if Pagefind failed or no page has an article."""
        shards = dict(self.cached)
        if self.todo:
            start = time.perf_counter()
            try:
                # One Pagefind at a time: each uses every core already, and two at once double
                # the memory of the build's peak (284 against 368 MiB at 1,000 essays).
                made = {number: self._index(number, job) for number, job in self.todo.items()}
            except SearchIndexError as error:
                self._warn(error)
                return None
            shards.update((number, folder) for number, folder in made.items() if folder is not None)
            pages = sum(self.sizes[number] for number in self.todo)
            log.info(
                f"search: indexed {pages} page{'s' * (pages != 1)} with Pagefind in {time.perf_counter() - start:.2f} s"
                + (f" ({len(self.todo)} of {len(self.sizes)} shards: the others had no page changed)" if len(self.sizes) > 1 else "")
            )
        elif shards:
            log.info("search: no page changed, so the index is the last build's")
        if not shards:
            self._warn(NothingToIndex(f"no {GLOB}"))
            return None
        return [Shard(number, shards[number]) for number in sorted(shards)]

    def key(self, number: int, group: dict[str, str]) -> str:
        """The digest of what Pagefind reads for a shard (its pages' digests), its version and settings."""
        return digest(code_version(), ROOT_SELECTOR, GLOB, EXCLUDE_SELECTORS, self.count, number, sorted(group.items()))

    def _index(self, number: int, job: tuple[dict[str, str], Path | None]) -> Path | None:
        """Index one shard's pages, copied into a folder of their own, into the cache's folder
        (renamed into place once sealed: a killed build leaves no half index) or, without a
        cache, into the run's temporary folder. None if Pagefind found nothing to index there."""
        group, folder = job
        site = self.temp / f"site-{number}"
        for uri, page_digest in group.items():
            html = self.pages[uri]
            if digest(html) != page_digest:
                # A newer build rewrote it (under `mkdocs serve`): the shard would be filed under
                # the digest of pages it does not hold.
                raise OSError(f"{uri} changed while its search shard was being made")
            (site / uri).parent.mkdir(parents=True, exist_ok=True)
            (site / uri).write_bytes(html)
        output = self.temp / f"index-{number}"
        try:
            write_search_index(site, output, nice=self.nice)
        except NothingToIndex:
            return None  # pages whose articles hold no text: the other shards have the rest
        finally:
            shutil.rmtree(site, ignore_errors=True)
        seal(output)
        # Kept even when a newer build has begun (under `mkdocs serve`): the shard is filed under
        # the digest of the very pages it indexed, so whichever build has those pages can use it.
        if folder is None:
            return output
        if folder.exists() and not sealed(folder):
            shutil.rmtree(folder, ignore_errors=True)  # a damaged entry that lost its seal: replaced
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            output.rename(folder)
        except OSError:
            if not sealed(folder):  # the cache failed; or another build stored the same index first
                return output
        return folder

    def _warn(self, error: SearchIndexError) -> None:
        _warn(error, self.generation)

    def close(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


def _warn(error: SearchIndexError, generation: int) -> None:
    """A warning for the build that made the index, unless a newer build has begun (serve)."""
    if generation == _generation:
        log.log(warning_level(log), f"search: {error}")


SEAL = ".garden-files"  # in a cached index: each file's digest, checked whenever it is used
MERGED_ONLY = ("pagefind-entry.json", ".pf_meta", "index/", "fragment/", "filter/")  # what a merged shard is read for


def seal(folder: Path) -> None:
    """Note the digest of each file of a finished index, before it goes into the cache."""
    files = {p.relative_to(folder).as_posix(): digest(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / SEAL).write_text(json.dumps(files), encoding="utf-8")


def sealed(folder: Path) -> bool:
    return (folder / SEAL).is_file()


def install(shards: list[Shard], bundle: Path) -> bool:
    """Copy the shards into the site: the first whole (Pagefind's scripts and wasm with its
    index), the others' index files only into `shard-N/` beside it, listed in SHARDS_FILE for
    the search box. Each file is checked against its shard's seal as it is copied; if one
    differs, that shard is deleted from the cache and False returned, so that the caller
    indexes it afresh. Copies, not hard links: the site is the author's to post-process, and
    that must not reach back into the cache."""
    if bundle.exists():
        shutil.rmtree(bundle)
    for place, shard in enumerate(shards):
        target = bundle if place == 0 else bundle / f"shard-{shard.number}"
        try:
            files = json.loads((shard.folder / SEAL).read_text(encoding="utf-8"))
            for name, expected in files.items():
                if place > 0 and not any(name.startswith(part) or name.endswith(part) for part in MERGED_ONLY):
                    continue
                data = (shard.folder / name).read_bytes()
                if digest(data) != expected:
                    raise ValueError(name)
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                (target / name).write_bytes(data)
        except (OSError, ValueError, AttributeError):
            shutil.rmtree(bundle, ignore_errors=True)
            shutil.rmtree(shard.folder, ignore_errors=True)
            log.info("search: a cached index shard was damaged; indexing it afresh")
            return False
    merged = [f"shard-{shard.number}/" for shard in shards[1:]]
    (bundle / SHARDS_FILE).write_text(json.dumps(merged), encoding="utf-8")
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
            raise NothingToIndex(f"none of {GLOB} in {site_dir}")
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

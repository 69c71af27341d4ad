"""Page templates, once per change: a page whose template would write what it wrote last time is
written from the cache instead of rendered again.

After every page's Markdown is converted (`on_env`), each page gets a key: its HTML, table of
contents, frontmatter, URL and title, the navigation, the theme's files and the site's settings.
A cached page under that key is used again if the garden still answers its template's questions
the same way (backlinks, sequence, the posts a list shows: see `garden.speed.trace`); the page's
`template` is then `garden/cached.html`, which prints the cached HTML. MkDocs still visits every
page, so navigation, the sitemap and anchor checks stay whole, and every file is written.

Rendering templates is about a tenth of a clean build, and nearly all of a rebuild under
`mkdocs serve` once Markdown is cached; a one-word edit re-renders the edited page and the few
that show something of it (its backlinks' targets, its sequence, the lists it is on).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import mkdocs16
from .cache import Cache, TemplateBytecode, code_version, digest
from ..model.index import Garden
from .parallel import cpu_count, forked_map
from .render import RenderMemo, plugin_settings, stable
from .trace import Trace, TracingGarden, post_fingerprint

KIND = "page"
CACHED_TEMPLATE = "garden/cached.html"


@dataclass
class Output:
    html: bytes  # as_written
    trace: Trace
    digest: str  # of `html`: what `--dirty` and the search index compare, without reading it again


def as_written(html: str) -> bytes:
    """A page's HTML as MkDocs writes it to the site. Pages wait for MkDocs' pass in this form:
    a page with one curly quote is two bytes a character as a `str`, one as UTF-8, and the search
    index reads these same bytes."""
    return html.encode("utf-8", errors="xmlcharrefreplace")


@dataclass(frozen=True)
class Spooled:
    """Where a worker left a page's output: `size` bytes at `offset` in the file `path`, whose
    digest the worker worked out (`digest`)."""

    path: Path
    offset: int
    size: int
    digest: str | None = None

    def read(self) -> bytes:
        with open(self.path, "rb") as file:
            data = os.pread(file.fileno(), self.size, self.offset)
        if len(data) != self.size:  # the file was cut short under the build
            raise OSError(f"{self.path} holds {len(data)} of the {self.size} bytes of a page at {self.offset}")
        return data


class SitePages(Mapping[str, bytes]):
    """Pages by key (a page's path in the site, or its src_uri), each read when asked for, and
    their digests, worked out only when not known already."""

    def __init__(self, held: dict[str, bytes | Spooled] | None = None, digests: dict[str, str] | None = None) -> None:
        self._held = {} if held is None else held
        self._digests = {} if digests is None else digests  # of held bytes, where known

    def __getitem__(self, key: str) -> bytes:
        held = self._held[key]
        return held.read() if isinstance(held, Spooled) else held

    def digest_of(self, key: str) -> str:
        """The digest of the page's output: that of the cached entry or of the worker that
        rendered it. Digesting every page again took 0.03 s of each rebuild at 1,000 essays."""
        held = self._held[key]
        known = held.digest if isinstance(held, Spooled) else self._digests.get(key)
        return known if known is not None else digest(self[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)


class WaitingPages(SitePages, MutableMapping[str, bytes]):
    """Each page's output (as_written) by src_uri, from when it is known until MkDocs' pass
    writes it. Output from the cache is held as it is; output the workers rendered stays in the
    files they appended it to (`Spooled`), read when it is asked for.

    Why not in memory: a cold build has every page rendered before MkDocs writes the first, and
    holding them (33 MB at 1,000 essays) while Pagefind indexes was a sixth of the build's peak
    memory (bench/scale.py)."""

    def __init__(self) -> None:
        super().__init__()
        self._spool: Path | None = None  # the workers' files, deleted by `close`
        self._served: dict[str, tuple[bytes, str]] = {}  # taken by MkDocs' pass, until written

    def spool(self) -> Path:
        """The folder for the workers' files, made before they are forked."""
        if self._spool is None:
            self._spool = Path(tempfile.mkdtemp(prefix="garden-pages-"))
        return self._spool

    def add_spooled(self, src_uri: str, where: Spooled) -> None:
        self._held[src_uri] = where

    def put(self, src_uri: str, output: bytes, output_digest: str) -> None:
        """Hold `output`, whose digest is `output_digest`."""
        self._held[src_uri] = output
        self._digests[src_uri] = output_digest

    def by_site_path(self, dest_uris: dict[str, str]) -> SitePages:
        """The pages of `dest_uris` (their path in the site -> src_uri), as they are now: MkDocs'
        pass writing (and dropping) them does not change what this returns."""
        return SitePages(
            {dest_uri: self._held[src_uri] for dest_uri, src_uri in dest_uris.items()},
            {dest_uri: self._digests[src_uri] for dest_uri, src_uri in dest_uris.items() if src_uri in self._digests},
        )

    def serve(self, src_uri: str) -> bytes:
        """Hand a page's output to MkDocs' pass, which is about to write it (`written_digest`)."""
        output = self[src_uri]
        self._served[src_uri] = (output, self.digest_of(src_uri))
        del self[src_uri]
        return output

    def written_digest(self, src_uri: str, written: bytes) -> str:
        """The digest of a page's output as MkDocs writes it: known if it is what `serve` handed
        over (comparing bytes costs a fraction of digesting them)."""
        served = self._served.pop(src_uri, None)
        return served[1] if served is not None and served[0] == written else digest(written)

    def __setitem__(self, src_uri: str, output: bytes) -> None:
        self._held[src_uri] = output
        self._digests.pop(src_uri, None)

    def __delitem__(self, src_uri: str) -> None:
        del self._held[src_uri]
        self._digests.pop(src_uri, None)

    def close(self) -> None:
        self._held.clear()
        self._digests.clear()
        self._served.clear()
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None


class OutputMemo:
    """Chooses the pages whose output can be reused, and keeps what the others render."""

    def __init__(self, cache: Cache, garden: Garden, config: MkDocsConfig, nav: Navigation, renders: RenderMemo | None = None) -> None:
        self.cache = cache
        self.garden = garden
        self.renders = renders  # which knows the digest of the HTML it gave each page
        self.salt = digest(code_version(), site_settings(config), theme_files(config), navigation(nav))
        # Output made earlier (or elsewhere) may stand in for a page only if nothing but the
        # garden's hook post-processes it: another plugin's on_post_page would run a second time
        # over HTML it had already changed.
        # Both also stand in for MkDocs' own steps (garden.speed.mkdocs16), known for 1.6 only.
        self.parallel = mkdocs16.SUPPORTED and len(config.plugins.events["post_page"]) <= 1
        self.enabled = cache.enabled and self.parallel
        self.tracing = TracingGarden(garden)  # the templates' `garden`; its trace is per page
        self.keys: dict[str, str] = {}  # src_uri -> key of pages whose output is to be kept
        self.reused = WaitingPages()  # src_uri -> output (as_written) MkDocs' pass need not render
        self.answers: dict[tuple, Any] = {}  # the garden is complete by now: answer each question once

    def choose(self, pages: list[Page]) -> None:
        """Point each page whose output still holds at the cached-output template."""
        if not self.enabled:
            return
        for page in pages:
            src_uri = page.file.src_uri
            key = self.key(page)
            found = self.cache.get(KIND, key, shared=True)  # its bytes and trace are only read
            if found is not None and found.trace.holds(self.garden, self.answers):
                self.reused.put(src_uri, found.html, found.digest)
                page.meta["template"] = CACHED_TEMPLATE
            else:
                self.keys[src_uri] = key

    def compiled_templates(self, env: Environment) -> None:
        """Keep compiled templates in the cache: compiling Material's costs more than a cached
        rebuild renders."""
        if self.cache.enabled and env.bytecode_cache is None:
            env.bytecode_cache = TemplateBytecode(self.cache)

    def prerender(self, files: Files, config: MkDocsConfig, nav: Navigation, env: Environment, serving: bool) -> int:
        """Render, in forked workers, the templates of the pages not taken from the cache, as
        MkDocs' build of a page would (`mkdocs16.render_template`); MkDocs' pass then writes their
        output like a cached page's.
        Drafts under `mkdocs serve` (which MkDocs marks as it builds them) stay with MkDocs."""
        if not self.parallel:
            return 0
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve if serving else InclusionLevel.is_included)
        todo = {
            file.src_uri: file.page
            for file in doc_files
            if file.page is not None and file.src_uri not in self.reused and not file.inclusion.is_excluded()
        }

        if not todo:
            return 0
        spool = self.reused.spool()

        def work(chunk: Sequence[str]) -> list[tuple[str, Spooled]]:
            # Each worker appends to a file of its own; only where each page went travels back.
            path = spool / str(os.getpid())
            results = []
            with open(path, "ab") as file:
                for src_uri in chunk:
                    output = as_written(mkdocs16.render_template(todo[src_uri], config, doc_files, nav, env))
                    results.append((src_uri, Spooled(path, file.tell(), len(output), digest(output))))
                    file.write(output)
            return results

        count = 0
        for results in forked_map(work, list(todo), cpu_count()):
            for src_uri, where in results:
                self.reused.add_spooled(src_uri, where)
                self.keys.pop(src_uri, None)  # the worker kept it
                todo[src_uri].meta["template"] = CACHED_TEMPLATE
                count += 1
        return count

    def all_outputs(self, files: Files) -> SitePages | None:
        """Every built page's HTML (as_written) by its path in the site, if all are known before MkDocs'
        pass (from the cache or the workers); None if MkDocs will render some itself."""
        src_uris = {}
        for file in files.documentation_pages(inclusion=InclusionLevel.is_included):
            if file.src_uri not in self.reused:
                return None
            src_uris[file.dest_uri] = file.src_uri
        return self.reused.by_site_path(src_uris)

    def key(self, page: Page) -> str:
        post = self.garden.post_at(page.file.src_uri)
        return digest(
            self.salt,
            page.file.src_uri,
            page.file.url,
            page.file.inclusion.name,
            page.title,
            self.renders.content_digest(page) if self.renders is not None else page.content,
            str(page.toc),
            stable(page.meta),
            post and post_fingerprint(post),
        )

    def start(self, page: Page) -> None:
        """A page's template is about to be rendered: trace its questions afresh."""
        self.tracing.trace = Trace()

    def cached_html(self, page: Page) -> Markup:
        return Markup(self.reused.serve(page.file.src_uri).decode("utf-8"))

    def digest_of(self, page: Page, written: bytes) -> str:
        return self.reused.written_digest(page.file.src_uri, written)

    def close(self) -> None:
        """The build is over: the workers' spooled output goes."""
        self.reused.close()

    def keep(self, page: Page, written: bytes, written_digest: str) -> None:
        """A page rendered this build (`written`: its output, as_written), kept for the next."""
        key = self.keys.pop(page.file.src_uri, None)
        if key is not None:
            self.cache.put(KIND, key, Output(written, self.tracing.trace, written_digest))


def site_settings(config: MkDocsConfig) -> Any:
    """Everything in the config a template may read, minus where this build writes to."""
    settings = {key: value for key, value in config.items() if key not in ("site_dir", "config_file_path", "plugins", "theme")}
    settings["plugins"] = plugin_settings(config)
    settings["theme"] = dict(config["theme"].items())
    return stable(settings)


def theme_files(config: MkDocsConfig) -> str:
    """The theme's own files (the project's overrides; Material's are named by its version)."""
    custom = config["theme"].custom_dir
    if not custom:
        return ""
    root = Path(custom)
    return digest(sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*") if p.is_file()))


def navigation(nav: Navigation) -> list[Any]:
    """Titles and URLs of the navigation every page shows."""

    def entry(item: Any) -> Any:
        return (type(item).__name__, item.title, getattr(item, "url", None), [entry(child) for child in item.children or ()])

    return [entry(item) for item in nav]

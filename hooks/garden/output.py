"""Page templates, once per change: a page whose template would write what it wrote last time is
written from the cache instead of rendered again.

After every page's Markdown is converted (`on_env`), each page gets a key: its HTML, table of
contents, frontmatter, URL and title, the navigation, the theme's files and the site's settings.
A cached page under that key is used again if the garden still answers its template's questions
the same way (backlinks, sequence, the posts a list shows: see `garden.trace`); the page's
`template` is then `garden/cached.html`, which prints the cached HTML. MkDocs still visits every
page, so navigation, the sitemap and anchor checks stay whole, and every file is written.

Rendering templates is about a tenth of a clean build, and nearly all of a rebuild under
`mkdocs serve` once Markdown is cached; a one-word edit re-renders the edited page and the few
that show something of it (its backlinks' targets, its sequence, the lists it is on).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .cache import Cache, code_version, digest
from .index import Garden
from .render import stable
from .trace import Trace, TracingGarden, post_fingerprint

KIND = "page"
CACHED_TEMPLATE = "garden/cached.html"


@dataclass
class Output:
    html: str
    trace: Trace


class OutputMemo:
    """Chooses the pages whose output can be reused, and keeps what the others render."""

    def __init__(self, cache: Cache, garden: Garden, config: MkDocsConfig, nav: Navigation) -> None:
        self.cache = cache
        self.garden = garden
        self.salt = digest(code_version(), site_settings(config), theme_files(config), navigation(nav))
        # Reusing output is only safe if nothing but the garden's hook post-processes it: another
        # plugin's on_post_page would run a second time over HTML it had already changed.
        self.enabled = cache.enabled and len(config.plugins.events["post_page"]) <= 1
        self.tracing = TracingGarden(garden)  # the templates' `garden`; its trace is per page
        self.keys: dict[str, str] = {}  # src_uri -> key of pages whose output is to be kept
        self.reused: dict[str, str] = {}  # src_uri -> cached output of pages served from the cache
        self.answers: dict[tuple, Any] = {}  # the garden is complete by now: answer each question once

    def choose(self, pages: list[Page]) -> None:
        """Point each page whose output still holds at the cached-output template."""
        if not self.enabled:
            return
        for page in pages:
            src_uri = page.file.src_uri
            key = self.key(page)
            found = self.cache.get(KIND, key)
            if found is not None and found.trace.holds(self.garden, self.answers):
                self.reused[src_uri] = found.html
                page.meta["template"] = CACHED_TEMPLATE
            else:
                self.keys[src_uri] = key

    def key(self, page: Page) -> str:
        post = self.garden.post_for(Path(page.file.abs_src_path)) if page.file.abs_src_path else None
        return digest(
            self.salt,
            page.file.src_uri,
            page.file.url,
            page.file.inclusion.name,
            page.title,
            page.content,
            str(page.toc),
            stable(page.meta),
            post and post_fingerprint(post),
        )

    def start(self, page: Page) -> None:
        """A page's template is about to be rendered: trace its questions afresh."""
        self.tracing.trace = Trace()

    def cached_html(self, page: Page) -> Markup:
        return Markup(self.reused.pop(page.file.src_uri))

    def keep(self, page: Page, output: str) -> None:
        key = self.keys.pop(page.file.src_uri, None)
        if key is not None:
            self.cache.put(KIND, key, Output(output, self.tracing.trace))


def site_settings(config: MkDocsConfig) -> Any:
    """Everything in the config a template may read, minus where this build writes to."""
    settings = {key: value for key, value in config.items() if key not in ("site_dir", "plugins", "theme")}
    settings["plugins"] = [name for name in config["plugins"]]
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

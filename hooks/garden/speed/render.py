"""Markdown to HTML, once per change: a memo around MkDocs' `Page.render`, and a process pool
that renders the pages a build will need ahead of MkDocs' own pass.

Converting Markdown is most of a build. A page's rendering is cached under a key made of its
Markdown, its post's frontmatter, its URL and the build's settings (`RenderMemo.key`), together
with the trace of what its extensions asked the garden (`garden.speed.trace`). A hit gives the page
everything `Page.render` would have set (HTML, table of contents, anchors, links to anchors)
and replays what the conversion logged (MkDocs' link warnings), so a cached build says the same
as a clean one.

Why a memo around `Page.render` rather than inside Python-Markdown: MkDocs adds its own
tree-processors to each page's Markdown instance (URL rewriting, link and anchor checks) and
reads their results off the instance, so a hit has to stand in for the whole method. The
garden's pages (`garden.site.pages.GardenPage`) call `RenderMemo.render` from their `render`.

Pages the memo does not have are rendered in parallel first (`prerender`, from `on_nav`): forked
workers run the same steps MkDocs would (`garden.speed.mkdocs16.read_page`: read the source, the
plugins' `on_page_markdown`, `render`) and send back the results, which MkDocs' pass then takes
from the memo. A worker's result is used only if MkDocs' pass arrives at the same key, so a
plugin that behaves differently in a worker costs time, never correctness.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from . import mkdocs16
from .cache import Cache, code_version, digest
from ..model.index import Garden
from ..markdown.context import answering
from .parallel import forked_map
from ..model.post import Post
from .trace import Trace, TracingGarden, post_fingerprint

KIND = "render"
PostWork = Callable[[Post], Any]  # work done beside a post's rendering (linting)


@dataclass
class Rendered:
    """What `Page.render` leaves on a page, and what the conversion logged and recorded."""

    content: str
    toc: Any  # mkdocs.structure.toc.TableOfContents
    title: str | None
    anchors: tuple[str, ...]
    links_to_anchors: dict[str, dict[str, str]] | None  # target src_uri -> {anchor: link}
    logs: list[tuple[str, int, str]] = field(default_factory=list)  # (logger, level, message)
    trace: Trace = field(default_factory=Trace)
    digest: str = ""  # of `content`, for the key of the page's output (`garden.speed.output`)

    def apply(self, page: Page, files: Files) -> None:
        page.content = self.content
        page.toc = self.toc
        mkdocs16.set_rendered_title(page, self.title)
        page.present_anchor_ids = set(self.anchors)
        if self.links_to_anchors is not None:
            by_src_uri = files.src_uris  # not get_file_from_path, which parses each path again
            page.links_to_anchors = {
                target: links
                for src_uri, links in self.links_to_anchors.items()
                if (target := by_src_uri.get(src_uri)) is not None
            }


class RenderMemo:
    """Renders pages through the cache; one per build, made in `on_files`."""

    def __init__(self, cache: Cache, garden: Garden, config: MkDocsConfig, files: Files) -> None:
        self.cache = cache
        self.garden = garden
        self.files = files
        # Not `mkdocs serve` or build: converting Markdown does not depend on it (drafts are in
        # `files` either way), so a preview starts from what the last build rendered.
        self.salt = digest(code_version(), build_settings(config), other_files(files, garden, generated=False))
        self.generated = other_files(files, garden, generated=True)
        self.prerendered: dict[str, Rendered] = {}  # results sent back by the workers
        # What Markdown asks (titles, anchors, addresses) is settled before pages render.
        self.answers: dict[tuple, Any] = {}
        self.rendered = self.reused = self.workers = 0  # pages converted, pages from the cache
        self.given: dict[str, tuple[str, str]] = {}  # src_uri -> the HTML given to the page, and its digest

    def key(self, page: Page, post: Post | None) -> str:
        # Pages the build generates (a page per tag) come and go with the tags posts use; only a
        # page whose Markdown could link to one (`tags/…`) depends on which exist.
        generated = self.generated if "tags/" in page.markdown else None
        return digest(self.salt, page.file.src_uri, page.file.url, page.markdown, generated, post and post_fingerprint(post))

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """What `Page.render` would do to `page`, from the workers, the cache or `Page.render`."""
        post = self.garden.post_at(page.file.src_uri)
        key = self.key(page, post)
        result = self.prerendered.pop(key, None)
        if result is not None:
            self.rendered += 1
            replay_logs(result.logs)
        elif (result := self.cache.get(KIND, key)) is not None and result.trace.holds(self.garden, self.answers):
            self.reused += 1
            replay_logs(result.logs)
        else:
            self.rendered += 1
            result = render_page(page, config, files, post, self.garden)
            self.cache.put(KIND, key, result)
        result.apply(page, files)
        self.given[page.file.src_uri] = (result.content, result.digest)

    def content_digest(self, page: Page) -> str:
        """The digest of the page's HTML: the one its rendering came with, unless a plugin has
        since replaced the HTML (`on_page_content`). Digesting every page's HTML again took
        0.013 s of each rebuild at 1,000 essays; rendering digests it once, in the workers."""
        given = self.given.get(page.file.src_uri)
        if given is not None and page.content is given[0]:
            return given[1]
        return digest(page.content or "")

    def prerender(
        self, config: MkDocsConfig, files: Files, src_uris: list[str], jobs: int, alongside: PostWork | None = None
    ) -> dict[str, Any]:
        """Render `src_uris` in `jobs` forked workers, ahead of MkDocs' pass over the pages.
        Workers also run `alongside(post)` for each page's post (the build lints there), whose
        answers are returned by src_uri."""

        def work(chunk: Sequence[str]) -> list[tuple[str, str, Rendered, Any]]:
            results = []
            for src_uri in chunk:
                file = files.get_file_from_path(src_uri)
                if file is None:
                    continue
                post = self.garden.post_at(src_uri)

                def convert(page: Page, post: Post | None = post) -> tuple[str, Rendered]:
                    return self.key(page, post), render_page(page, config, files, post, self.garden)

                try:
                    key, result = mkdocs16.read_page(file.page or Page(None, file, config), config, files, convert)
                except Exception:  # noqa: BLE001 - MkDocs' own pass renders it again, and reports why it fails
                    continue
                self.cache.put(KIND, key, result)
                extra = alongside(post) if alongside is not None and post is not None else None
                results.append((src_uri, key, result, extra))
            return results

        extras: dict[str, Any] = {}
        for results in forked_map(work, src_uris, jobs):
            self.workers = jobs
            for src_uri, key, result, extra in results:
                self.prerendered[key] = result
                if alongside is not None:
                    extras[src_uri] = extra
        return extras


def render_page(page: Page, config: MkDocsConfig, files: Files, post: Post | None, garden: Garden) -> Rendered:
    """MkDocs' own rendering of `page`, with the garden traced and the log captured."""
    trace = Trace()
    with captured_logs() as logs, answering(TracingGarden(garden, trace)):
        Page.render(page, config, files)
    links = page.links_to_anchors
    content = page.content or ""
    return Rendered(
        content=content,
        toc=page.toc,
        title=mkdocs16.rendered_title(page),
        anchors=tuple(sorted(page.present_anchor_ids or ())),
        links_to_anchors=None if links is None else {target.src_uri: dict(found) for target, found in links.items()},
        logs=logs,
        trace=trace,
        digest=digest(content),
    )


# --------------------------------------------------------------------------------------------
# What a page's rendering depends on besides its own source.


def build_settings(config: MkDocsConfig) -> Any:
    """The settings that shape rendered Markdown, with functions named rather than addressed."""
    return stable(
        [
            config["markdown_extensions"],
            config["mdx_configs"],
            config["use_directory_urls"],
            dict(config["validation"]),
            # Plugins shape a page's Markdown before it renders (part of the key) and its HTML
            # after; their settings differ under `mkdocs serve` (Material's tags plugin), and
            # would keep a preview from starting with what the last build rendered.
            [name for name in config["plugins"]],
        ]
    )


def plugin_settings(config: MkDocsConfig) -> dict[str, Any]:
    """Each plugin's name and settings (hooks have none)."""
    return {name: dict(getattr(plugin, "config", None) or {}) for name, plugin in config["plugins"].items()}


def other_files(files: Files, garden: Garden, *, generated: bool) -> str:
    """The site's files that are not posts, which links may point at (posts are followed one by
    one through the trace instead): those on disk (images, assets…), or those the build
    generates (`generated`)."""
    return digest(
        sorted(
            (f.src_uri, f.url)
            for f in files
            if (f.abs_src_path is None) == generated and garden.post_at(f.src_uri) is None
        )
    )


def stable(value: Any) -> Any:
    """`value` with functions and classes replaced by their dotted names, sets sorted."""
    if isinstance(value, dict):
        return {str(key): stable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [stable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    text = repr(value)  # dates and the like say what they are; objects say where they are
    return f"{type(value).__module__}.{type(value).__qualname__}" if " at 0x" in text else text


# --------------------------------------------------------------------------------------------
# Logs: what MkDocs and the extensions say while converting, kept to be said again on a hit.


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.records.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def captured_logs() -> Iterator[list[tuple[str, int, str]]]:
    collector = _Collector()
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]  # "mkdocs" does not propagate
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield collector.records
    finally:
        for logger in loggers:
            logger.removeHandler(collector)


def replay_logs(records: list[tuple[str, int, str]]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


"""Every place where the garden reaches into MkDocs past its public API, for MkDocs 1.6 only.

The rest of the garden uses MkDocs as plugins do: events, `Files`, and subclasses of `File` and
`Page` (`garden.site.pages`). What follows has no public route; each touch says why.

1. `Page._title_from_render`, read after a page is converted and written when a cached
   conversion is applied (`rendered_title`, `set_rendered_title`). `Page.render` sets it
   from the first heading and `Page.title` reads it; a page converted in a worker or taken from
   the cache must carry it too, or its title would fall back to the file name. Setting the
   public `page.title` instead would pin the title past later changes of `page.meta`.
2. The steps of `mkdocs.commands.build._populate_page` and `_build_page` for one page, which the
   workers run ahead of MkDocs' own pass (`read_page`, `render_template`): MkDocs has no call
   that does one page's steps without writing it. With them, `config._current_page`, which
   MkDocs sets around those steps (its `!relative` YAML tag in extension settings reads it).
3. `mkdocs.structure.pages._HTMLHandler`, replaced: MkDocs' raw-HTML id collector crashes on
   `<![` in prose, before any extension or plugin can step in (`TextTolerantHTMLHandler`).
4. Two filters on the wording of MkDocs' log, which any release may change: its warning that a
   `--dirty` build may be inaccurate (the garden's are not, see `garden.speed.dirty`, and under
   `--strict` it would fail every such build), and its message about a relative link to a
   missing file when the garden has reported that very link with its line (`garden.site.report`).

On any other MkDocs (`SUPPORTED` is false) none of this happens and the garden falls back to
MkDocs' own behaviour: every page is converted by `Page.render` and rendered by MkDocs' pass (no
workers, no cached Markdown or HTML), MkDocs' messages are left as they are, and `<![` in prose
crashes that page's conversion (the garden reports it as an error naming the file).

`MIRRORED` pins the source of everything above; tests/speed/test_mkdocs16.py fails when an
upgrade changes any of it, and names what to check again before updating the pin.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import logging
import re
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any, TypeVar

from jinja2 import Environment
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

T = TypeVar("T")

VERSIONS = ("1.6.",)
SUPPORTED = metadata.version("mkdocs").startswith(VERSIONS) and hasattr(pages, "_HTMLHandler")

# What this module relies on, by module:name: a digest of its source (`source_digest`), and what
# to check again when it changes.
MIRRORED: dict[str, tuple[str, str]] = {
    "mkdocs.commands.build:_populate_page": ("31a70ea4caef1e12", "read_page runs the same steps in the same order"),
    "mkdocs.commands.build:_build_page": ("adcdbd14b2361126", "render_template runs the same steps up to on_post_page; garden/cached.html stands in for the template"),
    "mkdocs.commands.build:build": ("c476b64474acfaa2", "pages are all read before on_env, the dirty warning's wording (DIRTY_WARNING)"),
    "mkdocs.structure.nav:_data_to_navigation": ("584d54adaf3add6e", "a page already on file.page is kept, with the title garden.site.pages.nav_titles finds"),
    "mkdocs.structure.pages:Page.__init__": ("fa0bb890179b7375", "_title_from_render starts as None"),
    "mkdocs.structure.pages:Page.render": ("320529348f7a8af1", "Rendered (garden.speed.render) keeps everything render sets, _title_from_render included"),
    "mkdocs.structure.pages:Page.title": ("0b79ceaa40829423", "the title still comes from _title_from_render after meta['title']"),
    "mkdocs.structure.pages:_RawHTMLPreprocessor": ("1bc67630834f6212", "it still feeds the whole Markdown to _HTMLHandler"),
    "mkdocs.structure.pages:_HTMLHandler": ("0e6902ddbb2521eb", "TextTolerantHTMLHandler still only changes how <![ is read"),
    "mkdocs.structure.pages:_RelativePathTreeprocessor.path_to_url": ("e70ebc9605514fab", "the missing-link message still matches MISSING_LINK"),
}


def source_digest(name: str) -> str:
    """A digest of the source of `name` ("module:qualified.name")."""
    module, _, qualname = name.partition(":")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = inspect.getattr_static(obj, part)
    obj = getattr(obj, "func", obj)  # MkDocs' weak_property keeps its getter as `func`
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


def install(link_reported: Callable[[str, str], bool]) -> None:
    """Patch `<![` and filter MkDocs' log for this build (idempotent: MkDocs keeps its loggers
    and modules between the rebuilds of `mkdocs serve`). `link_reported(src_uri, url)` says
    whether the garden reported that link of that file in this build."""
    if not SUPPORTED:
        return
    pages._HTMLHandler = TextTolerantHTMLHandler  # type: ignore[misc]
    _only_filter(logging.getLogger("mkdocs.structure.pages"), ReportedLinks(link_reported))
    _only_filter(logging.getLogger("mkdocs.commands.build"), AccurateDirtyBuilds())


# --------------------------------------------------------------------------------------------
# 1. The title MkDocs takes from a page's conversion


def rendered_title(page: Page) -> str | None:
    return page._title_from_render


def set_rendered_title(page: Page, title: str | None) -> None:
    page._title_from_render = title


# --------------------------------------------------------------------------------------------
# 2. One page's steps of MkDocs' build, for the workers


def read_page(page: Page, config: MkDocsConfig, files: Files, convert: Callable[[Page], T]) -> T:
    """`_populate_page`'s steps for `page`, with `convert(page)` in place of `page.render`
    (MkDocs' own pass runs `on_page_content` on the result later)."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        return convert(page)
    finally:
        config._current_page = None


def render_template(page: Page, config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation, env: Environment) -> str:
    """`_build_page`'s steps for `page` up to its output, which is returned, not written."""
    config._current_page = page
    page.active = True
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        return config.plugins.on_post_page(template.render(context), page=page, config=config)
    finally:
        page.active = False
        config._current_page = None


# --------------------------------------------------------------------------------------------
# 3. `<![` in prose


class TextTolerantHTMLHandler(pages._HTMLHandler):
    """MkDocs' id collector, reading `<![` outside `<![CDATA[` as text.

    MkDocs feeds every page's whole Markdown, prose and code spans included, to the standard
    library's HTML parser (`_RawHTMLPreprocessor`) only to collect the `id`s of raw HTML. That
    parser takes `<![` for an SGML marked section and raises `AssertionError: expected name
    token` when no name follows, as in a regular expression such as `(?<![*_])` in a post.
    Python-Markdown renders such text literally (its own parser has the same fix, for
    Python-Markdown#1534), so only MkDocs' look-up needs it."""

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<![", i) and not self.rawdata.startswith("<![CDATA[", i):
            return i + 3  # only ids are collected here: the text itself does not matter
        return super().parse_html_declaration(i)


# --------------------------------------------------------------------------------------------
# 4. MkDocs' log, by its wording

DIRTY_WARNING = "A 'dirty' build is being performed"
MISSING_LINK = re.compile(r"Doc file '(?P<src>.+?)' contains a link '(?P<url>.+?)', but the target\b.* is not found")


class AccurateDirtyBuilds(logging.Filter):
    """Drops MkDocs' warning that a `--dirty` build may be inaccurate."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


class ReportedLinks(logging.Filter):
    """Drops MkDocs' message about a link to a missing file that the garden reported already."""

    def __init__(self, link_reported: Callable[[str, str], bool]) -> None:
        super().__init__()
        self.link_reported = link_reported

    def filter(self, record: logging.LogRecord) -> bool:
        match = MISSING_LINK.match(record.getMessage())
        return match is None or not self.link_reported(match["src"], match["url"])


def _only_filter(logger: logging.Logger, new: logging.Filter) -> None:
    """`new` as the one filter of its kind on `logger`."""
    for old in [f for f in logger.filters if type(f).__qualname__ == type(new).__qualname__]:
        logger.removeFilter(old)
    logger.addFilter(new)

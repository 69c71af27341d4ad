"""How the garden becomes an MkDocs site: one method per build event, called from hooks/build.py.

State lives on a `GardenSite` that `configure` resets, because MkDocs keeps hook modules alive
between the rebuilds of `mkdocs serve`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import search
from ..speed.cache import Cache, digest
from ..model.config import GardenConfig
from ..model.errors import GardenError
from .feed import write_feed
from ..model.index import Garden, tag_slug
from ..check.lint import lint_garden
from ..markdown.context import set_page
from ..markdown.callouts import KNOWN_TYPES
from ..speed.memo import post_linter, post_reader
from ..speed.output import OutputMemo
from ..model.post import Post
from .redirects import remove_redirects, write_redirects
from ..speed.parallel import cpu_count
from ..speed.render import RenderMemo

log = get_plugin_logger("garden")  # its warnings count under `mkdocs build --strict`


class GardenSite:
    def __init__(self) -> None:
        self.serving = False
        self.garden: Garden | None = None
        self.cache = Cache(None)  # kept between the rebuilds of `mkdocs serve`
        self.sources: dict[str, str] = {}  # each post file's source digest, by path
        self.nav: Navigation | None = None
        self.files: Files | None = None
        self.written: dict[str, str] = {}  # each page's output digest, by its path in the site
        self.dirty = False
        self.on_disk: dict[str, str] = {}  # under --dirty: what the last build left in the site
        self.redirected: list[str] = []  # under --dirty: the aliases the last build redirected
        self.unchanged: set[str] = set()  # src_uris of pages MkDocs may skip writing
        self.renders: RenderMemo | None = None
        self.outputs: OutputMemo | None = None
        self.search: search.EarlyIndex | None = None

    def start(self, command: str, dirty: bool = False) -> None:
        """Drafts are previewed under `mkdocs serve` and left out of every other build.

        `--dirty` (which `make serve` passes) keeps the site folder between builds, and MkDocs
        then skips the pages whose `File.is_modified()` says so. MkDocs judges by file times,
        which misses every page whose output changed because another post did (backlinks,
        titles, lists). The garden answers instead (`file_modified`): a page is skipped only if
        the HTML it would get is byte for byte the HTML already in the site folder."""
        self.serving = command == "serve"
        self.dirty = dirty
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_accurate_dirty_builds)

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        search.new_build()
        self.garden = self.nav = self.files = self.renders = self.outputs = self.search = None
        self.written = {}
        self.unchanged = set()
        cache = Cache.beside(Path(config.config_file_path).parent, remember=self.serving)
        if cache.root != self.cache.root:
            self.cache = cache
        return config

    def place_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Index every post, serve each at /<permalink>/, mark drafts, drop posts that cannot build."""
        sources = {
            Path(file.abs_src_path): file
            for file in files.documentation_pages(inclusion=InclusionLevel.all)
            if file.abs_src_path and file.inclusion is not InclusionLevel.EXCLUDED
        }
        self.sources = {}
        self.garden = garden = Garden.load(Path(config.docs_dir), sources, read=post_reader(self.cache, self.sources))
        garden.drafts_visible = self.serving
        for path, file in sources.items():
            post = garden.post_for(path)
            if post is None:
                files.remove(file)  # its errors were reported above
                continue
            if not post.is_home:
                # MkDocs derives url and abs_dest_path from dest_uri only once, so set all three.
                file.dest_uri = f"{post.permalink}/index.html"
                file.url = post.url
                file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_uri))
            if post.is_draft:
                file.inclusion = InclusionLevel.DRAFT
        for page in tag_pages(garden, config, files):
            files.append(page)
        if self.dirty:
            for file in files.documentation_pages(inclusion=InclusionLevel.all):
                file.is_modified = partial(self.file_modified, file)  # type: ignore[method-assign]
        return files

    def prerender(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Render, in parallel, the posts whose source changed since the last build (all of
        them, the first time), linting each on the way: MkDocs' pass over the pages then finds
        them in the memo. Then report the linter's findings for every post, most from the cache."""
        assert self.garden is not None
        self.nav, self.files = nav, files
        self.renders = RenderMemo(self.cache, self.garden, config, files)
        last = self.cache.get("manifest", self.manifest_key(config)) or {}
        changed = [
            post.src_uri
            for post in self.garden.posts
            if self.sources.get(str(post.path)) != last.get(str(post.path)) and (self.serving or not post.is_draft)
        ]
        settings = GardenConfig.from_mapping(config, Path(config.config_file_path).parent)
        known = KNOWN_TYPES | settings.callout_types
        cached_lint = post_linter(self.cache)
        # Workers lint the posts they render; the rest are linted here, most from the cache.
        start = time.perf_counter()
        linted = self.renders.prerender(config, files, changed, cpu_count(), lambda post: cached_lint(post, known, self.garden))
        if self.renders.workers:
            log.info(f"Markdown: {len(changed)} changed pages converted in {self.renders.workers} processes in {time.perf_counter() - start:.2f} s")

        def lint(post: Post, callout_types: frozenset[str], garden: Garden) -> list[GardenError]:
            found = linted.pop(post.src_uri, None)
            return found if found is not None else cached_lint(post, callout_types, garden)

        report(lint_garden(self.garden, known, lint=lint))
        return nav

    def page_source(self, page: Page) -> str | None:
        """A post's Markdown, from the post model: its frontmatter was parsed once already.

        MkDocs would parse the YAML again for `page.meta`, which `prepare_page` replaces with
        the post model's anyway; an empty frontmatter block keeps MkDocs' own reading of the
        rest (it strips it, and does not look for MultiMarkdown metadata). Files without
        frontmatter are left to MkDocs."""
        post = self.post_of(page)
        if post is None or post.body_line == 1:
            return None
        return "---\n{}\n---\n" + post.body.replace("\r\n", "\n").replace("\r", "\n")

    def prepare_page(self, markdown: str, page: Page) -> str:
        """Give the page the post model's normalised frontmatter, and the extensions its post."""
        post = self.post_of(page)
        if post is not None:
            page.meta = dict(post.meta, tags=list(post.tags))
            if post.is_home:
                page.meta.setdefault("template", "home.html")
            if post.meta.get("toc") is False:
                page.meta["hide"] = [*page.meta.get("hide", []), "toc"]
        set_page(post, self.garden)
        if self.renders is not None:
            self.renders.install(page)
        return markdown

    def extend_templates(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Every page is converted by now: give templates the garden, and choose the pages whose
        output can come from the cache."""
        assert self.garden is not None and self.nav is not None
        self.outputs = OutputMemo(self.cache, self.garden, config, self.nav)
        self.outputs.choose([file.page for file in files.documentation_pages() if file.page and file.page.content is not None])
        if self.cache.enabled and env.bytecode_cache is None:
            # Compiled templates: compiling Material's costs more than a cached rebuild renders.
            folder = self.cache.folder("jinja", jinja2.__version__)
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        env.filters["garden_date"] = human_date
        env.filters["tag_url"] = lambda tag: f"tags/{tag_slug(tag)}/"
        env.globals["garden"] = self.outputs.tracing
        env.globals["garden_serving"] = self.serving
        env.globals["garden_cached_html"] = self.outputs.cached_html
        start = time.perf_counter()
        if count := self.outputs.prerender(files, config, self.nav, env, self.serving):
            log.info(f"templates: {count} pages rendered in {cpu_count()} processes in {time.perf_counter() - start:.2f} s")
        if self.dirty:
            self.skip_unchanged(files, Path(config.site_dir))
        if not self.serving and (outputs := self.outputs.all_outputs(files)) is not None:
            # Every page's HTML is known before MkDocs writes any: Pagefind can start now.
            self.search = search.start_early(config, self.cache, self.pages_digest(config, outputs), outputs)
        return env

    def skip_unchanged(self, files: Files, site_dir: Path) -> None:
        """Under --dirty: the pages whose HTML is already in the site folder, as the last build
        wrote it, need not be written again."""
        assert self.outputs is not None
        for file in files.documentation_pages():
            html = self.outputs.reused.get(file.src_uri)
            if html is None or file.dest_uri not in self.on_disk:
                continue
            written = digest(html)
            if self.on_disk[file.dest_uri] == written and (site_dir / file.dest_uri).is_file():
                self.unchanged.add(file.src_uri)
                self.written[file.dest_uri] = written
                del self.outputs.reused[file.src_uri]

    def file_modified(self, file: File) -> bool:
        """MkDocs asks this of each page under --dirty, before reading it and before writing it:
        every page is read (what it tells the garden, such as backlinks, is needed by others),
        and only pages whose HTML is new are written."""
        return file.src_uri not in self.unchanged

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        context["post"] = self.post_of(page)
        if self.outputs is not None:
            self.outputs.start(page)
        return context

    def keep_page(self, output: str, page: Page) -> str:
        """Every page's output, as written: kept for the next build, and noted for the search
        index, which changes only when some page does."""
        if self.outputs is not None:
            self.outputs.keep(page, output)
        self.written[page.file.dest_uri] = digest(output)
        return output

    def finish(self, config: MkDocsConfig) -> None:
        set_page(None)
        if self.renders is not None:
            renders = self.renders
            log.info(f"Markdown: converted {renders.rendered} pages, took {renders.reused} from the cache")
            self.cache.put("manifest", self.manifest_key(config), self.sources)
        if self.dirty:
            self.remove_stale(Path(config.site_dir))
        if self.garden is not None:
            report(write_redirects(self.garden, Path(config.site_dir), config.site_url, drafts=self.serving))
            if config.site_url:
                write_feed(self.garden, Path(config.site_dir), config.site_url, config.site_name, config.site_description)
            else:
                log.warning("no feed written: set `site_url` in mkdocs.yml, since a feed needs absolute links")
        search.index_site(config, self.cache, self.pages_digest(config), background=self.serving, early=self.search)

    def remove_stale(self, site_dir: Path) -> None:
        """Under --dirty: delete the pages (and alias redirects) of posts that are gone or moved."""
        for dest_uri in self.on_disk.keys() - self.written.keys():
            page = site_dir / dest_uri
            page.unlink(missing_ok=True)
            for folder in page.parents:
                if folder == site_dir or any(folder.iterdir()):
                    break
                folder.rmdir()
        assert self.garden is not None
        # This build's aliases too: `mkdocs build --dirty` finds the last build's redirects in site/.
        remove_redirects(site_dir, [*self.redirected, *self.garden.redirects])
        self.on_disk = dict(self.written)
        self.redirected = list(self.garden.redirects)

    def pages_digest(self, config: MkDocsConfig, outputs: dict[str, str] | None = None) -> str | None:
        """The digest of every page in the built site: the garden's pages (as written, or as
        they will be: `outputs`), and its alias redirects; None when an HTML file came from
        elsewhere (a theme or content file)."""
        if self.garden is None or self.files is None:
            return None
        if any(f.dest_uri.endswith(".html") and not f.is_documentation_page() for f in self.files):
            return None
        written = self.written if outputs is None else {dest: digest(html) for dest, html in outputs.items()}
        redirects = sorted((alias, post.url) for alias, post in self.garden.redirects.items())
        return digest(sorted(written.items()), redirects, config.site_url)

    def manifest_key(self, config: MkDocsConfig) -> str:
        """Where the source digests of this project's last build (or serve) are kept."""
        return digest(str(Path(config.config_file_path).resolve()), config.docs_dir)  # `-f` may be relative

    def post_of(self, page: Page) -> Post | None:
        """The post a page was built from: MkDocs' src_uri is the post model's (a page per
        generated tag never shares one with a file)."""
        return None if self.garden is None else self.garden.post_at(page.file.src_uri)


def tag_pages(garden: Garden, config: MkDocsConfig, files: Files) -> list[File]:
    """A page per tag at /tags/<slug>/, listing its posts as the home page does."""
    pages = []
    for slug in garden.tags:
        src_uri = f"tags/{slug}.md"
        if src_uri in files.src_uris:
            continue  # the author wrote this tag's page: theirs wins
        frontmatter = {"title": f"Tagged “{garden.tag_name(slug)}”", "template": "tag.html", "garden_tag": slug}
        content = "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in frontmatter.items()) + "---\n"
        pages.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    return pages


def report(findings: list[GardenError]) -> None:
    """Errors are MkDocs warnings, so `--strict` fails on them; linter warnings are only shown."""
    for finding in findings:
        if finding.severity == "error":
            log.warning(str(finding))
        else:
            log.info(f"{finding.location}: warning: {finding.message} ({finding.hint})")


def human_date(moment: dt.datetime | None) -> str:
    """"5 March 2024": day first, month in words, no platform-specific strftime flags."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def _accurate_dirty_builds(record: logging.LogRecord) -> bool:
    """Drops MkDocs' warning that a --dirty build may be inaccurate: the garden's builds are not
    (see `GardenSite.start`), and under --strict the warning would fail every build."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")

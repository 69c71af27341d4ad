"""How the garden becomes an MkDocs site: one method per build event, called from hooks/build.py.

State lives on a `GardenSite` that `configure` resets, because MkDocs keeps hook modules alive
between the rebuilds of `mkdocs serve`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import search
from .cache import Cache, digest
from .config import GardenConfig
from .errors import GardenError
from .feed import write_feed
from .index import Garden, tag_slug
from .lint import lint_garden
from .markdown.context import set_page
from .memo import post_linter, post_reader
from .output import OutputMemo
from .post import Post
from .redirects import write_redirects
from .render import RenderMemo, cpu_count

log = get_plugin_logger("garden")  # its warnings count under `mkdocs build --strict`


class GardenSite:
    def __init__(self) -> None:
        self.serving = False
        self.garden: Garden | None = None
        self.cache = Cache(None)  # kept between the rebuilds of `mkdocs serve`
        self.sources: dict[str, str] = {}  # each post file's source digest, by path
        self.nav: Navigation | None = None
        self.renders: RenderMemo | None = None
        self.outputs: OutputMemo | None = None

    def start(self, command: str) -> None:
        """Drafts are previewed under `mkdocs serve` and left out of every other build."""
        self.serving = command == "serve"

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        self.garden = self.nav = self.renders = self.outputs = None
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
        settings = GardenConfig.from_mapping(config, Path(config.config_file_path).parent)
        report(lint_garden(garden, settings.callout_types, lint=post_linter(self.cache)))
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
        return files

    def prerender(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Render, in parallel, the posts whose source changed since the last build (all of
        them, the first time): MkDocs' pass over the pages then finds them in the memo."""
        assert self.garden is not None
        self.nav = nav
        self.renders = RenderMemo(self.cache, self.garden, config, files)
        last = self.cache.get("manifest", self.manifest_key(config)) or {}
        changed = [
            post.src_uri
            for post in self.garden.posts
            if self.sources.get(str(post.path)) != last.get(str(post.path)) and (self.serving or not post.is_draft)
        ]
        self.renders.prerender(config, files, changed, cpu_count())
        return nav

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
        env.filters["garden_date"] = human_date
        env.filters["tag_url"] = lambda tag: f"tags/{tag_slug(tag)}/"
        env.globals["garden"] = self.outputs.tracing
        env.globals["garden_serving"] = self.serving
        env.globals["garden_cached_html"] = self.outputs.cached_html
        return env

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        context["post"] = self.post_of(page)
        if self.outputs is not None:
            self.outputs.start(page)
        return context

    def keep_page(self, output: str, page: Page) -> str:
        if self.outputs is not None:
            self.outputs.keep(page, output)
        return output

    def finish(self, config: MkDocsConfig) -> None:
        set_page(None)
        if self.renders is not None:
            renders = self.renders
            workers = f" in {renders.workers} processes" if renders.workers else ""
            log.info(f"Markdown: converted {renders.rendered} pages{workers}, took {renders.reused} from the cache")
            self.cache.put("manifest", self.manifest_key(config), self.sources)
        if self.garden is not None:
            report(write_redirects(self.garden, Path(config.site_dir), config.site_url, drafts=self.serving))
            if config.site_url:
                write_feed(self.garden, Path(config.site_dir), config.site_url, config.site_name, config.site_description)
            else:
                log.warning("no feed written: set `site_url` in mkdocs.yml, since a feed needs absolute links")
        search.index_site(config, self.cache, background=self.serving)

    def manifest_key(self, config: MkDocsConfig) -> str:
        """Where the source digests of this project's last build (or serve) are kept."""
        return digest(config.config_file_path, config.docs_dir, self.serving)

    def post_of(self, page: Page) -> Post | None:
        if self.garden is None or page.file.abs_src_path is None:
            return None
        return self.garden.post_for(Path(page.file.abs_src_path))


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

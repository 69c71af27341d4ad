"""The garden's build, stage by stage, in the order the site is made:

    1. read posts    every Markdown file through the post model (those not cached, in parallel workers),
                     and the garden index of them
    2. place pages   each post at /<permalink>/, drafts marked, broken posts dropped, a page per tag;
                     each page a `GardenPage`, whose `render` is stage 3's
    3. convert       Markdown to HTML: changed pages in parallel workers, the rest from the cache
    4. lint          the content checks of `garden check`, reported as MkDocs warnings
    5. templates     pages into Material's templates, reused when nothing they show has changed
    6. redirects     a page per alias
    7. feed          the RSS feed
    8. search        the Pagefind index
    9. finish        a strict build that failed leaves its site folder empty

hooks/build.py calls these stages from MkDocs' events; each stage is a few lines handing over
to the module that does the work (`model`, `site`, `check`, `speed`). The Markdown itself is
converted by the `garden.markdown` extensions, which need none of this. What reaches past
MkDocs' public API is in `speed/mkdocs16.py` alone, for MkDocs 1.6 only.

MkDocs keeps hook modules alive between the rebuilds of `mkdocs serve`: what one build knows
is a `Build`, made afresh by `configure`; what outlives a build (the cache, what `--dirty` left
in the site folder) is the `Session`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .check.lint import lint_garden
from .markdown.callouts import KNOWN_TYPES
from .markdown import context as markdown_context
from .model.config import GardenConfig
from .model.errors import GardenError, forget_paths
from .model.index import Garden
from .model.layout import SiteLayout
from .model.post import Post
from .model.resolve import check_address
from .site import bundles, pages, preview, search, templates
from .site.feed import write_feed
from .site.guard import SiteGuard
from .site.redirects import write_redirects
from .site.report import log, report, reported, warning_level
from .site.report import new_build as new_report
from .speed import collector, mkdocs16
from .speed.cache import Cache, digest
from .speed.dirty import DirtySite
from .speed.memo import PostReader, anchor_finder, link_finder, post_linter
from .speed.output import OutputMemo, SitePages, as_written
from .speed.parallel import cpu_count
from .speed.render import RenderMemo


@dataclass
class Session:
    """What outlives one build: `mkdocs serve` rebuilds with the same hook module."""

    serving: bool = False  # `mkdocs serve`: drafts are shown
    guard: SiteGuard | None = None  # a build's hold on its site folder (not under serve)
    dirty: DirtySite | None = None  # `--dirty`: only changed pages are written
    cache: Cache = field(default_factory=lambda: Cache(None))


@dataclass
class Build:
    """What one build knows, stage after stage."""

    config: MkDocsConfig
    settings: GardenConfig
    garden: Garden | None = None
    sources: dict[str, str] = field(default_factory=dict)  # each post file's source digest, by path
    files: Files | None = None
    nav: Navigation | None = None
    renders: RenderMemo | None = None
    outputs: OutputMemo | None = None
    linted: dict[str, list[GardenError]] = field(default_factory=dict)  # findings from the workers
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # each post's links, from the workers
    written: dict[str, str] = field(default_factory=dict)  # each page's output digest, by its path in the site
    early_search: search.EarlyIndex | None = None
    problems: preview.Problems | None = None  # under `mkdocs serve`: shown on the pages

    @property
    def site_dir(self) -> Path:
        return Path(self.config.site_dir)

    def post_of(self, page: Page) -> Post | None:
        """The post a page was built from: MkDocs' src_uri is the post model's."""
        return None if self.garden is None else self.garden.post_at(page.file.src_uri)


session = Session()
build: Build | None = None


def _current() -> Build:
    assert build is not None, "the garden's build stages run after on_config"
    return build


# --------------------------------------------------------------------------------------------
# Before the build


def start(command: str, dirty: bool = False) -> None:
    """Drafts are previewed under `mkdocs serve` and left out of every other build."""
    session.serving = command == "serve"
    session.dirty = DirtySite() if dirty else None


def configure(config: MkDocsConfig) -> MkDocsConfig:
    global build
    if session.serving and mkdocs16.SUPPORTED:
        collector.pause()  # until `finish` or `abandon`: see garden.speed.collector
    new_report()
    forget_paths()  # findings name files as they are now
    mkdocs16.install(_reported_link)  # the only reach into MkDocs' internals; MkDocs 1.6 only
    search.new_build()
    markdown_context.publish(None)
    root = Path(config.config_file_path).parent
    if not session.serving:
        if session.guard is not None:
            session.guard.release()
        session.guard = SiteGuard(Path(config.site_dir), strict=bool(config.strict))
    build = Build(config, GardenConfig.from_mapping(config, root))
    build.problems = preview.Problems() if session.serving else None
    cache = Cache.beside(root, remember=session.serving)
    if cache.root != session.cache.root:
        session.cache = cache
    return config


# --------------------------------------------------------------------------------------------
# 1. read posts, 2. place pages (on_files)


def read_posts(files: Files) -> Garden:
    """Every post of the content folder through the post model (cached), indexed."""
    b = _current()
    paths = [
        Path(file.abs_src_path)
        for file in files.documentation_pages(inclusion=InclusionLevel.all)
        if file.abs_src_path and file.inclusion is not InclusionLevel.EXCLUDED
    ]
    # The site's own files, which no permalink or alias may overwrite: what the theme and the
    # content folder copy (pages are placed later), and the theme's templates such as 404.html.
    layout = SiteLayout.of_build(
        (f.dest_uri for f in files if not f.is_documentation_page()), b.config.theme.static_templates
    )
    project = Path(b.config.config_file_path).parent
    read = PostReader(session.cache, b.sources)
    b.garden = Garden.load(Path(b.config.docs_dir), paths, read=read, layout=layout, project=project, ahead=read.ahead)
    b.garden.drafts_visible = session.serving
    b.garden.markdown_settings = (b.config.markdown_extensions, b.config.mdx_configs)
    b.garden.outgoing_links = link_finder(session.cache, b.links)
    b.garden.find_anchors = anchor_finder(session.cache)
    markdown_context.publish(b.garden)  # the extensions use this index rather than load one
    return b.garden


def place_pages(files: Files) -> Files:
    b = _current()
    assert b.garden is not None
    files = pages.place_posts(b.garden, files, b.config)
    for page in pages.tag_pages(b.garden, files, b.config):
        files.append(page)
    for page in b.problems.stand_in_pages(b.garden, b.config, files) if b.problems else ():
        files.append(page)
    pages.make_pages(files, b.config, convert_page)
    return files


# --------------------------------------------------------------------------------------------
# 3. convert, 4. lint (on_nav, and each page's on_page_read_source / on_page_markdown)


def convert(nav: Navigation, files: Files) -> None:
    """Convert, in parallel, the posts whose source changed since the last build (all of them,
    the first time), linting each on the way: MkDocs' pass over the pages then finds them in
    the memo."""
    b = _current()
    assert b.garden is not None
    b.nav, b.files = nav, files
    if not mkdocs16.SUPPORTED:
        return  # MkDocs converts every page itself
    b.renders = RenderMemo(session.cache, b.garden, b.config, files)
    last = session.cache.get("manifest", manifest_key(b.config)) or {}
    changed = [
        post.src_uri
        for post in b.garden.posts
        if b.sources.get(str(post.path)) != last.get(str(post.path)) and (session.serving or not post.is_draft)
    ]
    cached_lint = post_linter(session.cache)
    known = callout_types(b)
    started = time.perf_counter()
    garden = b.garden

    def alongside(post: Post) -> tuple[list[GardenError], list[tuple[str, str]]]:
        assert garden.outgoing_links is not None
        return cached_lint(post, known, garden), garden.outgoing_links(post, garden)

    for src_uri, (findings, links) in b.renders.prerender(b.config, files, changed, cpu_count(), alongside).items():
        b.linted[src_uri], b.links[src_uri] = findings, links
    if b.renders.workers:
        log.info(f"Markdown: {len(changed)} changed pages converted in {b.renders.workers} processes in {time.perf_counter() - started:.2f} s")


def lint() -> None:
    """Report the linter's findings for every post: the workers' for the posts they converted,
    the rest mostly from the cache."""
    b = _current()
    assert b.garden is not None
    cached_lint = post_linter(session.cache)

    def lint_post(post: Post, types: frozenset[str], garden: Garden) -> list[GardenError]:
        found = b.linted.pop(post.src_uri, None)
        return found if found is not None else cached_lint(post, types, garden)

    findings = lint_garden(b.garden, callout_types(b), lint=lint_post)
    report(findings)
    if b.problems is not None:
        b.problems.collect(findings)


def page_source(page: Page) -> str | None:
    return pages.page_source(_current().post_of(page))


def prepare_page(page: Page, markdown: str) -> str:
    """Give the page the post model's frontmatter; its Markdown, unless a plugin changed it, is
    the post model's own string."""
    post = _current().post_of(page)
    if post is None:
        return markdown
    page.meta = pages.page_meta(post)
    return pages.shared_source(markdown, post)


def convert_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """What MkDocs' `page.render` does for the garden's pages: the render memo, then (for a
    post) the crash guard around it."""
    b = _current()
    render = partial(b.renders.render if b.renders is not None else Page.render, page, config, files)
    post = b.post_of(page)
    if post is None:
        render()
    else:
        pages.guarded(render, page, post, report)


# --------------------------------------------------------------------------------------------
# 5. templates (on_env, each page's on_page_context / on_post_page, the theme's on_post_template)


def render_templates(env: Environment, files: Files) -> Environment:
    """Every page is converted by now: give templates the garden, and choose the pages whose
    output can come from the cache (or render them in parallel)."""
    b = _current()
    assert b.garden is not None and b.nav is not None
    report(pages.missing_templates(b.garden, files, env))
    b.outputs = OutputMemo(session.cache, b.garden, b.config, b.nav, b.renders)
    b.outputs.choose([file.page for file in files.documentation_pages() if file.page and file.page.content is not None])
    b.outputs.compiled_templates(env)
    templates.extend(env, b.outputs.tracing, serving=session.serving)
    env.globals["garden_problems"] = b.problems.everything if b.problems else list
    env.globals["garden_cached_html"] = b.outputs.cached_html
    started = time.perf_counter()
    if count := b.outputs.prerender(files, b.config, b.nav, env, session.serving):
        log.info(f"templates: {count} pages rendered in {cpu_count()} processes in {time.perf_counter() - started:.2f} s")
    if session.dirty is not None:
        session.dirty.skip_unchanged(files, b.site_dir, b.outputs.reused, b.written)
    if not session.serving and (outputs := b.outputs.all_outputs(files)) is not None:
        # Every page's HTML is known before MkDocs writes any: Pagefind can start now.
        b.early_search = search.start_early(b.config, session.cache, pages_digest(b, outputs), outputs)
    return env


def page_context(context: dict[str, Any], page: Page) -> dict[str, Any]:
    b = _current()
    context["post"] = b.post_of(page)
    if b.outputs is not None:
        b.outputs.start(page)
    return context


def keep_page(output: str, page: Page) -> str:
    """Every page's output, as written: kept for the next build, and noted for the search
    index, which changes only when some page does."""
    b = _current()
    written = as_written(output)  # the form pages wait in, and are digested in
    written_digest = b.outputs.digest_of(page, written) if b.outputs is not None else digest(written)
    if b.outputs is not None:
        b.outputs.keep(page, written, written_digest)
    b.written[page.file.dest_uri] = written_digest
    # Under `mkdocs serve`, a post's problems are shown on its page (garden.site.preview).
    return b.problems.annotate(output, page) if b.problems else output


def theme_file(output: str, template_name: str) -> str:
    """A theme template rendered into the site: the garden's bundles go without their comments."""
    return bundles.trimmed(output, template_name)


# --------------------------------------------------------------------------------------------
# After the pages: 6. redirects, 7. feed, 8. search (on_post_build)


def finish_pages() -> None:
    """The pages are written: remember what was converted, and under --dirty remove what is stale."""
    b = _current()
    markdown_context.publish(None)
    if b.renders is not None:
        log.info(f"Markdown: converted {b.renders.rendered} pages, took {b.renders.reused} from the cache")
        session.cache.put("manifest", manifest_key(b.config), b.sources)
    if session.dirty is not None and b.garden is not None:
        session.dirty.remove_stale(b.site_dir, b.written, b.garden, drafts=session.serving)


def redirects() -> None:
    b = _current()
    if b.garden is not None:
        dirty = session.dirty is not None
        report(write_redirects(b.garden, b.site_dir, b.config.site_url, drafts=session.serving, dirty=dirty))


def feed() -> None:
    b = _current()
    if b.garden is None:
        return
    if b.config.site_url:
        write_feed(b.garden, b.site_dir, b.config.site_url, b.config.site_name, b.config.site_description)
    else:
        log.log(warning_level(), "no feed written: set `site_url` in mkdocs.yml, since a feed needs absolute links")


def index_search() -> None:
    b = _current()
    search.index_site(b.config, session.cache, pages_digest(b), background=session.serving, early=b.early_search)


def finish() -> None:
    """The last step: a strict build that is going to fail leaves no site behind."""
    _let_go()
    if session.guard is not None:
        session.guard.finish()
        session.guard = None


def abandon() -> None:
    """The build stopped with an exception: let go of the site folder."""
    _let_go()
    if session.guard is not None:
        session.guard.release()
        session.guard = None


def _let_go() -> None:
    """What only this build needed on disk: the pages the workers rendered; and the cache's
    connection, whose closing folds the entries written into the database file. The garbage
    collector runs again."""
    try:
        if build is not None and build.outputs is not None:
            build.outputs.close()
        session.cache.close()
    finally:
        collector.resume()


# --------------------------------------------------------------------------------------------


def _reported_link(src_uri: str, url: str) -> bool:
    """Whether the garden's linter reported the link `url` of the file `src_uri` in this build."""
    post = None if build is None or build.garden is None else build.garden.post_at(src_uri)
    if post is None:
        return False
    problem = check_address(url, post, build.garden, hints=False).problem  # type: ignore[union-attr]
    return problem is not None and reported(post.path, problem)


def callout_types(b: Build) -> frozenset[str]:
    return KNOWN_TYPES | b.settings.callout_types


def pages_digest(b: Build, outputs: SitePages | None = None) -> str | None:
    """The digest of every page in the built site: the garden's pages (as written, or as they
    will be: `outputs`), and its alias redirects; None when an HTML file came from elsewhere
    (a theme or content file)."""
    if b.garden is None or b.files is None:
        return None
    if any(f.dest_uri.endswith(".html") and not f.is_documentation_page() for f in b.files):
        return None
    written = b.written if outputs is None else {dest: outputs.digest_of(dest) for dest in outputs}
    aliases = sorted((alias, post.url) for alias, post in b.garden.redirects.items())
    return digest(sorted(written.items()), aliases, b.config.site_url)


def manifest_key(config: MkDocsConfig) -> str:
    """Where the source digests of this project's last build (or serve) are kept."""
    return digest(str(Path(config.config_file_path).resolve()), config.docs_dir)  # `-f` may be relative

"""Where each post is served, and what MkDocs knows of it: the post model decides, MkDocs follows.

- every post at `/<permalink>/` (the home page at the root), drafts marked with MkDocs' own
  DRAFT inclusion (left out of builds, shown by `mkdocs serve`), posts that cannot build dropped;
- a generated page per tag at `/tags/<slug>/`;
- a page's Markdown and frontmatter come from the post model, which parsed them already;
- MkDocs' `File` and `Page` for every page are the garden's subclasses, whose overrides let the
  garden answer `--dirty` (`GardenFile.is_modified`) and convert Markdown through its cache and
  crash guard (`GardenPage.render`): public API, where patching each object would not be.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import Environment, TemplateNotFound
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..check.lint import missing_template
from ..model.errors import GardenError
from ..model.index import Garden
from ..model.post import Post


class GardenFile(File):
    """A post's file (or a page the garden generates), whose `is_modified()` the garden answers.

    MkDocs asks only under `--dirty`, to skip a page, and would judge by file times; the garden
    knows whether the page's HTML is what the site folder already has (garden.speed.dirty)."""

    unchanged = False  # the site folder holds this page's HTML already: MkDocs may skip it

    def is_modified(self) -> bool:
        return not self.unchanged


class GardenPage(Page):
    """A page whose Markdown MkDocs converts through `convert(page, config, files)` (the
    garden's render memo and crash guard) instead of `Page.render` alone."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, convert: Callable[[Page, MkDocsConfig, Files], None]) -> None:
        super().__init__(title, file, config)
        self.garden_convert = convert

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.garden_convert(self, config, files)


def place_posts(garden: Garden, files: Files, config: MkDocsConfig) -> Files:
    """Serve each post at /<permalink>/, mark drafts, drop the files that are not valid posts;
    the other files stay as they are, in the same order."""
    placed = []
    for file in files:
        if not file.is_documentation_page() or not file.abs_src_path or file.inclusion is InclusionLevel.EXCLUDED:
            placed.append(file)
        elif (post := garden.post_at(file.src_uri)) is not None:
            placed.append(post_file(file, post))
        # else: not a valid post, whose errors were reported when it was read
    return Files(placed)


def post_file(file: File, post: Post) -> GardenFile:
    """`file` as the garden serves it."""
    placed = GardenFile(
        file.src_uri,
        file.src_dir,
        file.dest_dir,
        file.use_directory_urls,
        dest_uri=file.dest_uri if post.is_home else f"{post.permalink}/index.html",
        inclusion=InclusionLevel.DRAFT if post.is_draft else file.inclusion,
    )
    if not post.is_home:
        placed.url = post.url  # the post model's spelling of the address
    return placed


def make_pages(files: Files, config: MkDocsConfig, convert: Callable[[Page, MkDocsConfig, Files], None]) -> None:
    """A `GardenPage` for each documentation file, before MkDocs makes a `Page` of its own: its
    navigation keeps a page it finds on `file.page`, and passes it no title, so the title a
    `nav:` entry gives is given here."""
    titles = nav_titles(config.nav or [], files)
    for file in files.documentation_pages(inclusion=InclusionLevel.all):
        if file.page is None:
            GardenPage(titles.get(file.src_uri), file, config, convert)


def nav_titles(nav: object, files: Files) -> dict[str, str | None]:
    """The title of each file `nav:` names (the first, when it names a file twice), as MkDocs'
    navigation gives it to the file's page: `- Title: path` or `- path` (no title)."""
    titles: dict[str, str | None] = {}

    def entries(item: object, title: str | None = None) -> Iterator[tuple[str | None, str]]:
        if isinstance(item, str):
            yield title, item
        elif isinstance(item, dict):
            for key, value in item.items():
                yield from entries(value, key if isinstance(value, str) else None)
        elif isinstance(item, list):
            for child in item:
                yield from entries(child)

    for title, path in entries(nav):
        file = files.get_file_from_path(path) or files.get_file_from_path(path.lstrip("/"))
        if file is not None:
            titles.setdefault(file.src_uri, title)
    return titles


def tag_pages(garden: Garden, files: Files, config: MkDocsConfig) -> list[File]:
    """A page per tag at /tags/<slug>/, listing its posts as the home page does."""
    pages = []
    for slug in garden.tags:
        src_uri = f"tags/{slug}.md"
        if src_uri in files.src_uris:
            continue  # the author wrote this tag's page: theirs wins
        # MkDocs reads this title as it is, and templates print it unescaped.
        frontmatter = {"title": f"Tagged “{escape(garden.tag_name(slug))}”", "template": "tag.html", "garden_tag": slug}
        content = "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in frontmatter.items()) + "---\n"
        pages.append(GardenFile.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    return pages


def missing_templates(garden: Garden, files: Files, env: Environment) -> list[GardenError]:
    """Pages whose `template:` the theme does not have: each falls back to main.html."""
    problems = []
    for file in files.documentation_pages(inclusion=InclusionLevel.all):
        post = garden.post_at(file.src_uri)
        if post is None or file.page is None or not post.meta.get("template"):
            continue
        try:
            env.get_template(post.meta["template"])
        except TemplateNotFound:
            if (problem := missing_template(post, ())) is not None:
                problems.append(problem)
            file.page.meta.pop("template", None)
    return problems


def escaped(value: Any) -> Any:
    """Text (and text in lists) as escaped Markup; anything else as it is."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, (list, tuple)):
        return type(value)(escaped(item) for item in value)
    return value


def guarded(render: Callable[[], None], page: Page, post: Post, report: Callable[[list[GardenError]], None]) -> None:
    """`render()` the post's page, a crash while converting its Markdown made one error naming
    the file, with a page that says so, instead of a traceback that stops the build. The post
    model refuses what is known to crash (see garden.model.nesting); this is for what is not
    known yet."""
    try:
        render()
    except Exception as error:  # noqa: BLE001 - any crash of any extension on this text
        report(
            [
                GardenError(
                    post.path,
                    post.body_line,
                    f"the Markdown could not be converted: {type(error).__name__}: {str(error)[:200]}",
                    "simplify the construct the error names; please report it, since the garden should have said what is wrong",
                )
            ]
        )
        # The title falls back to the frontmatter's or the file name's: MkDocs sets the one it
        # takes from the first heading only once the conversion is done.
        page.content = (
            '<p class="garden-unbuilt">This page could not be built: '
            f"{escape(type(error).__name__)}. The build log names the problem.</p>"
        )
        page.toc = get_toc([])
        page.present_anchor_ids = set()
        page.links_to_anchors = {}


def page_source(post: Post | None) -> str | None:
    """A post's Markdown, from the post model: its frontmatter was parsed once already.

    MkDocs would parse the YAML again for `page.meta`, which `page_meta` replaces with the post
    model's anyway; an empty frontmatter block keeps MkDocs' own reading of the rest (it strips
    it, and does not look for MultiMarkdown metadata). Files without frontmatter are left to
    MkDocs (None)."""
    if post is None or post.body_line == 1:
        return None
    return "---\n{}\n---\n" + post.body.replace("\r\n", "\n").replace("\r", "\n")


def shared_source(markdown: str, post: Post) -> str:
    """`post.body` in place of `markdown`, MkDocs' copy of it, when they are the same text but
    for the blank lines MkDocs strips from the start (which Markdown ignores): pages keep their
    Markdown for the whole build, and a second copy of every essay was a quarter of the build's
    memory at 1,000 real posts (107 of 462 MiB). A file with CRLF line ends keeps MkDocs' copy."""
    body = post.body
    if len(markdown) <= len(body) and body.endswith(markdown) and not body[: len(body) - len(markdown)].strip("\n"):
        return body
    return markdown


# Keys that templates and plugins read as settings rather than print: kept as they are.
SETTINGS_KEYS = frozenset({"template", "hide", "search", "status", "icon", "permalink", "garden_tag"})


def page_meta(post: Post) -> dict[str, Any]:
    """The page's `meta` for templates and plugins: the post model's normalised frontmatter,
    its text HTML-escaped (as `markupsafe.Markup`, so escaping again changes nothing).

    MkDocs' environment does not autoescape, and Material's templates print `page.meta.title`
    and `page.meta.description` (and MkDocs' `page.title`, which is the meta title) as they are:
    a title such as `<script>…` or a description with a quote would become markup in the
    page, its `<title>` and its meta tags. The post model keeps the plain text, for the feed,
    the redirect pages and search."""
    meta = {key: value if key in SETTINGS_KEYS else escaped(value) for key, value in post.meta.items()}
    meta["tags"] = [escape(tag) for tag in post.tags]
    if post.is_home:
        meta.setdefault("template", "home.html")
    if post.meta.get("toc") is False:
        meta["hide"] = [*meta.get("hide", []), "toc"]
    return meta

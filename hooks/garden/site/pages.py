"""Where each post is served, and what MkDocs knows of it: the post model decides, MkDocs follows.

- every post at `/<permalink>/` (the home page at the root), drafts marked with MkDocs' own
  DRAFT inclusion (left out of builds, shown by `mkdocs serve`), posts that cannot build dropped;
- a generated page per tag at `/tags/<slug>/`;
- a page's Markdown and frontmatter come from the post model, which parsed them already.
"""

from __future__ import annotations

import json
import os
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from ..model.index import Garden
from ..model.post import Post


def place_posts(garden: Garden, files: Files, config: MkDocsConfig) -> None:
    """Serve each post at /<permalink>/, mark drafts, drop the files that are not valid posts."""
    for file in files.documentation_pages(inclusion=InclusionLevel.all):
        if not file.abs_src_path or file.inclusion is InclusionLevel.EXCLUDED:
            continue
        post = garden.post_at(file.src_uri)
        if post is None:
            files.remove(file)  # its errors were reported when it was read
            continue
        if not post.is_home:
            # MkDocs derives url and abs_dest_path from dest_uri only once, so set all three.
            file.dest_uri = f"{post.permalink}/index.html"
            file.url = post.url
            file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_uri))
        if post.is_draft:
            file.inclusion = InclusionLevel.DRAFT


def tag_pages(garden: Garden, files: Files, config: MkDocsConfig) -> list[File]:
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


def page_source(post: Post | None) -> str | None:
    """A post's Markdown, from the post model: its frontmatter was parsed once already.

    MkDocs would parse the YAML again for `page.meta`, which `page_meta` replaces with the post
    model's anyway; an empty frontmatter block keeps MkDocs' own reading of the rest (it strips
    it, and does not look for MultiMarkdown metadata). Files without frontmatter are left to
    MkDocs (None)."""
    if post is None or post.body_line == 1:
        return None
    return "---\n{}\n---\n" + post.body.replace("\r\n", "\n").replace("\r", "\n")


def page_meta(post: Post) -> dict[str, Any]:
    """The page's `meta` for templates and plugins: the post model's normalised frontmatter."""
    meta = dict(post.meta, tags=list(post.tags))
    if post.is_home:
        meta.setdefault("template", "home.html")
    if post.meta.get("toc") is False:
        meta["hide"] = [*meta.get("hide", []), "toc"]
    return meta

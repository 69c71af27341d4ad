"""Redirect pages for aliases: `/<alias>/` sends readers (and search engines) to the post.

Written by hand rather than with mkdocs-redirects: that plugin reads a fixed map from mkdocs.yml,
while aliases live in each post's frontmatter. The pages are written after the build, so they
are not MkDocs pages: never in the nav, the search index or the sitemap.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urljoin

from ..model.errors import GardenError
from ..model.index import Garden
from ..model.post import Post

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redirecting to {title}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{canonical}">
<meta http-equiv="refresh" content="0; url={target}">
<script>location.replace({target_js} + location.hash)</script>
</head>
<body>
<p>This page has moved to <a href="{target}">{title}</a>.</p>
</body>
</html>
"""


def redirect_page(target: str, canonical: str, title: str) -> str:
    return _PAGE.format(
        title=html.escape(title),
        target=html.escape(target, quote=True),
        target_js=json.dumps(target).replace("</", "<\\/"),
        canonical=html.escape(canonical, quote=True),
    )


def redirected(garden: Garden, *, drafts: bool) -> dict[str, Post]:
    """The aliases a build redirects, those of every built post, and where each leads."""
    return {alias: post for alias, post in garden.redirects.items() if drafts or not post.is_draft}


def write_redirects(
    garden: Garden, site_dir: Path, site_url: str | None, *, drafts: bool, dirty: bool = False
) -> list[GardenError]:
    """Write one page per alias of every built post; return the aliases that would overwrite a file.
    `dirty`: the site folder was not emptied first, so an alias may hold the redirect page an
    earlier build wrote; it is rewritten if it changed, and left alone if not: under `mkdocs
    serve`, rewriting hundreds of them after every save costs a file creation each."""
    problems = []
    for alias, post in redirected(garden, drafts=drafts).items():
        page = site_dir / alias / "index.html"
        depth = "../" * (len(Path(alias).parts))
        target = depth + post.url if post.url else depth or "./"
        canonical = urljoin(site_url, post.url) if site_url else target
        text = redirect_page(target, canonical, post.title)
        if page.exists():
            left = _redirect_text(page) if dirty else None
            if left == text:
                continue
            if left is None:
                problems.append(
                    GardenError(
                        post.path,
                        post.line_of("aliases") or post.line_of("permalink"),
                        f"alias '{alias}' would overwrite {page.relative_to(site_dir)}, which the site already has",
                        "choose another alias",
                    )
                )
                continue
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
    return problems


def _redirect_text(page: Path) -> str | None:
    """The text of `page` if it is a redirect page the garden wrote, else None."""
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.startswith(_PAGE[: _PAGE.index("{")]) else None


def remove_redirects(site_dir: Path, aliases: Iterable[str]) -> None:
    """Delete the redirect pages an earlier build wrote at `aliases` (a build into a folder that
    is not emptied first: `--dirty`), leaving any other file there alone."""
    for alias in aliases:
        page = site_dir / alias / "index.html"
        if _redirect_text(page) is not None:
            try:
                page.unlink()
            except OSError:
                continue

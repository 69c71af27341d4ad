"""Redirect pages for aliases: `/<alias>/` sends readers (and search engines) to the post.

Written by hand rather than with mkdocs-redirects: that plugin reads a fixed map from mkdocs.yml,
while aliases live in each post's frontmatter. The pages are written after the build, so they
are not MkDocs pages: never in the nav, the search index or the sitemap.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import urljoin

from ..model.errors import GardenError
from ..model.index import Garden

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


def write_redirects(garden: Garden, site_dir: Path, site_url: str | None, *, drafts: bool) -> list[GardenError]:
    """Write one page per alias of every built post; return the aliases that would overwrite a file."""
    problems = []
    for alias, post in garden.redirects.items():
        if post.is_draft and not drafts:
            continue  # the post itself is not built, so its aliases would lead nowhere
        page = site_dir / alias / "index.html"
        if page.exists():
            problems.append(
                GardenError(
                    post.path,
                    post.line_of("aliases") or post.line_of("permalink"),
                    f"alias '{alias}' would overwrite {page.relative_to(site_dir)}, which the site already has",
                    "choose another alias",
                )
            )
            continue
        depth = "../" * (len(Path(alias).parts))
        target = depth + post.url if post.url else depth or "./"
        canonical = urljoin(site_url, post.url) if site_url else target
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(redirect_page(target, canonical, post.title), encoding="utf-8")
    return problems


def remove_redirects(site_dir: Path, aliases: list[str]) -> None:
    """Delete the redirect pages an earlier build wrote at `aliases` (a build into a folder that
    is not emptied first: `--dirty`), leaving any other file there alone."""
    for alias in aliases:
        page = site_dir / alias / "index.html"
        try:
            if page.read_text(encoding="utf-8").startswith(_PAGE[: _PAGE.index("{")]):
                page.unlink()
        except (OSError, UnicodeDecodeError):
            continue

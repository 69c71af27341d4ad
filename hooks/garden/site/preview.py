"""Problems shown in the preview: under `mkdocs serve`, what the build found wrong in a post is
on the page itself, with the same `file:line: message (hint)` lines as `garden check`.

- A post that builds but has problems (a footnote cited and never defined, a wikilink to
  nowhere) gets a list of them at the top of its article.
- A post that cannot be built at all (broken frontmatter, a permalink another post has) gets a
  stand-in page at the address it would have had, holding its problems, instead of a 404.
- The 404 page lists the garden's problems, errors first, up to `SHOWN` of them (overrides/404.html
  asks `garden_problems()`).

Only the preview does this: `mkdocs build` (and so `make build`, which is strict and fails on
any of these) never writes a problem into a page. The list is added to each page's HTML after
the garden has kept that HTML for its cache (`annotate`), so cached pages never carry an old
list, and it is made again from this build's findings every time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from html import escape
from pathlib import Path

import frontmatter
import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..model.errors import GardenError
from ..model.index import Garden
from .pages import GardenFile

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
SLUG = re.compile(r"^[A-Za-z0-9._~-]+$")
BANNER = '<section class="garden-problems" role="alert"'
STAND_IN = "garden-problems"  # the `garden_problems` key of a stand-in page's frontmatter
SHOWN = 100  # problems listed on the 404 page; `garden check` lists them all


@dataclass
class Problems:
    """This build's findings, by the file they are in."""

    by_path: dict[Path, list[GardenError]] = field(default_factory=dict)
    stand_ins: dict[str, Path] = field(default_factory=dict)  # src_uri of a stand-in -> the post's file

    def collect(self, findings: Iterable[GardenError]) -> None:
        for finding in findings:
            self.by_path.setdefault(_key(finding.path), []).append(finding)

    def of(self, page: Page) -> list[GardenError]:
        path = self.stand_ins.get(page.file.src_uri) or (page.file.abs_src_path and Path(page.file.abs_src_path))
        return self.by_path.get(_key(path), []) if path else []

    def everything(self, shown: int = SHOWN) -> dict[str, Any]:
        """For the 404 page's template: how many problems the garden has, and the first `shown`,
        errors (posts that cannot be built, perhaps the page the reader wanted) before warnings.
        A garden imported with thousands of broken links would otherwise have a 404 page of
        thousands of lines, made again on every rebuild."""
        findings = [finding for found in self.by_path.values() for finding in found]
        first = sorted(findings, key=lambda finding: finding.severity != "error")[:shown]
        return {"count": len(findings), "shown": [_shown(finding) for finding in first]}

    def annotate(self, output: str, page: Page) -> str:
        """The page's HTML with its problems listed at the top of the article."""
        findings = self.of(page)
        if not findings or BANNER in output:  # a page rendered in a worker comes past here twice
            return output
        return ARTICLE.sub(lambda match: match.group(0) + banner(findings), output, count=1)

    def stand_in_pages(self, garden: Garden, config: MkDocsConfig, files: Files) -> list[File]:
        """A page for each post that cannot be built, where readers of the preview would look
        for it: its permalink if the frontmatter still says one, else its file name."""
        taken = {file.url.strip("/").lower() for file in files.documentation_pages(inclusion=InclusionLevel.all)}
        taken |= {alias.lower() for alias in garden.redirects}
        pages = []
        for path in sorted(garden.rejected):
            slug = _intended_slug(path)
            if slug.lower() in taken:
                continue  # the address belongs to a post that builds: its own page wins
            taken.add(slug.lower())
            src_uri = f"{STAND_IN}/{slug}.md"
            self.stand_ins[src_uri] = path
            content = (
                f"---\ntitle: {yaml.safe_dump(path.name).splitlines()[0]}\nhide: [toc]\n---\n\n"
                "This post cannot be shown until the problems above are fixed. "
                "Save the file and this page reloads.\n"
            )
            file = GardenFile.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
            file.dest_uri = f"{slug}/index.html"
            file.url = f"{slug}/"
            file.abs_dest_path = str(Path(config.site_dir) / file.dest_uri)
            pages.append(file)
        return pages


def banner(findings: list[GardenError]) -> str:
    count = len(findings)
    items = "".join(
        f'<li class="garden-problem garden-problem--{escape(item["severity"])}"><code>{escape(item["text"])}</code></li>'
        for item in map(_shown, findings)
    )
    return (
        f'{BANNER} aria-labelledby="garden-problems-title">'
        f'<h2 id="garden-problems-title">{count} problem{"s" if count != 1 else ""} in this post</h2>'
        "<p>Shown by <code>make serve</code> only; <code>make build</code> fails until they are fixed "
        "(<code>garden check</code> lists the same).</p>"
        f"<ul>{items}</ul></section>"
    )


def _shown(finding: GardenError) -> dict[str, str]:
    """A finding as `garden check` prints it (warnings say so, as there)."""
    if finding.severity == "error":
        text = str(finding)
    else:
        text = f"{finding.location}: warning: {finding.message}" + (f" ({finding.hint})" if finding.hint else "")
    return {"text": text, "severity": finding.severity}


def _intended_slug(path: Path) -> str:
    """The permalink the file asks for, when its frontmatter can still be read; else its name."""
    try:
        permalink = frontmatter.loads(path.read_text(encoding="utf-8")).get("permalink")
    except Exception:  # noqa: BLE001 - any reason the file cannot be read means: use its name
        permalink = None
    if isinstance(permalink, str) and SLUG.match(permalink.strip("/")):
        return permalink.strip("/")
    name = re.sub(r"[^A-Za-z0-9._~-]+", "-", path.stem).strip("-")
    return name or "post"


def _key(path: Path | str | None) -> Path | None:
    if path is None:
        return None
    try:
        return Path(path).resolve()
    except OSError:
        return Path(path)

"""`garden links`: check a built site for everything a reader would trip on.

Every HTML page is parsed once (selectolax's lexbor parser: no browser, no server). Then:

- links to pages and `#fragments` (on the same page or another, footnote ids included);
- assets: `img`/`source` `src` and `srcset`, `video`/`audio`/`track`, `link href` (styles,
  icons, feeds), `script src`;
- alias redirect pages (meta refresh) lead to a page, never to another redirect or in a loop;
- rendering leftovers a reader would see: `[!type]`, `[^label]`, `](` in the text;
- suspicious hrefs: empty, `javascript:`, `localhost`, or an absolute URL to the site itself;
- duplicate `id`s on a page.

Each finding names the built page, the link, the reason and, when the page comes from a post, the
Markdown file and line of the link. External links are checked only with `--external`
(see `garden.check.external`).
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..model.config import GardenConfig
from ..model.errors import GardenError, display_path
from ..model.index import Garden
from ..model.post import Post
from ..model.source import prose_lines

# (selector, attribute, what it is): what a browser fetches or follows on a page.
LINKS = (("a[href]", "href", "link"), ("area[href]", "href", "link"))
ASSETS = (
    ("img[src]", "src", "image"),
    ("img[srcset]", "srcset", "image"),
    ("source[src]", "src", "media"),
    ("source[srcset]", "srcset", "image"),
    ("video[src]", "src", "video"),
    ("video[poster]", "poster", "image"),
    ("audio[src]", "src", "audio"),
    ("track[src]", "src", "track"),
    ("script[src]", "src", "script"),
    ("link[href]", "href", "stylesheet or icon"),
)
_ATTRIBUTES: dict[str, list[tuple[str, str]]] = {}
for _selector, _attribute, _kind in LINKS + ASSETS:
    _ATTRIBUTES.setdefault(_selector.split("[")[0], []).append((_attribute, _kind))
_REFERENCING = ", ".join(selector for selector, _, _ in LINKS + ASSETS)
# <link rel> values that name a resource the site itself must serve.
_FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "alternate", "preload", "prefetch", "modulepreload"}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}
_NOT_TEXT = "pre, code, kbd, samp, script, style, textarea, template, noscript, svg, math"
LEFTOVERS = (
    (re.compile(r"\[![\w-]+\][-+]?"), "callout marker left as text"),
    (re.compile(r"\[\^[^\]\s]+\]"), "footnote marker left as text"),
    (re.compile(r"\]\("), "Markdown link syntax left as text"),
)
_REFRESH = re.compile(r"^\s*\d*\s*;?\s*url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)


@dataclass(frozen=True)
class LinkFinding:
    page: str  # the built page, relative to the site folder
    target: str  # the link or asset as the page has it ("" for page-level findings)
    reason: str
    severity: str = "error"
    source: str | None = None  # the Markdown file the page comes from, as the author names it
    line: int | None = None
    column: int | None = None


@dataclass
class Page:
    """What one built page offers and asks for."""

    path: str  # relative to the site folder, `/`-separated
    ids: Counter = field(default_factory=Counter)
    references: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, attribute value, tag)
    redirect: str | None = None
    leftovers: list[tuple[str, str]] = field(default_factory=list)  # (text found, reason)


@dataclass
class Report:
    findings: list[LinkFinding]
    pages: int
    links: int
    assets: int
    external: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)


def read_page(path: str, html: str) -> Page:
    tree = LexborHTMLParser(html)
    page = Page(path)
    page.ids.update(node.attributes["id"] for node in tree.css("[id]") if node.attributes.get("id"))
    page.ids.update({node.attributes["name"]: 0 for node in tree.css("a[name]") if node.attributes.get("name")})
    refresh = tree.css_first('meta[http-equiv="refresh" i]')
    if refresh is not None and (match := _REFRESH.match(refresh.attributes.get("content") or "")):
        page.redirect = match[1].strip()
    for node in tree.css(_REFERENCING):  # one pass over the tree for every kind of reference
        attributes = node.attributes
        if node.tag == "link" and not _FETCHED_RELS & set((attributes.get("rel") or "").lower().split()):
            continue
        for attribute, kind in _ATTRIBUTES[node.tag]:
            value = attributes.get(attribute)
            if value is None:
                continue
            if attribute == "srcset":
                page.references += [(kind, c.strip().split()[0], node.tag) for c in value.split(",") if c.strip()]
            else:
                page.references.append((kind, value, node.tag))
    # Material puts the page's own words in <article>; elsewhere, read the whole body.
    body = tree.css_first("article") or tree.body
    if body is not None:
        for node in body.css(_NOT_TEXT):
            node.decompose()
        text = body.text(separator=" ")
        for pattern, reason in LEFTOVERS:
            page.leftovers += [(match[0], reason) for match in pattern.finditer(text)]
    return page


class SiteChecker:
    """Checks every page of a built site against every other."""

    def __init__(self, site_dir: Path, site_url: str | None = None, content_dir: Path | None = None):
        self.site_dir = site_dir
        self.site_url = (site_url or "").rstrip("/") + "/" if site_url else None
        self.base_path = urlsplit(self.site_url).path if self.site_url else "/"
        self.content_dir = content_dir
        self.pages: dict[str, Page] = {}
        self.external: dict[str, list[tuple[str, str]]] = {}  # url -> [(page, as written)]
        self.files: set[str] = set()  # every file and folder of the site, `/`-separated
        self.folders: set[str] = {"."}
        # A link's verdict depends only on the folder it is written from: pages share most links.
        self._verdicts: dict[tuple[str, str, str], tuple[str, str] | None] = {}

    def read(self, progress: Callable[[int, int], None] | None = None) -> None:
        for folder, subfolders, names in os.walk(self.site_dir):
            relative = Path(folder).relative_to(self.site_dir).as_posix()
            self.folders.update(posixpath.normpath(posixpath.join(relative, name)) for name in subfolders)
            self.files.update(posixpath.normpath(posixpath.join(relative, name)) for name in names)
        html = sorted(path for path in self.files if path.endswith(".html"))
        for done, path in enumerate(html, 1):
            text = (self.site_dir / path).read_text(encoding="utf-8", errors="replace")
            self.pages[path] = read_page(path, text)
            if progress:
                progress(done, len(html))

    def check(self) -> Report:
        findings: list[LinkFinding] = []
        links = assets = 0
        broken_assets: dict[str, list[LinkFinding]] = {}  # one stylesheet missing from every page is one problem
        for page in self.pages.values():
            for value, count in page.ids.items():
                if count > 1:
                    findings.append(LinkFinding(page.path, f"#{value}", f"id '{value}' is used {count} times on the page"))
            for text, reason in page.leftovers:
                findings.append(LinkFinding(page.path, text, reason))
            if page.redirect is not None:
                findings += self._check_redirect(page)
            for kind, value, tag in page.references:
                if kind == "link":
                    links += 1
                else:
                    assets += 1
                key = (posixpath.dirname(page.path), kind, value)
                if value.startswith("#") or key not in self._verdicts:
                    self._verdicts[key] = self._check_reference(page, kind, value)
                problem = self._verdicts[key]
                if problem is None and value.startswith(("http://", "https://", "//")):
                    self.external.setdefault(value.strip(), []).append((page.path, value))
                if problem and kind != "link" and problem[0].startswith("broken "):
                    broken_assets.setdefault(problem[0], []).append(LinkFinding(page.path, value, *problem))
                elif problem:
                    findings.append(LinkFinding(page.path, value, *problem))
        for reason, found in broken_assets.items():
            first, others = found[0], len({f.page for f in found}) - 1
            findings.append(LinkFinding(first.page, first.target, reason + (f" (and on {others} other pages)" if others else ""), first.severity))
        seen: Counter = Counter()  # the n-th finding of one target on a page is its n-th use
        located = []
        for finding in findings:
            seen[finding.page, finding.target] += 1
            located.append(self.locate(finding, seen[finding.page, finding.target]))
        return Report(merge_repeats(located), len(self.pages), links, assets)

    # -- one reference -------------------------------------------------------------------------

    def _check_reference(self, page: Page, kind: str, value: str) -> tuple[str, str] | None:
        """(reason, severity) when the reference is a problem, else None."""
        href = value.strip()
        if not href:
            return f"empty {kind} address", "error"
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        if scheme == "javascript":
            return "javascript: link", "error"
        if scheme in ("mailto", "tel", "data", "blob"):
            return None
        if scheme in ("http", "https") or href.startswith("//"):
            if (parts.hostname or "").lower() in _LOCAL_HOSTS:
                return f"{kind} points at {parts.hostname}, which only exists on the author's machine", "error"
            if self.site_url and href.startswith(self.site_url):
                return f"absolute URL to this site: use a relative link so previews and mirrors work", "warning"
            return None
        if scheme:
            return None  # another protocol: not ours to check
        return self._check_local(page, kind, parts.path, parts.fragment)

    def _check_local(self, page: Page, kind: str, path: str, fragment: str) -> tuple[str, str] | None:
        if not path:  # "#fragment": on this very page
            target = page
        else:
            target_path = self._site_path(page.path, unquote(path))
            if target_path is None:
                return f"{kind} leads outside the site", "error"
            target = self.pages.get(target_path)
            if target is None:
                if target_path in self.files:
                    return None  # an asset, or a page we do not parse (e.g. a feed): it exists
                return f"broken {kind}: the site has nothing at /{target_path.removesuffix('index.html')}", "error"
        if fragment and kind == "link" and unquote(fragment) not in target.ids and fragment != "top":
            return f"broken anchor: /{target.path.removesuffix('index.html')} has no id '{unquote(fragment)}'", "error"
        return None

    def _site_path(self, from_page: str, path: str) -> str | None:
        """The file a URL path leads to, relative to the site folder (None outside it)."""
        if path.startswith("/"):
            if not path.startswith(self.base_path):
                return None
            joined = path[len(self.base_path) :]
        else:
            joined = posixpath.join(posixpath.dirname(from_page), path)
        normal = posixpath.normpath(joined) if joined else "."
        if normal.startswith(".."):
            return None
        if path.endswith("/") or normal in self.folders:
            normal = posixpath.join(normal, "index.html") if normal != "." else "index.html"
        return normal

    def _check_redirect(self, page: Page) -> list[LinkFinding]:
        seen = [page.path]
        current = page
        while current.redirect is not None:
            parts = urlsplit(current.redirect)
            if parts.scheme or parts.netloc:
                return []  # a redirect off the site: checked with --external
            target_path = self._site_path(current.path, unquote(parts.path))
            target = self.pages.get(target_path) if target_path else None
            if target is None:
                return [LinkFinding(page.path, page.redirect or "", "redirect to a page that does not exist")]
            if target.path in seen:
                return [LinkFinding(page.path, page.redirect or "", "redirect loop: " + " → ".join([*seen, target.path]))]
            seen.append(target.path)
            current = target
        if len(seen) > 2:
            return [LinkFinding(page.path, page.redirect or "", "redirect chain: " + " → ".join(seen), "error")]
        return []

    # -- where in the Markdown -----------------------------------------------------------------

    def locate(self, finding: LinkFinding, occurrence: int = 1) -> LinkFinding:
        post = self._post_of(finding.page)
        if post is None:
            return finding
        line, column = locate_in_source(post, finding.target, occurrence)
        return LinkFinding(**{**asdict(finding), "source": display_path(post.path), "line": line, "column": column})

    @cached_property
    def garden(self) -> Garden | None:
        """The posts behind the pages, read only when there is a finding to place."""
        return Garden.load(self.content_dir) if self.content_dir and self.content_dir.is_dir() else None

    def _post_of(self, page_path: str) -> Post | None:
        if self.garden is None or not page_path.endswith("index.html"):
            return None
        url = page_path.removesuffix("index.html").strip("/")
        if not url:
            return next((post for post in self.garden.posts if post.is_home), None)
        post = self.garden.find(url)
        return post if post is not None and post.permalink.lower() == url.lower() else None


def merge_repeats(findings: list[LinkFinding]) -> list[LinkFinding]:
    """One finding per place in the source: a page often has one link of the Markdown twice (a
    heading's ¶ link and the table of contents' link to it; a link in a heading), and both
    would be reported at the same line. The finding says how many links it stands for."""
    counts = Counter(findings)
    merged = []
    for finding, count in counts.items():
        if count > 1 and finding.line is not None:
            finding = LinkFinding(**{**asdict(finding), "reason": f"{finding.reason} ({count} links on the page come from this place, e.g. a heading and the table of contents)"})
        elif count > 1:
            merged += [finding] * (count - 1)
        merged.append(finding)
    return merged


def locate_in_source(post: Post, target: str, occurrence: int = 1) -> tuple[int | None, int | None]:
    """The line (and column) of the post's source most likely to have produced the
    `occurrence`-th use of `target` on its page (or the last one found).

    The built page no longer says where a link came from: `.md` paths became URLs, wikilinks
    became anchors. So look for the target as written, in the prose and then in every line (a
    link in an indented note is still a link); failing that, for a telling piece of it (a
    footnote's label, the fragment, the last part of the path), but only inside a link's address
    (`](…)`, `href="…"`, `[[…]]`), so that the same word in a sentence above does not count.
    A marker left as text is looked for where the linter says it will not render."""
    prose = [(line.number, line.column, line.original) for line in prose_lines(post.body, post.body_line)]
    everything = [(number, 1, text) for number, text in enumerate(post.body.split("\n"), post.body_line)]
    if target and _MARKER.fullmatch(target) and (found := _unrendered(post, target)):
        return found[min(occurrence, len(found)) - 1]
    exact = [target] if target else ['href=""', "href=''"]
    for lines in (prose, everything):
        if found := _find(lines, exact):
            return found[min(occurrence, len(found)) - 1]
    parts = urlsplit(target)
    last = posixpath.basename(parts.path.rstrip("/")) if parts.path else ""
    pieces = []
    if footnote := re.fullmatch(r"fn(?:ref\d*)?:(.+)", parts.fragment):
        pieces.append(f"[^{unquote(footnote[1])}]")  # footnote ids come from `[^label]`
    elif parts.fragment:
        # an anchor, or an id the author set: `{#id}`, `id="id"`
        pieces += ["#" + parts.fragment, f'id="{parts.fragment}"', f"id='{parts.fragment}'"]
    if last and last not in ("..", "."):
        pieces.append(last.removesuffix(".html"))
    for piece in filter(None, pieces):
        for lines in (prose, everything):
            if found := _find(lines, [piece], within_links=not piece.startswith(("[^", "id="))):
                return found[min(occurrence, len(found)) - 1]
    return None, None


_MARKER = re.compile(r"\[![\w-]+\][-+]?|\[\^[^\]\s]+\]")
# Where a link's address is written: `](…)`, `]: …`, `href="…"`, `src="…"`, `[[…]]`, `<…>`.
_ADDRESS = re.compile(r"\]\((?P<a>[^)\s]*)|^\s*\[[^\]]+\]:\s*(?P<b>\S+)|(?:href|src)=[\"'](?P<c>[^\"']*)|\[\[(?P<d>[^\]]*)\]\]|<(?P<e>[a-z]+:[^>\s]*)>")


def _find(lines: list[tuple[int, int, str]], pieces: list[str], *, within_links: bool = False) -> list[tuple[int, int]]:
    found = []
    for number, column, text in lines:
        for piece in pieces:
            if piece not in text:
                continue
            if not within_links:
                found += [(number, column + index) for index in _positions(text, piece)]
                continue
            for address in _ADDRESS.finditer(text):
                group = next(name for name in "abcde" if address[name] is not None)
                if piece in address[group]:
                    found.append((number, column + address.start(group)))  # where the address starts
    return sorted(set(found))


def _unrendered(post: Post, marker: str) -> list[tuple[int, int]]:
    """Where the linter finds `marker` written so that readers see it as text."""
    from .lint import lint_post

    return [
        (finding.line, finding.column or 1)
        for finding in lint_post(post)
        if finding.line and finding.severity == "error" and marker in finding.message
    ]


def _positions(text: str, part: str) -> list[int]:
    return [match.start() for match in re.finditer(re.escape(part), text)]


# -- the command ---------------------------------------------------------------------------------


def add_commands(commands: argparse._SubParsersAction) -> None:
    links = commands.add_parser(
        "links",
        help="check the built site for broken links, anchors, assets and leftovers",
        description="Check a built site (run `mkdocs build` first): links and #anchors between "
        "pages, images and other assets, alias redirects, callout or footnote markers left as text, "
        "suspicious hrefs and duplicate ids. Findings name the built page and, where the page comes "
        "from a post, the Markdown file and line. Exits 1 if there is any error.",
        epilog="examples:\n  garden links\n  garden links site --format github\n  garden links --external",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    links.add_argument("site_dir", nargs="?", type=Path, default=None, metavar="SITE_DIR", help="the built site (default: the site_dir of mkdocs.yml, usually site/)")
    links.add_argument("--format", choices=("human", "json", "github"), default="human", help="human (default), json, or github workflow annotations")
    links.add_argument("--external", action="store_true", help="also request every external URL (cached; see README)")
    links.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"), help="the site's MkDocs configuration (default: mkdocs.yml)")
    links.set_defaults(run=run_links)


def run_links(args: argparse.Namespace) -> int:
    config = GardenConfig.read(args.config_file)
    site_dir = (args.site_dir or config.site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise GardenError(site_dir, None, "no built site here", "run `make build` (or `mkdocs build`) first, or name the site folder")
    started = time.perf_counter()
    checker = SiteChecker(site_dir, config.site_url, config.content_dir)
    checker.read(progress_bar("reading pages") if args.format == "human" else None)
    report = checker.check()
    if args.external:
        report.findings += check_external(checker, config, args.format == "human")
    report.seconds = time.perf_counter() - started
    print(FORMATS[args.format](report, site_dir))
    return 1 if report.errors else 0


def check_external(checker: SiteChecker, config: GardenConfig, interactive: bool) -> list[LinkFinding]:
    from .external import ExternalSettings, check_urls

    try:
        settings = ExternalSettings.from_mapping(config.links, config.root)
    except ValueError as error:
        raise GardenError(config.root / "mkdocs.yml", None, str(error), "see README.md, External links") from None
    results = check_urls(checker.external, settings, progress=progress_bar("external links") if interactive else None)
    findings = []
    for url, result in results.items():
        if result.status == "ok":
            continue
        severity = "error" if result.status == "broken" else "warning"
        for page, written in checker.external[url]:
            findings.append(checker.locate(LinkFinding(page, written, f"external link {result.status}: {result.reason}", severity)))
    return findings


def progress_bar(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal; nothing when output goes to a file or CI log."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= 50 and (done == total or done % 25 == 0):
            filled = int(30 * done / total)
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\r" + " " * (len(label) + 50) + "\r")
            sys.stderr.flush()

    return show


def format_human(report: Report, site_dir: Path) -> str:
    groups: dict[str, list[LinkFinding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.source or f"{display_path(site_dir)}/{finding.page}", []).append(finding)
    lines = []
    for where in sorted(groups):
        lines.append(where)
        for f in sorted(groups[where], key=lambda f: (f.line is None, f.line or 0, f.column or 0, f.target)):
            place = f"{f.line}:{f.column or 1}" if f.line else "-"
            target = f.target or '""'
            lines.append(f"  {place:>8}  {f.severity:<7}  {target}: {f.reason}" + (f"  [{f.page}]" if f.source else ""))
    errors = report.errors
    warnings = len(report.findings) - errors
    lines.append(
        f"checked {report.pages} pages, {report.links} links and {report.assets} assets in {report.seconds:.2f} s: "
        + (f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}" if report.findings else "no problems")
    )
    return "\n".join(lines)


def format_json(report: Report, site_dir: Path) -> str:
    return json.dumps(
        {
            "site": str(site_dir),
            "pages": report.pages,
            "links": report.links,
            "assets": report.assets,
            "seconds": round(report.seconds, 3),
            "errors": report.errors,
            "warnings": len(report.findings) - report.errors,
            "findings": [asdict(f) for f in report.findings],
        },
        indent=2,
    )


def format_github(report: Report, site_dir: Path) -> str:
    """GitHub workflow commands: each finding becomes an annotation on the pull request's diff."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    lines = []
    for f in report.findings:
        where = f"file={f.source},line={f.line or 1},col={f.column or 1}" if f.source else f"file={display_path(site_dir)}/{f.page}"
        lines.append(f"::{f.severity} {where},title=garden links::{escape(f.reason)}: {escape(f.target)} (on {f.page})")
    lines.append(f"garden links: {report.pages} pages, {report.errors} errors, {len(report.findings) - report.errors} warnings")
    return "\n".join(lines)


FORMATS = {"human": format_human, "json": format_json, "github": format_github}

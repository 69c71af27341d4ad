"""Where a link in a post leads inside the garden.

One set of rules for the Markdown extension that rewrites links and for the linter that reports
the ones that lead nowhere:

- a LessWrong, Alignment Forum or GreaterWrong URL of a garden post leads to that post; a link to
  a comment stays external unless that very comment is a garden post, and a post's link to its
  own original stays external;
- `/permalink`, `./permalink` and `permalink/` lead to the post with that permalink or alias;
- a wikilink `[[name#Heading|text]]` names a post by permalink, alias or title.

A fragment is kept when the target page has that anchor. One written for another site's ids
(LessWrong's `#Section_Two`, `#1-Love-Hate` for the heading "1. Love − Hate") leads to the
heading with the same words (`garden.model.anchors.find_anchor`). A LessWrong or wikilink
fragment that matches no heading is dropped (with a linter warning), so the reader still lands
on the post; a `/permalink#fragment` link keeps it, for MkDocs to report.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .anchors import find_anchor, heading_slug
from .lesswrong import parse_lesswrong_url

if TYPE_CHECKING:
    from .index import Garden
    from .post import Post
    from .source import SourceLink

# `/slug`, `./slug`, `slug/`, each with an optional trailing slash and #fragment: no extension.
_SLUG_PATH = re.compile(r"(?:/|\./)?(?P<slug>[A-Za-z0-9][A-Za-z0-9._~-]*?)/?")
_WIKILINK = re.compile(r"(?P<name>[^#|]*)(?:#(?P<heading>[^|]*))?(?:\|(?P<text>.*))?", re.DOTALL)


@dataclass(frozen=True)
class Resolution:
    """A link's garden target, or why it has none. `target is None and problem is None`: the
    link is not the garden's business (external, a file, a comment on LessWrong…)."""

    target: Post | None = None
    fragment: str | None = None
    problem: str | None = None
    hint: str = ""
    severity: str = "error"

    def href_from(self, source: Post) -> str:
        """The link as a relative path to the target's Markdown file, which MkDocs (or any tool
        that follows `.md` links) turns into the right URL and checks like any other."""
        assert self.target is not None
        start = posixpath.dirname(source.src_uri) or "."
        path = posixpath.relpath(self.target.src_uri, start)
        return path + (f"#{self.fragment}" if self.fragment else "")


NOT_OURS = Resolution()


def resolve_href(href: str, source: Post, garden: Garden) -> Resolution:
    """Where a Markdown link's URL leads in the garden."""
    if lesswrong := parse_lesswrong_url(href):
        target = garden.from_lesswrong(lesswrong.post_id, lesswrong.comment_id)
        if target is None or target is source:
            return NOT_OURS  # not in the garden, a comment on it, or the post's own original
        return _with_fragment(target, lesswrong.fragment, href, garden)

    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.query:
        return NOT_OURS
    path = unquote(parts.path)
    if path.endswith(".md") or "." in posixpath.basename(path.rstrip("/")):
        return NOT_OURS  # a source or asset path: MkDocs resolves and checks those itself
    slug = _SLUG_PATH.fullmatch(path)
    if slug is None or not (path.startswith(("/", "./")) or path.endswith("/")):
        return NOT_OURS
    target = garden.find(slug["slug"])
    if target is None:
        return Resolution(
            problem=f"link {href!r} leads to no post: no permalink or alias '{slug['slug']}'",
            hint=_did_you_mean(garden, slug["slug"], "check the slug"),
        )
    fragment = parts.fragment or None
    if fragment is not None:
        fragment = find_anchor(fragment, garden.anchors(target)) or fragment
    return Resolution(target, fragment)


def resolve_source_link(link: SourceLink, source: Post, garden: Garden) -> Resolution:
    """Where a link found in the source (`garden.model.source.links_on`) leads."""
    if link.kind == "wikilink":
        return resolve_wikilink(link.target, garden)[0]
    return resolve_href(link.target, source, garden)


def link_target(href: str, source: Post, garden: Garden) -> Post | None:
    """The garden post a link's URL leads to, however it is written: LessWrong URL, `/slug`,
    or a relative path to the post's Markdown file (as authors and MkDocs write them)."""
    return resolve_href(href, source, garden).target or markdown_link_target(href, source, garden)


def markdown_link_target(href: str, source: Post, garden: Garden) -> Post | None:
    """The post a relative `.md` link points at."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return None
    path = unquote(parts.path)
    src_uri = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(source.src_uri), path)
    return garden.post_at(posixpath.normpath(src_uri))


_SCRIPT_SCHEME = re.compile(r"\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


def check_address(href: str, source: Post, garden: Garden, *, hints: bool = True) -> Resolution:
    """What is wrong with a link the garden does not resolve itself (`resolve_href` left it
    alone): a script address, or a relative path to a file the content folder does not have,
    which MkDocs would report without a line. Fine links give `NOT_OURS`. Without `hints`, the
    problem only (the same words): no search for the file names that look alike."""
    if _SCRIPT_SCHEME.match(href):
        scheme = href.split(":", 1)[0].strip().lower()
        return Resolution(
            problem=f"link {_brief(href)} is a {scheme}: address: clicking it runs code instead of opening a page",
            hint="link to a page (https://…, a post or a file), or show the code as `code`",
        )
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("/", "\\", "#")) or not parts.path:
        return NOT_OURS
    path = unquote(parts.path)
    if not posixpath.splitext(path.rstrip("/"))[1]:
        return NOT_OURS  # not a file name: MkDocs' "unrecognized relative link" says so
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source.src_uri), path))
    if target == ".." or target.startswith("../"):
        return Resolution(
            problem=f"link {_brief(href)} leads outside the content folder, where the site has nothing",
            hint="link to a file inside the content folder",
        )
    problem = f"link {_brief(href)} leads to no file: the content folder has no {target}"
    if not hints:
        return NOT_OURS if garden.has_file(target) else Resolution(problem=problem)
    if (close := garden.missing_file(target)) is None:
        return NOT_OURS
    return Resolution(
        problem=problem,
        hint=("did you mean " + " or ".join(f"'{name}'" for name in close) + "? " if close else "check the path: ")
        + "a relative link starts from this post's folder",
    )


def _brief(href: str, limit: int = 80) -> str:
    text = repr(href)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve_wikilink(inner: str, garden: Garden) -> tuple[Resolution, str]:
    """The target of `[[inner]]` and the text to show: `|text`, else the post's title
    (with " § Heading" for a heading link)."""
    parts = _WIKILINK.fullmatch(inner.strip())
    name, heading, text = parts["name"].strip(), (parts["heading"] or "").strip(), parts["text"]
    target, candidates = garden.lookup(name) if name else (None, [])
    if target is None:
        if candidates:
            where = ", ".join(f"{post.src_uri} ({post.permalink})" for post in candidates)
            problem = f"wikilink [[{inner}]] is ambiguous: {len(candidates)} posts are titled '{name}' ({where})"
            hint = "link by permalink instead, e.g. " + f"[[{candidates[0].permalink}]]"
        else:
            problem = f"wikilink [[{inner}]] leads to no post: nothing has that permalink, alias or title"
            hint = _did_you_mean(garden, name, "check the name")
        return Resolution(problem=problem, hint=hint), (text or name or inner).strip()
    shown = text.strip() if text else target.title + (f" § {heading}" if heading else "")
    fragment = heading_slug(heading) if heading else None
    return _with_fragment(target, fragment, f"[[{inner}]]", garden), shown


def _with_fragment(target: Post, fragment: str | None, link: str, garden: Garden) -> Resolution:
    if fragment is None:
        return Resolution(target, None)
    if (anchor := find_anchor(fragment, garden.anchors(target))) is not None:
        return Resolution(target, anchor)
    return Resolution(
        target,
        None,
        problem=f"{link} points at '#{fragment}', which {target.src_uri} does not have; it leads to the top of the post",
        hint="link to one of its headings, or drop the fragment",
        severity="warning",
    )


def _did_you_mean(garden: Garden, name: str, fallback: str) -> str:
    closest = garden.closest(name)
    if not closest:
        return fallback
    return "did you mean " + " or ".join(f"'{post.permalink}' ({post.title})" for post in closest) + "?"

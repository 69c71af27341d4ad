"""The garden index: every post, looked up by permalink, alias, title, source path and
LessWrong id; the anchors on each page; and, once pages are rendered, who links to whom.

Built once per build from the post model. Two posts claiming the same URL (or the same
LessWrong post) is an error naming both files; the post met second (in path order) loses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .anchors import anchors_of
from .backlinks import Backlink, Outgoing, find_backlinks
from .embeds import Section, content_files, find_media, find_section
from .errors import GardenError, InvalidPost, display_path
from .layout import SiteLayout
from .lesswrong import parse_lesswrong_url
from .post import Post
from .sequences import Sequence, build_sequences
from .slugs import slugify

T = TypeVar("T")
LESSWRONG_KEYS = ("lw-page-url", "original_url")  # frontmatter that says where a post came from


_OLDEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass
class Garden:
    content_dir: Path
    posts: list[Post] = field(default_factory=list)  # valid posts, drafts included, in path order
    errors: list[GardenError] = field(default_factory=list)
    drafts_visible: bool = False  # True while `mkdocs serve` previews drafts
    # The site's Markdown extensions and their settings, for text shown outside its page (the
    # "Linked from" excerpts): the build sets mkdocs.yml's; plain Python-Markdown otherwise.
    markdown_settings: tuple[list, dict] = field(default_factory=lambda: ([], {}))
    layout: SiteLayout = field(default_factory=SiteLayout)  # names the site's own files take
    # How one post's links are found for the backlinks: by default from its source, each time;
    # the build hands in a memo (garden.speed.memo.link_finder) that keeps them in its cache.
    outgoing_links: Outgoing | None = field(default=None, repr=False)
    # How a post's anchors are found: from its source each time by default; the build hands in a
    # memo (garden.speed.memo.anchor_finder) that keeps them in its cache.
    find_anchors: Callable[[Post], frozenset[str]] = field(default=anchors_of, repr=False)
    rejected: set[Path] = field(default_factory=set)  # files that cannot be built
    _by_slug: dict[str, Post] = field(default_factory=dict, repr=False)  # lowercased permalinks
    _redirects: dict[str, Post] = field(default_factory=dict, repr=False)  # lowercased alias -> post
    _by_path: dict[Path, Post] = field(default_factory=dict, repr=False)
    _by_src: dict[str, Post] = field(default_factory=dict, repr=False)
    _by_title: dict[str, list[Post]] = field(default_factory=dict, repr=False)
    _lesswrong: dict[tuple[str, str | None], Post] = field(default_factory=dict, repr=False)
    _answers: dict[tuple, Any] = field(default_factory=dict, repr=False)  # see `_remembered`
    _inputs: dict[str, str] = field(default_factory=dict, repr=False)  # garden.speed.trace's digests of this build's garden
    _converted: set[str] = field(default_factory=set, repr=False)  # bodies converted (see `converted_again`)
    _loaded_files: tuple | None = field(default=None, repr=False)  # the folder's Markdown files when loaded whole

    @classmethod
    def load(
        cls,
        content_dir: Path,
        paths: Iterable[Path] | None = None,
        read: Callable[[Path, Path], Post] = Post.load,
        layout: SiteLayout | None = None,
        project: Path | None = None,
        ahead: Callable[[list[Path], Path], None] | None = None,
    ) -> Garden:
        """Index the given Markdown files (default: every `*.md` under `content_dir`), each
        read by `read(path, content_dir)` (the build passes a cached `Post.load`). No permalink
        or alias may take a name of `layout` (default: what every build writes), and no file may
        be a symbolic link to a place outside `project` (default: the content folder's parent).
        `ahead(paths, content_dir)` is first told every file that is going to be read, so that
        it can work ahead of `read` (the build parses them in parallel)."""
        garden = cls(content_dir, layout=layout or SiteLayout())
        inside = (project or content_dir.parent).resolve()
        if paths is None:
            paths = markdown_files(content_dir)
            garden._loaded_files = _signature(paths)
        paths = sorted(paths)
        refused: dict[Path, GardenError | None] = {}  # None: deleted since it was listed (under `mkdocs serve`)
        links: dict[Path, bool] = {}  # folders that are (or are not) symbolic links
        for path in paths:
            if not os.path.lexists(path):
                refused[path] = None
            elif (outside := _outside(path, inside, links)) is not None:
                refused[path] = outside
        if ahead is not None:
            ahead([path for path in paths if path not in refused], content_dir)
        for path in paths:
            if path in refused:
                if (error := refused[path]) is not None:
                    garden.errors.append(error)
                garden.rejected.add(path)
                continue
            try:
                garden.add(read(path, content_dir))
            except InvalidPost as invalid:
                garden.errors.extend(invalid.errors)
                garden.rejected.add(path)
        return garden

    def add(self, post: Post) -> None:
        self.errors.extend(post.findings)
        # Slugs are compared without case: /Essay/ and /essay/ are one folder on macOS and Windows.
        if not post.is_home:
            owner = self._claimant(post.permalink)
            if owner is not None:
                self._conflict(post, "permalink", post.permalink, owner)
                self.rejected.add(post.path)
                return
            if (taken := self.layout.taken(post.permalink, alias=False)) is not None:
                self._overwrite(post, "permalink", post.permalink, taken)
                self.rejected.add(post.path)
                return
            self._by_slug[post.permalink.lower()] = post
        self.posts.append(post)
        self._by_path[post.path] = post
        self._by_src[post.src_uri] = post
        self._by_title.setdefault(post.title.casefold(), []).append(post)
        for alias in post.redirect_slugs:
            owner = self._claimant(alias)
            if owner is not None:
                self._conflict(post, "aliases", alias, owner)
            elif (taken := self.layout.taken(alias, alias=True)) is not None:
                self._overwrite(post, "aliases", alias, taken)
            else:
                self._redirects[alias.lower()] = post
        for key in LESSWRONG_KEYS:
            link = parse_lesswrong_url(str(post.meta.get(key) or ""))
            owner = self._lesswrong.setdefault(link.key, post) if link else post
            if owner is not post:
                self.errors.append(
                    GardenError(
                        post.path,
                        post.line_of(key),
                        f"`{key}` names the LessWrong post that {display_path(owner.path)} already comes from",
                        "two garden posts cannot be copies of one LessWrong post (or comment): fix the URL",
                    )
                )

    def find(self, slug: str) -> Post | None:
        """The post served at `slug`, by permalink first, then alias."""
        key = slug.strip("/").lower()
        return self._by_slug.get(key) or self._redirects.get(key)

    @property
    def redirects(self) -> dict[str, Post]:
        """Each alias (as the author wrote it) and the post it sends readers to."""
        return {alias: post for post in self.posts for alias in post.redirect_slugs if self._redirects.get(alias.lower()) is post}

    def listed(self, *, drafts: bool | None = None) -> list[Post]:
        """Posts for the home page, tag pages and feeds: newest first; drafts only when asked
        for (by default, when `drafts_visible`: under `mkdocs serve`)."""
        drafts = self.drafts_visible if drafts is None else drafts
        chosen = [p for p in self.posts if p.is_listed and (drafts or not p.is_draft)]
        return sorted(chosen, key=lambda p: (p.date or _OLDEST, p.title.lower()), reverse=True)

    def post_for(self, path: Path) -> Post | None:
        return self._by_path.get(path)

    def post_at(self, src_uri: str) -> Post | None:
        """The post whose file is `src_uri` (relative to the content folder, `/`-separated)."""
        return self._by_src.get(src_uri)

    def from_lesswrong(self, post_id: str, comment_id: str | None = None) -> Post | None:
        """The garden's copy of a LessWrong post, or of one comment when `comment_id` is given."""
        return self._lesswrong.get((post_id, comment_id))

    def lookup(self, name: str) -> tuple[Post | None, list[Post]]:
        """A post named by permalink, alias or title, in that order, without case.
        Returns (the post, []) or (None, every post that title could mean)."""
        if post := self.find(name):
            return post, []
        matches = self._by_title.get(name.strip().casefold(), [])
        return (matches[0], []) if len(matches) == 1 else (None, matches)

    def closest(self, name: str, count: int = 3) -> list[Post]:
        """Posts whose permalink or alias (for a slug) or title (for words) looks like `name`,
        for "did you mean" hints. Remembered: a broken link is often repeated."""
        query = name.strip().casefold()
        return self._remembered(("closest", query, count), lambda: self._closest_to(query, count))

    def _closest_to(self, query: str, count: int) -> list[Post]:
        if " " in query:
            names: dict[str, Post] = {p.title.casefold(): p for p in self.posts}
        else:
            names = {**self._redirects, **self._by_slug}
        similar = difflib.get_close_matches(query, names, n=count, cutoff=0.6)
        containing = [n for n in sorted(names) if query and query in n]
        return list(dict.fromkeys(names[n] for n in [*similar, *containing]))[:count]

    def section(self, post: Post, fragment: str | None, lede: bool = False) -> Section | None:
        """The Markdown of a post's section (by heading text or id, or `^block-id`; the whole
        body for None) that an `![[post#fragment]]` embed shows (see `garden.model.embeds`).
        Remembered by the post's text: every cached page that embeds a section asks again, and
        finding one scans the whole body (1.7 s of a profiled serve rebuild of the real corpus)."""
        question = (post.body, post.body_line, fragment, lede)
        return self._remembered(("section", *question), lambda: find_section(*question))

    def media_file(self, target: str, post: Post) -> str | None:
        """The content-relative path of the local picture (or video, sound) an embed in `post`
        names: beside the post, from the content folder's root, or by its unique file name."""
        return find_media(target, post.src_uri, self._files_by_name, self._files)

    @cached_property
    def _files(self) -> frozenset[str]:
        return content_files(self.content_dir)

    @cached_property
    def _files_by_name(self) -> dict[str, list[str]]:
        named: dict[str, list[str]] = {}
        for path in sorted(self._files):
            named.setdefault(path.rsplit("/", 1)[-1], []).append(path)
        return named

    def has_file(self, target: str) -> bool:
        """Whether the content folder has the file at `target` (a `/`-separated path inside it)."""
        return (self.content_dir / target).exists()

    def missing_file(self, target: str) -> tuple[str, ...] | None:
        """None if the content folder has the file at `target` (a `/`-separated path inside
        it), else the names of up to two files beside it that look alike. Remembered: the
        look-alikes cost 86 ms in a folder of 1,000 posts, and copies of a post repeat its links."""
        return self._remembered(
            ("missing_file", target), lambda: None if self.has_file(target) else self._look_alikes(self.content_dir / target)
        )

    @staticmethod
    def _look_alikes(path: Path) -> tuple[str, ...]:
        try:
            names = [entry.name for entry in path.parent.iterdir()] if path.parent.is_dir() else []
        except OSError:
            names = []
        return tuple(difflib.get_close_matches(path.name, sorted(names), n=2, cutoff=0.6))

    def anchors(self, post: Post) -> frozenset[str]:
        """The ids a link may point at on the post's page (headings and explicit ids)."""
        return self._remembered(("anchors", post.src_uri), lambda: self.find_anchors(post))

    def _remembered(self, question: tuple, answer: Callable[[], T]) -> T:
        """The answer to `question` (a method's name and arguments), worked out once: the index
        does not change once loaded, and every cached page and every copy of a link asks again."""
        if question not in self._answers:
            self._answers[question] = answer()
        return self._answers[question]

    @cached_property
    def sequences(self) -> dict[str, Sequence]:
        """Every sequence of published posts, by title (drafts are left out of the reading order)."""
        return build_sequences([p for p in self.posts if not p.is_draft], self)

    def sequence_of(self, post: Post) -> Sequence | None:
        title = post.meta.get("lw-sequence-title")
        sequence = self.sequences.get(title.strip()) if isinstance(title, str) else None
        return sequence if sequence is not None and post in sequence.posts else None

    @cached_property
    def tags(self) -> dict[str, list[Post]]:
        """Each tag's slug and the listed posts that carry it, newest first; tags that differ
        only in case or punctuation share one page."""
        tagged: dict[str, list[Post]] = {}
        for post in self.listed():
            for tag in post.tags:
                tagged.setdefault(tag_slug(tag), []).append(post)
        return tagged

    def tagged(self, slug: str) -> list[Post]:
        """The listed posts carrying the tag whose page is `tags/<slug>/`, newest first."""
        return self.tags.get(slug, [])

    def tag_name(self, slug: str) -> str:
        """The tag as authors most often write it."""
        names = Counter(t for post in self.tags.get(slug, []) for t in post.tags if tag_slug(t) == slug)
        return names.most_common(1)[0][0] if names else slug

    def reading_minutes(self, post: Post) -> int:
        return post.reading_minutes

    @cached_property
    def _backlinks(self) -> dict[str, dict[str, Backlink]]:
        # Drafts link to nobody until they are shown (under `mkdocs serve`).
        sources = [p for p in self.posts if self.drafts_visible or not p.is_draft]
        return find_backlinks(self, sources, self.outgoing_links)

    def backlinks(self, post: Post) -> list[Backlink]:
        """Every post that links to `post`, newest first."""
        found = self._backlinks.get(post.src_uri, {}).values()
        return sorted(found, key=lambda b: (b.source.date or _OLDEST, b.source.title.lower()), reverse=True)

    @cached_property
    def root(self) -> Path:
        """The content folder, as the file system names it."""
        return self.content_dir.resolve()

    @cached_property
    def _by_body(self) -> dict[str, Post | None]:
        bodies: dict[str, Post | None] = {}
        for post in self.posts:
            key = _body_key(post.body)
            bodies[key] = None if key in bodies else post  # two posts with one text: neither
        return bodies

    def post_with_body(self, text: str) -> Post | None:
        """The post whose body is `text`, as a page hands it to Markdown (frontmatter removed,
        line ends and surrounding blank lines aside); None if no post or several have it."""
        return self._by_body.get(_body_key(text))

    def converted_again(self, text: str) -> bool:
        """Note that `text` is being converted; True if it was before, which for an index loaded
        once for many builds (`mkdocs serve` without the hook) means a new build has begun."""
        key = _body_key(text)
        if key in self._converted:
            self._converted = {key}
            return True
        self._converted.add(key)
        return False

    def is_stale(self) -> bool:
        """Whether a Markdown file was added, removed or changed since the folder was loaded."""
        return self._loaded_files is None or _signature(markdown_files(self.content_dir)) != self._loaded_files

    def _claimant(self, slug: str) -> Post | None:
        key = slug.lower()
        return self._by_slug.get(key) or self._redirects.get(key)

    def _conflict(self, post: Post, key: str, slug: str, owner: Post) -> None:
        owners_key = "permalink" if owner.permalink.lower() == slug.lower() and not owner.is_home else "aliases"
        what = {"permalink": "permalink", "aliases": "alias"}
        self.errors.append(
            GardenError(
                post.path,
                post.line_of(key),
                f"{what[key]} '{slug}' is already the {what[owners_key]} of "
                f"{display_path(owner.path)}:{owner.line_of(owners_key) or 1}",
                f"give one of the two posts another {what[key]}",
            )
        )

    def _overwrite(self, post: Post, key: str, slug: str, taken: str) -> None:
        what = "permalink" if key == "permalink" else "alias"
        line = post.line_of(key) if key == "permalink" or "aliases" in post.key_lines else post.line_of("permalink")
        self.errors.append(
            GardenError(
                post.path,
                line or 1,
                f"{what} '{slug}' would overwrite {taken}, which the site already has",
                f"choose another {what}" + (": the post is left out" if what == "permalink" else ""),
            )
        )


def _body_key(text: str) -> str:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return hashlib.blake2b(normalised.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _signature(paths: Iterable[Path]) -> tuple:
    """What changes when a file does: each file's path, size and modification time."""
    signature = []
    for path in sorted(paths):
        try:
            status = path.stat()
        except OSError:
            continue
        signature.append((str(path), status.st_size, status.st_mtime_ns))
    return tuple(signature)


def _outside(path: Path, project: Path, links: dict[Path, bool]) -> GardenError | None:
    """Why the file at `path` is not the author's to build: a symbolic link leading out of the
    project (which would publish whatever it points at), or a link that leads nowhere.
    `links` remembers, from one file to the next, which folders are symbolic links: the files
    of a folder share its parents, and asking each file's (a system call each) took 0.03 s of
    each rebuild at 1,000 essays."""

    def is_link(folder: Path) -> bool:
        if folder not in links:
            links[folder] = folder.is_symlink()
        return links[folder]

    if not path.is_symlink() and not any(map(is_link, path.parents)):
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop, or a link to nothing
        return GardenError(path, 1, "the file is a symbolic link that leads nowhere (or round in a loop)", "delete the link")
    if target.is_relative_to(project):
        return None
    return GardenError(
        path,
        1,
        f"the file is a symbolic link to {target}, outside the project folder, so it is not built",
        "copy the file into the content folder instead of linking to it",
    )


def markdown_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under `content_dir`, skipping hidden files and folders as MkDocs does."""
    return sorted(
        path
        for path in content_dir.rglob("*.md")
        if not any(part.startswith(".") for part in path.relative_to(content_dir).parts)
    )


@lru_cache(maxsize=4096)  # asked for every tag of every post, by several lists and pages
def tag_slug(tag: str) -> str:
    """The URL name of a tag's page: `tags/<slug>/`."""
    return slugify(tag) or "tag"

"""The garden index: every post, looked up by permalink and alias.

Built once per build from the post model. Two posts claiming the same URL is an error naming
both files; the post met second (in path order) loses the claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GardenError, InvalidPost, display_path
from .post import Post

_OLDEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass
class Garden:
    content_dir: Path
    posts: list[Post] = field(default_factory=list)  # valid posts, drafts included, in path order
    errors: list[GardenError] = field(default_factory=list)
    rejected: set[Path] = field(default_factory=set)  # files that cannot be built
    _by_slug: dict[str, Post] = field(default_factory=dict, repr=False)  # lowercased permalinks
    _redirects: dict[str, Post] = field(default_factory=dict, repr=False)  # lowercased alias -> post
    _by_path: dict[Path, Post] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, content_dir: Path, paths: Iterable[Path] | None = None) -> Garden:
        """Index the given Markdown files (default: every `*.md` under `content_dir`)."""
        garden = cls(content_dir)
        for path in sorted(paths if paths is not None else markdown_files(content_dir)):
            try:
                garden.add(Post.load(path, content_dir))
            except InvalidPost as invalid:
                garden.errors.extend(invalid.errors)
                garden.rejected.add(path)
        return garden

    def add(self, post: Post) -> None:
        # Slugs are compared without case: /Essay/ and /essay/ are one folder on macOS and Windows.
        if not post.is_home:
            owner = self._claimant(post.permalink)
            if owner is not None:
                self._conflict(post, "permalink", post.permalink, owner)
                self.rejected.add(post.path)
                return
            self._by_slug[post.permalink.lower()] = post
        self.posts.append(post)
        self._by_path[post.path] = post
        for alias in post.redirect_slugs:
            owner = self._claimant(alias)
            if owner is not None:
                self._conflict(post, "aliases", alias, owner)
            else:
                self._redirects[alias.lower()] = post

    def find(self, slug: str) -> Post | None:
        """The post served at `slug`, by permalink first, then alias."""
        key = slug.strip("/").lower()
        return self._by_slug.get(key) or self._redirects.get(key)

    @property
    def redirects(self) -> dict[str, Post]:
        """Each alias (as the author wrote it) and the post it sends readers to."""
        return {alias: post for post in self.posts for alias in post.redirect_slugs if self._redirects.get(alias.lower()) is post}

    def listed(self, *, drafts: bool = False) -> list[Post]:
        """Posts for the home page and feeds: newest first, drafts only when asked for."""
        chosen = [p for p in self.posts if p.is_listed and (drafts or not p.is_draft)]
        return sorted(chosen, key=lambda p: (p.date or _OLDEST, p.title.lower()), reverse=True)

    def post_for(self, path: Path) -> Post | None:
        return self._by_path.get(path)

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


def markdown_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under `content_dir`, skipping hidden files and folders as MkDocs does."""
    return sorted(
        path
        for path in content_dir.rglob("*.md")
        if not any(part.startswith(".") for part in path.relative_to(content_dir).parts)
    )

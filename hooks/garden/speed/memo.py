"""The post model, the linter, the backlinks and heading ids, through the build cache: a file that has not
changed is not parsed again, and a post whose source and links have not changed is not linted
again, nor its links to other posts looked for again.

Each is per file and cheap one at a time, but a build does every file: at 1,000 essays parsing
posts is about 2.6 s (frontmatter, and the words to read), linting about 1.8 s and finding the backlinks with their excerpts
(each a small Markdown conversion) several seconds, which would be most of a warm rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .cache import Cache, code_version, digest
from ..model.errors import GardenError, InvalidPost
from ..model.anchors import anchors_of
from ..model.backlinks import Outgoing, outgoing_links
from ..model.index import Garden
from ..check.lint import PostLinter, lint_post
from ..model.post import Post
from .parallel import cpu_count, forked_map
from .render import stable
from .trace import Trace, TracingGarden, post_fingerprint


class PostReader:
    """`Post.load` through `cache`, for `Garden.load`; notes each file's source digest in
    `sources` (by path). Told the files ahead (`ahead`), it parses those the cache does not have
    in forked workers: at 1,000 essays reading the posts into a garden took 2.6 to 3.0 s in one
    process and 1.5 to 1.8 s this way (7.3 to 7.8 s and 4.1 to 4.2 s for the real corpus)."""

    def __init__(self, cache: Cache, sources: dict[str, str]) -> None:
        self.cache = cache
        self.sources = sources
        self._read: dict[Path, tuple[str, Post | list[GardenError]]] = {}  # worked out ahead

    def __call__(self, path: Path, content_dir: Path) -> Post:
        if path in self._read:
            key, found = self._read.pop(path)
        else:
            try:
                raw, key, found = self._look_up(path, content_dir)
            except OSError:
                return Post.load(path, content_dir)  # which reports the problem
            if found is None:
                found = self.parse(raw, path, content_dir, key)
        self.sources[str(path)] = key
        if isinstance(found, list):
            raise InvalidPost(found)
        return found

    def ahead(self, paths: list[Path], content_dir: Path) -> None:
        """Read the cache for `paths`, and parse the posts it does not have in workers."""
        missed: dict[Path, tuple[bytes, str]] = {}  # what the forked workers start with
        for path in paths:
            try:
                raw, key, found = self._look_up(path, content_dir)
            except OSError:
                continue  # `__call__` reports it
            if found is None:
                missed[path] = (raw, key)
            else:
                self._read[path] = (key, found)

        def work(chunk: Sequence[Path]) -> list[tuple[Path, str, Post | list[GardenError]]]:
            results = []
            for path in chunk:
                raw, key = missed[path]
                try:
                    results.append((path, key, self.parse(raw, path, content_dir, key)))
                except Exception:  # noqa: BLE001 - parsed again by `__call__`, which reports why it fails
                    continue
            return results

        for results in forked_map(work, list(missed), cpu_count()):
            for path, key, found in results:
                self._read[path] = (key, found)

    def _look_up(self, path: Path, content_dir: Path) -> tuple[bytes, str, Post | list[GardenError] | None]:
        """The file's bytes, its key, and what the cache has under it (None: nothing)."""
        raw = path.read_bytes()
        key = self.key(path, content_dir, raw)
        return raw, key, self.cache.get("post", key, shared=True)  # posts are frozen

    @staticmethod
    def key(path: Path, content_dir: Path, raw: bytes) -> str:
        return digest(code_version(), str(path), str(content_dir), raw)

    def parse(self, raw: bytes, path: Path, content_dir: Path, key: str) -> Post | list[GardenError]:
        """The post in `raw`, or what is wrong with it, kept in the cache."""
        try:
            found: Post | list[GardenError] = Post.from_bytes(raw, path, content_dir)
            found.reading_minutes  # type: ignore[union-attr] # noqa: B018 - worked out now, to be kept with the post
        except InvalidPost as invalid:
            found = invalid.errors
        self.cache.put("post", key, found)
        return found



def post_linter(cache: Cache) -> PostLinter:
    """`lint_post` through `cache`: findings are reused while the post's source, and every
    answer its links got from the garden, are the same."""

    def lint(post: Post, callout_types: frozenset[str], garden: Garden) -> list[GardenError]:
        key = digest(code_version(), str(post.path), post.body_line, post.body, post_fingerprint(post), sorted(callout_types))
        found = cache.get("lint", key)
        if found is None or not found[1].holds(garden):
            trace = Trace()
            found = (lint_post(post, callout_types, TracingGarden(garden, trace)), trace)  # type: ignore[arg-type]
            cache.put("lint", key, found)
        return found[0]

    return lint


def link_finder(cache: Cache, found: dict[str, list[tuple[str, str]]] | None = None) -> Outgoing:
    """`outgoing_links` through `cache` (and `found`, by src_uri: what the build's workers sent
    back): a post's links and their excerpts are reused while its source, and every answer its
    links got from the garden (which post, with which title), are the same."""
    found = found if found is not None else {}
    settings: list = [None, ""]  # the site's Markdown settings (one object for every post of a build) and their digest

    def outgoing(post: Post, garden: Garden) -> list[tuple[str, str]]:
        if post.src_uri in found:
            return found.pop(post.src_uri)
        if garden.markdown_settings is not settings[0]:
            settings[:] = [garden.markdown_settings, digest(stable(garden.markdown_settings))]
        key = digest(code_version(), post.src_uri, post.body, post_fingerprint(post), settings[1])
        cached = cache.get("links", key)
        if cached is None or not cached[1].holds(garden):
            trace = Trace()
            cached = (outgoing_links(post, _ResolvingGarden(garden, trace)), trace)  # type: ignore[arg-type]
            cache.put("links", key, cached)
        return cached[0]

    return outgoing


def anchor_finder(cache: Cache) -> Callable[[Post], frozenset[str]]:
    """`anchors_of` through `cache`: a post's heading ids follow from its text alone, and every
    cached page that links to one of its sections asks for them again on each build."""

    def anchors(post: Post) -> frozenset[str]:
        key = digest(code_version(), post.body)
        found = cache.get("anchors", key)
        if found is None:
            found = anchors_of(post)
            cache.put("anchors", key, found)
        return found

    return anchors


class _ResolvingGarden(TracingGarden):
    """The traced garden, which also hands over the site's Markdown settings (part of the key)."""

    @property
    def markdown_settings(self) -> tuple[list, dict]:
        return self._garden.markdown_settings

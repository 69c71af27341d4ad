"""Sequences: posts that share an `lw-sequence-title`, read in order.

The order follows the posts' own `prev-post-slug`/`next-post-slug` links where they give one
(exports carry them), and their publication dates where they do not. A pair that disagrees (A
says B comes next, B says something else comes before it) is reported by the linter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import GardenError

if TYPE_CHECKING:
    from .index import Garden
    from .post import Post

_OLDEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Sequence:
    title: str
    posts: tuple[Post, ...]

    def position(self, post: Post) -> tuple[int, Post | None, Post | None]:
        """(1-based place, previous post, next post) of `post` in the sequence."""
        index = self.posts.index(post)
        previous = self.posts[index - 1] if index > 0 else None
        following = self.posts[index + 1] if index + 1 < len(self.posts) else None
        return index + 1, previous, following


def build_sequences(posts: list[Post], garden: Garden) -> dict[str, Sequence]:
    """Every sequence among `posts`, by title."""
    members: dict[str, list[Post]] = {}
    for post in posts:
        title = post.meta.get("lw-sequence-title")
        if isinstance(title, str) and title.strip():
            members.setdefault(title.strip(), []).append(post)
    return {title: Sequence(title, tuple(_ordered(group, garden))) for title, group in members.items()}


def _ordered(group: list[Post], garden: Garden) -> list[Post]:
    """Follow `next-post-slug` chains from each post nothing points to, oldest chain first;
    posts no chain reaches follow by date."""
    by_date = sorted(group, key=lambda p: (p.date_published or _OLDEST, p.title.lower()))
    following = {post: _neighbour(post, "next-post-slug", group, garden) for post in group}
    pointed_at = {target for target in following.values() if target is not None}
    order: list[Post] = []
    for head in [p for p in by_date if p not in pointed_at] + by_date:
        current = head
        while current is not None and current not in order:
            order.append(current)
            current = following[current]
    return order


def _neighbour(post: Post, key: str, group: list[Post], garden: Garden) -> Post | None:
    slug = post.meta.get(key)
    target = garden.find(str(slug)) if slug else None
    return target if target in group else None


def check_sequences(sequences: dict[str, Sequence], garden: Garden) -> list[GardenError]:
    """Prev/next links that disagree with each other, or that lead out of the sequence."""
    errors = []
    for sequence in sequences.values():
        for post in sequence.posts:
            for key, back_key in (("next-post-slug", "prev-post-slug"), ("prev-post-slug", "next-post-slug")):
                slug = post.meta.get(key)
                if not slug:
                    continue
                target = garden.find(str(slug))
                if target is None:
                    continue  # a part not (yet) in the garden: the link checker reports the link itself
                if target not in sequence.posts:
                    errors.append(
                        GardenError(
                            post.path,
                            post.line_of(key),
                            f"`{key}: {slug}` names {target.src_uri}, which is not in the sequence '{sequence.title}'",
                            f"give {target.src_uri} `lw-sequence-title: {sequence.title}`, or fix `{key}`",
                        )
                    )
                    continue
                back = target.meta.get(back_key)
                if not back or garden.find(str(back)) is not post:
                    errors.append(
                        GardenError(
                            post.path,
                            post.line_of(key),
                            f"`{key}: {slug}` disagrees with {target.src_uri}, whose `{back_key}` is "
                            + (f"'{back}'" if back else "not set"),
                            f"set `{back_key}: {post.permalink}` in {target.src_uri}, or fix `{key}` here",
                        )
                    )
    return errors

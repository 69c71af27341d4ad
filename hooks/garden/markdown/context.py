"""What the garden's Markdown extensions know about the page being converted.

MkDocs builds a fresh Markdown instance for every page from the configured extension names, so
an extension cannot be handed the page. The build sets the page's post (and the garden index)
here before each conversion; extensions read it, and skip page-specific work when it is unset,
as under plain Python-Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.index import Garden
    from ..model.post import Post


@dataclass(frozen=True)
class PageContext:
    post: Post
    garden: Garden | None = None


_current: ContextVar[PageContext | None] = ContextVar("garden_page", default=None)


def current_page() -> PageContext | None:
    return _current.get()


def set_page(post: Post | None, garden: Garden | None = None) -> None:
    """Declare the post the next conversions belong to (None: no post)."""
    _current.set(PageContext(post, garden) if post is not None else None)


@contextmanager
def rendering(post: Post, garden: Garden | None = None) -> Iterator[None]:
    token = _current.set(PageContext(post, garden))
    try:
        yield
    finally:
        _current.reset(token)

"""Which post a conversion belongs to, for the garden's extensions, with or without the hook.

MkDocs (like ProperDocs and Zensical) converts each page with a Markdown instance of its own and
tells extensions nothing about the page. So each garden extension that needs its post is a
`GardenExtension`, with a `content_dir` option naming the content folder (default `content`,
relative to the working folder, like pymdownx.snippets' `base_path`; `!relative
$config_dir/content` in mkdocs.yml makes it relative to mkdocs.yml). One preprocessor per
Markdown instance, run before any other, finds the post whose body is the text being converted
in that folder's garden index and makes it `current_page()` until the conversion ends:

- during a garden build, the index is the one the hook built for it (`publish`), whatever
  `content_dir` says;
- without the hook, the extension loads the index from the folder itself, and loads it again
  when a new build starts (the first page converted twice) if a file changed since.

Text that is no post's body (a snippet, a test) converts without a post: every extension then
does only what needs no page (`current_page()` is None).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from os import PathLike, fspath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

if TYPE_CHECKING:
    from ..model.index import Garden
    from ..model.post import Post


@dataclass(frozen=True)
class PageContext:
    post: Post
    garden: Any  # a Garden, or the speed layer's tracing stand-in for one


_current: ContextVar[PageContext | None] = ContextVar("garden_page", default=None)
_answering: ContextVar[Any] = ContextVar("garden_answering", default=None)
_published: list[Garden] = []  # the index the hook built for the build under way, if any
_loaded: dict[Path, Garden] = {}  # content folder -> an index loaded by the extensions themselves


def current_page() -> PageContext | None:
    """The post being converted and the garden it belongs to, or None."""
    return _current.get()


def publish(garden: Garden | None) -> None:
    """The hook's index for the build under way (None: the build is over): extensions use it
    instead of loading their own."""
    _published[:] = [garden] if garden is not None else []


@contextmanager
def answering(garden: Any) -> Iterator[None]:
    """Within the block, extensions ask `garden` (e.g. a tracing stand-in) about other posts."""
    token = _answering.set(garden)
    try:
        yield
    finally:
        _answering.reset(token)


def garden_at(content_dir: str | PathLike[str]) -> Garden | None:
    """The garden index of `content_dir`: the hook's for this build, else one loaded here."""
    from ..model.index import Garden

    if _published:
        return _published[0]
    root = Path(fspath(content_dir)).resolve()
    if root not in _loaded and root.is_dir():
        _loaded[root] = Garden.load(root)
    return _loaded.get(root)


class PagePreprocessor(Preprocessor):
    """A preprocessor about the page as a whole rather than its text: an extension that runs
    the page's preprocessors over other text (a transclusion) leaves these out."""


class PostIdentifier(PagePreprocessor):
    """Finds the post whose body is the text about to be converted; sets `current_page()`."""

    def __init__(self, md: Markdown, content_dir: str | PathLike[str]) -> None:
        super().__init__(md)
        self.content_dir = content_dir

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        garden = garden_at(self.content_dir)
        if garden is not None and not _published and garden.converted_again(text):
            garden = self.reloaded(garden)  # a new build of a garden without the hook
        post = garden.post_with_body(text) if garden is not None else None
        asked = _answering.get()
        _current.set(PageContext(post, asked if asked is not None else garden) if post is not None else None)
        return lines

    @staticmethod
    def reloaded(garden: Garden) -> Garden | None:
        """The garden as its folder is now (the same object if no file changed)."""
        if not garden.is_stale():
            return garden
        del _loaded[garden.root]
        return garden_at(garden.root)


class PageContextEnd(Postprocessor):
    """The conversion is over: no post is current any more."""

    def run(self, text: str) -> str:
        _current.set(None)
        return text


class GardenExtension(Extension):
    """An extension that may need the post being converted: it shares one `PostIdentifier`
    per Markdown instance with every other garden extension."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"content_dir": ["content", "the content folder (relative to the working folder)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        if "garden_post" not in md.preprocessors:
            # Before every other preprocessor, on the text exactly as the page passed it.
            md.preprocessors.register(PostIdentifier(md, self.getConfig("content_dir")), "garden_post", 1000)
            md.postprocessors.register(PageContextEnd(md), "garden_post_end", -1000)

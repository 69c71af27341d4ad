"""What a cached result read from the garden, so that a later build can tell whether it holds.

A page's HTML depends on more than its own source: the titles and URLs of the posts it links
to, the headings there, who links to it, its sequence, the posts a list shows. Rather than
guess those dependencies up front, the build hands extensions and templates a `TracingGarden`:
the garden index, answering as usual, that writes down each question and a fingerprint of its
answer. A cached result is used again only if every question it asked still gets the same
answer (`Trace.holds`), the "verifying trace" of build systems such as Shake.

A post's fingerprint is its address and frontmatter, not its body: editing the words of one
essay does not touch the pages that link to it, while retitling it does.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .cache import digest

if TYPE_CHECKING:
    from ..model.index import Garden
    from ..model.post import Post

# The garden's questions that results may ask, and the attributes they may read. Anything else
# raises at once, so a template or extension cannot depend on something no trace records.
METHODS = frozenset(
    {"find", "lookup", "closest", "post_at", "from_lesswrong", "anchors", "listed", "backlinks",
     "reading_minutes", "sequence_of", "tag_name", "tagged", "section", "media_file", "missing_file"}
)  # fmt: skip
PROPERTIES = frozenset({"tags", "drafts_visible"})

_digests: weakref.WeakKeyDictionary[Post, str] = weakref.WeakKeyDictionary()


def post_fingerprint(post: Post) -> tuple[str, str]:
    """Where the post is and what its frontmatter says (its title, URL, dates, tags…)."""
    if post not in _digests:
        _digests[post] = digest(post.permalink, sorted((str(k), repr(v)) for k, v in post.meta.items()))
    return (post.src_uri, _digests[post])


def fingerprint(value: Any) -> Any:
    """A comparable, picklable summary of an answer: posts become their fingerprints."""
    from ..model.index import Backlink
    from ..model.post import Post
    from ..model.sequences import Sequence

    if isinstance(value, Post):
        return ("post", *post_fingerprint(value))
    if isinstance(value, Backlink):
        return ("backlink", fingerprint(value.source), value.context)
    if isinstance(value, Sequence):
        return ("sequence", value.title, fingerprint(value.posts))
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return ("set", digest(sorted(map(repr, value))))
    if isinstance(value, dict):
        return ("dict", tuple((key, fingerprint(item)) for key, item in value.items()))
    return value


# Questions whose answer follows from their arguments (already in the question) and from one
# part of the garden that a build digests once. A trace notes that part's digest rather than the
# answer, so checking a cached result costs a lookup, not the work: fuzzy "did you mean" matching
# over every name and file, for each broken link, was 27 s of a 45 s no-change build (under
# cProfile) of the real corpus repeated to 1,000 posts, most of whose links lead outside it.
BY_INPUT: dict[str, Callable[[Garden], Any]] = {
    # every post's names and titles: their addresses and frontmatter
    "closest": lambda garden: (garden.drafts_visible, sorted(map(post_fingerprint, garden.posts))),
    # every file and folder of the content folder
    "missing_file": lambda garden: sorted(
        os.path.relpath(os.path.join(root, name), garden.content_dir)
        for root, folders, files in os.walk(garden.content_dir)
        for name in folders + files
    ),
}


def _input(garden: Garden, name: str) -> tuple[str, str]:
    if name not in garden._inputs:
        garden._inputs[name] = digest(BY_INPUT[name](garden))
    return ("input", garden._inputs[name])


def _argument(value: Any) -> Any:
    """How a question's argument is written down: a post by its file, found again by `post_at`."""
    from ..model.post import Post

    return ("post", value.src_uri) if isinstance(value, Post) else value


@dataclass
class Trace:
    reads: dict[tuple, Any] = field(default_factory=dict)  # (name, args, kwargs) -> fingerprint

    def holds(self, garden: Garden, answers: dict[tuple, Any] | None = None) -> bool:
        """Whether every question asked then gets the same answer from `garden` now. Pass the
        same `answers` dict to the checks of one build step, while the garden does not change,
        and each question is answered once: a tag's posts are asked about by many pages."""
        for question, expected in self.reads.items():
            if answers is not None and question in answers:
                if answers[question] != expected:
                    return False
                continue
            name, args, kwargs = question
            values = []
            for argument in args:
                if isinstance(argument, tuple) and argument[:1] == ("post",):
                    argument = garden.post_at(argument[1])
                    if argument is None:
                        return False  # the post asked about is gone
                values.append(argument)
            if name in BY_INPUT:
                answer = _input(garden, name)
            else:
                attribute = getattr(garden, name)
                answer = fingerprint(attribute(*values, **dict(kwargs)) if name in METHODS else attribute)
            if answers is not None:
                answers[question] = answer
            if answer != expected:
                return False
        return True


class TracingGarden:
    """The garden index, answering as usual and recording into `trace` what was asked."""

    def __init__(self, garden: Garden, trace: Trace | None = None) -> None:
        self._garden = garden
        self.trace = trace if trace is not None else Trace()

    def __getattr__(self, name: str) -> Any:
        if name in METHODS:
            method: Callable[..., Any] = getattr(self._garden, name)

            def traced(*args: Any, **kwargs: Any) -> Any:
                answer = method(*args, **kwargs)
                key = (name, tuple(map(_argument, args)), tuple(sorted(kwargs.items())))
                self.trace.reads[key] = _input(self._garden, name) if name in BY_INPUT else fingerprint(answer)
                return answer

            return traced
        if name in PROPERTIES:
            answer = getattr(self._garden, name)
            self.trace.reads[(name, (), ())] = fingerprint(answer)
            return answer
        # Not AttributeError: Jinja would turn that into an empty value and hide the mistake.
        raise TypeError(f"Garden.{name} is not traced, so cached pages could not notice it change: add it to garden.speed.trace")

    def __bool__(self) -> bool:
        return True

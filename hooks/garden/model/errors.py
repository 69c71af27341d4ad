"""Errors an author can cause: always a place, a reason and a way out, never a traceback."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class GardenError(Exception):
    """A problem in the author's content, reported as ``path:line[:column]: message (hint)``."""

    path: Path
    line: int | None
    message: str
    hint: str = ""
    column: int | None = None
    severity: str = "error"  # or "warning": reported, but `garden check` still passes

    @property
    def location(self) -> str:
        shown = display_path(self.path)
        if not self.line:
            return shown
        return f"{shown}:{self.line}:{self.column}" if self.column else f"{shown}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" + (f" ({self.hint})" if self.hint else "")

    def __reduce__(self):
        # Exception pickles its `args`, which a dataclass leaves empty: findings travel from the
        # build's worker processes and live in its cache.
        return (type(self), (self.path, self.line, self.message, self.hint, self.column, self.severity))


class InvalidPost(Exception):
    """Every problem found in one post, so the author can fix them in one go."""

    def __init__(self, errors: list[GardenError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors

    def __reduce__(self):
        return (type(self), (self.errors,))


def display_path(path: Path) -> str:
    """The path as the author would type it: relative to the working folder when inside it
    (a symbolic link is named as itself, not as where it leads)."""
    try:
        cwd = Path.cwd()
    except OSError:
        return str(path)
    return _relative(path, cwd)


@lru_cache(maxsize=None)
def _relative(path: Path, cwd: Path) -> str:
    # Remembered: resolving both folders took 3.7 s of a one-edit rebuild (under cProfile) of
    # the real corpus at 1,000 posts, whose 9,000 findings name the same few hundred files.
    # A build forgets them (`forget_paths`): a symbolic link may have moved in between.
    for candidate in (Path(os.path.abspath(path)), path):
        try:
            return str((candidate.parent.resolve() / candidate.name).relative_to(cwd.resolve()))
        except (ValueError, OSError, RuntimeError):
            continue
    return str(path)


def forget_paths() -> None:
    _relative.cache_clear()

"""Work split over forked processes, for the two heavy steps of a build: converting Markdown and
rendering page templates.

Forking, not spawning: the workers start as copies of the build at that moment (its config,
files, garden index, Jinja environment), so nothing has to be pickled to them, and a worker
can do exactly what MkDocs' own pass would. Only the results travel back. Where fork is not
available (Windows) or there is one CPU, the caller's serial path does all the work.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
CHUNK = 16  # items per task: few enough round trips, small enough to share out evenly
MIN_ITEMS = 8  # fewer than this are done sooner than a pool starts

_work: Callable[[Sequence[Any]], Any] | None = None  # what the forked workers run


def forked_map(work: Callable[[Sequence[T]], Any], items: Sequence[T], jobs: int) -> Iterator[Any]:
    """`work(chunk)` for chunks of `items` in `jobs` forked workers, yielding each result as it
    arrives. Yields nothing when a pool would not pay (`jobs < 2`, few items, no fork)."""
    if jobs < 2 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return
    global _work
    _work = work  # inherited by the forked workers: closures need not be picklable
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet) as pool:
            yield from pool.imap_unordered(_run, [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)])
    finally:
        _work = None


def _run(chunk: Sequence[Any]) -> Any:
    assert _work is not None
    return _work(chunk)


def _quiet() -> None:
    """Workers print nothing: what their pages log is sent back and said by MkDocs' own pass."""
    for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)


def cpu_count() -> int:
    """CPUs this process may use (`GARDEN_JOBS` overrides; 1 builds without workers)."""
    if jobs := os.environ.get("GARDEN_JOBS", "").strip():
        try:
            return max(1, int(jobs))
        except ValueError:
            pass
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

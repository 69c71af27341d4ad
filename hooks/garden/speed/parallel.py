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
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from . import collector

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
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    try:
        # concurrent.futures rather than multiprocessing.Pool: a worker that dies (killed, out of
        # memory) fails the build with BrokenProcessPool instead of leaving it waiting forever.
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start) as pool:
            for done in as_completed([pool.submit(_run, chunk) for chunk in chunks]):
                yield pickle.loads(done.result())
    finally:
        _work = None


def _run(chunk: Sequence[Any]) -> bytes:
    """The work's result, pickled here: a result that cannot be pickled fails in the worker, with
    its traceback, and one that cannot be unpickled fails in the build's own thread."""
    assert _work is not None
    return pickle.dumps(_work(chunk), protocol=pickle.HIGHEST_PROTOCOL)


def _start() -> None:
    """Workers print nothing: what their pages log is sent back and said by MkDocs' own pass.
    They collect garbage even if the build paused its collector."""
    collector.in_worker()
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

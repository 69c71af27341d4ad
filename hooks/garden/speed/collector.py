"""CPython's cycle collector, paused while `mkdocs serve` rebuilds.

A rebuild makes a build's worth of objects that live until it ends (posts, pages, tables of
contents, traces), while the last build's are still referenced from the session. Each of those
allocations counts towards the collector's next run, and a rebuild at 1,000 essays set off one
or two full collections, each walking every live object: 0.10 to 0.15 s of a 0.8 to 1.2 s
rebuild (timed with `gc.callbacks`). Paused, the same rebuilds took 0.71 to 1.04 s against 0.80
to 1.29 s, in alternating runs of five.

Nothing a rebuild makes is garbage before it ends: what it throws away is freed by reference
counting, and the cycles left (the last build's pages and files point at each other) wait for
the first collection after the build, which the file watcher's polling sets off within a
second. `mkdocs build` is not paused: its collections are a few hundredths of a second, and
its main process converts pages itself when the garden's workers cannot (another MkDocs), which
without the collector would keep every Markdown instance's cycles until the end. The forked
workers collect as usual (`garden.speed.parallel`).
"""

from __future__ import annotations

import gc

_paused = False  # by `pause`, so that `resume` never turns on a collector someone else turned off


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    global _paused
    if _paused:
        gc.enable()
        _paused = False


def in_worker() -> None:
    """A forked worker converts and renders pages by the hundred: it collects garbage even when
    the build that forked it paused the collector."""
    if _paused:
        gc.enable()

"""The site folder between builds: one build at a time writes it, and a failed strict build
leaves nothing in it that could be published.

- **One build at a time.** Two `mkdocs build`s into one folder (a second terminal, an editor's
  build-on-save next to `make check`) would empty and fill it at once, and each could stop with
  FileNotFoundError or leave a mix of both. Each build locks the site folder itself (`flock` on
  the folder, so no lock file is left anywhere) from `on_config`, before MkDocs empties it, to
  its end; a second build says that it waits, then runs once the first is done.
- **No broken site.** MkDocs writes every page before `--strict` counts the warnings and gives
  up, so a failed strict build would leave a complete site with the broken pages in it, ready to
  be uploaded by the next step of a deploy script. The garden counts warnings itself and, when a
  strict build is going to fail, empties the folder at the very end (MkDocs emptied it at the
  start anyway; `mkdocs serve` is never touched).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs import utils

try:
    import fcntl
except ImportError:  # Windows: builds are not serialised
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("mkdocs.plugins.garden")


class SiteGuard:
    """What one `mkdocs build` holds on its site folder, from `on_config` to the end."""

    def __init__(self, site_dir: Path, *, strict: bool) -> None:
        self.site_dir = site_dir
        self.lock = _lock(site_dir)
        self.counter: utils.CountHandler | None = None
        if strict:
            # Counted here rather than read off MkDocs' own counter, which is not public.
            self.counter = utils.CountHandler()
            self.counter.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.counter)

    @property
    def failing(self) -> bool:
        """Whether `--strict` will fail this build."""
        return self.counter is not None and bool(self.counter.get_counts())

    def finish(self) -> None:
        """The build is done: empty the folder if it failed under --strict, let go of it."""
        try:
            if self.failing and self.site_dir.is_dir():
                utils.clean_directory(str(self.site_dir))
                log.info(f"the strict build failed, so {self.site_dir.name}/ is left empty rather than holding a broken site")
        finally:
            self.release()

    def release(self) -> None:
        if self.counter is not None:
            logging.getLogger("mkdocs").removeHandler(self.counter)
            self.counter = None
        if self.lock is not None:
            os.close(self.lock)  # closing the file lets go of the lock
            self.lock = None


def _lock(site_dir: Path) -> int | None:
    """An exclusive lock on building `site_dir`, waiting for another build that holds it.
    None where locks cannot be had (no fcntl, a folder that cannot be made)."""
    if fcntl is None:
        return None
    try:
        site_dir.mkdir(parents=True, exist_ok=True)  # MkDocs makes it anyway
        handle = os.open(site_dir, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log.info(f"another build of {site_dir.name}/ is running: waiting for it to finish")
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError:
        os.close(handle)
        return None
    return handle

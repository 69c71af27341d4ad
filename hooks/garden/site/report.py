"""Findings go to MkDocs' log: errors as warnings, so that `mkdocs build --strict` fails on them.

Two things MkDocs' log would get wrong on its own:

- `mkdocs build -q` sets MkDocs' loggers to ERROR, and a warning below that level is dropped
  before the strict counter sees it: `--strict -q` would pass a garden with errors. When
  warnings are not shown, the garden logs its errors as MkDocs errors, which are shown and counted.
- MkDocs reports a relative link to a missing file ("Doc file 'x.md' contains a link
  'missing.md', but the target is not found") with no line. The garden's linter reports the same
  link with its file, line and a hint; MkDocs' message for a link the garden already reported is
  left out, so each broken link is told once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from ..model.errors import GardenError
from ..model.post import Post

log = get_plugin_logger("garden")  # its warnings count under `mkdocs build --strict`

# (file, message) of each error reported in this build, for `SaidByTheGarden`.
_reported: set[tuple[str, str]] = set()


def warning_level(logger: logging.Logger | logging.LoggerAdapter = log) -> int:
    """WARNING, or ERROR when MkDocs shows no warnings (`-q`): a problem must still fail `--strict`."""
    return logging.WARNING if logger.isEnabledFor(logging.WARNING) else logging.ERROR


def report(findings: list[GardenError]) -> None:
    """Errors are MkDocs warnings, so `--strict` fails on them; linter warnings are only shown."""
    for finding in findings:
        if finding.severity == "error":
            _reported.add((str(finding.path), finding.message))
            log.log(warning_level(), str(finding))
        else:
            log.info(f"{finding.location}: warning: {finding.message} ({finding.hint})")


def new_build() -> None:
    _reported.clear()


class SaidByTheGarden(logging.Filter):
    """Leaves out MkDocs' message about a missing link target when the garden's linter has
    reported that very link (with its line) in this build."""

    MKDOCS_MISSING = re.compile(r"Doc file '(?P<src>.+?)' contains a link '(?P<url>.+?)', but the target\b.* is not found")

    def __init__(self, post_at: Callable[[str], Post | None], message_for: Callable[[str, Post], str | None]):
        super().__init__()
        self.post_at = post_at
        self.message_for = message_for  # the linter's message for a link, or None if it has none

    def filter(self, record: logging.LogRecord) -> bool:
        match = self.MKDOCS_MISSING.match(record.getMessage())
        if match is None or (post := self.post_at(match["src"])) is None:
            return True
        message = self.message_for(match["url"], post)
        return message is None or (str(Path(post.path)), message) not in _reported

"""Findings go to MkDocs' log: errors as warnings, so that `mkdocs build --strict` fails on them.

Two things MkDocs' log would get wrong on its own:

- `mkdocs build -q` sets MkDocs' loggers to ERROR, and a warning below that level is dropped
  before the strict counter sees it: `--strict -q` would pass a garden with errors. When
  warnings are not shown, the garden logs its errors as MkDocs errors, which are shown and counted.
- MkDocs reports a relative link to a missing file ("Doc file 'x.md' contains a link
  'missing.md', but the target is not found") with no line. The garden's linter reports the same
  link with its file, line and a hint; MkDocs' message for a link the garden already reported is
  left out, so each broken link is told once (`reported`, asked by the log filter of
  `garden.speed.mkdocs16`, since it goes by MkDocs' wording).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from ..model.errors import GardenError

log = get_plugin_logger("garden")  # its warnings count under `mkdocs build --strict`

# (file, message) of each error reported in this build, for `reported`.
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


def reported(path: str | Path, message: str) -> bool:
    """Whether this build reported the error `message` in the file at `path`."""
    return (str(Path(path)), message) in _reported

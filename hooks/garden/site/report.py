"""Findings go to MkDocs' log: errors as warnings, so that `mkdocs build --strict` fails on them."""

from __future__ import annotations

from mkdocs.plugins import get_plugin_logger

from ..model.errors import GardenError

log = get_plugin_logger("garden")  # its warnings count under `mkdocs build --strict`


def report(findings: list[GardenError]) -> None:
    """Errors are MkDocs warnings, so `--strict` fails on them; linter warnings are only shown."""
    for finding in findings:
        if finding.severity == "error":
            log.warning(str(finding))
        else:
            log.info(f"{finding.location}: warning: {finding.message} ({finding.hint})")

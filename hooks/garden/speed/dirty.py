"""`mkdocs serve --dirty` (what `make serve` runs): only pages whose HTML changed are written.

`--dirty` keeps the site folder between builds, and MkDocs then skips the pages whose
`File.is_modified()` says so. MkDocs judges by file times, which misses every page whose output
changed because another post did (backlinks, titles, lists). The garden answers instead: a page
is skipped only if the HTML it would get is byte for byte the HTML already in the site folder.
Every page is still read (what it tells the garden, such as backlinks, is needed by others).
The answer is given by the garden's files (`garden.site.pages.GardenFile.unchanged`), which
are false until the templates stage has compared every page's HTML.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import Files

from ..model.index import Garden
from ..site.pages import GardenFile
from ..site.redirects import redirected, remove_redirects
from .output import WaitingPages


class DirtySite:
    """What the last build left in the site folder; lives as long as `mkdocs serve`."""

    def __init__(self) -> None:
        self.on_disk: dict[str, str] = {}  # each page's output digest, by its path in the site
        self.redirected: list[str] = []  # the aliases the last build redirected

    def skip_unchanged(self, files: Files, site_dir: Path, reused: WaitingPages, written: dict[str, str]) -> None:
        """The pages whose HTML (`reused`, by src_uri, as written) is already in the site folder, as the last
        build wrote it, need not be written again; they are noted as `written`. (Files not the
        garden's, which some plugin made, are written as MkDocs decides.)"""
        for file in files.documentation_pages():
            if file.src_uri not in reused or file.dest_uri not in self.on_disk or not isinstance(file, GardenFile):
                continue
            output = reused.digest_of(file.src_uri)
            if self.on_disk[file.dest_uri] == output and (site_dir / file.dest_uri).is_file():
                file.unchanged = True
                written[file.dest_uri] = output
                del reused[file.src_uri]

    def remove_stale(self, site_dir: Path, written: dict[str, str], garden: Garden, *, drafts: bool) -> None:
        """Delete the pages (and alias redirects) of posts that are gone or moved."""
        for dest_uri in self.on_disk.keys() - written.keys():
            page = site_dir / dest_uri
            page.unlink(missing_ok=True)
            for folder in page.parents:
                if folder == site_dir or any(folder.iterdir()):
                    break
                folder.rmdir()
        # The redirects this build will not write: those of the last build (under `mkdocs serve`),
        # or any of the garden's aliases (`mkdocs build --dirty` finds the last build's in site/).
        # The others are rewritten, or left as they are if unchanged (`write_redirects(dirty=)`).
        kept = set(redirected(garden, drafts=drafts))
        remove_redirects(site_dir, sorted({*self.redirected, *garden.redirects} - kept))
        self.on_disk = dict(written)
        self.redirected = sorted(kept)


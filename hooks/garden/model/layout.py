"""The names at the top of the built site that posts cannot take.

A post is written to `site/<permalink>/index.html` and an alias to `site/<alias>/index.html`. If
that name is already a file of the site (`index.html`, `sitemap.xml`, `feed.xml`, `404.html`)
the build would stop with FileExistsError; if it is a folder the build fills (`assets/`,
`pagefind/`), the redirect page would land among the theme's files. So the garden index refuses
such permalinks and aliases, naming the file and line, before anything is written.

A build knows exactly what it writes (`SiteLayout.of_build`); `garden check` has no build, so it
reads the same from the content folder and the theme folder beside mkdocs.yml
(`SiteLayout.of_project`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

# What every garden build writes at the top of the site, besides the files it copies: MkDocs'
# home page, sitemaps and 404 page, the garden's feed, Pagefind's bundle, Material's assets and
# search folder (the search plugin's, if it is turned on again), the generated tag pages.
BUILT_FILES = frozenset({"index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "feed.xml"})
BUILT_FOLDERS = frozenset({"assets", "search", "pagefind", "tags"})
# A folder of pages a post may head: `tags` is the tags index's own permalink (content/tags.md).
PAGE_FOLDERS = frozenset({"tags"})


@dataclass(frozen=True)
class SiteLayout:
    """Top-level names of the built site, lowercased (URLs are compared without case)."""

    files: frozenset[str] = BUILT_FILES
    folders: frozenset[str] = BUILT_FOLDERS
    # The theme's template names, for `template:` in frontmatter; None when not known here (a
    # build asks the theme itself).
    templates: frozenset[str] | None = None

    def taken(self, slug: str, *, alias: bool) -> str | None:
        """What `slug` would overwrite as a permalink (or, with `alias`, as an alias), or None.
        A permalink may head a folder of generated pages (the tags index at /tags/)."""
        name = slug.lower()
        if name in self.files:
            return name
        if name in self.folders and (alias or name not in PAGE_FOLDERS):
            return name + "/"
        return None

    @classmethod
    def with_names(
        cls, files: Iterable[str] = (), folders: Iterable[str] = (), templates: Iterable[str] | None = None
    ) -> SiteLayout:
        return cls(
            BUILT_FILES | {n.lower() for n in files},
            BUILT_FOLDERS | {n.lower() for n in folders},
            None if templates is None else frozenset(templates),
        )

    @classmethod
    def of_build(cls, dest_uris: Iterable[str], static_templates: Iterable[str] = ()) -> SiteLayout:
        """From what a build writes: every file's path in the site (pages excluded by the
        caller) and the theme's static templates."""
        files, folders = set(static_templates), set()
        for dest in dest_uris:
            first, _, rest = dest.partition("/")
            (folders if rest else files).add(first)
        return cls.with_names(files, folders)

    @classmethod
    def of_project(cls, content_dir: Path, theme_dir: Path | None = None, theme: str | None = "material") -> SiteLayout:
        """What a build of this project would copy to the top of the site: the content folder's
        files other than posts, and the theme folder's files other than templates; and the
        templates of the theme folder and of Material (for another theme: not known)."""
        templates = _templates(theme_dir, theme)
        files, folders = set(), set()
        for root, skip in ((content_dir, ".md"), (theme_dir, ".html")):
            if root is None or not root.is_dir():
                continue
            for entry in root.iterdir():
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    # a folder of posts alone stays empty in the site: posts go to /<permalink>/
                    if any(not p.name.endswith(skip) and p.is_file() for p in entry.rglob("*")):
                        folders.add(entry.name)
                elif not entry.name.endswith(skip):
                    files.add(entry.name)
        return cls.with_names(files, folders, templates)


def _templates(theme_dir: Path | None, theme: str | None) -> set[str] | None:
    if theme != "material" or (spec := find_spec("material")) is None or not spec.submodule_search_locations:
        return None
    names: set[str] = set()
    for root in (theme_dir, Path(spec.submodule_search_locations[0]) / "templates"):
        if root is not None and root.is_dir():
            names.update(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    return names

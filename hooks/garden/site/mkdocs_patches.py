"""Where MkDocs 1.6 itself crashes on an author's text: the one place the garden patches it.

MkDocs feeds every page's whole Markdown, prose and code spans included, to the standard
library's HTML parser (`mkdocs.structure.pages._RawHTMLPreprocessor`) only to collect the `id`s
of raw HTML. That parser takes `<![` for the start of an SGML marked section and raises
`AssertionError: expected name token` when a name does not follow, as in a regular expression
such as `(?<![*_])` written in a post. Python-Markdown itself renders such text literally (its
own parser has the same fix, for Python-Markdown#1534), so only MkDocs' look-up needs it:
`<![` that does not open `<![CDATA[` is text there too.

MkDocs 1.x is no longer developed, so the patch is kept behind a version check: on another
version it is not applied, and tests/site/test_mkdocs_patches.py fails until it is looked at.
"""

from __future__ import annotations

from importlib import metadata

from mkdocs.structure import pages

PATCHED_VERSIONS = ("1.6.",)


class _TextTolerantHTMLHandler(pages._HTMLHandler):
    """MkDocs' id collector, reading `<![` outside `<![CDATA[` as text."""

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<![", i) and not self.rawdata.startswith("<![CDATA[", i):
            return i + 3  # only ids are collected here: the text itself does not matter
        return super().parse_html_declaration(i)


def applies() -> bool:
    return metadata.version("mkdocs").startswith(PATCHED_VERSIONS) and hasattr(pages, "_HTMLHandler")


def patch_mkdocs() -> None:
    """Make MkDocs' raw-HTML id collector read `<![` as text (idempotent)."""
    if applies() and pages._HTMLHandler is not _TextTolerantHTMLHandler:
        pages._HTMLHandler = _TextTolerantHTMLHandler  # type: ignore[misc]

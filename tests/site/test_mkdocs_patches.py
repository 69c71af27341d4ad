"""The one patch of MkDocs (garden.site.mkdocs_patches): it applies to the installed MkDocs,
is still needed there, and does what it says. On an upgrade of MkDocs these fail, so that the
patch is looked at again rather than carried along blindly."""

from __future__ import annotations

import pytest
from mkdocs.structure import pages

from garden.site import mkdocs_patches

PROSE = "A regex (?<![*_]) in prose, `(?<![a-z])` in code, <![ alone, and <span id='kept'>an id</span>."


def ids_found(handler_class) -> set[str]:
    handler = handler_class()
    handler.feed(PROSE)
    handler.close()
    return handler.present_anchor_ids


def test_the_patch_applies_to_the_installed_mkdocs():
    assert mkdocs_patches.applies(), "MkDocs changed: check whether pages._RawHTMLPreprocessor still needs the patch"


def test_mkdocs_own_id_collector_still_crashes_on_such_prose():
    original = mkdocs_patches._TextTolerantHTMLHandler.__mro__[1]
    with pytest.raises(AssertionError, match="expected name token"):
        ids_found(original)


def test_the_patched_collector_reads_it_as_text_and_still_finds_ids():
    mkdocs_patches.patch_mkdocs()
    mkdocs_patches.patch_mkdocs()  # idempotent
    assert pages._HTMLHandler is mkdocs_patches._TextTolerantHTMLHandler
    assert ids_found(pages._HTMLHandler) == {"kept"}

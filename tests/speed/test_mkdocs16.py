"""garden.speed.mkdocs16, the one module that reaches into MkDocs: it applies to the installed
MkDocs, what it mirrors is still what MkDocs does, and its patch does what it says. On an
upgrade of MkDocs these fail, so that each touch is looked at again rather than carried along
blindly."""

from __future__ import annotations

import logging

import pytest
from mkdocs.structure import pages

from garden.speed import mkdocs16

PROSE = "A regex (?<![*_]) in prose, `(?<![a-z])` in code, <![ alone, and <span id='kept'>an id</span>."


def ids_found(handler_class) -> set[str]:
    handler = handler_class()
    handler.feed(PROSE)
    handler.close()
    return handler.present_anchor_ids


def test_the_module_applies_to_the_installed_mkdocs():
    assert mkdocs16.SUPPORTED, "MkDocs is not 1.6: garden.speed.mkdocs16 is off, and the garden builds without its cache and workers"


@pytest.mark.parametrize("name", sorted(mkdocs16.MIRRORED))
def test_what_the_module_relies_on_is_unchanged(name):
    pinned, what = mkdocs16.MIRRORED[name]
    assert mkdocs16.source_digest(name) == pinned, (
        f"MkDocs changed {name}: check that {what} (garden.speed.mkdocs16), then pin the new digest"
    )


def test_mkdocs_own_id_collector_still_crashes_on_such_prose():
    original = mkdocs16.TextTolerantHTMLHandler.__mro__[1]
    with pytest.raises(AssertionError, match="expected name token"):
        ids_found(original)


def test_the_patched_collector_reads_it_as_text_and_still_finds_ids():
    mkdocs16.install(lambda src_uri, url: False)
    mkdocs16.install(lambda src_uri, url: False)  # idempotent
    assert pages._HTMLHandler is mkdocs16.TextTolerantHTMLHandler
    assert ids_found(pages._HTMLHandler) == {"kept"}


def test_one_filter_of_each_kind_however_often_it_is_installed():
    mkdocs16.install(lambda src_uri, url: False)
    mkdocs16.install(lambda src_uri, url: False)
    for name, kind in (("mkdocs.structure.pages", mkdocs16.ReportedLinks), ("mkdocs.commands.build", mkdocs16.AccurateDirtyBuilds)):
        assert sum(isinstance(f, kind) for f in logging.getLogger(name).filters) == 1


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("mkdocs.structure.pages", logging.WARNING, __file__, 1, message, None, None)


def test_mkdocs_missing_link_message_is_left_out_only_when_the_garden_reported_it():
    said = mkdocs16.ReportedLinks(lambda src_uri, url: (src_uri, url) == ("a.md", "gone.md"))
    missing = "Doc file '{}' contains a link '{}', but the target is not found among documentation files."
    assert not said.filter(record(missing.format("a.md", "gone.md")))
    assert said.filter(record(missing.format("a.md", "other.md")))
    assert said.filter(record("Doc file 'a.md' contains an unrecognized relative link 'x', it was left as is."))


def test_mkdocs_dirty_warning_is_left_out():
    warning = "A 'dirty' build is being performed, this will likely lead to inaccurate navigation"
    assert not mkdocs16.AccurateDirtyBuilds().filter(record(warning))
    assert mkdocs16.AccurateDirtyBuilds().filter(record("Building documentation"))

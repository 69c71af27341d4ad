"""garden.speed.mkdocs16, the one module that reaches into MkDocs: it applies to the installed
MkDocs, what it mirrors is still what MkDocs does, and its patch does what it says. On an
upgrade of MkDocs these fail, so that each touch is looked at again rather than carried along
blindly."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from conftest import ENV, REPO
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


@pytest.mark.slow
def test_on_another_mkdocs_the_garden_builds_the_same_site_through_mkdocs_alone(tmp_path):
    """With the module off (as on any MkDocs but 1.6), MkDocs converts and renders every page
    itself, and the site is the same."""
    sites = {}
    for supported in (True, False):
        site = tmp_path / f"site-{supported}"
        script = (
            "import sys\nfrom garden.speed import mkdocs16\n"
            f"mkdocs16.SUPPORTED = {supported}\n"
            "from mkdocs.__main__ import cli\n"
            f"sys.argv = ['mkdocs', 'build', '-f', {str(REPO / 'mkdocs.yml')!r}, '-d', {str(site)!r}]\ncli()\n"
        )
        env = ENV | {"GARDEN_NO_CACHE": "1", "SOURCE_DATE_EPOCH": "1700000000"}
        built = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
        assert built.returncode == 0, built.stderr
        assert ("Markdown: converted" in built.stderr) is supported, "the module's switch did not reach the build"
        sites[supported] = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    assert sites[False].keys() == sites[True].keys()
    assert [path for path in sites[True] if sites[True][path] != sites[False][path]] == []

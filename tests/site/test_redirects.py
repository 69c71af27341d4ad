"""Alias redirect pages (garden.site.redirects): what `--dirty` rebuilds leave alone, rewrite or
refuse to overwrite."""

from __future__ import annotations

from pathlib import Path

from conftest import post
from selectolax.lexbor import LexborHTMLParser

from garden.model.index import Garden
from garden.site.redirects import redirected, remove_redirects, write_redirects


def garden_of(content: Path, files: dict[str, str]) -> Garden:
    content.mkdir(exist_ok=True)
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    return Garden.load(content)


def target_of(page: Path) -> str:
    return LexborHTMLParser(page.read_text(encoding="utf-8")).css_first("a").attributes["href"]


def test_a_dirty_rebuild_leaves_unchanged_redirects_alone_and_rewrites_changed_ones(tmp_path):
    site = tmp_path / "site"
    files = {
        "a.md": post("Post A", "A.\n", permalink="a", aliases=["old-a"]),
        "b.md": post("Post B", "B.\n", permalink="b", aliases=["old-b"]),
    }
    garden = garden_of(tmp_path / "content", files)
    assert write_redirects(garden, site, None, drafts=False) == []
    old_a, old_b = site / "old-a/index.html", site / "old-b/index.html"
    stamp = old_a.stat().st_mtime_ns
    # The next build, under --dirty: post B is retitled, post A is not.
    files["b.md"] = post("Post B, retitled", "B.\n", permalink="b", aliases=["old-b"])
    garden = garden_of(tmp_path / "content", files)
    assert write_redirects(garden, site, None, drafts=False, dirty=True) == []
    assert old_a.stat().st_mtime_ns == stamp
    assert "Post B, retitled" in old_b.read_text(encoding="utf-8")
    assert target_of(old_b) == "../b/"


def test_an_alias_never_overwrites_a_file_that_is_not_a_redirect_page(tmp_path):
    site = tmp_path / "site"
    garden = garden_of(tmp_path / "content", {"a.md": post("Post A", "A.\n", permalink="a", aliases=["taken"])})
    (site / "taken").mkdir(parents=True)
    (site / "taken/index.html").write_text("<p>someone else's page</p>", encoding="utf-8")
    for dirty in (False, True):
        [problem] = write_redirects(garden, site, None, drafts=False, dirty=dirty)
        assert "alias 'taken' would overwrite taken/index.html" in str(problem)
        assert (site / "taken/index.html").read_text(encoding="utf-8") == "<p>someone else's page</p>"


def test_a_redirect_left_by_an_earlier_build_is_a_clash_unless_the_build_is_dirty(tmp_path):
    """A clean build finds no redirect pages of its own in the site: one there is a clash."""
    site = tmp_path / "site"
    garden = garden_of(tmp_path / "content", {"a.md": post("Post A", "A.\n", permalink="a", aliases=["old-a"])})
    write_redirects(garden, site, None, drafts=False)
    assert len(write_redirects(garden, site, None, drafts=False)) == 1
    assert write_redirects(garden, site, None, drafts=False, dirty=True) == []


def test_drafts_aliases_are_redirected_only_when_drafts_are_built_and_removal_spares_other_files(tmp_path):
    site = tmp_path / "site"
    garden = garden_of(tmp_path / "content", {"d.md": post("A draft", "D.\n", permalink="d", aliases=["old-d"], publish=False)})
    assert redirected(garden, drafts=False) == {}
    assert list(redirected(garden, drafts=True)) == ["old-d"]
    write_redirects(garden, site, None, drafts=True)
    (site / "other").mkdir()
    (site / "other/index.html").write_text("<p>a page</p>", encoding="utf-8")
    remove_redirects(site, ["old-d", "other"])
    assert not (site / "old-d/index.html").exists()
    assert (site / "other/index.html").exists()

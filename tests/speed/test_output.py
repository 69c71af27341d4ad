"""Pages waiting for MkDocs' pass (garden.speed.output): what the template workers rendered is
kept in files, not in the build's memory, reads back byte for byte, and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ENV, post, write_project
from selectolax.lexbor import LexborHTMLParser

from garden.speed.cache import digest
from garden.speed.output import Spooled, WaitingPages


def spooled(pages: WaitingPages, name: str, outputs: list[bytes]) -> list[Spooled]:
    """`outputs` appended to one file of the spool, as a worker appends its pages."""
    path = pages.spool() / name
    found = []
    with open(path, "ab") as file:
        for output in outputs:
            found.append(Spooled(path, file.tell(), len(output)))
            file.write(output)
    return found


def test_spooled_and_held_pages_read_back_as_they_were_written():
    pages = WaitingPages()
    try:
        first, second = spooled(pages, "1", ["<p>café</p>".encode(), b"<p>moss</p>"])
        (third,) = spooled(pages, "2", [b"<p>stone</p>"])
        pages.add_spooled("a.md", first)
        pages.add_spooled("b.md", second)
        pages.add_spooled("c.md", third)
        pages["d.md"] = b"<p>from the cache</p>"
        assert dict(pages) == {
            "a.md": "<p>café</p>".encode(),
            "b.md": b"<p>moss</p>",
            "c.md": b"<p>stone</p>",
            "d.md": b"<p>from the cache</p>",
        }
        assert pages.pop("b.md") == b"<p>moss</p>" and "b.md" not in pages
    finally:
        pages.close()


def test_the_pages_by_site_path_stay_readable_while_mkdocs_pass_takes_them():
    """The search index reads the pages in a thread while MkDocs' pass writes and drops them."""
    pages = WaitingPages()
    try:
        (where,) = spooled(pages, "1", [b"<p>moss</p>"])
        pages.add_spooled("a.md", where)
        pages["b.md"] = b"<p>stone</p>"
        by_path = pages.by_site_path({"a/index.html": "a.md", "b/index.html": "b.md"})
        pages.pop("a.md"), pages.pop("b.md")
        assert dict(by_path) == {"a/index.html": b"<p>moss</p>", "b/index.html": b"<p>stone</p>"}
    finally:
        pages.close()


def test_a_pages_digest_is_the_one_it_came_with_or_else_worked_out():
    """Digests that came with a page (from the cache entry, or the worker that rendered it) are
    not worked out again; any other is the digest of the bytes."""
    pages = WaitingPages()
    try:
        (known,) = spooled(pages, "1", [b"<p>moss</p>"])
        (unknown,) = spooled(pages, "2", [b"<p>stone</p>"])
        pages.add_spooled("a.md", Spooled(known.path, known.offset, known.size, "from the worker"))
        pages.add_spooled("b.md", unknown)
        pages.put("c.md", b"<p>fern</p>", "from the cache")
        pages["d.md"] = b"<p>lichen</p>"
        assert [pages.digest_of(name) for name in ("a.md", "b.md", "c.md", "d.md")] == [
            "from the worker", digest(b"<p>stone</p>"), "from the cache", digest(b"<p>lichen</p>")
        ]  # fmt: skip
        by_path = pages.by_site_path({"c/index.html": "c.md", "d/index.html": "d.md"})
        assert [by_path.digest_of(path) for path in by_path] == ["from the cache", digest(b"<p>lichen</p>")]
        pages["c.md"] = b"<p>other</p>"  # held anew: the digest that came with the old output goes
        assert pages.digest_of("c.md") == digest(b"<p>other</p>")
    finally:
        pages.close()


def test_a_served_page_keeps_its_digest_only_if_it_is_written_as_it_was_served():
    pages = WaitingPages()
    try:
        pages.put("a.md", b"<p>moss</p>", "from the cache")
        pages.put("b.md", b"<p>stone</p>", "from the cache")
        assert pages.serve("a.md") == b"<p>moss</p>" and "a.md" not in pages
        assert pages.serve("b.md") == b"<p>stone</p>"
        assert pages.written_digest("a.md", b"<p>moss</p>") == "from the cache"
        assert pages.written_digest("b.md", b"<p>stone, changed</p>") == digest(b"<p>stone, changed</p>")
        assert pages.written_digest("c.md", b"<p>never served</p>") == digest(b"<p>never served</p>")
    finally:
        pages.close()


def test_closing_deletes_the_spool():
    pages = WaitingPages()
    folder = pages.spool()
    spooled(pages, "1", [b"<p>moss</p>"])
    pages.close()
    assert not folder.exists() and len(pages) == 0


@pytest.mark.slow
@pytest.mark.parametrize("strict_failure", [False, True], ids=["build", "failed strict build"])
def test_a_build_with_template_workers_leaves_no_temporary_files(tmp_path, strict_failure):
    """Enough posts for the workers to render templates; afterwards the temporary folder the
    build was given is empty, and every page holds its own essay."""
    files = {"index.md": post("Home", "Welcome.\n")}
    for n in range(24):
        files[f"essay-{n}.md"] = post(f"Essay {n}", f"The essay numbered {n}.\n", permalink=f"essay-{n}")
    if strict_failure:
        files["essay-0.md"] = post("Essay 0", "A [broken link](/nowhere/).\n", permalink="essay-0")
    config = write_project(tmp_path / "project", files)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    site = tmp_path / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(site)]
    env = {**ENV, "TMPDIR": str(temporary), "GARDEN_JOBS": "2", "GARDEN_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    output = result.stdout + result.stderr
    assert (result.returncode != 0) == strict_failure, output
    if not strict_failure:
        assert "templates: " in output and " processes in " in output, output  # the workers rendered them
        for n in range(1, 24):
            page = LexborHTMLParser((site / f"essay-{n}" / "index.html").read_text(encoding="utf-8"))
            assert page.css_first("article h1").text(strip=True) == f"Essay {n}"
            assert f"The essay numbered {n}." in page.css_first("article").text()
    assert os.listdir(temporary) == []


def test_a_spooled_page_cut_short_is_an_error_not_a_shorter_page():
    pages = WaitingPages()
    try:
        (where,) = spooled(pages, "1", [b"<p>moss on stones</p>"])
        with open(where.path, "r+b") as file:
            file.truncate(5)
        pages.add_spooled("a.md", where)
        with pytest.raises(OSError, match="holds 5 of the 21 bytes"):
            pages["a.md"]
    finally:
        pages.close()

"""The bad-input corpus (tests/reliability/badposts.py), built once: every malformed post gives
one message naming its file and line, from `garden check` and from the build; a strict build
fails (and leaves no site to publish); a non-strict build makes the rest of the site; nothing
crashes, hangs or is written outside the project's site and cache folders."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from badposts import BUILT, CASES, ERROR, GOOD_PAGES, LEFT_OUT, QUIET, Case, write_corpus
from conftest import BIN, ENV, write_project
from selectolax.lexbor import LexborHTMLParser

pytestmark = pytest.mark.slow
TIMEOUT = 600  # seconds for one run; a hang fails the run instead of the suite


@dataclass
class Runs:
    root: Path
    outside: Path
    check: subprocess.CompletedProcess
    build: subprocess.CompletedProcess  # non-strict, into site/
    strict: subprocess.CompletedProcess  # --strict, into site-strict/
    quiet: subprocess.CompletedProcess  # --strict -q, into site-quiet/

    @property
    def site(self) -> Path:
        return self.root / "site"

    def check_lines(self, case: Case) -> list[str]:
        return [line for line in self.check.stdout.splitlines() if line.startswith(f"content/{case.path}:")]

    def build_lines(self, case: Case) -> list[str]:
        """What the build said about the case's file: the garden's messages and MkDocs' own."""
        log = (self.build.stdout + self.build.stderr).splitlines()
        return [line for line in log if f"content/{case.path}:" in line or f"'{case.path}'" in line]

    def page(self, url: str) -> LexborHTMLParser:
        return LexborHTMLParser((self.site / url / "index.html").read_text(encoding="utf-8"))


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=cwd, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    base = tmp_path_factory.mktemp("bad-input")
    root, outside = base / "project", base / "outside"
    root.mkdir()
    write_project(root, {})
    write_corpus(root / "content", outside)
    mkdocs = [str(BIN / "mkdocs"), "build", "--clean"]
    return Runs(
        root,
        outside,
        check=run([str(BIN / "garden"), "check"], root),
        build=run(mkdocs + ["-d", "site"], root),
        strict=run(mkdocs + ["--strict", "-d", "site-strict"], root),
        quiet=run(mkdocs + ["--strict", "-q", "-d", "site-quiet"], root),
    )


def test_the_corpus_has_at_least_forty_malformed_posts():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES + QUIET}) == len(CASES + QUIET)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_garden_check_gives_one_message_with_file_and_line(runs, case):
    [line] = runs.check_lines(case)
    assert line.startswith(f"content/{case.path}:{case.line}:"), line
    assert f": {case.severity}: " in line and case.message in line, line


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_build_gives_one_message_with_file_and_line(runs, case):
    [line] = runs.build_lines(case)
    assert f"garden: content/{case.path}:{case.line}" in line and case.message in line, line
    # An error is a MkDocs warning, which fails `--strict`; a warning is only information.
    assert line.startswith("WARNING -  garden:" if case.severity == ERROR else "INFO    -  garden:"), line


@pytest.mark.parametrize("case", CASES + QUIET, ids=lambda case: case.name)
def test_a_non_strict_build_leaves_the_post_out_or_builds_it_whole(runs, case):
    if case.outcome == LEFT_OUT:
        pages = [path for path in runs.site.rglob("*.html") if Path(case.name).stem in path.parent.name]
        assert pages == [], pages
        return
    assert case.outcome == BUILT and case.url and case.text
    article = runs.page(case.url).css_first("article")
    assert article is not None and case.text in article.text(), case.url


@pytest.mark.parametrize("case", QUIET, ids=lambda case: case.name)
def test_awkward_but_valid_posts_build_without_a_word(runs, case):
    assert runs.check_lines(case) == [] and runs.build_lines(case) == []


def test_the_rest_of_the_site_is_built(runs):
    assert runs.build.returncode == 0, runs.build.stderr
    for url, text in GOOD_PAGES.items():
        assert text in runs.page(url).css_first("article").text(), url
    # the good post's alias is its own: the bad post that claimed it too lost it
    assert 'url=../first/' in (runs.site / "first-alias/index.html").read_text(encoding="utf-8")


def test_no_run_crashed(runs):
    for result in (runs.check, runs.build, runs.strict, runs.quiet):
        output = result.stdout + result.stderr
        assert "Traceback" not in output and "Error reading page" not in output, output[-3000:]
    assert runs.check.returncode == 1


def test_a_strict_build_fails_and_leaves_no_site_to_publish(runs):
    assert runs.strict.returncode == 1
    output = runs.strict.stdout + runs.strict.stderr
    assert "Aborted with" in output and "in strict mode" in output
    assert "is left empty rather than holding a broken site" in output
    left = list((runs.root / "site-strict").iterdir()) if (runs.root / "site-strict").exists() else []
    assert left == []


def test_a_quiet_strict_build_fails_on_the_gardens_errors_too(runs):
    # `-q` hides warnings, and MkDocs' strict counter never saw them: the garden logs its errors as errors then
    assert runs.quiet.returncode == 1
    assert "ERROR   -  garden: content/trouble/yaml-colon-in-value.md:2: the frontmatter is not valid YAML" in runs.quiet.stderr
    assert "WARNING" not in runs.quiet.stderr


def test_the_sites_own_files_stay_whole(runs):
    site = runs.site
    assert "Welcome to a garden" in runs.page("").css_first("article").text()  # not an alias redirect
    assert (site / "sitemap.xml").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "<rss" in (site / "feed.xml").read_text(encoding="utf-8")
    assert (site / "404.html").is_file()
    for folder in ("assets", "search", "pagefind", "tags"):
        page = site / folder / "index.html"
        assert not page.exists() or "http-equiv=\"refresh\"" not in page.read_text(encoding="utf-8"), folder


def test_a_bad_value_in_a_kept_field_keeps_the_post_and_its_aliases(runs):
    # corpus leaving-google-deepmind.md: a URL in lw-posted-at used to drop the post and its 5 aliases
    redirect = (runs.site / "posted-at-alias/index.html").read_text(encoding="utf-8")
    assert "url=../posted-at-url/" in redirect


def test_regular_expressions_in_prose_render_literally(runs):
    # `<![` used to stop the build: AssertionError: expected name token
    text = runs.page("regex/").css_first("article").text()
    assert "(?<![*_])" in text and "(?<![a-z])" in text and "<![ stay" in text


def test_nothing_is_read_or_written_outside_the_project(runs):
    assert sorted(p.name for p in runs.outside.iterdir()) == ["symlink-outside.md"]
    made = {p.name for p in runs.root.iterdir()}
    assert made <= {"content", "mkdocs.yml", "site", "site-strict", "site-quiet", ".cache"}, made
    secret = "A secret the site must not publish"
    assert not [p for p in runs.site.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    # the symbolic link itself is left alone
    assert os.path.islink(runs.root / "content/trouble/symlink-outside.md")

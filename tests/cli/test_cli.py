"""The `garden` command as a user runs it: exit codes and messages."""

from __future__ import annotations

import subprocess

import pytest
from conftest import BIN, ENV, REPO, post

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes


def garden(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "garden"), *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=60)


def test_help_lists_the_commands():
    result = garden("--help")
    assert result.returncode == 0
    assert "usage: garden" in result.stdout and "check" in result.stdout


def test_version():
    result = garden("--version")
    assert result.returncode == 0 and result.stdout.startswith("garden ")


def test_check_passes_on_the_sample_garden():
    result = garden("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stderr


def test_check_reports_each_problem_with_file_and_line_and_fails(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\n")
    (tmp_path / "content/good.md").write_text(post("Good", permalink="same"))
    (tmp_path / "content/bad.md").write_text("---\ntitle: Bad\npermalink: same\naliases: ['a b']\n---\n")
    result = garden("check", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "content/bad.md:4:1: error: alias 'a b' is not a URL-safe slug" in lines[0]
    assert len(lines) == 1  # the post with a bad alias is rejected before its permalink could clash
    assert "1 error, 0 warnings" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_of_one_file_still_sees_clashes_with_the_rest_of_the_garden(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\n")
    (tmp_path / "content/a.md").write_text(post("A", permalink="same"))
    (tmp_path / "content/b.md").write_text(post("B", permalink="same"))
    result = garden("check", "content/b.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("content/b.md:3:1: error: permalink 'same' is already the permalink of content/a.md:3")
    assert garden("check", "content/a.md", cwd=tmp_path).returncode == 0


def test_check_of_a_missing_path_is_a_message_not_a_traceback(tmp_path):
    result = garden("check", "nowhere.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere.md: no such file or folder" in result.stderr and "Traceback" not in result.stderr


def test_check_skips_markdown_files_outside_the_content_folder(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\n")
    (tmp_path / "content/a.md").write_text(post("A"))
    (tmp_path / "README.md").write_text("# Not a post\n")
    result = garden("check", "README.md", "content/a.md", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "garden: skipped README.md: not in the content folder content" in result.stderr
    assert "checked 1 post: no problems" in result.stderr


def test_build_uses_the_cache_and_no_cache_leaves_it_alone(tmp_path):
    """`garden build` is `mkdocs build --strict`; the second build takes its pages from the
    cache beside mkdocs.yml, and `--no-cache` neither reads nor writes it."""
    from conftest import write_project

    write_project(tmp_path, {"index.md": post("Home", "Welcome.\n"), "essay.md": post("An essay", permalink="essay")})
    first = garden("build", "--no-cache", "-d", str(tmp_path / "site"), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "site/essay/index.html").is_file()
    assert not (tmp_path / ".cache").exists()
    garden("build", "-d", str(tmp_path / "site"), cwd=tmp_path)
    again = garden("build", "-d", str(tmp_path / "site"), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Markdown: converted 0 pages, took" in again.stderr
    assert (tmp_path / ".cache/garden").is_dir()


def test_build_without_a_config_says_where_it_looked(tmp_path):
    result = garden("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "mkdocs.yml: no such file (run this in the folder of mkdocs.yml, or pass -f PATH)" in result.stderr
    assert "Traceback" not in result.stderr

"""Posts through the build cache (garden.speed.memo.PostReader): parsed in workers when the
cache does not have them, they make the same garden, with the same errors, as parsed one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import post

from garden.model.index import Garden
from garden.speed.cache import Cache
from garden.speed.memo import PostReader
from garden.speed.parallel import MIN_ITEMS


def write_garden(content: Path) -> list[Path]:
    content.mkdir(parents=True)
    for n in range(MIN_ITEMS * 3):
        body = f"Essay {n} links to [the next](essay-{n + 1}.md).\n\n" + "Words to read. " * (40 * n)
        (content / f"essay-{n}.md").write_text(post(f"Essay {n}", body, permalink=f"essay-{n}", tags=["moss"]), encoding="utf-8")
    (content / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    (content / "undated.md").write_text(post("Undated", "Text.\n", date_published="2025-13-45"), encoding="utf-8")
    return sorted(content.glob("*.md"))


def summary(garden: Garden) -> tuple:
    posts = [(p.src_uri, p.title, p.permalink, p.tags, p.body, p.reading_minutes) for p in garden.posts]
    errors = [(e.path.name, e.line, e.message) for e in garden.errors]
    return posts, errors, sorted(p.name for p in garden.rejected)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_posts_read_ahead_make_the_garden_that_reading_one_by_one_makes(tmp_path, monkeypatch, jobs):
    monkeypatch.setenv("GARDEN_JOBS", jobs)
    content = tmp_path / "content"
    paths = write_garden(content)
    alone = Garden.load(content, paths, read=PostReader(Cache(None), {}))

    sources: dict[str, str] = {}
    reader = PostReader(Cache(tmp_path / "cache"), sources)
    worked_out: list[int] = []

    def ahead(paths: list[Path], content_dir: Path) -> None:
        reader.ahead(paths, content_dir)
        worked_out.append(len(reader._read))

    assert summary(Garden.load(content, paths, read=reader, ahead=ahead)) == summary(alone)
    assert worked_out == [len(paths) if jobs == "2" else 0]  # the workers parsed every file, broken ones too
    assert summary(alone)[1][0][:2] == ("broken.md", 2)  # the broken file is reported with its line
    assert set(sources) == {str(path) for path in paths}

    # The next build finds every post, and every broken file's errors, in the cache.
    again_sources: dict[str, str] = {}
    again = PostReader(Cache(tmp_path / "cache"), again_sources)
    assert summary(Garden.load(content, paths, read=again, ahead=again.ahead)) == summary(alone)
    assert again_sources == sources


def test_a_symbolic_link_out_of_the_project_is_not_read_ahead(tmp_path):
    content = tmp_path / "project" / "content"
    paths = write_garden(content)
    secret = tmp_path / "secret.md"
    secret.write_text(post("Secret", "Not to be published.\n"), encoding="utf-8")
    (content / "linked.md").symlink_to(secret)
    reader = PostReader(Cache(None), {})
    told: list[Path] = []

    def ahead(paths: list[Path], content_dir: Path) -> None:
        told.extend(paths)
        reader.ahead(paths, content_dir)

    garden = Garden.load(content, [*paths, content / "linked.md"], read=reader, ahead=ahead)
    assert content / "linked.md" not in told
    assert "Secret" not in [p.title for p in garden.posts]
    assert any("outside the project folder" in e.message for e in garden.errors)

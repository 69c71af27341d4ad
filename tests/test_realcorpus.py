"""bench/realcorpus.py: the benchmark corpus made of the real posts of ../shared/corpus/turntrout,
repeated under new permalinks. Nothing is built here; `python bench/scale.py --corpus real`
builds it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import realcorpus  # noqa: E402 - bench/realcorpus.py

pytestmark = pytest.mark.skipif(
    not realcorpus.CORPUS.is_dir(),
    reason=f"the real corpus is not at {realcorpus.CORPUS} (../shared/corpus/turntrout/ beside the repository)",
)

COUNT = 35  # more than the 29 published posts, so some come twice
REWRITTEN_KEYS = {"permalink", "aliases", "prev-post-slug", "next-post-slug", "sequence-link", *realcorpus.LESSWRONG_KEYS}


def body(text: str) -> str:
    return realcorpus.FRONTMATTER.sub("", text, count=1)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[realcorpus.Essay]]:
    out = tmp_path_factory.mktemp("real") / "corpus"
    return out, realcorpus.write_corpus(COUNT, out)


def test_it_writes_n_essays_and_the_two_fixed_pages(written):
    out, essays = written
    files = sorted(path.name for path in out.glob("*.md"))
    assert len(essays) == COUNT
    assert files == sorted([essay.name for essay in essays] + ["index.md", "tags.md"])
    assert (out / realcorpus.MANIFEST_NAME).is_file()
    assert realcorpus.is_current(out, COUNT)
    assert not realcorpus.is_current(out, COUNT + 1)


def test_file_names_permalinks_and_aliases_are_unique_across_essays(written):
    out, essays = written
    assert len({essay.name.lower() for essay in essays}) == COUNT
    owners: dict[str, str] = {}
    for essay in essays:
        meta = realcorpus.frontmatter((out / essay.name).read_text(encoding="utf-8"))
        assert meta["permalink"] == essay.permalink
        assert realcorpus.alias_list(meta.get("aliases")) == essay.aliases
        for slug in {s.lower() for s in (essay.permalink, *essay.aliases)}:
            assert slug not in realcorpus.RESERVED_SLUGS
            assert owners.setdefault(slug, essay.name) == essay.name, f"{slug} in {essay.name} and {owners[slug]}"
    lesswrong = {}
    for essay in essays:
        meta = realcorpus.frontmatter((out / essay.name).read_text(encoding="utf-8"))
        for key in realcorpus.LESSWRONG_KEYS:
            if url := meta.get(key):
                assert lesswrong.setdefault((key, url), essay.name) == essay.name, f"{essay.name} and {lesswrong[(key, url)]} share {key}"


def test_every_essay_is_a_published_corpus_post_round_robin(written):
    out, essays = written
    posts = realcorpus.source_posts()
    assert len(posts) == 29  # the 30 posts less the draft
    assert "gradient-routing.md" not in {post.path.name for post in posts}
    for number, essay in enumerate(essays):
        source = posts[number % len(posts)]
        assert essay.source == source and essay.copy == number // len(posts) + 1
        assert essay.name == f"{source.path.stem}-{essay.copy}.md"
        assert essay.permalink == f"{source.permalink}-{essay.copy}"
        assert source.path.parent == realcorpus.CORPUS


def test_each_copy_is_its_post_but_for_permalinks_aliases_and_links(written):
    out, essays = written
    for essay in essays:
        text = (out / essay.name).read_text(encoding="utf-8")
        original = essay.source.text
        old_meta, new_meta = realcorpus.frontmatter(original), realcorpus.frontmatter(text)
        assert old_meta.keys() == new_meta.keys()
        assert {k: v for k, v in old_meta.items() if k not in REWRITTEN_KEYS} == {k: v for k, v in new_meta.items() if k not in REWRITTEN_KEYS}
        old_lines, new_lines = body(original).split("\n"), body(text).split("\n")
        assert len(old_lines) == len(new_lines), essay.name
        links = (realcorpus.LINK, realcorpus.WIKILINK, realcorpus.LW_URL)
        for old, new in zip(old_lines, new_lines):
            if old != new:
                assert any(pattern.search(old) for pattern in links), f"{essay.name}: changed a line with no link: {old[:80]}"
        if essay.copy == 1:
            assert body(text).count("/posts-1") >= body(original).count("](/posts)")


def test_links_between_copies_lead_to_copies_that_exist(written):
    out, essays = written
    slugs = {s.lower() for essay in essays for s in (essay.permalink, *essay.aliases)}
    originals = {s.lower() for post in realcorpus.source_posts() for s in (post.permalink, *post.aliases)}
    for essay in essays:
        for match in realcorpus.LINK.finditer(body((out / essay.name).read_text(encoding="utf-8"))):
            slug = match.group("slug").lower()
            base = re.sub(r"-\d+$", "", slug)
            assert slug not in originals or slug in slugs, f"{essay.name} still links to the original {slug}"
            if base in originals and slug not in originals:
                assert slug in slugs, f"{essay.name} links to {slug}, which no copy has"


def test_the_same_count_gives_the_same_bytes(written, tmp_path):
    out, _ = written
    again = tmp_path / "again"
    realcorpus.write_corpus(COUNT, again)
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(p.name for p in again.iterdir())
    for name in files:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_it_refuses_a_non_empty_folder_that_is_no_benchmark_corpus(tmp_path):
    (tmp_path / "notes.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not empty"):
        realcorpus.write_corpus(3, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]
    with pytest.raises(SystemExit, match="refusing"):
        realcorpus.write_corpus(3, REPO / "content" / "bench-real")
    earlier = tmp_path / "earlier"
    realcorpus.write_corpus(COUNT, earlier)
    realcorpus.write_corpus(3, earlier)  # an earlier benchmark corpus is replaced, no stale essay left
    assert len(list(earlier.glob("*.md"))) == 3 + 2

"""The build cache's store (garden.speed.cache): what it keeps, what it refuses to trust, and that a
damaged cache never breaks a build or changes its output."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIN, ENV, REPO, write_project

from garden.speed.cache import ENTRIES, FORMAT, Cache, TemplateBytecode, digest


def database(root: Path) -> Path:
    return root / f"v{FORMAT}" / ENTRIES


def rows(root: Path, kind: str | None = None) -> list[tuple[str, bytes]]:
    """The stored entries (key, sealed bytes), of one kind or all, as the database holds them."""
    with contextlib.closing(sqlite3.connect(database(root))) as connection:
        if kind is None:
            return connection.execute("SELECT kind, key, value FROM entries ORDER BY kind, key").fetchall()
        return connection.execute("SELECT key, value FROM entries WHERE kind = ? ORDER BY key", (kind,)).fetchall()


def entry(root: Path, kind: str, key: str) -> bytes:
    with contextlib.closing(sqlite3.connect(database(root))) as connection:
        [(value,)] = connection.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchall()
    return value


def set_entry(root: Path, kind: str, key: str, value: object) -> None:
    """Change a stored entry behind the cache's back, as damage on disk would."""
    with contextlib.closing(sqlite3.connect(database(root))) as connection, connection:
        connection.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?", (value, kind, key))


# --------------------------------------------------------------------------------------------
# put / get


def test_a_stored_value_is_read_back_equal_by_a_fresh_cache_on_the_same_folder(tmp_path):
    value = {"html": "<p>café</p>", "anchors": ("a", "b"), "minutes": 3}
    Cache(tmp_path).put("render", digest("page"), value)
    # A new Cache object, as the next build makes: the value comes from disk, not memory.
    assert Cache(tmp_path).get("render", digest("page")) == value


def test_another_kind_or_another_key_is_a_miss(tmp_path):
    cache = Cache(tmp_path)
    cache.put("render", digest("page"), "html")
    assert cache.get("page", digest("page")) is None  # same key, other kind
    assert cache.get("render", digest("other page")) is None
    assert cache.get("render", digest("page")) == "html"


def test_a_disabled_cache_stores_nothing_and_always_misses(tmp_path):
    cache = Cache(None)
    assert not cache.enabled
    cache.put("render", digest("page"), "html")
    assert cache.get("render", digest("page")) is None
    assert cache.folder("search", digest("pages")) is None
    assert list(tmp_path.iterdir()) == []


def test_values_are_kept_in_memory_only_when_asked_to_remember(tmp_path):
    """`mkdocs serve` keeps values in memory; a build reads each once from disk."""
    remembering, forgetful = Cache(tmp_path / "serve", remember=True), Cache(tmp_path / "build")
    for cache in (remembering, forgetful):
        cache.put("post", "k" * 32, "value")
        shutil.rmtree(cache.root)
        cache.close()  # as each build does at its end
    assert remembering.get("post", "k" * 32) == "value"
    assert forgetful.get("post", "k" * 32) is None
    remembering.forget_memory()
    assert remembering.get("post", "k" * 32) is None


def test_a_shared_value_is_unpickled_once_under_serve_and_a_copy_otherwise(tmp_path):
    """`get(shared=True)` hands every rebuild of `mkdocs serve` the same object; a build, or a
    get that may change its value, gets a fresh copy."""
    remembering, forgetful = Cache(tmp_path / "serve", remember=True), Cache(tmp_path / "build")
    for cache in (remembering, forgetful):
        cache.put("page", "k" * 32, ["moss"])
    first = remembering.get("page", "k" * 32, shared=True)
    assert first == ["moss"] and remembering.get("page", "k" * 32, shared=True) is first
    assert remembering.get("page", "k" * 32) is not first  # not shared: a copy to change
    once = forgetful.get("page", "k" * 32, shared=True)
    assert once == ["moss"] and forgetful.get("page", "k" * 32, shared=True) is not once


def test_a_value_put_again_replaces_the_shared_one(tmp_path):
    """A page rendered again under the same key (its trace no longer held) must not be answered
    with the object of the rebuild before."""
    cache = Cache(tmp_path, remember=True)
    cache.put("page", "k" * 32, "old output")
    assert cache.get("page", "k" * 32, shared=True) == "old output"
    cache.put("page", "k" * 32, "new output")
    assert cache.get("page", "k" * 32, shared=True) == "new output"
    cache.forget_memory()
    shutil.rmtree(tmp_path)
    cache.close()
    assert cache.get("page", "k" * 32, shared=True) is None  # forgotten, and gone from disk


# --------------------------------------------------------------------------------------------
# Damaged entries and interrupted writes


def test_a_truncated_entry_is_a_miss_and_put_overwrites_it(tmp_path):
    cache = Cache(tmp_path)
    key = digest("page")
    cache.put("render", key, {"html": "x" * 1000})
    stored = entry(tmp_path, "render", key)
    set_entry(tmp_path, "render", key, stored[: len(stored) // 2])
    assert Cache(tmp_path).get("render", key) is None
    Cache(tmp_path).put("render", key, {"html": "fresh"})
    assert Cache(tmp_path).get("render", key) == {"html": "fresh"}


def test_garbage_empty_and_mistyped_entries_are_misses_not_exceptions(tmp_path):
    cache = Cache(tmp_path)
    # The last three: a database edited by hand, where a column takes any type.
    for number, junk in enumerate([b"", b"not a pickle at all", b"\x80\x05garbage", os.urandom(64), "text", 12, 1.5]):
        key = digest("page", number)
        cache.put("render", key, "value")
        set_entry(tmp_path, "render", key, junk)
        assert Cache(tmp_path).get("render", key) is None, junk


def test_a_write_killed_halfway_leaves_the_old_entry_and_the_database_usable(tmp_path):
    """A worker killed in the middle of its write (here: between SQLite's INSERT and COMMIT)."""
    key = digest("page")
    Cache(tmp_path).put("render", key, "old")
    child = os.fork()
    if child == 0:  # pragma: no cover - the child never returns
        connection = sqlite3.connect(database(tmp_path), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE entries SET value = ? WHERE key = ?", (b"half a write", key))
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(child, 0)
    assert Cache(tmp_path).get("render", key) == "old"
    Cache(tmp_path).put("render", key, "new")  # the killed writer's lock went with it
    Cache(tmp_path).put("render", digest("other"), "other")
    assert Cache(tmp_path).get("render", key) == "new"
    assert Cache(tmp_path).get("render", digest("other")) == "other"


def test_a_failed_write_leaves_the_old_entry(tmp_path):
    cache = Cache(tmp_path)
    key = digest("page")
    cache.put("render", key, "old")
    try:
        cache.put("render", key, lambda: None)  # cannot be pickled
    except Exception:  # noqa: BLE001 - which error pickle raises is not the point
        pass
    assert Cache(tmp_path).get("render", key) == "old"


def test_a_flipped_bit_or_a_changed_byte_anywhere_in_an_entry_is_a_miss(tmp_path):
    """Damage that still unpickles is caught by the checksum, before pickle sees the bytes."""
    key = digest("page")
    Cache(tmp_path).put("render", key, {"html": "<p>a page</p>" * 20})
    original = entry(tmp_path, "render", key)
    for position in range(0, len(original), 7):
        for change in (0x01, 0x80, 0xFF):
            damaged = bytearray(original)
            damaged[position] ^= change
            set_entry(tmp_path, "render", key, bytes(damaged))
            assert Cache(tmp_path).get("render", key) is None, (position, change)
    set_entry(tmp_path, "render", key, original)
    assert Cache(tmp_path).get("render", key) == {"html": "<p>a page</p>" * 20}


def test_two_entries_swapped_are_both_misses(tmp_path):
    cache = Cache(tmp_path)
    first, second = digest("first"), digest("second")
    cache.put("render", first, "the first page")
    cache.put("render", second, "the second page")
    data_first, data_second = entry(tmp_path, "render", first), entry(tmp_path, "render", second)
    set_entry(tmp_path, "render", first, data_second)
    set_entry(tmp_path, "render", second, data_first)
    assert Cache(tmp_path).get("render", first) is None
    assert Cache(tmp_path).get("render", second) is None


def test_an_entry_is_not_valid_under_another_kind(tmp_path):
    key = digest("page")
    Cache(tmp_path).put("render", key, "value")
    with contextlib.closing(sqlite3.connect(database(tmp_path))) as connection, connection:
        connection.execute("INSERT INTO entries (kind, key, value) VALUES ('page', ?, ?)", (key, entry(tmp_path, "render", key)))
    assert Cache(tmp_path).get("page", key) is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "a folder"])
def test_a_damaged_database_is_started_afresh_and_never_raises(tmp_path, damage, caplog):
    cache = Cache(tmp_path)
    for number in range(300):  # more than one page of the database, so truncating cuts rows
        cache.put("render", digest(number), "x" * 200)
    cache.close()
    path = database(tmp_path)
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        assert not leftover.exists()  # closing folded the log into the database
    data = path.read_bytes()
    if damage == "a folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes({"garbage": os.urandom(len(data)), "truncated": data[: len(data) // 3], "empty": b""}[damage])
    damaged = Cache(tmp_path)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.garden"):
        found = [damaged.get("render", digest(number)) for number in range(300)]
        damaged.put("render", digest("new"), "new")
    assert all(value is None or value == "x" * 200 for value in found)
    if damage == "a folder":  # not ours to delete: nothing is kept, and the build goes on
        assert damaged.get("render", digest("new")) is None
        assert "cannot be written" in caplog.text
    else:
        assert Cache(tmp_path).get("render", digest("new")) == "new"
        assert damage == "empty" or "starts afresh" in caplog.text


def test_a_cache_folder_that_cannot_be_made_is_all_misses_and_says_so(tmp_path, caplog):
    (tmp_path / "cache").write_text("a file where the cache's folder would be")
    cache = Cache(tmp_path / "cache")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.garden"):
        assert cache.get("render", digest("page")) is None
        cache.put("render", digest("page"), "value")
        assert cache.get("render", digest("page")) is None
    assert "cannot be written" in caplog.text


def test_forked_workers_and_their_parent_write_at_once_and_read_each_others_entries(tmp_path):
    cache = Cache(tmp_path)
    cache.put("render", digest("before"), "before the fork")  # the parent's connection is open
    children = []
    for worker in range(3):
        child = os.fork()
        if child == 0:  # pragma: no cover - the child never returns
            code = 0
            try:
                assert cache.get("render", digest("before")) == "before the fork"
                for number in range(150):
                    cache.put("render", digest(worker, number), (worker, number))
            except BaseException:  # noqa: BLE001 - reported through the exit code
                code = 1
            os._exit(code)
        children.append(child)
    for number in range(150):
        cache.put("render", digest("parent", number), number)
    assert [os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) for child in children] == [0, 0, 0]
    for reader in (cache, Cache(tmp_path)):
        assert all(reader.get("render", digest(worker, number)) == (worker, number) for worker in range(3) for number in range(150))
        assert all(reader.get("render", digest("parent", number)) == number for number in range(150))


def test_compiled_templates_are_checked_before_jinja_runs_them(tmp_path):
    """A compiled template changed on disk (here: one letter of a name it looks up) is a miss:
    Jinja compiles the template again instead of running the changed code."""
    import jinja2

    def environment() -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ page.title | upper }}!"}))
        env.bytecode_cache = TemplateBytecode(Cache(tmp_path))
        return env

    page = {"title": "hello"}
    assert environment().get_template("t.html").render(page=page) == "HELLO!"
    [(key, data)] = rows(tmp_path, "jinja")
    assert b"title" in data
    set_entry(tmp_path, "jinja", key, data.replace(b"title", b"titlf"))
    assert environment().get_template("t.html").render(page=page) == "HELLO!"
    assert entry(tmp_path, "jinja", key) == data  # compiled again, and stored again whole


def test_a_posts_heading_ids_are_found_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    """Every cached page linking to a section asks for the target's anchors on each build."""
    from garden.model.anchors import anchors_of
    from garden.model.post import Post
    from garden.speed import memo

    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n\n## Deep soil\n\nText {#kept}\n", encoding="utf-8")
    post = Post.load(tmp_path / "a.md", tmp_path)
    expected = anchors_of(post)
    assert expected >= {"deep-soil", "kept"}
    assert memo.anchor_finder(Cache(tmp_path / "cache"))(post) == expected
    monkeypatch.setattr(memo, "anchors_of", lambda post: pytest.fail("anchors were found again"))
    assert memo.anchor_finder(Cache(tmp_path / "cache"))(post) == expected  # a new build's cache object


def test_entries_of_another_code_version_are_deleted_by_the_next_build(tmp_path, monkeypatch):
    from garden.speed import cache as cache_module

    monkeypatch.setattr(cache_module, "code_version", lambda: "garden 1")
    Cache(tmp_path).put("render", digest("old page"), "old")
    Cache(tmp_path).put("render", digest("page"), "kept")
    assert len(rows(tmp_path, "render")) == 2
    assert Cache(tmp_path).get("render", digest("page")) == "kept"  # the same version keeps its entries
    monkeypatch.setattr(cache_module, "code_version", lambda: "garden 2")  # an upgrade
    upgraded = Cache(tmp_path)
    assert upgraded.get("render", digest("page")) is None
    upgraded.put("render", digest("new page"), "new")
    assert [key for key, _ in rows(tmp_path, "render")] == [digest("new page")]
    assert Cache(tmp_path).get("render", digest("new page")) == "new"


def test_entries_live_under_the_format_version(tmp_path):
    """Bumping FORMAT starts afresh: old entries are in another folder, never misread."""
    Cache(tmp_path).put("render", digest("page"), "value")
    assert database(tmp_path).relative_to(tmp_path).parts == (f"v{FORMAT}", ENTRIES)
    assert [key for key, _ in rows(tmp_path, "render")] == [digest("page")]


# --------------------------------------------------------------------------------------------
# digest


def test_digest_tells_text_bytes_and_tuples_apart():
    assert len({digest("x"), digest(b"x"), digest(("x",)), digest(["x"]), digest(repr("x"))}) == 5
    assert digest("x") == digest("x")


def test_digest_does_not_run_its_parts_together():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("ab") != digest("a", "b")
    assert digest(1) != digest("1")
    assert digest(None) != digest("None")


def test_digest_is_the_same_in_another_process_with_other_hash_seeds():
    """Keys are compared across builds, i.e. across processes with their own hash seeds."""
    value = {"title": "Café", "tags": ["b", "a"], "n": 3, "nested": {"t": (1, 2.5, None)}}
    code = (
        "from garden.speed.cache import digest\n"
        f"print(digest({value!r}, 'text', b'bytes', ('tuple', 1)))\n"
    )
    here = digest(value, "text", b"bytes", ("tuple", 1))
    for seed in ("0", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={**ENV, "PYTHONHASHSEED": seed}, check=True
        )
        assert result.stdout.strip() == here


# --------------------------------------------------------------------------------------------
# Where the cache lives


def test_the_cache_is_beside_mkdocs_yml_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("GARDEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("GARDEN_NO_CACHE", raising=False)
    cache = Cache.beside(tmp_path)
    assert cache.enabled and cache.root == (tmp_path / ".cache" / "garden").resolve()


def test_garden_cache_dir_moves_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("GARDEN_NO_CACHE", raising=False)
    monkeypatch.setenv("GARDEN_CACHE_DIR", str(tmp_path / "elsewhere"))
    cache = Cache.beside(tmp_path / "project")
    assert cache.root == (tmp_path / "elsewhere").resolve()
    cache.put("post", digest("p"), 1)
    assert rows(tmp_path / "elsewhere", "post") == [(digest("p"), entry(tmp_path / "elsewhere", "post", digest("p")))]
    assert not (tmp_path / "project").exists()


def test_garden_no_cache_turns_the_cache_off_whatever_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GARDEN_CACHE_DIR", str(tmp_path / "elsewhere"))
    for value in ("1", "true", "yes", "YES"):
        monkeypatch.setenv("GARDEN_NO_CACHE", value)
        cache = Cache.beside(tmp_path)
        assert not cache.enabled, value
        cache.put("post", digest("p"), 1)
    assert not (tmp_path / "elsewhere").exists()
    for value in ("", "0", "false", "no"):
        monkeypatch.setenv("GARDEN_NO_CACHE", value)
        assert Cache.beside(tmp_path).enabled, value


# --------------------------------------------------------------------------------------------
# A damaged cache, end to end


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def build(config: Path, site: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env={k: v for k, v in ENV.items() if not k.startswith("GARDEN_")} | {"SOURCE_DATE_EPOCH": "1700000000", **env},
        cwd=config.parent,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def corrupt(files: list[Path]) -> None:
    """Truncate each file to half its size, in place, as a full disk or a crash might."""
    for path in files:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


def corrupt_entries(root: Path) -> set[str]:
    """Truncate every stored entry to half its length; the kinds there were."""
    with contextlib.closing(sqlite3.connect(database(root))) as connection, connection:
        connection.execute("UPDATE entries SET value = substr(value, 1, length(value) / 2)")
        return {kind for (kind,) in connection.execute("SELECT DISTINCT kind FROM entries")}


def sample_project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return write_project(tmp_path, {}, nav=True)


@pytest.mark.slow
def test_a_build_over_corrupted_cache_entries_succeeds_and_matches_a_clean_build(tmp_path):
    """Every pickled entry (posts, lint findings, rendered Markdown, page output, the manifest)
    and every compiled template truncated: each is a miss, and the output is a clean build's."""
    config = sample_project(tmp_path)
    cache_dir = tmp_path / "cache"
    cached = {"GARDEN_CACHE_DIR": str(cache_dir)}
    build(config, tmp_path / "first", cached)
    kinds = corrupt_entries(cache_dir)
    assert {"post", "render", "page", "manifest", "jinja"} <= kinds, kinds
    output = build(config, tmp_path / "cached", cached)
    build(config, tmp_path / "clean", {"GARDEN_NO_CACHE": "1"})
    assert "took 0 from the cache" in output  # every damaged entry was a miss…
    assert tree(tmp_path / "cached") == tree(tmp_path / "clean")  # …and the output is whole
    # The damaged entries were written again: the next build takes every page from them.
    again = build(config, tmp_path / "again", cached)
    assert "converted 0 pages" in again
    assert tree(tmp_path / "again") == tree(tmp_path / "clean")


@pytest.mark.slow
def test_a_build_over_a_corrupted_search_index_in_the_cache_writes_a_whole_index(tmp_path):
    """The cached Pagefind index is a folder of files: truncated files in it must not end up
    in the site as its search index (the search box would fail to load its chunks)."""
    config = sample_project(tmp_path)
    cache_dir = tmp_path / "cache"
    cached = {"GARDEN_CACHE_DIR": str(cache_dir)}
    build(config, tmp_path / "first", cached)
    index_files = sorted(p for p in (cache_dir / f"v{FORMAT}" / "search").rglob("*") if p.is_file())
    assert any(p.name == "pagefind-entry.json" for p in index_files)
    corrupt(index_files)
    build(config, tmp_path / "cached", cached)
    build(config, tmp_path / "clean", {"GARDEN_NO_CACHE": "1"})
    cached_index, clean_index = tree(tmp_path / "cached" / "pagefind"), tree(tmp_path / "clean" / "pagefind")
    damaged = sorted(name for name in clean_index if cached_index.get(name) != clean_index[name])
    assert not damaged, f"the site's search index differs from a clean build's in {len(damaged)} files: {damaged[:5]}"

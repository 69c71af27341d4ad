"""Faults around a build, tried as black boxes: a build killed at any moment, a build cache that is
truncated, corrupted, shuffled or read-only, two builds at once on one tree, an extension that
crashes. After each, the next build succeeds and writes byte for byte what a clean build
(`GARDEN_NO_CACHE=1`) writes, or says clearly what is wrong; never a traceback.

The damage done to whatever files the cache folder holds assumes nothing of its layout; the damage
done to one kind of entry at a time reaches into the database that holds them.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import ENV, post, write_project

pytestmark = pytest.mark.slow

# The sitemap's dates come from the clock: pinned, so that builds a second apart compare.
BUILD_ENV = {key: value for key, value in ENV.items() if not key.startswith("GARDEN_")} | {"SOURCE_DATE_EPOCH": "1700000000"}
TIMEOUT = 300


def garden_files() -> dict[str, str]:
    """Twelve linked, tagged posts (enough for the build's worker processes), with aliases and a sequence."""
    files = {"index.md": post("Home", "Welcome to the garden.\n"), "tags.md": "---\ntitle: Tags\nunlisted: true\n---\n\n<!-- material/tags -->\n"}
    for n in range(12):
        body = f"## Part {n}\n\nEssay {n} says something, and links to [[essay-{(n + 1) % 12}]] and [the next](essay-{(n + 2) % 12}.md).\n\n"
        body += "A note.[^1]\n\n[^1]: The note of essay {n}.\n\n> [!tip] A callout\n> With $x^2$ and `code`.\n"
        files[f"essay-{n}.md"] = post(
            f"Essay number {n}",
            body,
            permalink=f"essay-{n}",
            aliases=[f"old-{n}"],
            tags=[f"tag-{n % 3}"],
            date_published=f"2024-01-{n + 1:02d}",
            lw_sequence_title="A sequence" if n < 3 else None,
        )
    return files


def mkdocs(project: Path, site: str = "site", *args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(project / "mkdocs.yml"), "-d", str(project / site), *args]


def build(project: Path, site: str = "site", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(mkdocs(project, site), capture_output=True, text=True, env={**BUILD_ENV, **(env or {})}, cwd=project, timeout=TIMEOUT)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-4000:]
    return result


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same(site: Path, reference: dict[str, bytes], when: str) -> None:
    got = snapshot(site)
    assert got.keys() == reference.keys(), f"{when}: files differ: {sorted(got.keys() ^ reference.keys())[:10]}"
    different = [name for name in got if got[name] != reference[name]]
    assert not different, f"{when}: these files differ from a clean build: {different[:10]}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("faults") / "project"
    root.mkdir()
    write_project(root, garden_files())
    return root


@pytest.fixture(scope="module")
def reference(project) -> dict[str, bytes]:
    """What a clean build writes: no cache read or written."""
    result = build(project, "reference", {"GARDEN_NO_CACHE": "1"})
    assert result.returncode == 0, result.stderr
    shutil.rmtree(project / ".cache", ignore_errors=True)
    return snapshot(project / "reference")


@pytest.fixture(scope="module")
def warm_cache(project, reference, tmp_path_factory) -> Path:
    """A copy of the cache a normal build leaves, for each test to damage its own copy of."""
    fresh_cache(project)
    assert build(project).returncode == 0
    kept = tmp_path_factory.mktemp("warm-cache") / "cache"
    shutil.copytree(project / ".cache", kept)
    return kept


def fresh_cache(project: Path) -> Path:
    cache = project / ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    return cache


def cache_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / ".cache").rglob("*") if p.is_file())


# -- a build killed at any moment --------------------------------------------------------------


def test_a_build_killed_at_any_moment_is_followed_by_a_good_build(project, reference):
    fresh_cache(project)
    started = time.monotonic()
    assert build(project).returncode == 0
    cold = time.monotonic() - started
    fresh_cache(project)
    # Kill cold builds and warm ones, early and late: reading posts, converting in the workers,
    # writing pages, indexing for search, writing the cache.
    for fraction in (0.15, 0.4, 0.65, 0.9, 0.3, 0.8):
        process = subprocess.Popen(
            mkdocs(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=BUILD_ENV, cwd=project, start_new_session=True
        )
        time.sleep(cold * fraction)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the build, its workers and Pagefind
        process.wait(timeout=TIMEOUT)
        result = build(project)
        assert result.returncode == 0, result.stderr
        assert_same(project / "site", reference, f"after a build killed at {fraction:.0%}")


# -- a damaged cache ------------------------------------------------------------------------------


# Each damage takes the contents of a group of files, or of stored entries of one kind, and
# returns what they become (None: deleted).
Contents = list[bytes]


def _truncate(contents: Contents, rng: random.Random) -> list[bytes | None]:
    return [data[: len(data) // 2] for data in contents]


def _empty(contents: Contents, rng: random.Random) -> list[bytes | None]:
    return [b"" for _ in contents]


def _garbage(contents: Contents, rng: random.Random) -> list[bytes | None]:
    return [rng.randbytes(max(1, len(data))) for data in contents]


def _flip_bits(contents: Contents, rng: random.Random) -> list[bytes | None]:
    damaged: list[bytes | None] = []
    for data in contents:
        changed = bytearray(data)
        for _ in range(3):
            if changed:
                changed[rng.randrange(len(changed))] ^= 1 << rng.randrange(8)
        damaged.append(bytes(changed))
    return damaged


def _swap(contents: Contents, rng: random.Random) -> list[bytes | None]:
    """Each gets another's bytes."""
    shuffled: list[bytes | None] = list(contents)
    rng.shuffle(shuffled)
    return shuffled


def _delete_half(contents: Contents, rng: random.Random) -> list[bytes | None]:
    deleted = set(rng.sample(range(len(contents)), len(contents) // 2))
    return [None if number in deleted else data for number, data in enumerate(contents)]


def _change_one_byte(contents: Contents, rng: random.Random) -> list[bytes | None]:
    """One byte of each set to another value: e.g. a letter of a name in compiled code."""
    damaged: list[bytes | None] = []
    for data in contents:
        changed = bytearray(data)
        if changed:
            position = rng.randrange(len(changed))
            changed[position] = (changed[position] + 1 + rng.randrange(255)) % 256
        damaged.append(bytes(changed))
    return damaged


def _swap_two(contents: Contents, rng: random.Random) -> list[bytes | None]:
    """Two trade places."""
    swapped: list[bytes | None] = list(contents)
    if len(swapped) >= 2:
        a, b = rng.sample(range(len(swapped)), 2)
        swapped[a], swapped[b] = swapped[b], swapped[a]
    return swapped


Damage = Callable[[Contents, random.Random], list]
DAMAGE: dict[str, Damage] = {
    "truncated": _truncate,
    "emptied": _empty,
    "garbage": _garbage,
    "swapped": _swap,
    "two swapped": _swap_two,
    "half deleted": _delete_half,
    "bits flipped": _flip_bits,
    "one byte changed": _change_one_byte,
}


def damage_files(files: list[Path], damage: Damage, rng: random.Random) -> None:
    """Damage files, folder by folder (files of one kind of entry sit side by side)."""
    by_folder: dict[Path, list[Path]] = {}
    for path in files:
        by_folder.setdefault(path.parent.parent, []).append(path)
    for group in by_folder.values():
        for path, data in zip(group, damage([path.read_bytes() for path in group], rng)):
            if data is None:
                path.unlink()
            else:
                path.write_bytes(data)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_never_breaks_the_next_build(project, reference, warm_cache, damage):
    shutil.copytree(warm_cache, fresh_cache(project))
    files = cache_files(project)
    assert files, "the build wrote no cache, so there is nothing to damage"
    damage_files(files, DAMAGE[damage], random.Random(15))
    result = subprocess.run(mkdocs(project), capture_output=True, text=True, env=BUILD_ENV, cwd=project, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output[-4000:]
    assert_same(project / "site", reference, f"after the cache was {damage}")
    if damage == "truncated":  # and once more, from the cache that build rewrote
        assert build(project).returncode == 0
        assert_same(project / "site", reference, f"on the build after the cache was {damage}")


def entries(project: Path) -> Path:
    """The database of the cache's entries (`garden.speed.cache`): every kind but the search
    index, which is a folder of files."""
    [database] = (project / ".cache").rglob("entries.sqlite")
    return database


def damage_entries(project: Path, kind: str, damage: Damage, rng: random.Random) -> None:
    """Damage the stored entries of one kind, behind the cache's back."""
    with contextlib.closing(sqlite3.connect(entries(project))) as connection, connection:
        keys, values = zip(*connection.execute("SELECT key, value FROM entries WHERE kind = ? ORDER BY key", (kind,)))
        for key, value in zip(keys, damage(list(values), rng)):
            if value is None:
                connection.execute("DELETE FROM entries WHERE kind = ? AND key = ?", (kind, key))
            else:
                connection.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?", (value, kind, key))


def search_files(project: Path) -> list[Path]:
    return [path for path in cache_files(project) if "search" in path.relative_to(project / ".cache").parts]


KINDS = ("post", "lint", "render", "page", "manifest", "jinja")


@pytest.mark.parametrize("damage", ["one byte changed", "bits flipped", "two swapped"])
def test_each_kind_of_cache_entry_damaged_alone_leaves_the_build_whole(project, reference, warm_cache, damage):
    """Damage one kind of entry at a time, the rest of the cache good: the build mixes good
    entries with misses and must still write exactly what a clean build writes."""
    shutil.copytree(warm_cache, fresh_cache(project))
    with contextlib.closing(sqlite3.connect(entries(project))) as connection:
        found = {kind for (kind,) in connection.execute("SELECT DISTINCT kind FROM entries")}
    assert set(KINDS) <= found, f"the build cached no {sorted(set(KINDS) - found)} entries to damage"
    assert search_files(project), "the build cached no search index to damage"
    for kind in (*KINDS, "search"):
        shutil.rmtree(project / ".cache")
        shutil.copytree(warm_cache, project / ".cache")
        if kind == "search":
            damage_files(search_files(project), DAMAGE[damage], random.Random(16))
        else:
            damage_entries(project, kind, DAMAGE[damage], random.Random(16))
        result = subprocess.run(mkdocs(project), capture_output=True, text=True, env=BUILD_ENV, cwd=project, timeout=TIMEOUT)
        output = result.stdout + result.stderr
        assert result.returncode == 0 and "Traceback" not in output, f"{kind} entries {damage}: {output[-4000:]}"
        assert_same(project / "site", reference, f"after the {kind} entries were {damage}")


# -- a read-only cache folder ---------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` and everything in it read-only, for root too (which ignores permission bits:
    then the immutable attribute). Fails, rather than skips, where neither can be had."""
    as_root = os.geteuid() == 0
    if as_root:
        made = subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.fail(f"cannot make {folder} read-only for root here (chattr: {made.stderr.strip()}); run as a normal user")
    else:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    try:
        probe = folder / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")
        yield
    finally:
        if as_root:
            subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
        else:
            for path in [folder, *folder.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o200)


@pytest.mark.parametrize("filled", [True, False], ids=["filled", "empty"])
def test_a_read_only_cache_folder_is_read_and_never_written(project, reference, filled):
    cache = fresh_cache(project)
    if filled:
        assert build(project).returncode == 0
    else:
        cache.mkdir()
    with read_only(cache):
        before = [(p, p.stat().st_mtime_ns) for p in sorted(cache.rglob("*"))]
        result = build(project)
        assert result.returncode == 0, result.stderr
        assert [(p, p.stat().st_mtime_ns) for p in sorted(cache.rglob("*"))] == before
        assert "cannot be written" in result.stderr  # says so, once
        assert result.stderr.count("cannot be written") == 1
    assert_same(project / "site", reference, f"with a read-only {'filled' if filled else 'empty'} cache")


# -- two builds at once -----------------------------------------------------------------------


def test_two_builds_at_once_on_one_tree_both_finish_and_agree(project, reference):
    fresh_cache(project)
    for sites in (("site", "site"), ("site", "site-2")):  # one site folder, then two, sharing the cache
        processes = [
            subprocess.Popen(mkdocs(project, site), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=BUILD_ENV, cwd=project)
            for site in sites
        ]
        outputs = [process.communicate(timeout=TIMEOUT)[0] for process in processes]
        for process, output in zip(processes, outputs):
            assert process.returncode == 0 and "Traceback" not in output, output[-4000:]
        if sites[0] == sites[1]:
            assert any("another build of site/ is running: waiting for it to finish" in output for output in outputs)
        for site in set(sites):
            assert_same(project / site, reference, f"after two builds at once into {sites}")


# -- a crash in the renderer --------------------------------------------------------------------


def test_markdown_that_crashes_the_renderer_is_one_message_and_a_stand_in_page(tmp_path):
    # A planted bug in an extension (tests/fixtures/crash_on_marker.py), standing for one nobody
    # knows of yet: the garden says where, and builds everything else.
    files = {"index.md": post("Home", "Welcome.\n"), "crash.md": post("Crash", "Text.\n\ncrash the renderer here\n", permalink="crash"), "fine.md": post("Fine", permalink="fine")}
    config = write_project(tmp_path, files)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["markdown_extensions"].append("crash_on_marker")
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    fixtures = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "fixtures")}
    result = build(tmp_path, env=fixtures)
    assert result.returncode == 0, result.stderr
    [message] = [line for line in result.stderr.splitlines() if "could not be converted" in line]
    assert message.startswith("WARNING -  garden: content/crash.md:5: the Markdown could not be converted: AttributeError")
    assert "could not be built" in (tmp_path / "site/crash/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site/fine/index.html").is_file()
    strict = subprocess.run(mkdocs(tmp_path, "site", "--strict"), capture_output=True, text=True, env={**BUILD_ENV, **fixtures}, cwd=tmp_path, timeout=TIMEOUT)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr

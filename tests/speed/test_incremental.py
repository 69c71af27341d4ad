"""A cached or incremental build writes exactly what a clean build of the same sources writes.

Each test edits a garden step by step (a new title, a new link, a body edit, `publish: false`, a
deleted post, a renamed file) and after every step builds it twice: once with the build cache
(kept from step to step, as a writer's would be) and once with `GARDEN_NO_CACHE=1`. The two
sites must be byte-identical, and the two builds must log the same warnings: a page taken from
the cache has to repeat what its rendering said. HTML checks on top make sure each edit really
shows, so that neither build can pass by ignoring it; the "took N from the cache" log line
makes sure the cache is really used, so that the comparison cannot pass by never caching.

Builds run as `python -m mkdocs` subprocesses, because the hook module keeps state between
builds in one process; `mkdocs serve`, which relies on exactly that, is simulated by a small
script that calls MkDocs' own functions as mkdocs/commands/serve.py does.
"""

from __future__ import annotations

import difflib
import os
import re
import select
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ENV, REPO, post, write_project
from selectolax.lexbor import LexborHTMLParser

sys.path.insert(0, str(REPO / "bench"))
import generate  # noqa: E402 - bench/generate.py, the benchmark corpus

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

# The sitemap's dates come from the clock; pin them so two builds a second apart compare. The
# garden's own variables are set by each test, not inherited from the shell running the tests.
BUILD_ENV = {key: value for key, value in ENV.items() if not key.startswith("GARDEN_")} | {"SOURCE_DATE_EPOCH": "1700000000"}
_REUSE = re.compile(r"garden: Markdown: converted (\d+) pages, took (\d+) from the cache")


# --------------------------------------------------------------------------------------------
# Building and comparing


@dataclass
class Built:
    site: Path
    output: str  # the build's log

    @property
    def problems(self) -> list[str]:
        """What the build warned about, sorted: MkDocs' warnings and errors, and the garden
        linter's findings (its "warning:" lines are INFO, so they do not fail --strict)."""
        lines = [line.strip() for line in self.output.splitlines()]
        return sorted(line for line in lines if line.startswith(("WARNING", "ERROR")) or ": warning: " in line)

    @property
    def reused(self) -> tuple[int, int]:
        """(pages converted, pages taken from the cache) as the build logged them."""
        found = _REUSE.findall(self.output)
        assert len(found) == 1, f"no single 'took N from the cache' line in:\n{self.output}"
        return int(found[0][0]), int(found[0][1])

    def page(self, url: str) -> LexborHTMLParser:
        path = self.site / url / "index.html"
        assert path.exists(), f"no page at /{url}"
        return LexborHTMLParser(path.read_text(encoding="utf-8"))

    def has_page(self, url: str) -> bool:
        return (self.site / url / "index.html").exists()

    def feed_titles(self) -> list[str]:
        return [item.findtext("title") for item in etree.parse(self.site / "feed.xml").getroot().iter("item")]


def start_build(config: Path, site: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "-d", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**BUILD_ENV, **env},
        cwd=config.parent,
    )


TIMEOUT = 120  # seconds; a build here takes a few, so more means it hangs


def finish(process: subprocess.Popen, site: Path) -> Built:
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"the build into {site.name} did not finish within {TIMEOUT} s:\n{output}")
    assert process.returncode == 0, output
    return Built(site, output)


class Twins:
    """Builds a project after each edit with the cache and without, and compares the two."""

    def __init__(self, config: Path, work: Path, cached_env: dict[str, str] | None = None) -> None:
        self.config = config
        self.cached_env = cached_env or {}
        self.work = work
        self.cache_dir = work / "cache"
        self.unused_cache_dir = work / "no-cache"  # what the GARDEN_NO_CACHE builds are pointed at
        self.steps = 0

    def build(self, step: str) -> tuple[Built, Built]:
        self.steps += 1
        # The cached build writes where the writer's builds go, over the previous step's site;
        # each clean build gets a folder of its own.
        cached_site = self.config.parent / "site"
        clean_site = self.work / f"clean-{self.steps}-{step}"
        # Both at once: they share nothing but the (unchanging) sources.
        cached = start_build(self.config, cached_site, {"GARDEN_CACHE_DIR": str(self.cache_dir), **self.cached_env})
        clean = start_build(self.config, clean_site, {"GARDEN_NO_CACHE": "1", "GARDEN_CACHE_DIR": str(self.unused_cache_dir)})
        cached_build, clean_build = finish(cached, cached_site), finish(clean, clean_site)
        assert_same_site(cached_build.site, clean_build.site, step)
        assert cached_build.problems == clean_build.problems, f"after '{step}' the cached build warned otherwise"
        assert cached_build.reused[0] + cached_build.reused[1] == clean_build.reused[0]
        assert clean_build.reused[1] == 0
        return cached_build, clean_build


def site_files(site: Path, skip: frozenset[str] = frozenset()) -> dict[str, Path]:
    """Every file of a built site by its path there, less the top-level folders in `skip`."""
    return {
        p.relative_to(site).as_posix(): p
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.relative_to(site).parts[0] not in skip
    }


def assert_same_site(cached: Path, clean: Path, step: str, skip: frozenset[str] = frozenset()) -> None:
    ours, theirs = site_files(cached, skip), site_files(clean, skip)
    assert ours.keys() == theirs.keys(), (
        f"after '{step}': only in the cached build: {sorted(ours.keys() - theirs.keys())}; "
        f"only in the clean build: {sorted(theirs.keys() - ours.keys())}"
    )
    for name, path in ours.items():
        mine, expected = path.read_bytes(), theirs[name].read_bytes()
        if mine != expected:
            try:
                diff = difflib.unified_diff(
                    expected.decode().splitlines(), mine.decode().splitlines(), "clean/" + name, "cached/" + name, n=2, lineterm=""
                )
                snippet = "\n".join(list(diff)[:40])
            except UnicodeDecodeError:
                snippet = f"(binary: {len(expected)} bytes clean, {len(mine)} bytes cached)"
            pytest.fail(f"after '{step}', {name} differs between the cached and the clean build:\n{snippet}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def texts(tree: LexborHTMLParser, selector: str) -> list[str]:
    return [" ".join(node.text().split()) for node in tree.css(selector)]


def backlink_titles(built: Built, url: str) -> list[str]:
    return texts(built.page(url), "aside.garden-backlinks li > a")


def listed_titles(built: Built, url: str = "") -> list[str]:
    """The post list of the home page (url "") or of a tag page (url "tags/<slug>")."""
    return texts(built.page(url), "ol.garden-posts a.garden-post-title")


def no_cache_was_written(twins: Twins) -> None:
    assert not twins.unused_cache_dir.exists() or not any(twins.unused_cache_dir.iterdir())
    assert not (twins.config.parent / ".cache").exists()


def sample_project(root: Path, *, own_theme: bool = False) -> Path:
    """A copy of the sample garden, built with the repository's hooks, theme and mkdocs.yml;
    with `own_theme`, with a copy of the theme overrides that the test may edit."""
    shutil.copytree(REPO / "content", root / "content")
    if not own_theme:
        return write_project(root, {}, nav=True)
    shutil.copytree(REPO / "overrides", root / "overrides")
    config = write_project(root, {}, nav=True)
    edit(config, f"custom_dir: {REPO / 'overrides'}\n", f"custom_dir: {root / 'overrides'}\n")
    return config


# --------------------------------------------------------------------------------------------
# The sample garden


def test_the_sample_garden_builds_the_same_with_and_without_the_cache_through_a_series_of_edits(tmp_path):
    project = tmp_path / "project"
    config = sample_project(project, own_theme=True)
    content = project / "content"
    twins = Twins(config, tmp_path)

    # 1. The first build: an empty cache, filled.
    cached, _ = twins.build("initial")
    assert cached.reused[1] == 0
    assert cached.problems == [], cached.output
    assert "Asides in boxes" not in backlink_titles(cached, "footnotes")

    # 2. A build with nothing changed takes every page from the cache, and still matches.
    cached, _ = twins.build("unchanged")
    assert cached.reused[0] == 0, cached.output

    # 3. New titles. "Callouts…" is shown by [[callouts]] in links.md and in the "Linked from" of
    # footnotes.md; part 2 of the sequence is named by the links to it in parts 1 and 3.
    # links.md also names callouts by its old title ([[Callouts, or how to make an aside]]):
    # that link now leads nowhere, and both builds must say so.
    edit(content / "essays/callouts.md", "title: Callouts, or how to make an aside", "title: Asides in boxes")
    edit(content / "sequence/the-first-draft.md", "title: \"How an Essay Grows, part 2: The first draft\"", "title: \"How an Essay Grows, part 2: The rough draft\"")
    cached, _ = twins.build("retitle")
    assert "Asides in boxes" in texts(cached.page("links"), "a.wikilink")
    assert "Asides in boxes" in backlink_titles(cached, "footnotes")
    assert "Asides in boxes" in listed_titles(cached) and "Asides in boxes" in listed_titles(cached, "tags/markdown")
    assert "Asides in boxes" in cached.feed_titles()
    assert any("rough draft" in text for text in texts(cached.page("essay-seed"), ".garden-sequence a"))
    assert any("rough draft" in text for text in texts(cached.page("essay-tending"), ".garden-sequence a"))
    assert any("Callouts, or how to make an aside" in line for line in cached.problems), cached.problems

    # 4. A new link: the target's "Linked from" gains the linking post.
    assert "A note that began as a comment" not in backlink_titles(cached, "math-and-code")
    edit(content / "notes/from-a-comment.md", "shows both kinds", "(and [[math-and-code]] shows none) shows both kinds")
    cached, _ = twins.build("add a link")
    assert "A note that began as a comment" in backlink_titles(cached, "math-and-code")

    # 5. Words only: the other pages come from the cache.
    edit(content / "drafts-and-publishing.md", "Some essays are ready the day they are written.", "A few essays are ready on the day they are written.")
    cached, _ = twins.build("body edit")
    converted, reused = cached.reused
    assert reused > 0 and converted < reused, cached.output
    assert "A few essays are ready" in cached.page("drafts-and-publishing").body.text()

    # 6. Words only, but a heading that links.md points at ([[callouts#Folding]]) is renamed:
    # the linking page changes (and warns) though nothing it names changed its frontmatter.
    edit(content / "essays/callouts.md", "## Folding\n", "## Folded callouts\n")
    cached, _ = twins.build("rename a linked heading")
    assert cached.page("callouts").css_first("h2#folded-callouts") is not None
    assert any("[[callouts#Folding]] points at '#folding'" in line for line in cached.problems), cached.problems
    assert 'href="../callouts/#folding"' not in (cached.site / "links/index.html").read_text(encoding="utf-8")

    # 7. `publish: false` on a listed post: gone from the home page, its tags' pages, the feed.
    title = "Footnotes that stay put"
    assert title in listed_titles(cached) and title in listed_titles(cached, "tags/writing") and title in cached.feed_titles()
    edit(content / "essays/footnotes.md", "permalink: footnotes\n", "permalink: footnotes\npublish: false\n")
    cached, clean = twins.build("unpublish")
    for built in (cached, clean):
        assert not built.has_page("footnotes")
        assert title not in listed_titles(built)
        assert title not in listed_titles(built, "tags/writing") and title not in listed_titles(built, "tags/markdown")
        assert title not in built.feed_titles()
        assert title not in built.page("tags").body.text()

    # 8. A deleted post that others link to (part 3 of the sequence): their links break.
    (content / "sequence/tending.md").unlink()
    cached, _ = twins.build("delete a linked post")
    assert not cached.has_page("essay-tending") and not cached.has_page("essay-growing")
    assert any("tending" in line for line in cached.problems), cached.problems
    assert all("Tending" not in text for text in texts(cached.page("essay-first-draft"), ".garden-sequence a"))

    # 9. A renamed file (the permalink stays) and the unpublished post published again.
    (content / "essays/callouts.md").rename(content / "essays/asides.md")
    edit(content / "essays/footnotes.md", "permalink: footnotes\npublish: false\n", "permalink: footnotes\n")
    cached, _ = twins.build("rename a file, publish again")
    assert cached.has_page("callouts") and cached.has_page("footnotes")
    assert title in listed_titles(cached) and title in cached.feed_titles()
    assert any("callouts.md" in line for line in cached.problems), cached.problems  # footnotes.md's link

    # 10. A setting every page shows (the site's name, in each page's header and title).
    edit(config, "site_name: An Essay Garden\n", "site_name: A Renamed Garden\n")
    cached, _ = twins.build("change a setting")
    assert "A Renamed Garden" in cached.page("links").css_first("title").text()

    # 11. A template: the heading of every "Linked from" section.
    edit(project / "overrides/partials/backlinks.html", ">Linked from</h2>", ">Read next to</h2>")
    cached, _ = twins.build("edit a template")
    assert cached.page("math-and-code").css_first("#garden-backlinks-title").text() == "Read next to"

    # 12. Every edit undone but the deletion: the cache must not serve a page from step 1 whose
    # questions happen to get their old answers again, unless that is exactly right.
    shutil.rmtree(content)
    shutil.copytree(REPO / "content", content)
    (content / "sequence/tending.md").unlink()
    twins.build("back to the start, less one post")

    no_cache_was_written(twins)


def test_a_build_without_the_cache_writes_nothing_to_the_cache_folders(tmp_path):
    """`GARDEN_NO_CACHE=1` leaves $GARDEN_CACHE_DIR (and the default .cache/) alone."""
    config = write_project(tmp_path, {"index.md": post("Home", "Welcome to [[essay]].\n"), "essay.md": post("Essay", permalink="essay")})
    cache_dir = tmp_path / "cache"
    finish(start_build(config, tmp_path / "site", {"GARDEN_NO_CACHE": "1", "GARDEN_CACHE_DIR": str(cache_dir)}), tmp_path / "site")
    assert (tmp_path / "site" / "essay" / "index.html").exists()
    assert not cache_dir.exists() or list(cache_dir.rglob("*")) == []
    assert not (tmp_path / ".cache").exists()
    # And without GARDEN_CACHE_DIR, the default folder beside mkdocs.yml stays absent too.
    finish(start_build(config, tmp_path / "site", {"GARDEN_NO_CACHE": "1"}), tmp_path / "site")
    assert not (tmp_path / ".cache").exists()


def test_html_a_plugin_changes_after_conversion_is_not_taken_for_the_html_the_cache_gave(tmp_path):
    """A page's output is cached under a digest of its HTML, which comes with the cached
    conversion; a plugin's `on_page_content` that changes the HTML (here: a stamp read from a
    file, which no Markdown mentions) makes another key, even though the Markdown is the same."""
    import yaml

    config = write_project(tmp_path, {"index.md": post("Home", "Welcome.\n"), "essay.md": post("Essay", "Words.\n", permalink="essay")})
    stamp = tmp_path / "stamp.txt"
    (tmp_path / "stamp.py").write_text(
        "from pathlib import Path\n"
        "def on_page_content(html, page, config, files):\n"
        "    stamp = (Path(config.config_file_path).parent / 'stamp.txt').read_text()\n"
        "    return html + f'<p class=\"stamp\">{stamp}</p>'\n",
        encoding="utf-8",
    )
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["hooks"].append(str(tmp_path / "stamp.py"))
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    twins = Twins(config, tmp_path / "work")
    for step, text in (("first stamp", "moss"), ("second stamp", "lichen")):
        stamp.write_text(text, encoding="utf-8")
        cached, _ = twins.build(step)
        assert texts(cached.page("essay"), "p.stamp") == [text]
    assert cached.reused[0] == 0  # the second build converted nothing: its HTML came from the cache


# --------------------------------------------------------------------------------------------
# The benchmark corpus


def corpus_links(content: Path) -> dict[str, list[str]]:
    """Each essay (by src_uri) and the essays whose relative links lead to it."""
    linked: dict[str, list[str]] = {}
    for path in sorted(content.rglob("essay-*.md")):
        source = path.relative_to(content).as_posix()
        for href in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            target = os.path.normpath(os.path.join(os.path.dirname(source), href)).replace(os.sep, "/")
            linked.setdefault(target, []).append(source)
    return linked


def frontmatter_value(path: Path, key: str) -> str:
    found = re.search(rf"^{key}: (.*)$", path.read_text(encoding="utf-8"), re.M)
    assert found, f"no {key} in {path}"
    return found[1].strip().strip("'\"")


def test_the_benchmark_corpus_builds_the_same_with_and_without_the_cache_through_a_series_of_edits(tmp_path):
    project = tmp_path / "project"
    content = project / "content"
    generate.write_corpus(40, content, seed=11, force=True)
    config = write_project(project, {}, nav=True)
    # The cached builds here render without worker processes (the sample garden's use them), so
    # the serial path and its cache entries are checked against a clean build's workers.
    twins = Twins(config, tmp_path, {"GARDEN_JOBS": "1"})
    links = corpus_links(content)
    published = [uri for uri in links if "publish: false" not in (content / uri).read_text(encoding="utf-8")]
    # The most linked published essay is deleted; the most linked one that links to other
    # published essays (whose "Linked from" shows its title) is retitled.
    deleted, *others = sorted(published, key=lambda uri: (-len(links[uri]), uri))
    targets = {uri: [t for t in published if uri in links[t] and t != deleted] for uri in others}
    retitled = next(uri for uri in others if targets[uri])

    twins.build("initial")

    # A linked essay's new title shows in the "Linked from" of the essays it links to.
    path = content / retitled
    old_title = frontmatter_value(path, "title")
    edit(path, f"title: {old_title}\n", "title: A retitled essay\n")
    cached, _ = twins.build("retitle")
    for target in targets[retitled]:
        assert "A retitled essay" in backlink_titles(cached, frontmatter_value(content / target, "permalink")), target

    # A body edit: most pages come from the cache.
    other = next(uri for uri in published if uri not in (retitled, deleted))
    text = (content / other).read_text(encoding="utf-8")
    (content / other).write_text(text + "\nA closing sentence added later.\n", encoding="utf-8")
    cached, _ = twins.build("body edit")
    converted, reused = cached.reused
    assert reused > 0 and converted < reused, cached.output

    # A deleted essay that others link to: their links break, and both builds say so.
    (content / deleted).unlink()
    cached, _ = twins.build("delete a linked essay")
    assert any(deleted.rsplit("/", 1)[-1] in line for line in cached.problems), cached.problems

    # `publish: false` on a listed essay with tags.
    hidden = next(uri for uri in published if uri not in (retitled, deleted, other))
    hidden_title = frontmatter_value(content / hidden, "title")
    tags = re.search(r"^tags: \[?([^\],\n]+)", (content / hidden).read_text(encoding="utf-8"), re.M)
    assert hidden_title in listed_titles(cached)
    edit(content / hidden, "\n---\n", "\npublish: false\n---\n")
    cached, clean = twins.build("unpublish")
    for built in (cached, clean):
        assert hidden_title not in listed_titles(built) and hidden_title not in built.feed_titles()
        if tags:
            # The tag's page lists the essay no more, or is gone with its only essay.
            slug = generate.slugify(tags[1].strip().strip("'\""))
            assert not built.has_page(f"tags/{slug}") or hidden_title not in listed_titles(built, f"tags/{slug}")

    no_cache_was_written(twins)


# --------------------------------------------------------------------------------------------
# `mkdocs serve`

# What `mkdocs serve` does, without the web server: one process, one site folder, the config
# loaded afresh before each rebuild (MkDocs keeps the hook module, and with it the garden's
# in-memory cache), drafts previewed. Each line on stdin names a build; after it the site is
# copied to <copies>/<name>, less pagefind/, and "done <name>" is printed.
SERVE_SCRIPT = textwrap.dedent(
    """
    import logging, os, shutil, sys, threading
    from pathlib import Path

    import mkdocs.__main__ as cli
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file, site_dir, copies = sys.argv[1:]
    state = cli.State()  # MkDocs' own log set-up, as `mkdocs serve` has it
    state.stream.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    cli._enable_warnings()
    serve_url = "http://127.0.0.1:8000/"

    config = load_config(config_file=config_file, site_dir=site_dir)
    dirty = bool(os.environ.get("SERVE_DIRTY"))  # `mkdocs serve --dirty`, as `make serve` runs it
    config.plugins.on_startup(command="serve", dirty=dirty)
    first = True
    for line in sys.stdin:
        name = line.strip()
        if not first:
            config = load_config(config_file=config_file, site_dir=site_dir)
        first = False
        config.site_url = serve_url
        print(f"=== {name}", file=sys.stderr, flush=True)
        build(config, serve_url=serve_url, dirty=dirty)
        # Pagefind runs in a background thread under serve; let it finish so that it cannot
        # race the copy (its folder is left out of the comparison anyway).
        for thread in threading.enumerate():
            if thread is not threading.main_thread():
                thread.join()
        shutil.copytree(site_dir, Path(copies) / name, ignore=lambda folder, names: ["pagefind"] if Path(folder) == Path(site_dir) else [])
        print(f"done {name}", flush=True)
    config.plugins.on_shutdown()
    """
)


class Server:
    """A long-lived serve-mode process, rebuilt on request."""

    def __init__(self, script: Path, config: Path, work: Path, env: dict[str, str]) -> None:
        self.copies = work / "copies"
        self.log = work / "serve.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(config), str(work / "site"), str(self.copies)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            env={**BUILD_ENV, **env},
            cwd=config.parent,
        )

    def build(self, name: str) -> Built:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], TIMEOUT)
        if not ready:
            self.process.kill()
            pytest.fail(f"the serve rebuild '{name}' did not finish within {TIMEOUT} s:\n{self.log.read_text()}")
        answer = self.process.stdout.readline().strip()
        assert answer == f"done {name}", f"the serve process stopped:\n{self.log.read_text()}"
        output = self.log.read_text().split(f"=== {name}\n", 1)[1]
        return Built(self.copies / name, output)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)
        self._log_file.close()


def fresh_serve_build(script: Path, config: Path, work: Path, name: str) -> Built:
    """One serve-mode build of the sources as they are, in a new process without a cache."""
    folder = work / f"fresh-{name}"
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, str(script), str(config), str(folder / "site"), str(folder / "copies")],
        input=name + "\n",
        capture_output=True,
        text=True,
        env={**BUILD_ENV, "GARDEN_NO_CACHE": "1", "GARDEN_CACHE_DIR": str(work / "no-cache")},
        cwd=config.parent,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0 and result.stdout.strip() == f"done {name}", result.stderr
    return Built(folder / "copies" / name, result.stderr)


@pytest.mark.parametrize("dirty", [False, True], ids=["serve", "serve --dirty"])
def test_serve_rebuilds_match_a_fresh_serve_build_after_each_edit(tmp_path, dirty):
    """Under `--dirty` the preview folder is kept and only changed pages are written: stale
    files of deleted or renamed posts must go, and nothing may be left unwritten."""
    project = tmp_path / "project"
    config = sample_project(project)
    content = project / "content"
    script = tmp_path / "serve.py"
    script.write_text(SERVE_SCRIPT, encoding="utf-8")
    server = Server(script, config, tmp_path, {"GARDEN_CACHE_DIR": str(tmp_path / "cache"), "SERVE_DIRTY": "1" * dirty})
    # Serve builds Pagefind's index in a background thread, after the pages: pagefind/ is left
    # out of the comparison (and out of the copies).
    skip = frozenset({"pagefind"})

    def rebuild(name: str) -> Built:
        served = server.build(name)
        fresh = fresh_serve_build(script, config, tmp_path, name)
        assert_same_site(served.site, fresh.site, f"serve: {name}", skip)
        assert served.problems == fresh.problems, f"serve: after '{name}' the rebuild warned otherwise"
        return served

    try:
        served = rebuild("initial")
        # Drafts are previewed under serve, labelled.
        assert served.page("unfinished-thought").css_first(".garden-draft-label") is not None

        # Twice: under serve a cached value may come from memory, shared with the last rebuild.
        for name in ("unchanged", "unchanged again"):
            served = rebuild(name)
            assert served.reused[0] == 0, served.output

        edit(content / "drafts-and-publishing.md", "Some essays are ready", "A few essays are ready")
        served = rebuild("body edit")
        assert served.reused[1] > served.reused[0], served.output

        edit(content / "essays/callouts.md", "title: Callouts, or how to make an aside", "title: Asides in boxes")
        served = rebuild("retitle")
        assert "Asides in boxes" in backlink_titles(served, "footnotes")

        edit(content / "notes/from-a-comment.md", "shows both kinds", "(and [[math-and-code]] shows none) shows both kinds")
        served = rebuild("add a link")
        assert "A note that began as a comment" in backlink_titles(served, "math-and-code")

        # Unpublished under serve: still previewed, now as a draft, and listed as one.
        edit(content / "essays/footnotes.md", "permalink: footnotes\n", "permalink: footnotes\npublish: false\n")
        served = rebuild("unpublish")
        assert served.page("footnotes").css_first(".garden-draft-label") is not None
        assert "Footnotes that stay put" not in served.feed_titles()

        (content / "sequence/tending.md").unlink()
        served = rebuild("delete a linked post")
        assert not served.has_page("essay-tending")

        (content / "essays/new.md").write_text(post("A new essay", "Linking [[callouts]].\n", permalink="new", tags=["writing"]), encoding="utf-8")
        redirect = tmp_path / "site" / "frontmatter" / "index.html"  # an alias of a post no edit here touches
        before = redirect.stat().st_mtime_ns
        served = rebuild("add a post")
        assert "A new essay" in backlink_titles(served, "callouts")
        if dirty:  # an unchanged redirect is left as it is, not written again
            assert redirect.stat().st_mtime_ns == before

        # Redirects whose page changes: the post's title, then which post an alias belongs to.
        edit(content / "drafts-and-publishing.md", "title: Drafts and publishing", "title: Drafts, and when to publish")
        served = rebuild("retitle a post with an alias")
        assert served.page("drafts").css_first("title").text() == "Redirecting to Drafts, and when to publish"
        edit(content / "drafts-and-publishing.md", "aliases:\n  - drafts\ndescription:", "description:")
        edit(content / "essays/callouts.md", "aliases: [admonitions]", "aliases: [admonitions, drafts]")
        served = rebuild("move an alias")
        assert served.page("drafts").css_first("a").attributes["href"] == "../callouts/"
    finally:
        server.close()
    assert not (tmp_path / "no-cache").exists()

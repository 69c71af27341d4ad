"""How the garden scales: cold and warm builds, one-edit rebuilds under `mkdocs serve`, memory
and search, against plain mkdocs-material, for gardens of N generated (or real) essays.

For each size N (default 100, 1000 and 5000) the essays of bench/generate.py are copied to a
private folder, bench/.work/scale-N/corpus (edits below happen there, so the shared corpus
bench/.work/corpus-N, which other benchmarks reuse while `generate.is_current` holds, is never
touched), and built two ways:

- garden: mkdocs.yml (its hook, garden.* extensions, templates and Pagefind search);
- plain:  stock Material: build_time.plain_config() (the same config without the garden's code)
          plus Material's own `search` plugin, which the garden's mkdocs.yml dropped for
          Pagefind but which every plain Material site has (see `plain_material_config`).

With `--corpus real` the essays are not the project's own generator's but the 29 published real
posts of ../shared/corpus/turntrout (bench/realcorpus.py: repeated round-robin under new
permalinks, aliases, file names and LessWrong ids, the links between them following the copies),
written to bench/.work/corpus-real-N and copied to bench/.work/scale-real-N/corpus; the results
go to bench/.work/scale-results-real.json. So the figures do not rest on one generator.

Before the timed builds each side gets one untimed `mkdocs build` with warnings shown (`--quiet`
hides them; MkDocs' log goes to bench/.work/scale-N/check-<side>.log). On the generated corpus
the garden's is `--strict`, so a warning stops the benchmark (timing error paths is not timing a
garden), as in bench/build_time.py. The real posts link to ~200 posts outside the corpus, which
warns (the garden also warns about `![[...]]` transclusions of pages that are not there), so on
that corpus both check builds are non-strict and the table's notes give their warning counts.
Plain's check warns on either corpus about the links MkDocs cannot resolve (`/permalink` links
in the real posts; the garden resolves them). `--no-check` skips the check builds.

Measures, each as garden, plain and garden/plain:

1. cold build: `python -m mkdocs build --clean --quiet -f <config> --site-dir <dir>` with an
   empty render cache, not sampled (peak memory, 5., comes from a second cold build). The garden keeps its cache in $GARDEN_CACHE_DIR, here
   bench/.work/scale-N/cache, deleted before the cold build. (`GARDEN_NO_CACHE=1` in the
   environment turns the garden's cache off altogether; this script passes it through, so
   `GARDEN_NO_CACHE=1 python bench/scale.py` measures the garden without it.) The cold sites
   are kept in bench/.work/scale-N/site-{garden,plain} for the search measures.
2. warm, no change: the same build again into a fresh folder, same cache. Plain MkDocs has no
   cache, so its figure is just another plain build.
3. warm, one edit: a sentence with a unique marker word appended to a mid-corpus essay, then
   the same build (garden: same cache). The built page is checked for the marker: a page built
   from a stale cache entry is flagged STALE in the notes. The file is restored byte for byte.
4. serve one edit: `python -m mkdocs serve --livereload --dev-addr 127.0.0.1:<free port>`.
   Once the edited essay's URL answers 200 (the server binds only after its first build) and
   2 s more have passed, the essay's body gets a new marker word; from the moment the write
   returns, its URL is fetched every 20 ms until the page contains the marker. Three edits,
   3 s apart (each wait plus a random 0-0.5 s, see below); the table shows the median, the
   notes all three and how long MkDocs' own log says each rebuild took. A fetch made during a
   rebuild waits for it (MkDocs serves no half-built site), so the figure is when a browser's
   livereload would fire, minus the page reload. The garden's server gets the same
   GARDEN_CACHE_DIR, warm by then, as a writer's `make serve` after a build would (at 7a44f45
   its first build still took nothing from it: pages under `mkdocs serve` are not those of
   `mkdocs build`, if only for the dev server's site_url). Under serve the garden runs Pagefind
   after "Reloading browsers", so the latency does not include it; a long Pagefind run (about
   30 s at N=5000) still competes for the CPU with the next edit's rebuild.

   What MkDocs' watcher adds (mkdocs/livereload/__init__.py, MkDocs 1.6, watchdog 7): files are
   watched by a watchdog PollingObserver with a 0.5 s interval: every 0.5 s it walks and stats
   every file under docs_dir, the config file and `watch:` (overrides/), and diffs the result
   with the previous walk. A change is therefore seen 0-0.5 s (0.25 s on average) plus one walk
   after the write; the build loop then waits until no event has come for `build_delay` =
   0.1 s, reloads the config and rebuilds the whole site (`mkdocs serve` is not `--dirty`).
   So about 0.35 s on average (0.6 s at worst) of each latency is the watcher's, whatever N;
   "latency - rebuild" in the notes is that plus the config reload and the fetch. The walk of
   thousands of files also runs every 0.5 s *during* rebuilds, in the same Python process.
   Because a fixed 3 s gap is a multiple of the 0.5 s interval, edits 2 and 3 landed at the
   same point of the polling cycle in trial runs (the same 0.26 s overhead for both, and for
   both sites); the random extra wait samples the cycle instead.
5. peak memory, during a second cold build of each site (cache emptied again), not the timed
   one, since sampling slows the build it samples: every 50 ms the sum of PSS (`Pss:` of
   /proc/<pid>/smaps_rollup) over the mkdocs process and all its descendants, found through the
   ppid of every /proc/<pid>/stat (this kernel has no /proc/<pid>/task/*/children). Summed PSS
   is the honest figure for the garden, which forks render workers and runs Pagefind as a
   child: each process's RSS would count the pages they share once per process, and the
   mkdocs process's own peak (ru_maxrss from os.wait4, as build_time.run_build reads it, the
   "mkdocs RSS" row) leaves the children out. A child that lives less than 50 ms can be missed.
6. search: (a) the kB a reader's first one-word search transfers (gzipped as a static host sends
   them), measured in headless Chromium by bench/search_bytes.py's functions over the two cold
   sites: Pagefind's scripts and index chunks for the garden, Material's whole lunr
   search_index.json and worker for plain (`--skip-search-bytes` skips it: it needs Playwright
   and Chromium); (b) the search indexing share of the garden's cold build: Pagefind run shard
   by shard as hooks/garden/site/search.py runs it (its `ShardedIndex`, without a cache) over
   the cold garden site's pages, divided by the cold build's time. Material's search plugin indexes while it renders
   pages, so plain's share cannot be separated: "n/a".

Builds are run one after another, garden then plain for each measure, so a slow spell on the
machine hits both sides. Any build that fails stops the script with MkDocs' error output. All
raw figures go to bench/.work/scale-results.json (scale-results-real.json with --corpus real),
rewritten after each N. Progress goes to
stderr. A run at N=5000 takes about half an hour; on a shared machine compare ratios, not
seconds (see bench/README.md).

    python bench/scale.py                             # N = 100, 1000 and 5000
    python bench/scale.py --sizes 100 --skip-search-bytes
    python bench/scale.py --corpus real --sizes 60 --skip-search-bytes --skip-serve
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import generate  # bench/ is on sys.path when this runs as a script
import realcorpus
import search_bytes
from build_time import (
    BUILD_ENV,
    PROJECT_DIR,
    WORK_DIR,
    BuildFailed,
    ensure_corpus,
    environment,
    garden_config,
    load_site_config,
    mib,
    plain_config,
    say,
    write_config,
)

sys.path.insert(0, str(PROJECT_DIR / "hooks"))  # the garden package, for its post model and Pagefind runner

CORPORA = ("generated", "real")
RESULTS_FILES = {"generated": WORK_DIR / "scale-results.json", "real": WORK_DIR / "scale-results-real.json"}
SAMPLE_INTERVAL = 0.05  # s between PSS samples
POLL_INTERVAL = 0.02  # s between fetches of the edited page under `mkdocs serve`
SETTLE = 2.0  # s after the first build is served before the first edit
EDIT_GAP = 3.0  # s between one edit showing and the next edit
# MkDocs' PollingObserver interval. Each wait above gets a random 0 to this much on top, so that
# edits do not land at the same point of its polling cycle every time (a fixed 3 s gap, a multiple
# of 0.5 s, gave the same watcher delay for edits 2 and 3 in every trial run).
WATCH_INTERVAL = 0.5
SERVE_EDITS = 3
STOP_TIMEOUT = 30.0  # s for `mkdocs serve` to stop after SIGINT before it is killed
BUILT_IN = "Documentation built in "  # MkDocs' INFO line after every build


# --------------------------------------------------------------------------------------------
# Configs.


def plain_material_config(garden: dict[str, Any]) -> dict[str, Any]:
    """Stock Material as a plain site has it: build_time's plain config plus Material's `search`
    plugin, which the garden's mkdocs.yml replaced with Pagefind."""
    config = plain_config(garden)
    plugins = config.setdefault("plugins", [])
    if not any(search_bytes.plugin_name(entry) in search_bytes.MATERIAL_SEARCH for entry in plugins):
        plugins.insert(0, "search")
    return config


@dataclass(frozen=True)
class Side:
    """One of the two sites: how to build it, and where its edited essay is served."""

    name: str  # "garden" or "plain"
    config: Path
    env: dict[str, str]
    url: str  # the edited essay's URL path, e.g. "/some-permalink/"
    search_kind: str  # search_bytes' name for its search: "pagefind" or "lunr"


# --------------------------------------------------------------------------------------------
# The edited essay.


@dataclass
class EditedPost:
    path: Path
    original: bytes

    @classmethod
    def pick(cls, corpus: Path) -> EditedPost:
        """A top-level essay from the middle of the corpus: neither the first nor the last file.
        Generated essays are `essay-NNNN.md`; in a real corpus every top-level file but the home
        page and the tags page is an essay."""
        essays = sorted(corpus.glob("essay-*.md")) or sorted(
            path for path in corpus.glob("*.md") if path.name not in ("index.md", "tags.md")
        )
        path = essays[len(essays) // 2]
        return cls(path, path.read_bytes())

    def garden_url(self, corpus: Path) -> str:
        from garden.model.post import Post

        return "/" + Post.load(self.path, corpus).url

    def plain_url(self, corpus: Path) -> str:
        """MkDocs' own URL with use_directory_urls: essays/foo.md -> /essays/foo/."""
        return "/" + PurePosixPath(self.path.relative_to(corpus).as_posix()).with_suffix("").as_posix() + "/"

    def write(self, marker: str) -> None:
        # A paragraph of its own after whatever ends the essay (a footnote definition, often).
        self.path.write_bytes(self.original + f"\nThe {marker} closes this essay.\n".encode())

    def restore(self) -> None:
        self.path.write_bytes(self.original)


@contextmanager
def edited(post: EditedPost, marker: str) -> Iterator[None]:
    post.write(marker)
    try:
        yield
    finally:
        post.restore()


def new_marker() -> str:
    """A word no essay and no earlier edit has, so no cache can hold a page with it."""
    return "scalemark" + secrets.token_hex(5)


def page_file(site: Path, url: str) -> Path:
    return site / url.strip("/") / "index.html"


# --------------------------------------------------------------------------------------------
# Builds, with the PSS of the whole process tree sampled.


@dataclass
class Run:
    seconds: float  # wall time of the mkdocs process, start-up included
    max_rss: int  # bytes: ru_maxrss of the mkdocs process itself (os.wait4)
    peak_pss: int | None = None  # bytes: largest sampled sum of PSS over it and its descendants
    samples: int = 0


def children_by_parent() -> dict[int, list[int]]:
    """Every process's children, from the ppid field of /proc/<pid>/stat."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # gone since the scan
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    tree = children_by_parent()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += tree.get(pid, [])
    return found


def pss(pid: int) -> int:
    """Bytes of the process's proportional set size; 0 once it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class PssSampler:
    """Samples the tree's summed PSS every SAMPLE_INTERVAL on a thread, while the main thread
    waits for the process (os.wait4 releases the GIL)."""

    def __init__(self, root: int):
        self.root = root
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(pss(pid) for pid in descendants(self.root)))
            self.samples += 1
            self._stop.wait(SAMPLE_INTERVAL)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def build(side: Side, site_dir: Path, *, sample: bool = False) -> Run:
    """`mkdocs build --clean --quiet` of `side` into `site_dir`; BuildFailed if it fails."""
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "-f", str(side.config), "--site-dir", str(site_dir)]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=side.env, stdout=subprocess.DEVNULL, stderr=err)
        sampler = PssSampler(process.pid) if sample else None
        _, status, usage = os.wait4(process.pid, 0)  # that one process's rusage, as build_time.run_build
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped above; tell Popen so
        if sampler:
            sampler.stop()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise BuildFailed(side.config, process.returncode, stderr)
    run = Run(seconds, usage.ru_maxrss * 1024)
    if sampler:
        run.peak_pss, run.samples = sampler.peak, sampler.samples
    return run


def check_build(side: Side, work: Path, *, strict: bool) -> list[str]:
    """An untimed `mkdocs build` with warnings shown (the timed builds' --quiet hides them, and
    MkDocs 1.6's `--strict --quiet` passes whatever the warnings); returns the WARNING and ERROR
    lines, and keeps MkDocs' whole log in `work`/check-<side>.log. A strict build that warns
    stops the benchmark with BuildFailed. It also warms the disk cache for the timed builds; the
    garden's cache it fills is emptied before the cold build."""
    with fresh_site(side, work) as site:
        command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(side.config), "--site-dir", str(site)]
        result = subprocess.run(command + ["--strict"] * strict, cwd=PROJECT_DIR, env=side.env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    (work / f"check-{side.name}.log").write_text(output, encoding="utf-8")
    if result.returncode != 0:
        raise BuildFailed(side.config, result.returncode, output)
    return [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]


@contextmanager
def fresh_site(side: Side, work: Path) -> Iterator[Path]:
    """A throw-away folder for a warm build, so the cold site stays as it was for the search
    measures; deleted afterwards, whether the build worked or not."""
    site = Path(tempfile.mkdtemp(prefix=f"site-{side.name}-", dir=work))
    try:
        yield site
    finally:
        shutil.rmtree(site, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# `mkdocs serve`: one edit to the page shown.


@dataclass
class ServeResult:
    first_build: float  # s from the start of `mkdocs serve` to the essay answering 200
    latencies: list[float] = field(default_factory=list)  # s from each write to the page showing it
    rebuilds: list[float | None] = field(default_factory=list)  # s each rebuild took, from MkDocs' log

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)


class ServeFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float) -> tuple[int, bytes]:
    """Status and body; (0, b"") while nothing listens yet."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def wait_for(process: subprocess.Popen, url: str, marker: bytes | None, timeout: float, log: Path) -> None:
    """Fetch `url` every POLL_INTERVAL until it answers 200 (and contains `marker`, if given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeFailed(f"`mkdocs serve` exited with {process.returncode}:\n{tail(log)}")
        # A fetch during a rebuild blocks until it ends, so allow it the whole remaining time.
        status, body = fetch(url, max(1.0, deadline - time.monotonic()))
        if status == 200 and (marker is None or marker in body):
            return
        if status not in (0, 200):
            raise ServeFailed(f"{url} answered {status}, not 200:\n{tail(log)}")
        time.sleep(POLL_INTERVAL)
    raise ServeFailed(f"{url} did not show {'the page' if marker is None else marker.decode()} within {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def rebuild_times(log: Path) -> list[float]:
    """Seconds of every build MkDocs logged ("Documentation built in 3.21 seconds")."""
    times = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if BUILT_IN in line:
            times.append(float(line.split(BUILT_IN, 1)[1].split()[0]))
    return times


def stop_server(process: subprocess.Popen) -> None:
    """SIGINT, as Ctrl-C would (MkDocs shuts down and deletes its temporary site), then SIGKILL
    to the session it was started in if it hangs, or if it left children behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            say(f"  mkdocs serve (pid {process.pid}) did not stop after SIGINT; killing it")
    try:
        os.killpg(process.pid, signal.SIGKILL)  # its own process group (start_new_session): only what it started
    except ProcessLookupError:
        pass
    process.wait()


def serve_latency(side: Side, post: EditedPost, work: Path, timeout: float) -> ServeResult:
    port = free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}", "-f", str(side.config)]
    if side.name == "garden":
        command.append("--dirty")  # as `make serve` runs it; plain MkDocs' --dirty goes by file times
    url = f"http://127.0.0.1:{port}{side.url}"
    log = work / f"serve-{side.name}.log"  # a file, not a pipe: nobody reads a pipe while we wait
    with log.open("wb") as output:
        start = time.perf_counter()
        # A session of its own: Ctrl-C on the benchmark does not hit it mid-measure, and
        # stop_server can kill whatever it forked. SIGINT back to its default: a script started
        # in the background by a non-interactive shell inherits SIGINT ignored, and so would the
        # server, which would then sit out stop_server's SIGINT until it is killed.
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=side.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        wait_for(process, url, None, timeout, log)
        result = ServeResult(time.perf_counter() - start)
        for number in range(1, SERVE_EDITS + 1):
            time.sleep((SETTLE if number == 1 else EDIT_GAP) + random.uniform(0, WATCH_INTERVAL))
            marker = new_marker()
            post.write(marker)
            written = time.perf_counter()
            wait_for(process, url, marker.encode(), timeout, log)
            result.latencies.append(time.perf_counter() - written)
            builds = rebuild_times(log)
            result.rebuilds.append(builds[number] if len(builds) > number else None)
            say(f"  {side.name}: edit {number}/{SERVE_EDITS} shown after {result.latencies[-1]:.2f} s")
        return result
    finally:
        stop_server(process)
        post.restore()


# --------------------------------------------------------------------------------------------
# Search.


@dataclass
class FirstSearch:
    transferred: int  # body bytes the server sent for the search's requests
    downloaded: int  # the same, decoded by the browser
    requests: int
    results: int  # results shown: 0 would mean the figure measures a broken search
    seconds: float  # from the focus to the results
    outside: list[str]  # requests that left 127.0.0.1


def first_search(side: Side, site: Path, args: argparse.Namespace) -> FirstSearch:
    with search_bytes.serving(site) as base:
        search = search_bytes.first_search(args.chromium, base, side.url, args.query, args.timeout)
        search_bytes.add_transfers(search, search_bytes.StaticHandler.sent)
    fetches = search.counted(side.search_kind)
    return FirstSearch(
        transferred=sum(f.transferred for f in fetches),
        downloaded=sum(f.downloaded for f in fetches),
        requests=len(fetches),
        results=len(search.results),
        seconds=search.seconds,
        outside=search.outside,
    )


def index_seconds(site: Path) -> float:
    """Pagefind over the built site's pages, shard by shard, exactly as a garden build without
    a cache runs it."""
    from garden.site.search import GLOB, ShardedIndex
    from garden.speed.cache import Cache

    pages = {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.glob(GLOB))}
    start = time.perf_counter()
    index = ShardedIndex(Cache(None), pages, generation=0)
    try:
        index.build()
        return time.perf_counter() - start
    finally:
        index.close()


# --------------------------------------------------------------------------------------------
# One size.


@dataclass
class Figures:
    cold: Run | None = None
    sampled: Run | None = None  # a second cold build, with its memory sampled
    warm: Run | None = None
    edit: Run | None = None
    edit_shown: bool | None = None  # the marker was in the page the one-edit build wrote
    serve: ServeResult | None = None
    search: FirstSearch | None = None
    index_seconds: float | None = None  # garden only: Pagefind over the cold site


@dataclass
class SizeResult:
    count: int
    edited: str  # the edited essay, relative to the corpus
    urls: dict[str, str]
    figures: dict[str, Figures]  # "garden", "plain"
    corpus: str = "generated"  # or "real"
    warnings: dict[str, int | None] = field(default_factory=dict)  # per side: the check build's warnings (None: not checked)


def ensure_real_corpus(count: int) -> tuple[Path, float | None]:
    """bench/.work/corpus-real-N, written again by bench/realcorpus.py unless it is current."""
    corpus = WORK_DIR / f"corpus-real-{count}"
    if realcorpus.is_current(corpus, count):
        return corpus, None
    start = time.perf_counter()
    realcorpus.write_corpus(count, corpus)
    return corpus, time.perf_counter() - start


def work_dir(count: int, corpus: str) -> Path:
    return WORK_DIR / (f"scale-{count}" if corpus == "generated" else f"scale-{corpus}-{count}")


def prepare(count: int, seed: int, skip_plain: bool, kind: str = "generated") -> tuple[Path, EditedPost, list[Side]]:
    corpus, generated_in = ensure_corpus(count, seed) if kind == "generated" else ensure_real_corpus(count)
    if generated_in is not None:
        say(f"N={count}: wrote {corpus.relative_to(PROJECT_DIR)} in {generated_in:.1f} s")
    work = work_dir(count, kind)
    private = work / "corpus"
    shutil.rmtree(private, ignore_errors=True)
    shutil.copytree(corpus, private)  # edits happen here, never in the shared corpus
    post = EditedPost.pick(private)
    config = garden_config(load_site_config(), private)
    cache = work / "cache"
    garden_env = {**BUILD_ENV, "GARDEN_CACHE_DIR": str(cache)}
    sides = [Side("garden", write_config(config, work / "garden.yml"), garden_env, post.garden_url(private), "pagefind")]
    if not skip_plain:
        plain = write_config(plain_material_config(config), work / "plain.yml")
        sides.append(Side("plain", plain, dict(BUILD_ENV), post.plain_url(private), "lunr"))
    return work, post, sides


def measure(count: int, args: argparse.Namespace) -> SizeResult:
    work, post, sides = prepare(count, args.seed, args.skip_plain, args.corpus)
    result = SizeResult(
        count,
        post.path.relative_to(work / "corpus").as_posix(),
        {side.name: side.url for side in sides},
        {side.name: Figures() for side in sides},
        args.corpus,
        {side.name: None for side in sides},
    )
    sites = {side.name: work / f"site-{side.name}" for side in sides}

    if not args.no_check:
        for side in sides:
            # The generated corpus builds clean, so a warning there means the garden takes an error
            # path and stops the benchmark; the real one links to posts outside it and warns.
            strict = side.name == "garden" and args.corpus == "generated"
            say(f"N={count}: {side.name}: checking (mkdocs build{' --strict' * strict}, untimed) ...")
            warnings = check_build(side, work, strict=strict)
            result.warnings[side.name] = len(warnings)
            log = (work / f"check-{side.name}.log").relative_to(PROJECT_DIR)
            say(f"N={count}: {side.name}: {len(warnings)} warnings (all of them in {log})")
            for line in warnings[:5]:
                say(f"  {side.name}: {line}")

    for side in sides:
        if side.name == "garden":
            shutil.rmtree(work / "cache", ignore_errors=True)  # cold: the garden starts with no cache
        say(f"N={count}: {side.name}: cold build ...")
        run = result.figures[side.name].cold = build(side, sites[side.name])
        say(f"N={count}: {side.name}: cold {run.seconds:.2f} s")
    # Memory from cold builds of their own: reading every process's smaps_rollup every 50 ms
    # slows the builds it samples, the garden's (more and larger processes) most: at 1,000
    # essays its cold build took 25.5 s sampled against 17.9 s not.
    for side in sides:
        if side.name == "garden":
            shutil.rmtree(work / "cache", ignore_errors=True)  # what it fills, the warm builds use
        say(f"N={count}: {side.name}: cold build again, sampling PSS ...")
        with fresh_site(side, work) as site:
            run = result.figures[side.name].sampled = build(side, site, sample=True)
        say(f"N={count}: {side.name}: peak PSS {mib(run.peak_pss or 0):.0f} MiB")

    for side in sides:
        say(f"N={count}: {side.name}: warm build, nothing changed ...")
        with fresh_site(side, work) as site:
            run = result.figures[side.name].warm = build(side, site)
        say(f"N={count}: {side.name}: warm {run.seconds:.2f} s")

    for side in sides:
        say(f"N={count}: {side.name}: warm build after editing {result.edited} ...")
        marker = new_marker()
        figures = result.figures[side.name]
        with fresh_site(side, work) as site:
            with edited(post, marker):
                run = figures.edit = build(side, site)
            figures.edit_shown = marker.encode() in page_file(site, side.url).read_bytes()
        say(f"N={count}: {side.name}: one edit {run.seconds:.2f} s" + ("" if figures.edit_shown else " (STALE: the edit is not in the page)"))

    say(f"N={count}: garden: timing Pagefind over a copy of the cold site ...")
    result.figures["garden"].index_seconds = index_seconds(sites["garden"])

    if not args.skip_search_bytes:
        for side in sides:
            say(f"N={count}: {side.name}: first search for {args.query!r} in Chromium ...")
            try:
                search = result.figures[side.name].search = first_search(side, sites[side.name], args)
            except Exception as error:  # noqa: BLE001 - one failed figure must not lose an hour of others
                # e.g. Playwright's driver runs out of memory reading plain's 211 MB lunr index
                # (53.5 MB gzipped) for the real corpus at 5,000
                index = sites[side.name] / "search" / "search_index.json"
                size = f"; its search/search_index.json is {index.stat().st_size / 1e6:,.1f} MB" if index.exists() else ""
                say(f"N={count}: {side.name}: the first search could not be measured ({type(error).__name__}: {error}){size}")
                continue
            say(f"N={count}: {side.name}: {search.transferred / 1000:,.1f} kB transferred, {search.results} results")

    if not args.skip_serve:
        for side in sides:
            say(f"N={count}: {side.name}: mkdocs serve, {SERVE_EDITS} edits of {side.url} ...")
            serve = result.figures[side.name].serve = serve_latency(side, post, work, args.timeout)
            say(f"N={count}: {side.name}: serve latency median {serve.median:.2f} s")
    return result


# --------------------------------------------------------------------------------------------
# Report.


@dataclass(frozen=True)
class Measure:
    label: str
    value: Any  # Figures -> float | None: the figure, in the unit of the label
    fmt: str = "{:.2f}"


MEASURES = (
    Measure("cold build (s)", lambda f: f.cold and f.cold.seconds),
    Measure("warm, no change (s)", lambda f: f.warm and f.warm.seconds),
    Measure("warm, one edit (s)", lambda f: f.edit and f.edit.seconds),
    Measure("serve one edit (s)", lambda f: f.serve and f.serve.median),
    Measure("peak memory (MiB PSS)", lambda f: f.sampled and f.sampled.peak_pss is not None and mib(f.sampled.peak_pss), "{:.0f}"),
    Measure("mkdocs RSS (MiB)", lambda f: f.cold and mib(f.cold.max_rss), "{:.0f}"),
    Measure("search first query (kB)", lambda f: f.search and f.search.transferred / 1000, "{:,.1f}"),
)


def rows(result: SizeResult) -> list[tuple[str, ...]]:
    garden, plain = result.figures["garden"], result.figures.get("plain")
    lines = []
    for measure in MEASURES:
        ours = measure.value(garden) or None
        if ours is None:
            continue  # skipped
        theirs = (measure.value(plain) or None) if plain else None
        lines.append(
            (
                str(result.count),
                measure.label,
                measure.fmt.format(ours),
                measure.fmt.format(theirs) if theirs else "-",
                f"{ours / theirs:.2f}" if theirs else "-",
            )
        )
    share = garden.index_seconds / garden.cold.seconds if garden.index_seconds and garden.cold else None
    if share is not None:
        lines.append((str(result.count), "search index share", f"{share:.0%}", "n/a" if plain else "-", ""))
    return lines


def table(results: Sequence[SizeResult]) -> str:
    header = ("N", "measure", "garden", "plain", "garden/plain")
    lines = [header] + [line for result in results for line in rows(result)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def aligned(line: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) if column == 1 else cell.rjust(width) for column, (cell, width) in enumerate(zip(line, widths)))

    return "\n".join(aligned(line) for line in lines)


def corpus_line(args: argparse.Namespace) -> str:
    if args.corpus == "real":
        return (
            f"corpus: real: N essays made from the {len(realcorpus.source_posts())} published posts of "
            "../shared/corpus/turntrout, repeated round-robin under new permalinks (bench/realcorpus.py)"
        )
    return f"corpus: generated: N synthetic essays of bench/generate.py, seed {args.seed}"


def notes(results: Sequence[SizeResult], args: argparse.Namespace) -> list[str]:
    cache = "OFF (GARDEN_NO_CACHE is set)" if os.environ.get("GARDEN_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no") else "on"
    lines = [
        f"garden cache: {cache}; GARDEN_CACHE_DIR = bench/.work/{work_dir(0, args.corpus).name.replace('0', 'N')}/cache, emptied before the cold build",
        "builds: one `python -m mkdocs build --clean --quiet` each, wall time; plain = stock Material + its search plugin",
        "peak memory: largest 50 ms sample of summed PSS over the mkdocs process and its descendants, in a second, untimed cold build; "
        "mkdocs RSS: that process's own ru_maxrss, in the timed cold build",
    ]
    if not args.skip_search_bytes:
        lines.append(f"search: query {args.query!r}, kB = 1,000 bytes sent (gzipped by the test server), in Chromium")
    for result in results:
        prefix = f"N={result.count}:"
        lines.append(f"{prefix} edited {result.edited}; URLs " + ", ".join(f"{name} {url}" for name, url in result.urls.items()))
        checked = {name: count for name, count in result.warnings.items() if count is not None}
        if checked:
            strict = " (garden: --strict)" if result.corpus == "generated" else " (non-strict)"
            lines.append(
                f"{prefix} untimed check build{strict}: "
                + ", ".join(f"{name} {count} warnings" for name, count in checked.items())
                + f", in bench/.work/{work_dir(result.count, result.corpus).name}/check-*.log"
            )
        for name, figures in result.figures.items():
            facts = []
            if figures.edit_shown is False:
                facts.append("STALE: the one-edit build did not show the edit")
            if figures.sampled and figures.sampled.peak_pss is not None:
                facts.append(f"{figures.sampled.samples} PSS samples")
            if figures.serve:
                serve = figures.serve
                latencies = " ".join(f"{s:.2f}" for s in serve.latencies)
                rebuilt = " ".join("?" if s is None else f"{s:.2f}" for s in serve.rebuilds)
                facts.append(f"serve latencies {latencies} s, MkDocs' rebuilds {rebuilt} s, first build served after {serve.first_build:.1f} s")
                overhead = [lat - reb for lat, reb in zip(serve.latencies, serve.rebuilds) if reb is not None]
                if overhead:
                    facts.append(f"latency - rebuild (watcher, config reload, fetch) {' '.join(f'{s:.2f}' for s in overhead)} s")
            if figures.search:
                search = figures.search
                facts.append(
                    f"search {search.requests} requests, {search.downloaded / 1000:,.1f} kB decoded, "
                    f"{search.results} results in {search.seconds:.1f} s"
                    + (f", LEFT 127.0.0.1: {', '.join(search.outside)}" if search.outside else "")
                )
            if figures.index_seconds is not None:
                facts.append(f"Pagefind {figures.index_seconds:.2f} s over a copy of the cold site")
            if facts:
                lines.append(f"{prefix} {name}: " + "; ".join(facts))
    return lines


def save(results: Sequence[SizeResult], args: argparse.Namespace) -> None:
    path = RESULTS_FILES[args.corpus]
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"environment": environment(), "corpus": args.corpus, "arguments": vars(args), "results": [asdict(result) for result in results]}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


HELP = """\
Measure the garden against plain mkdocs-material on gardens of N essays, copied to
bench/.work/scale-N/corpus (scale-real-N with --corpus real), where the edits happen and are
undone. The essays are bench/generate.py's (--corpus generated, the default) or the 29
published real posts of ../shared/corpus/turntrout repeated round-robin under new permalinks
(--corpus real: bench/realcorpus.py). "plain" is stock Material with the same Markdown
extensions and Material's own search plugin. An untimed check build comes first (garden
--strict on the generated corpus, stopping at a warning; non-strict on the real one, whose
posts link to posts outside it: the warnings are counted). For each N it prints garden, plain
and garden/plain for:

  cold build (s)           `mkdocs build --clean --quiet`, the garden's cache folder
                           (GARDEN_CACHE_DIR=bench/.work/scale-N/cache) emptied first
  warm, no change (s)      the same build again, same cache (plain has none: a second build)
  warm, one edit (s)       a sentence appended to one mid-corpus essay, then the same build;
                           the page is checked for the edit (STALE in the notes if missing)
  serve one edit (s)       `mkdocs serve` on 127.0.0.1: from writing an edit to the essay's
                           URL (polled every 20 ms) showing it; median of 3 edits
  peak memory (MiB PSS)    a second, untimed cold build: largest 50 ms sample of summed PSS
                           over the mkdocs process and its descendants (workers, Pagefind)
  mkdocs RSS (MiB)         cold build: the mkdocs process's own ru_maxrss (os.wait4)
  search first query (kB)  bytes sent for a first one-word search in headless Chromium:
                           Pagefind (garden) against Material's lunr index (plain)
  search index share       Pagefind over a copy of the cold garden site / cold build time
                           (plain: n/a, Material's plugin indexes while rendering)

Raw figures go to bench/.work/scale-results.json (scale-results-real.json with --corpus real).
GARDEN_NO_CACHE=1 in the environment turns the garden's cache off (the script passes it through)."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=HELP,
        epilog="Absolute times vary with the machine and its load; compare garden/plain ratios from the same run.\n"
        "N=5000 takes about 30 minutes. Details: bench/README.md and this script's docstring.",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], metavar="N", help="corpus sizes (default: 100 1000 5000)")
    parser.add_argument(
        "--corpus",
        choices=CORPORA,
        default="generated",
        help="generated: bench/generate.py's essays; real: the real posts of ../shared/corpus/turntrout repeated "
        "under new permalinks (bench/realcorpus.py), checked non-strict (default: generated)",
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help=f"generated corpus seed (default: {generate.DEFAULT_SEED})")
    parser.add_argument("--no-check", action="store_true", help="skip the untimed check build before the timed ones")
    parser.add_argument("--skip-serve", action="store_true", help="skip the `mkdocs serve` one-edit latency")
    parser.add_argument("--skip-plain", action="store_true", help="measure the garden only (no plain figures or ratios)")
    parser.add_argument("--skip-search-bytes", action="store_true", help="skip the first-search bytes, which need Playwright and Chromium")
    parser.add_argument(
        "--query", help="the word typed into the search box (default: lantern, a word of the generated essays; reward with --corpus real)"
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium for the search measure (default: /usr/bin/chromium)")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds to wait for a served page, an edit to show or search results (default: 1800)"
    )
    args = parser.parse_args(argv)
    if args.query is None:
        args.query = "reward" if args.corpus == "real" else "lantern"
    if min(args.sizes) < 10:
        parser.error("--sizes must be at least 10 (the edited essay is picked from the middle of the corpus)")
    if args.corpus == "real" and not realcorpus.CORPUS.is_dir():
        parser.error(f"no real corpus at {realcorpus.CORPUS} (../shared/corpus/turntrout beside the repository)")
    if not args.skip_search_bytes and not Path(args.chromium).exists():
        parser.error(f"no Chromium at {args.chromium}: pass --chromium or --skip-search-bytes")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # `kill` unwinds like Ctrl-C: the finally blocks stop `mkdocs serve` and undo an edit.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    results: list[SizeResult] = []
    try:
        for count in args.sizes:
            results.append(measure(count, args))
            save(results, args)
    except (BuildFailed, ServeFailed) as failure:
        say(f"error: {failure}")
        return 1
    print("\n".join(environment()))
    print(corpus_line(args))
    print()
    print(table(results))
    print()
    print("\n".join(notes(results, args)))
    print(f"\nraw figures: {RESULTS_FILES[args.corpus].relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

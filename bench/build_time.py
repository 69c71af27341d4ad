"""Time a full `mkdocs build` of a generated garden, with and without the garden's own code.

For each corpus size N this builds the same synthetic essays (bench/generate.py) twice:

- garden: our mkdocs.yml, hooks, garden.* Markdown extensions and theme overrides;
- plain:  the same config minus the garden's hook, the garden.* extensions and
          `theme.custom_dir`, i.e. stock Material for MkDocs with the same Markdown extensions
          and plugins (and bench/plain_hook.py, so Material accepts a bare-string `tags:`).

The plain build is the yardstick: absolute seconds depend on the machine and its load, while
garden/plain says what the garden's code costs on top of MkDocs and Material. Each build is a
fresh `python -m mkdocs build` process, so the figures include start-up, as `make build` pays it.

    python bench/build_time.py --sizes 100 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

import generate  # bench/generate.py: this script's folder is on sys.path when run as a script

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"  # gitignored
SITE_CONFIG = PROJECT_DIR / "mkdocs.yml"
PLAIN_HOOK = BENCH_DIR / "plain_hook.py"
# MkDocs 1.6 prints a banner about MkDocs 2 on every run; it says nothing about this benchmark.
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


# --------------------------------------------------------------------------------------------
# Configs: mkdocs.yml rewritten to build the corpus, once as the garden and once as plain Material.


@dataclass(frozen=True)
class Tagged:
    """A YAML value under a tag only MkDocs understands (`!ENV`, `!!python/name:`), kept as written."""

    tag: str
    value: Any


class ConfigLoader(yaml.SafeLoader):
    """Loads mkdocs.yml without MkDocs, keeping custom tags so the rewritten config still has them."""


class ConfigDumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.SequenceNode):
        value: Any = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.Dumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


ConfigLoader.add_multi_constructor("!", _construct_tagged)
ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
ConfigDumper.add_representer(Tagged, _represent_tagged)


def load_site_config(path: Path = SITE_CONFIG) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=ConfigLoader) or {}


def absolute(path: Any, base: Path) -> Any:
    """`path` resolved against `base`, as MkDocs resolves paths against the config's folder.

    Tagged values (e.g. `!ENV [GARDEN_HOOKS, hooks/build.py]`) are left alone: their value is
    only known when MkDocs reads them."""
    return str((base / path).resolve()) if isinstance(path, str) else path


def garden_config(site: dict[str, Any], corpus: Path, base: Path = PROJECT_DIR) -> dict[str, Any]:
    """The site's config, building `corpus`, from a file written anywhere.

    Only file-system paths move: `docs_dir`, `hooks`, `theme.custom_dir`, `watch`, `INHERIT`.
    `extra_css` and `extra_javascript` stay as they are: they are URLs inside the built site
    (the files come from `theme.custom_dir`), not paths next to mkdocs.yml, and making them
    absolute would point every page at /work/.../overrides/... instead."""
    config = _deep_copy(site)
    config["docs_dir"] = str(corpus.resolve())
    for key in ("hooks", "watch"):
        if isinstance(config.get(key), list):
            config[key] = [absolute(item, base) for item in config[key]]
    if "INHERIT" in config:
        config["INHERIT"] = absolute(config["INHERIT"], base)
    theme = config.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        theme["custom_dir"] = absolute(theme["custom_dir"], base)
    return config


def plain_config(garden: dict[str, Any]) -> dict[str, Any]:
    """The garden config as a site without the garden's code: no garden hook, no garden.*
    extensions, and Material's stock templates. Markdown extensions, plugins, nav and validation
    stay the same.

    Its only hook is bench/plain_hook.py, which turns a bare-string `tags:` into a list: without
    it Material's tags plugin aborts on the corpus, which has such tags as real exports do.

    A garden extension that stands in for a stock one (`STOCK`: the same options, the same
    output) becomes that stock extension, so both sites render the same typography."""
    config = _deep_copy(garden)
    config["hooks"] = [str(PLAIN_HOOK)]
    config["markdown_extensions"] = [
        _as_stock(entry)
        for entry in config.get("markdown_extensions", [])
        if not extension_name(entry).startswith("garden.") or extension_name(entry) in STOCK
    ]
    theme = config.get("theme")
    if isinstance(theme, dict):
        theme.pop("custom_dir", None)
    return config


STOCK = {"garden.markdown.smarty": "smarty"}  # garden extension -> the stock one it replaces


def _as_stock(entry: Any) -> Any:
    name = extension_name(entry)
    if name not in STOCK:
        return entry
    return {STOCK[name]: entry[name]} if isinstance(entry, dict) else STOCK[name]


def extension_name(entry: Any) -> str:
    """`- toc` and `- toc: {permalink: true}` both name the extension `toc`."""
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value  # str, numbers, None and frozen Tagged are immutable


def write_config(config: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Written by bench/build_time.py from {SITE_CONFIG}; rewritten on every run.\n"
    path.write_text(header + yaml.dump(config, Dumper=ConfigDumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Corpora.


def ensure_corpus(count: int, seed: int) -> tuple[Path, float | None]:
    """The corpus of `count` essays under bench/.work, regenerated unless it is already exactly
    what bench/generate.py would write now; returns it and the generation time (None: reused)."""
    corpus = WORK_DIR / f"corpus-{count}"
    if generate.is_current(corpus, count, seed):
        return corpus, None
    start = time.perf_counter()
    generate.write_corpus(count, corpus, seed, force=True)
    return corpus, time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# Builds.


@dataclass(frozen=True)
class Build:
    seconds: float  # wall time of the whole process, start-up included
    peak_rss: int  # bytes: the mkdocs process's maximum resident set size
    stderr: str

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("WARNING")]


class BuildFailed(Exception):
    def __init__(self, config: Path, returncode: int, stderr: str):
        super().__init__(f"`mkdocs build -f {config}` exited with {returncode}:\n{stderr.rstrip()}")


def run_build(config: Path, *, quiet: bool = True, strict: bool = False) -> Build:
    """Build into a throw-away folder; raise `BuildFailed` with MkDocs' stderr if it fails.

    The process is reaped with `os.wait4`, which returns that one child's resource usage. (The
    `RUSAGE_CHILDREN` total of `resource.getrusage` keeps the maximum over every child so far,
    so a smaller build after a bigger one would report the bigger one's peak.)"""
    with tempfile.TemporaryDirectory(prefix="garden-bench-") as site_dir, tempfile.TemporaryFile() as err:
        command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "--site-dir", site_dir]
        command += ["--quiet"] * quiet + ["--strict"] * strict
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=BUILD_ENV, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped above; tell Popen so
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise BuildFailed(config, process.returncode, stderr)
    return Build(seconds, usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024), stderr)


@dataclass
class Result:
    count: int
    generated_in: float | None
    garden: list[Build] = field(default_factory=list)
    plain: list[Build] = field(default_factory=list)


def check(count: int, garden: Path, plain: Path) -> None:
    """An untimed build of each with warnings shown, since the timed builds' --quiet hides them.

    The garden build is strict, so a corpus the garden warns about stops the benchmark: timing
    error paths is not timing a garden. It cannot be the timed build run with --strict: MkDocs
    1.6's --quiet drops warnings before its strict mode counts them, so `--strict --quiet`
    succeeds whatever the warnings. It doubles as a warm-up (disk cache, bytecode)."""
    say(f"N={count}: checking (mkdocs build --strict, untimed) ...")
    build = run_build(garden, quiet=False, strict=True)
    say(f"N={count}: garden build is clean ({build.seconds:.2f} s untimed)")
    build = run_build(plain, quiet=False)
    for line in build.warnings:
        say(f"  plain: {line}")


def measure(count: int, seed: int, repeat: int, checked: bool) -> Result:
    corpus, generated_in = ensure_corpus(count, seed)
    if generated_in is not None:
        say(f"N={count}: generated {corpus.relative_to(PROJECT_DIR)} in {generated_in:.2f} s")
    config = garden_config(load_site_config(), corpus)
    garden = write_config(config, WORK_DIR / f"garden-{count}.yml")
    plain = write_config(plain_config(config), WORK_DIR / f"plain-{count}.yml")
    if checked:
        check(count, garden, plain)
    result = Result(count, generated_in)
    for run in range(1, repeat + 1):
        # Interleaved, so a slow spell on the machine hits both sides of the ratio alike.
        result.garden.append(run_build(garden))
        result.plain.append(run_build(plain))
        say(f"N={count}: run {run}/{repeat}: garden {result.garden[-1].seconds:.2f} s, plain {result.plain[-1].seconds:.2f} s")
    return result


# --------------------------------------------------------------------------------------------
# Report.


def environment() -> list[str]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"python {platform.python_version()} ({sys.executable}) on {platform.platform()}",
        f"mkdocs {version('mkdocs')}, mkdocs-material {version('mkdocs-material')}, "
        f"pymdown-extensions {version('pymdown-extensions')}, Markdown {version('markdown')}",
        f"garden {garden_revision()}",
        f"nproc {cpus}",
    ]


def garden_revision() -> str:
    """The commit measured, and whether the working tree differed from it: timings of the
    garden code only compare when they name the same code."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = git("status", "--porcelain", "--", "hooks", "overrides", "mkdocs.yml")
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return f"{commit} + uncommitted changes to hooks/, overrides/ or mkdocs.yml" if changed else commit


def table(results: Sequence[Result], repeat: int) -> str:
    rows = [("N", "garden (s)", "plain (s)", "garden/plain", "garden RSS (MiB)", "plain RSS (MiB)")]
    for result in results:
        garden = min(build.seconds for build in result.garden)
        plain = min(build.seconds for build in result.plain)
        rows.append(
            (
                str(result.count),
                f"{garden:.2f}",
                f"{plain:.2f}",
                f"{garden / plain:.2f}",
                f"{mib(max(build.peak_rss for build in result.garden)):.0f}",
                f"{mib(max(build.peak_rss for build in result.plain)):.0f}",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["   ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    statistic = "best of {} runs".format(repeat) if repeat > 1 else "one run each"
    notes = [
        f"seconds: wall time of `python -m mkdocs build --clean --quiet`, {statistic}",
        "RSS: peak resident set size of the mkdocs process (os.wait4 rusage ru_maxrss), largest over the runs",
    ]
    if repeat > 1:
        for result in results:
            notes.append(
                f"N={result.count} all runs: garden {spread(result.garden)}; plain {spread(result.plain)}"
            )
    return "\n".join(lines + [""] + notes)


def spread(builds: Sequence[Build]) -> str:
    seconds = [build.seconds for build in builds]
    return " ".join(f"{s:.2f}" for s in seconds) + f" (median {statistics.median(seconds):.2f})"


def mib(size: int) -> float:
    return size / 2**20


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `mkdocs build` of generated gardens of N essays, with the garden's hook, "
        "extensions and templates and without them (plain Material), and print the ratio. "
        "Corpora and configs are kept in bench/.work/ and reused while still current.",
        epilog="Absolute times vary with the machine and its load; compare garden/plain ratios "
        "from the same run. See bench/README.md.",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100, 1000], metavar="N", help="corpus sizes to time (default: 100 1000)"
    )
    parser.add_argument("--repeat", type=int, default=1, metavar="R", help="timed builds per size and side; the best is reported (default: 1)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help=f"corpus seed (default: {generate.DEFAULT_SEED})")
    parser.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="skip the untimed `--strict` build that first checks each corpus builds without warnings",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or min(args.sizes) < 1:
        parser.error("--sizes and --repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = []
    try:
        for count in args.sizes:
            results.append(measure(count, args.seed, args.repeat, args.check))
    except BuildFailed as failure:
        say(f"error: {failure}")
        return 1
    print("\n".join(environment()))
    print()
    print(table(results, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())

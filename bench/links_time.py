"""Time `garden links` (internal checks) on a built garden, against LinkChecker crawling it.

For each N it builds the generated corpus (bench/generate.py) with the garden's config, then:

- garden links: `garden links SITE` pinned to one core (`taskset -c 0` where it exists), as a
  fresh process, so start-up and reading the sources are included;
- linkchecker: `linkchecker -t 1 http://127.0.0.1:PORT/` (one thread, internal links only, the
  usual tool's default), crawling the same site served by `python -m http.server` on 127.0.0.1.

LinkChecker is not a project dependency: install it anywhere and pass its path with
`--linkchecker /path/to/linkchecker` (`python -m venv /tmp/lc && /tmp/lc/bin/pip install linkchecker`);
without it only the garden's figure is printed.

    python bench/links_time.py --sizes 1000 --linkchecker /tmp/lc/bin/linkchecker
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import build_time  # bench/build_time.py: the corpus and config helpers

GARDEN = Path(sys.executable).parent / "garden"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_site(count: int, seed: int, site: Path) -> Path:
    corpus, _ = build_time.ensure_corpus(count, seed)
    config = build_time.write_config(
        build_time.garden_config(build_time.load_site_config(), corpus), build_time.WORK_DIR / f"garden-{count}.yml"
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", str(config), "--site-dir", str(site)],
        check=True,
        cwd=build_time.PROJECT_DIR,
        env=build_time.BUILD_ENV,
    )
    return config


def time_garden_links(config: Path, site: Path) -> tuple[float, str]:
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    start = time.perf_counter()
    result = subprocess.run(
        [*pin, str(GARDEN), "links", "-f", str(config), str(site)], capture_output=True, text=True, cwd=build_time.PROJECT_DIR
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"garden links found problems or failed:\n{result.stdout}{result.stderr}")
    return seconds, result.stdout.strip().splitlines()[-1]


def time_linkchecker(linkchecker: str, site: Path) -> tuple[float, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):  # wait until the server answers
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        start = time.perf_counter()
        result = subprocess.run(
            [*pin, linkchecker, "--no-status", "--no-warnings", "-t", "1", f"http://127.0.0.1:{port}/"],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    summary = next((line for line in reversed(result.stdout.splitlines()) if "links in" in line or "checked" in line), "")
    return seconds, summary.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], metavar="N", help="corpus sizes (default: 1000)")
    parser.add_argument("--seed", type=int, default=2024, help="generator seed (default: 2024)")
    parser.add_argument("--linkchecker", help="path to a linkchecker executable to compare against")
    args = parser.parse_args(argv)

    rows = []
    for count in args.sizes:
        with tempfile.TemporaryDirectory(prefix="garden-links-bench-") as folder:
            site = Path(folder) / "site"
            build_time.say(f"N={count}: building the site ...")
            config = build_site(count, args.seed, site)
            pages = sum(1 for _ in site.rglob("*.html"))
            garden_seconds, garden_summary = time_garden_links(config, site)
            build_time.say(f"N={count}: garden links {garden_seconds:.2f} s ({garden_summary})")
            checker_seconds, checker_summary = (None, "")
            if args.linkchecker:
                build_time.say(f"N={count}: linkchecker crawling http://127.0.0.1 (one thread) ...")
                checker_seconds, checker_summary = time_linkchecker(args.linkchecker, site)
                build_time.say(f"N={count}: linkchecker {checker_seconds:.2f} s ({checker_summary})")
            rows.append((count, pages, garden_seconds, checker_seconds))

    print("\n   N   pages   garden links (s)   linkchecker (s)   linkchecker/garden")
    for count, pages, garden_seconds, checker_seconds in rows:
        other = f"{checker_seconds:>15.2f}   {checker_seconds / garden_seconds:>18.1f}" if checker_seconds else f"{'-':>15}   {'-':>18}"
        print(f"{count:>4}   {pages:>5}   {garden_seconds:>16.2f}   {other}")
    print("\nseconds: wall time of one process each, pinned to one core; garden links includes start-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())

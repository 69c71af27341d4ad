"""Lighthouse scores and page weight of the sample garden, as a phone on a slow network sees it.

    python bench/lighthouse.py [--install] [PATH ...]

Builds the sample garden (`mkdocs build --strict`) into bench/.work/lighthouse/, serves it on
127.0.0.1 with gzip (as GitHub Pages and most static hosts serve text), and runs Lighthouse's
mobile audit (its default: a mid-range phone on a throttled 4G connection) on each page: by
default the home page and three essays. For each it prints the four category scores and the
bytes transferred, in all and before images (everything but `Image` requests).

Lighthouse is an npm package and needs Node.js; it drives the system's Chromium
(CHROME_PATH, default /usr/bin/chromium). It is not one of the project's dependencies: install it
once, outside the repository, with

    npm install --prefix ~/.cache/garden-bench/lighthouse -E lighthouse@12.2.3

or run this script with `--install`, which does exactly that. (Lighthouse 13 wants Node 22;
12.2.3 runs on Node 20.) LIGHTHOUSE names another `lighthouse` executable.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from io import BytesIO
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work" / "lighthouse"
PREFIX = Path.home() / ".cache" / "garden-bench" / "lighthouse"
VERSION = "12.2.3"
PAGES = ["/", "/footnotes/", "/reading-aids/", "/math-and-code/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {"fcp_ms": "first-contentful-paint", "lcp_ms": "largest-contentful-paint", "tbt_ms": "total-blocking-time", "cls": "cumulative-layout-shift", "si_ms": "speed-index"}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it, over keep-alive connections, as a
    static host would send them (http.server's default, HTTP/1.0, opens a connection per file,
    which Lighthouse's simulated network charges a round trip each)."""

    protocol_version = "HTTP/1.1"

    def send_head(self):  # noqa: D401 - http.server's hook
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file() or path.suffix not in COMPRESSIBLE:
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002
        pass


def lighthouse_command() -> list[str] | None:
    named = os.environ.get("LIGHTHOUSE")
    if named:
        return [named]
    local = PREFIX / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return [str(local)]
    found = shutil.which("lighthouse")
    return [found] if found else None


def install() -> None:
    PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", "-E", f"lighthouse@{VERSION}"], check=True)


def build_site() -> Path:
    site = WORK / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    subprocess.run([str(mkdocs), "build", "--strict", "--clean", "-q", "-d", str(site)], cwd=REPO, env=env, check=True)
    return site


def audit(command: list[str], url: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                *command, url, "--quiet", "--output=json", f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": chrome},
            timeout=300,
        )
        return json.loads(report.read_text(encoding="utf-8"))


def page_file(site: Path, path: str) -> Path:
    """The built file a site path is served from."""
    file = site / path.strip("/")
    return file / "index.html" if path.endswith("/") or file.is_dir() else file


def summary(result: dict) -> dict:
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    requests = result["audits"]["network-requests"]["details"]["items"]
    total = sum(item.get("transferSize", 0) for item in requests)
    images = sum(item.get("transferSize", 0) for item in requests if item.get("resourceType") == "Image")
    metrics = {name: result["audits"][audit]["numericValue"] for name, audit in METRICS.items()}
    blocking = [item["url"].rsplit("/", 1)[-1] for item in result["audits"]["render-blocking-resources"].get("details", {}).get("items", [])]
    return {**scores, **metrics, "render_blocking": blocking, "requests": len(requests), "total_kb": total / 1000, "before_images_kb": (total - images) / 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=PAGES, help="site paths to audit (default: the home page and three essays)")
    parser.add_argument("--install", action="store_true", help=f"npm install lighthouse@{VERSION} into {PREFIX} first")
    parser.add_argument("--runs", type=int, default=3, help="audits per page; the median run (by performance score) is shown (default 3)")
    parser.add_argument("--site", type=Path, help="audit this built site instead of building the sample garden")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.install:
        install()
    command = lighthouse_command()
    if command is None:
        print(f"Lighthouse is not installed: run `npm install --prefix {PREFIX} -E lighthouse@{VERSION}`, "
              "or this script with --install (see its docstring)", file=sys.stderr)
        return 2
    chrome = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
    site = args.site or build_site()
    missing = [path for path in args.paths if not page_file(site, path).is_file()]
    if missing:
        print(f"no such page in {site}: {', '.join(missing)} (give site paths such as /footnotes/; "
              "a draft or an alias redirect is not an essay page)", file=sys.stderr)
        return 2
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    rows = {}
    try:
        for path in args.paths:
            runs = [summary(audit(command, f"http://127.0.0.1:{httpd.server_port}{path}", chrome)) for _ in range(args.runs)]
            runs.sort(key=lambda run: run["performance"])
            rows[path] = {**runs[len(runs) // 2], "performance_runs": [run["performance"] for run in runs]}
    finally:
        httpd.shutdown()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    load = os.getloadavg()[0]
    print(f"Lighthouse {VERSION} mobile, sample garden served with gzip from 127.0.0.1; median of {args.runs} runs; "
          f"load average {load:.1f} on {os.cpu_count()} cores (Lighthouse's CPU figures grow with it)")
    print(f"{'page':<16} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'FCP s':>5} {'LCP s':>5} {'TBT ms':>6} {'CLS':>5} {'requests':>8} {'kB total':>8} {'kB before images':>16}  perf of each run")
    for path, row in rows.items():
        print(
            f"{path:<16} {row['performance']:>4} {row['accessibility']:>4} {row['best-practices']:>4} {row['seo']:>4} "
            f"{row['fcp_ms'] / 1000:>5.1f} {row['lcp_ms'] / 1000:>5.1f} {row['tbt_ms']:>6.0f} {row['cls']:>5.3f} "
            f"{row['requests']:>8} {row['total_kb']:>8.1f} {row['before_images_kb']:>16.1f}  {row['performance_runs']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make serve` under edits: twenty rapid saves, a rename, a delete and a new post while
`mkdocs serve --livereload --dirty` runs (as `make serve` starts it). Once it settles, every page
it serves is what a fresh server of the final sources, without the build cache, serves; the
pages of the deleted and renamed posts are gone; the log has no warning, error or traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ENV, post, write_project

pytestmark = pytest.mark.slow

SERVE_ENV = {key: value for key, value in ENV.items() if not key.startswith("GARDEN_")} | {"SOURCE_DATE_EPOCH": "1700000000"}
QUIET_FOR = 3.0  # seconds without a word from the server: it has settled
LIVERELOAD = re.compile(rb"livereload\(\d+, \d+\);")  # the epoch and request id MkDocs injects


def essay(n: int, words: str = "", **frontmatter) -> str:
    body = f"Essay {n} {words}says something, and points back to [[hub]] and [the hub](/hub).\n\n> [!note] A note\n> In essay {n}.\n"
    return post(f"Essay {n}", body, permalink=f"essay-{n}", aliases=[f"old-{n}"], tags=[f"tag-{n % 2}"], date_published=f"2024-02-{n:02d}", **frontmatter)


def files() -> dict[str, str]:
    garden = {
        "index.md": post("Home", "Welcome.\n"),
        "tags.md": "---\ntitle: Tags\nunlisted: true\n---\n\n<!-- material/tags -->\n",
        "hub.md": post("The hub", "Everything links here.\n", permalink="hub", date_published="2024-01-01"),
    }
    for n in range(1, 11):
        garden[f"essay-{n}.md"] = essay(n, publish=False) if n == 3 else essay(n)
    return garden


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`mkdocs serve` as `make serve` runs it, its log in a file."""

    def __init__(self, project: Path, port: int, log: Path, env: dict[str, str]) -> None:
        self.port, self.log = port, log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            env=env,
            cwd=project,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while self.fetch("")[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                pytest.fail(f"mkdocs serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)

    def fetch(self, url: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{url}", timeout=30) as answer:
                return answer.status, LIVERELOAD.sub(b"livereload(0, 0);", answer.read())
        except urllib.error.HTTPError as error:
            return error.code, b""
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, b""

    def settle(self, limit: float = 180) -> None:
        """Wait until the server has said nothing for QUIET_FOR seconds (it has rebuilt, and
        Pagefind, which runs after a rebuild, has indexed)."""
        deadline, size, quiet_since = time.monotonic() + limit, -1, time.monotonic()
        while time.monotonic() < deadline:
            now = self.log.stat().st_size
            if now != size:
                size, quiet_since = now, time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_FOR:
                return
            time.sleep(0.2)
        pytest.fail(f"mkdocs serve never settled:\n{self.text[-4000:]}")

    @property
    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def urls(content: Path) -> list[str]:
    """Every address the final site should answer, and those it must no longer have."""
    found = ["", "tags/", "tags/tag-0/", "tags/tag-1/", "feed.xml", "sitemap.xml", "hub/", "essay-new/", "six/", "old-6/", "pagefind/pagefind-entry.json"]
    found += [f"essay-{n}/" for n in range(1, 11)] + [f"old-{n}/" for n in range(1, 11)]
    return found


def test_serve_ends_as_a_fresh_server_of_the_final_sources_after_a_burst_of_edits(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    write_project(project, files())
    content = project / "content"
    port = free_port()
    edited = Server(project, port, tmp_path / "edited.log", SERVE_ENV)
    try:
        edited.settle()
        # Twenty saves in quick succession, some landing while a rebuild runs.
        for revision in range(20):
            (content / "essay-1.md").write_text(essay(1, f"(revision {revision}) "), encoding="utf-8")
            time.sleep(0.15)
        # A rename that moves the file and changes the permalink, keeping the old one as an alias.
        (content / "sub").mkdir()
        (content / "sub/six.md").write_text((content / "essay-6.md").read_text(encoding="utf-8").replace("permalink: essay-6", "permalink: six").replace("- old-6", "- old-6\n- essay-6-moved"), encoding="utf-8")
        (content / "essay-6.md").unlink()
        time.sleep(0.3)
        (content / "essay-5.md").unlink()  # a delete
        time.sleep(0.3)
        (content / "essay-new.md").write_text(post("A new essay", "Fresh, linking to [[hub]] and [[six]].\n", permalink="essay-new", date_published="2024-03-01"), encoding="utf-8")
        edited.settle()
        served = {url: edited.fetch(url) for url in urls(content)}
    finally:
        edited.stop()

    fresh = Server(project, port, tmp_path / "fresh.log", SERVE_ENV | {"GARDEN_NO_CACHE": "1"})
    try:
        fresh.settle()
        expected = {url: fresh.fetch(url) for url in urls(content)}
    finally:
        fresh.stop()

    assert "revision 19" in served["essay-1/"][1].decode()
    assert served["essay-5/"][0] == served["old-5/"][0] == served["essay-6/"][0] == 404
    assert served["six/"][0] == 200 and b"url=../six/" in served["old-6/"][1]
    for url in expected:
        assert served[url][0] == expected[url][0], f"/{url}: {served[url][0]} from the edited server, {expected[url][0]} from a fresh one"
        assert served[url][1] == expected[url][1], f"/{url} differs from what a fresh server of the same sources serves"
    for log in (edited.text, fresh.text):
        problems = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
        # the test's own requests for the pages that must be gone are logged as warnings
        assert not [line for line in problems if not re.search(r'"GET /(essay-5|essay-6|old-5)/ HTTP/1.1" code 404', line)], log[-4000:]
        assert "Traceback" not in log
    assert edited.text.count("Reloading browsers") >= 2  # it did rebuild while the edits came

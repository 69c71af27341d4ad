"""External link checking against a fault-injecting HTTP server on 127.0.0.1.

No test reaches any other host: `socket.getaddrinfo` answers only for loopback names here, and
says "no such host" (or "try again", for `offline.invalid`) for every other name; proxy
variables are cleared so that requests go direct.
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from garden.check.external import ExternalResult, ExternalSettings, _bot_blocker, _retry_after_seconds, check_urls

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

TIMEOUT = 0.5  # the checker's timeout in these tests
SLOW = 2.0  # how long /slow takes to answer: well past TIMEOUT


class FaultInjectingServer(ThreadingHTTPServer):
    """Answers by path (see `FaultInjectingHandler.answer`) and counts what it was asked."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultInjectingHandler)
        self.lock = threading.Lock()
        self.requests: Counter[tuple[str, str]] = Counter()  # (method, path) → count
        self.times: dict[str, list[float]] = {}  # path → when each request arrived
        self.in_flight = 0
        self.most_in_flight = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server_address[1]}{path}"

    def count(self, path: str, method: str | None = None) -> int:
        with self.lock:
            return sum(n for (m, p), n in self.requests.items() if p == path and method in (None, m))

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up on /slow: expected, not worth a traceback


class FaultInjectingHandler(BaseHTTPRequestHandler):
    server: FaultInjectingServer

    def do_HEAD(self) -> None:
        self.answer("HEAD")

    def do_GET(self) -> None:
        self.answer("GET")

    def answer(self, method: str) -> None:
        server, path = self.server, urlsplit(self.path).path
        with server.lock:
            server.requests[method, path] += 1
            server.times.setdefault(path, []).append(time.monotonic())
            nth = len(server.times[path])  # this path's request number, whatever the method
        match path:
            case "/ok" | "/new-home":
                self.reply(method, 200)
            case "/missing":
                self.reply(method, 404)
            case "/slow":
                time.sleep(SLOW)
                self.reply(method, 200)
            case "/flaky":
                self.reply(method, 500 if nth == 1 else 200)
            case "/busy":
                self.reply(method, 429, {"Retry-After": "1"}) if nth == 1 else self.reply(method, 200)
            case "/unavailable":
                self.reply(method, 503, {"Retry-After": "1"}) if nth == 1 else self.reply(method, 200)
            case "/always-429":
                self.reply(method, 429, {"Retry-After": "0"})
            case "/busy-long":
                self.reply(method, 429, {"Retry-After": "3600"})
            case "/always-500":
                self.reply(method, 500)
            case "/loop-a":
                self.reply(method, 302, {"Location": "/loop-b"})
            case "/loop-b":
                self.reply(method, 302, {"Location": "/loop-a"})
            case "/moved":
                self.reply(method, 301, {"Location": "/new-home"})
            case "/head-not-allowed":
                self.reply(method, 405 if method == "HEAD" else 200)
            case "/blocked":
                self.reply(method, 403)
            case "/pause":
                with server.lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                time.sleep(0.2)
                with server.lock:
                    server.in_flight -= 1
                self.reply(method, 200)
            case _:
                self.reply(method, 404)

    def reply(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        body = f"<p>{status}</p>".encode()
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method == "GET":
                self.wfile.write(body)
        except OSError:
            pass  # the checker hung up (after its timeout): fine

    def log_message(self, format, *args) -> None:
        pass


def serve() -> Iterator[FaultInjectingServer]:
    server = FaultInjectingServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module", autouse=True)
def loopback_only() -> Iterator[None]:
    """Name lookups for anything but this machine fail, so no test can reach the network."""
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in ("127.0.0.1", "localhost", "::1"):
            return real_getaddrinfo(host, *args, **kwargs)
        if name == "offline.invalid":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        for variable in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):  # requests go direct
            patch.delenv(variable, raising=False)
            patch.delenv(variable.upper(), raising=False)
        yield


@pytest.fixture
def server() -> Iterator[FaultInjectingServer]:
    yield from serve()


def fast_settings(cache_file: Path | None, **overrides) -> ExternalSettings:
    values = dict(
        timeout=TIMEOUT, retries=2, backoff=0.1, max_retry_after=5, per_host=2, workers=8,
        bot_blocking_hosts=(), cache_file=cache_file,
    )
    return ExternalSettings(**{**values, **overrides})


# One run over every fault, then a second run with the same cache.

FAULTS = {  # path → (status, reason, http_status) expected on the first run
    "/ok": ("ok", "200 OK", 200),
    "/missing": ("broken", "404 Not Found", 404),
    "/slow": ("unknown", "timed out after 0.5 s (3 tries)", None),
    "/flaky": ("ok", "200 OK", 200),
    "/busy": ("ok", "200 OK", 200),
    "/unavailable": ("ok", "200 OK", 200),
    "/always-429": ("unknown", "rate limited (429) after 3 tries", 429),
    "/busy-long": ("unknown", "429 Too Many Requests: asks to retry after 3600 s, longer than max_retry_after (5 s)", 429),
    "/always-500": ("broken", "server error 500 after 3 tries", 500),
    "/loop-a": ("broken", "redirect loop", None),
    "/moved": ("ok", "200 OK", 200),
    "/head-not-allowed": ("ok", "200 OK", 200),
}
CACHED_ON_SECOND_RUN = {"/ok", "/missing", "/flaky", "/busy", "/unavailable", "/loop-a", "/moved", "/head-not-allowed"}


class Run:
    def __init__(self, server: FaultInjectingServer, urls: list[str], settings: ExternalSettings) -> None:
        self.progress: list[tuple[int, int]] = []
        self.requests_before = Counter(server.requests)
        started = time.monotonic()
        self.results = check_urls(urls, settings, progress=lambda done, total: self.progress.append((done, total)))
        self.seconds = time.monotonic() - started
        self.requests = Counter(server.requests) - self.requests_before  # made by this run


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultInjectingServer]:
    yield from serve()


@pytest.fixture(scope="module")
def run_settings(tmp_path_factory) -> ExternalSettings:
    cache_file = tmp_path_factory.mktemp("external") / "cache" / "external-links.json"
    return fast_settings(cache_file, ignore=("http://127.0.0.1:*/private/*",))


@pytest.fixture(scope="module")
def fault_urls(fault_server) -> list[str]:
    return [
        *(fault_server.url(path) for path in FAULTS),
        fault_server.url("/ok#one"),
        fault_server.url("/ok#two"),
        fault_server.url("/private/draft"),
        "mailto:someone@example.org",
    ]


@pytest.fixture(scope="module")
def first_run(fault_server, fault_urls, run_settings) -> Run:
    return Run(fault_server, fault_urls, run_settings)


@pytest.fixture(scope="module")
def second_run(first_run, fault_server, fault_urls, run_settings) -> Run:
    return Run(fault_server, fault_urls, run_settings)


@pytest.mark.parametrize("path", FAULTS)
def test_each_fault_is_classified(first_run, fault_server, path):
    result = first_run.results[fault_server.url(path)]
    assert (result.status, result.reason, result.http_status) == FAULTS[path]
    assert result.url == fault_server.url(path) and not result.from_cache


def test_every_url_given_has_a_result_keyed_as_given(first_run, fault_urls):
    assert list(first_run.results) == fault_urls
    assert all(url == result.url for url, result in first_run.results.items())


def test_urls_differing_by_fragment_are_requested_once(first_run, fault_server):
    for url in (fault_server.url("/ok"), fault_server.url("/ok#one"), fault_server.url("/ok#two")):
        assert first_run.results[url].reason == "200 OK"
    assert first_run.requests["HEAD", "/ok"] == 1 and first_run.requests["GET", "/ok"] == 0


def test_ignored_and_non_http_urls_are_not_requested(first_run, fault_server):
    ignored = first_run.results[fault_server.url("/private/draft")]
    assert (ignored.status, ignored.reason) == ("ok", "ignored by pattern http://127.0.0.1:*/private/*")
    assert fault_server.count("/private/draft") == 0
    mailto = first_run.results["mailto:someone@example.org"]
    assert (mailto.status, mailto.reason) == ("ok", "not checked (mailto)")


def test_requests_made(first_run):
    made = first_run.requests
    assert made["HEAD", "/missing"] == 1  # a 404 is not retried
    assert made["HEAD", "/flaky"] == 2  # 500, then retried: 200
    assert made["HEAD", "/always-500"] == 3 and made["HEAD", "/always-429"] == 3  # 1 + 2 retries
    assert made["HEAD", "/slow"] == 3
    assert made["HEAD", "/busy-long"] == 1  # asks for too long a wait: given up at once
    assert made["HEAD", "/moved"] == 1 and made["HEAD", "/new-home"] == 1  # HEAD kept through the redirect
    assert made["HEAD", "/head-not-allowed"] == 1 and made["GET", "/head-not-allowed"] == 1
    assert 2 <= made["HEAD", "/loop-a"] + made["HEAD", "/loop-b"] <= 12  # the loop is caught quickly


def test_retry_after_is_honoured(first_run, fault_server):
    for path in ("/busy", "/unavailable"):
        first, second = fault_server.times[path][:2]
        assert second - first >= 0.9, path  # Retry-After: 1


def test_backoff_grows(first_run, fault_server):
    first, second, third = fault_server.times["/always-500"][:3]
    assert second - first >= 0.1 and third - second >= 0.2  # backoff 0.1, then doubled


def test_the_run_is_bounded_in_time(first_run):
    # /slow is the longest: 3 tries × 0.5 s + 0.1 s + 0.2 s of backoff; all others run beside it.
    assert first_run.seconds < 6, first_run.seconds


def test_progress_is_reported_for_each_distinct_url(first_run):
    total = len(FAULTS) + 2  # + /private/draft and mailto; /ok#one and /ok#two are /ok
    assert first_run.progress == [(done, total) for done in range(1, total + 1)]


def test_cache_file_holds_only_lasting_results(first_run, run_settings, fault_server):
    cached = json.loads(run_settings.cache_file.read_text())
    assert set(cached) == {fault_server.url(path) for path in CACHED_ON_SECOND_RUN}
    assert cached[fault_server.url("/missing")]["status"] == "broken"
    assert set(cached[fault_server.url("/ok")]) == {"status", "reason", "http_status", "checked_at"}
    assert not list(run_settings.cache_file.parent.glob("*.tmp"))


def test_second_run_uses_the_cache(second_run, fault_server):
    for path in CACHED_ON_SECOND_RUN:
        result = second_run.results[fault_server.url(path)]
        assert result.from_cache, path
        assert (result.status, result.reason, result.http_status) == FAULTS[path]
        assert second_run.requests["HEAD", path] == second_run.requests["GET", path] == 0, path
    assert second_run.results[fault_server.url("/ok#two")].from_cache


@pytest.mark.parametrize("path", ["/slow", "/always-500", "/always-429", "/busy-long"])
def test_second_run_rechecks_what_may_have_been_passing_trouble(second_run, fault_server, path):
    result = second_run.results[fault_server.url(path)]
    assert not result.from_cache
    assert (result.status, result.reason, result.http_status) == FAULTS[path]
    assert second_run.requests["HEAD", path] >= 1


# Hosts that block bots.


def test_403_from_a_bot_blocking_host_is_unknown(server):
    url = server.url("/blocked", host="localhost")
    result = check_urls([url], fast_settings(None, bot_blocking_hosts=("localhost",)))[url]
    assert (result.status, result.http_status) == ("unknown", 403)
    assert result.reason == "blocked by localhost (403): check it in a browser"
    assert server.count("/blocked", "HEAD") == 1 and server.count("/blocked", "GET") == 1  # no retries


def test_429_from_a_bot_blocking_host_is_unknown_at_once(server):
    url = server.url("/always-429", host="localhost")
    result = check_urls([url], fast_settings(None, bot_blocking_hosts=("localhost",)))[url]
    assert (result.status, result.reason) == ("unknown", "blocked by localhost (429): check it in a browser")
    assert server.count("/always-429") == 1


def test_403_from_other_hosts_is_broken_and_cached(server, tmp_path):
    url = server.url("/blocked", host="localhost")
    settings = fast_settings(tmp_path / "cache.json")
    result = check_urls([url], settings)[url]
    assert (result.status, result.reason, result.http_status) == ("broken", "403 Forbidden", 403)
    assert check_urls([url], settings)[url].from_cache


def test_bot_blocking_host_matches_itself_and_subdomains():
    settings = ExternalSettings()
    assert _bot_blocker("https://www.lesswrong.com/posts/x", "", settings) == "lesswrong.com"
    assert _bot_blocker("https://LessWrong.com./posts/x", "", settings) == "lesswrong.com"
    assert _bot_blocker("https://t.co/abc", "https://twitter.com/someone", settings) == "twitter.com"  # after a redirect
    assert _bot_blocker("https://notlesswrong.com/", "", settings) is None
    assert _bot_blocker("https://lesswrong.com.example.org/", "", settings) is None


# Failures before any HTTP answer.


def test_unknown_host_is_broken_and_cached(tmp_path):
    url = "https://no-such-host.invalid/page"
    settings = fast_settings(tmp_path / "cache.json")
    result = check_urls([url], settings)[url]
    assert (result.status, result.reason, result.http_status) == ("broken", "DNS lookup failed", None)
    assert check_urls([url], settings)[url].from_cache


def test_temporary_dns_failure_is_unknown_and_not_cached(tmp_path):
    url = "https://offline.invalid/page"
    settings = fast_settings(tmp_path / "cache.json")
    result = check_urls([url], settings)[url]
    assert result.status == "unknown" and result.reason.startswith("DNS lookup failed for now")
    assert not check_urls([url], settings)[url].from_cache


def test_connection_refused_is_broken():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = check_urls([url], fast_settings(None))[url]
    assert (result.status, result.reason) == ("broken", "connection refused")


# Concurrency.


@pytest.mark.parametrize(("per_host", "workers", "most"), [(2, 8, 2), (4, 1, 1)])
def test_concurrent_requests_are_limited(server, per_host, workers, most):
    urls = [server.url(f"/pause?n={n}") for n in range(4)]
    results = check_urls(urls, fast_settings(None, per_host=per_host, workers=workers))
    assert all(result.status == "ok" for result in results.values())
    assert server.count("/pause") == 4
    assert server.most_in_flight == most


# The cache.


def test_cache_entries_expire_after_their_ttl(server, tmp_path):
    ok, missing = server.url("/ok"), server.url("/missing")
    settings = fast_settings(tmp_path / "cache.json", ttl_ok=100, ttl_broken=10)
    clock = [1000.0]

    def run() -> dict[str, ExternalResult]:
        return check_urls([ok, missing], settings, now=lambda: clock[0])

    assert not any(result.from_cache for result in run().values())
    clock[0] = 1009.0  # both still fresh
    assert all(result.from_cache for result in run().values())
    clock[0] = 1011.0  # the broken result has expired, the good one has not
    results = run()
    assert results[ok].from_cache and not results[missing].from_cache
    clock[0] = 1101.0  # both expired (the 404 was rechecked at 1011)
    assert not any(result.from_cache for result in run().values())
    assert server.count("/ok") == 2 and server.count("/missing") == 3


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"http://x/": "ok"}', '{"http://x/": {"status": "ok"}}', "\udcff"])
def test_a_corrupt_cache_file_means_a_fresh_start(server, tmp_path, content):
    cache_file = tmp_path / "cache.json"
    cache_file.write_bytes(content.encode("utf-8", "surrogateescape"))
    url = server.url("/ok")
    result = check_urls([url], fast_settings(cache_file))[url]
    assert (result.status, result.from_cache) == ("ok", False)
    assert set(json.loads(cache_file.read_text())) == {url}  # rewritten, valid


def test_an_unusable_cache_path_is_no_traceback(server, tmp_path):
    cache_file = tmp_path / "cache.json"
    cache_file.mkdir()  # a folder where the file should be: unreadable and unwritable
    url = server.url("/ok")
    assert check_urls([url], fast_settings(cache_file))[url].status == "ok"


def test_no_cache_file_means_no_cache(server):
    url = server.url("/ok")
    check_urls([url], fast_settings(None))
    assert not check_urls([url], fast_settings(None))[url].from_cache
    assert server.count("/ok") == 2


# Smaller pieces.


def test_retry_after_in_seconds_or_as_an_http_date():
    assert _retry_after_seconds("120") == 120
    assert _retry_after_seconds(formatdate(1_700_000_030, usegmt=True), now=lambda: 1_700_000_000) == 30
    assert _retry_after_seconds(formatdate(1_700_000_000, usegmt=True), now=lambda: 1_700_000_100) == 0
    assert _retry_after_seconds("soon") is None and _retry_after_seconds(None) is None


def test_settings_from_mkdocs_yml(tmp_path):
    settings = ExternalSettings.from_mapping(
        {
            "timeout": 5,
            "retries": 0,
            "ignore": ["https://example.com/private/*"],
            "bot_blocking_hosts": ["LessWrong.com", "example.org"],
            "cache_file": ".cache/x.json",
            "ttl_ok": 3600,
        },
        base=tmp_path,
    )
    assert settings.timeout == 5.0 and settings.retries == 0 and settings.ttl_ok == 3600
    assert settings.ignore == ("https://example.com/private/*",)
    assert settings.bot_blocking_hosts == ("lesswrong.com", "example.org")
    assert settings.cache_file == tmp_path / ".cache/x.json"
    assert settings.per_host == ExternalSettings.per_host  # unset keys keep their defaults


def test_settings_defaults_and_no_cache(tmp_path):
    defaults = ExternalSettings.from_mapping(None, base=tmp_path)
    assert defaults.cache_file == tmp_path / ".cache/garden/external-links.json"
    assert "lesswrong.com" in defaults.bot_blocking_hosts and defaults.user_agent.startswith("garden-links/")
    assert ExternalSettings.from_mapping({"cache_file": None}, base=tmp_path).cache_file is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("timout", 5),
        ("timeout", "fast"),
        ("timeout", 0),
        ("timeout", math.nan),
        ("retries", 1.5),
        ("retries", True),
        ("retries", -1),
        ("per_host", 0),
        ("ignore", [1]),
        ("ignore", {"a": 1}),
        ("bot_blocking_hosts", [""]),
        ("cache_file", 3),
        ("user_agent", ""),
    ],
)
def test_bad_settings_name_the_key(tmp_path, key, value):
    with pytest.raises(ValueError, match=rf"extra\.garden\.links(\.{key}: |: unknown key '{key}')"):
        ExternalSettings.from_mapping({key: value}, base=tmp_path)


def test_settings_must_be_a_mapping(tmp_path):
    with pytest.raises(ValueError, match="extra.garden.links"):
        ExternalSettings.from_mapping(["timeout"], base=tmp_path)

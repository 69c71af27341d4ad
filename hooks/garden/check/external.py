"""External links for `garden links --external`: is each http(s) URL still a page?

Each distinct URL is requested once (the `#fragment` is never sent, so URLs differing only by
fragment are one check): HEAD first, then GET (reading at most a few KB) when HEAD is refused
with 400, 403, 405 or 501 or its connection is reset. Redirects are followed (with a fresh
cookie jar per URL, as some sites redirect until a cookie is set). Requests run on a pool of
`workers` threads, at most `per_host` at a time to one host.

Timeouts, connection resets, 429 and 5xx are retried up to `retries` times, waiting `backoff`
seconds, then twice as long each time (at most MAX_BACKOFF). A 429 or 503 with `Retry-After`
(seconds or an HTTP date) waits that long instead; one asking for more than `max_retry_after`
gives up at once as "unknown".

How each answer is classified, and whether the result is cached:

    answer                                          status    cached
    2xx (after any redirects)                       ok        ttl_ok
    404, 410, any other 4xx                         broken    ttl_broken
    redirect loop, or more than 10 redirects        broken    ttl_broken
    DNS: no such host                               broken    ttl_broken
    connection refused; invalid TLS certificate     broken    ttl_broken
    5xx on every try                                broken    never (the server may be back soon)
    429 on every try, or Retry-After too long       unknown   never
    timeout or connection reset on every try        unknown   never
    403, 429 (or LinkedIn's 999) from a host in     unknown   never: no retries, check it
      `bot_blocking_hosts` or its subdomains                   in a browser
    temporary DNS failure, network unreachable,     unknown   never (we may be offline)
      other TLS errors, malformed HTTP answers
    URL matching an `ignore` pattern                ok        never requested
    not http(s): mailto:, tel:, …                   ok        never requested

The cache is a JSON file mapping URL → {status, reason, http_status, checked_at}: read once at
the start (an unreadable or corrupt file means starting afresh), entries older than their TTL
ignored, and written once at the end, atomically. Results read from it have `from_cache=True`.

The time a URL can take is bounded: tries × (timeout for HEAD + timeout for GET) plus the waits
between tries. `timeout` applies to connecting and to each read of the socket, as in urllib.
"""

from __future__ import annotations

import difflib
import email.utils
import errno
import fnmatch
import http.client
import json
import logging
import math
import os
import socket
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, fields, replace
from http import HTTPStatus
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag, urlsplit, urlunsplit

from .. import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"garden-links/{__version__} (essay-garden link checker: is this page still there?)"
GET_BODY_LIMIT = 4096  # bytes of a GET answer read before hanging up
MAX_BACKOFF = 30.0  # seconds: the longest wait between tries when the server names none
HEAD_REFUSED = frozenset({400, 403, 405, 501})  # HEAD answers that call for a GET instead
BOT_BLOCKING_STATUSES = frozenset({403, 429, 999})  # 999: LinkedIn's "request denied"
RETRY_AFTER_STATUSES = frozenset({429, 503})
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Failures that will not pass by themselves: "broken". Any other failure is "unknown".
BROKEN_FAILURES = frozenset({"redirect loop", "no such host", "refused", "bad certificate", "invalid URL"})


@dataclass(frozen=True)
class ExternalResult:
    url: str
    status: str  # "ok" | "broken" | "unknown"
    reason: str  # in words: "200 OK", "404 Not Found", "timed out after 2 s (3 tries)", …
    http_status: int | None = None
    from_cache: bool = False


@dataclass(frozen=True)
class ExternalSettings:
    timeout: float = 10.0  # seconds per request
    retries: int = 2  # extra tries after the first, for timeouts, 429 and 5xx
    backoff: float = 1.0  # first retry delay; doubles each retry, capped at MAX_BACKOFF
    max_retry_after: float = 60.0  # longest Retry-After honoured; longer → give up as "unknown"
    per_host: int = 2  # concurrent requests to one host
    workers: int = 16  # concurrent requests in all
    ignore: tuple[str, ...] = ()  # fnmatch globs matched against the whole URL (without #fragment)
    bot_blocking_hosts: tuple[str, ...] = (
        "lesswrong.com",
        "alignmentforum.org",
        "greaterwrong.com",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "medium.com",
    )  # a host matches itself and its subdomains
    cache_file: Path | None = Path(".cache/garden/external-links.json")
    ttl_ok: float = 7 * 24 * 3600
    ttl_broken: float = 24 * 3600
    user_agent: str = USER_AGENT

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None, base: Path) -> ExternalSettings:
        """From mkdocs.yml's `extra: garden: links:` block, with the keys of this class.

        `cache_file` is relative to `base` (the folder of mkdocs.yml); `cache_file: null` turns
        the cache off. Unknown keys or wrong types raise ValueError naming the key."""
        where = "extra.garden.links"
        if mapping is None:
            mapping = {}
        if not isinstance(mapping, Mapping):
            raise ValueError(f"{where}: expected a mapping of settings, got {mapping!r}")
        known = [field.name for field in fields(cls)]
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                raise ValueError(f"{where}: unknown key '{key}' ({hint})")

        values: dict[str, Any] = {}
        for key in ("timeout", "per_host", "workers"):
            if key in mapping:
                values[key] = _positive_number(mapping[key], f"{where}.{key}", integer=key != "timeout")
        for key in ("backoff", "max_retry_after", "ttl_ok", "ttl_broken", "retries"):
            if key in mapping:
                values[key] = _positive_number(mapping[key], f"{where}.{key}", integer=key == "retries", zero=True)
        for key in ("ignore", "bot_blocking_hosts"):
            if key in mapping:
                values[key] = _strings(mapping[key], f"{where}.{key}")
        if "bot_blocking_hosts" in values:
            values["bot_blocking_hosts"] = tuple(_normal_host(host) for host in values["bot_blocking_hosts"])
        if "user_agent" in mapping:
            agent = mapping["user_agent"]
            if not isinstance(agent, str) or not agent.strip():
                raise ValueError(f"{where}.user_agent: expected a non-empty string, got {agent!r}")
            values["user_agent"] = agent.strip()

        cache_file = mapping.get("cache_file", cls.cache_file)
        if cache_file is None or cache_file is False:
            values["cache_file"] = None
        elif isinstance(cache_file, (str, Path)) and str(cache_file).strip():
            values["cache_file"] = base / Path(cache_file)
        else:
            raise ValueError(f"{where}.cache_file: expected a path relative to mkdocs.yml, or null, got {cache_file!r}")
        return cls(**values)


def check_urls(
    urls: Iterable[str],
    settings: ExternalSettings,
    *,
    progress: Callable[[int, int], None] | None = None,
    now: Callable[[], float] = time.time,
) -> dict[str, ExternalResult]:
    """Check each distinct http(s) URL once; a result for every URL given, keyed as given.

    `progress(done, total)` is called from this thread after each distinct URL is settled;
    `now` is the clock for the cache's `checked_at` and TTLs."""
    given = list(dict.fromkeys(urls))
    checked_urls = list(dict.fromkeys(urldefrag(url).url for url in given))
    total = len(checked_urls)
    settled: dict[str, ExternalResult] = {}

    def settle(url: str, result: ExternalResult) -> None:
        settled[url] = result
        if progress is not None:
            progress(len(settled), total)

    cache = _read_cache(settings.cache_file)
    started_at = now()
    to_request: list[str] = []
    for url in checked_urls:
        early = _result_without_request(url, settings) or _cached_result(url, cache, settings, started_at)
        if early is not None:
            settle(url, early)
        else:
            to_request.append(url)

    fresh: dict[str, ExternalResult] = {}
    try:
        if to_request:
            host_slots = {_host(url): threading.Semaphore(settings.per_host) for url in to_request}
            executor = ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(to_request))), thread_name_prefix="garden-links")
            try:
                futures = {executor.submit(_check_url, url, settings, host_slots[_host(url)]): url for url in to_request}
                for future in as_completed(futures):
                    url = futures[future]
                    fresh[url] = future.result()
                    settle(url, fresh[url])
            finally:
                executor.shutdown(wait=True, cancel_futures=True)
    finally:
        _write_cache(settings.cache_file, cache, fresh, settings, now())

    return {url: replace(settled[urldefrag(url).url], url=url) for url in given}


# One URL, from the request to the verdict.


@dataclass(frozen=True)
class _Answer:
    """What one request got: an HTTP status, or the failure (`error`) that left none."""

    http_status: int | None = None
    error: str | None = None  # "timeout", "reset", "no such host", … (see _failure and BROKEN_FAILURES)
    detail: str = ""  # the server's reason phrase, or the error in words
    retry_after: float | None = None  # seconds the server asked us to wait
    final_url: str = ""  # after redirects

    @property
    def is_transient(self) -> bool:
        status = self.http_status or 0
        return self.error in ("timeout", "reset") or status == 429 or 500 <= status < 600

    @property
    def calls_for_get(self) -> bool:
        return self.http_status in HEAD_REFUSED or self.error == "reset"


def _check_url(url: str, settings: ExternalSettings, host_slot: threading.Semaphore) -> ExternalResult:
    """Request the URL, retrying what may pass, until it has a verdict."""
    tries = max(1, settings.retries + 1)
    method = "HEAD"
    for attempt in range(1, tries + 1):
        with host_slot:
            answer = _request(url, method, settings)
            if method == "HEAD" and answer.calls_for_get:
                method = "GET"  # and for the retries too
                answer = _request(url, method, settings)

        blocker = _bot_blocker(url, answer.final_url, settings)
        if blocker and answer.http_status in BOT_BLOCKING_STATUSES:
            reason = f"blocked by {blocker} ({answer.http_status}): check it in a browser"
            return ExternalResult(url, "unknown", reason, answer.http_status)
        if not answer.is_transient or attempt == tries:
            break
        if answer.retry_after is not None and answer.retry_after > settings.max_retry_after:
            reason = (
                f"{_status_words(answer)}: asks to retry after {answer.retry_after:g} s, "
                f"longer than max_retry_after ({settings.max_retry_after:g} s)"
            )
            return ExternalResult(url, "unknown", reason, answer.http_status)
        delay = answer.retry_after if answer.retry_after is not None else min(settings.backoff * 2 ** (attempt - 1), MAX_BACKOFF)
        time.sleep(delay)
    return _verdict(url, answer, attempt, settings)


def _verdict(url: str, answer: _Answer, tries: int, settings: ExternalSettings) -> ExternalResult:
    status, code = answer.http_status, answer.http_status or 0
    after = f"after {tries} {'try' if tries == 1 else 'tries'}"
    if 200 <= code < 300:
        return ExternalResult(url, "ok", _status_words(answer), status)
    if code == 429:
        return ExternalResult(url, "unknown", f"rate limited (429) {after}", status)
    if 500 <= code < 600:
        return ExternalResult(url, "broken", f"server error {code} {after}", status)
    if 400 <= code < 500:
        return ExternalResult(url, "broken", _status_words(answer), status)
    if status is not None:  # 1xx, a 3xx not followed, or a non-standard code
        return ExternalResult(url, "unknown", f"unexpected answer {_status_words(answer)}", status)
    if answer.error == "timeout":
        return ExternalResult(url, "unknown", f"timed out after {settings.timeout:g} s ({tries} {'try' if tries == 1 else 'tries'})")
    if answer.error == "reset":
        return ExternalResult(url, "unknown", f"connection reset {after}")
    return ExternalResult(url, "broken" if answer.error in BROKEN_FAILURES else "unknown", answer.detail)


def _request(url: str, method: str, settings: ExternalSettings) -> _Answer:
    """One request (following redirects): its status, or what went wrong."""
    try:
        request = urllib.request.Request(
            _request_target(url),
            method=method,
            headers={"User-Agent": settings.user_agent, "Accept": "text/html,*/*;q=0.8"},
        )
        with _opener(url).open(request, timeout=settings.timeout) as response:
            if method == "GET":
                try:
                    response.read(GET_BODY_LIMIT)
                except (OSError, http.client.HTTPException):
                    pass  # the status is what we came for
            return _Answer(response.status, detail=response.reason, final_url=response.url)
    except urllib.error.HTTPError as error:
        error.close()
        if str(error.msg or "").startswith(urllib.request.HTTPRedirectHandler.inf_msg):
            return _Answer(error="redirect loop", detail="redirect loop", final_url=error.filename)
        retry_after = _retry_after_seconds(error.headers.get("Retry-After")) if error.code in RETRY_AFTER_STATUSES else None
        return _Answer(error.code, detail=str(error.msg), retry_after=retry_after, final_url=error.filename)
    except urllib.error.URLError as error:
        return _failure(error.reason, url)
    except (OSError, http.client.HTTPException, ValueError) as error:
        return _failure(error, url)


def _failure(cause: object, url: str) -> _Answer:
    """The answer for a request that got no HTTP status."""
    if isinstance(cause, TimeoutError):
        return _Answer(error="timeout", detail="timed out", final_url=url)
    if isinstance(cause, ConnectionResetError):  # includes http.client.RemoteDisconnected
        return _Answer(error="reset", detail="connection reset", final_url=url)
    if isinstance(cause, socket.gaierror):
        if cause.errno in _NO_SUCH_HOST:
            return _Answer(error="no such host", detail="DNS lookup failed", final_url=url)
        return _Answer(error="DNS unavailable", detail=f"DNS lookup failed for now ({cause.strerror})", final_url=url)
    if isinstance(cause, ConnectionRefusedError):
        return _Answer(error="refused", detail="connection refused", final_url=url)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return _Answer(error="bad certificate", detail=f"TLS certificate not valid ({cause.verify_message})", final_url=url)
    if isinstance(cause, ssl.SSLError):
        return _Answer(error="TLS", detail=f"TLS error ({cause.reason or cause})", final_url=url)
    if isinstance(cause, (http.client.InvalidURL, ValueError, str)):  # urllib gives a str for an unknown scheme
        return _Answer(error="invalid URL", detail=f"invalid URL ({cause})", final_url=url)
    if isinstance(cause, http.client.HTTPException):
        return _Answer(error="bad answer", detail=f"not a valid HTTP answer ({type(cause).__name__})", final_url=url)
    if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return _Answer(error="network", detail=f"network unreachable ({cause.strerror})", final_url=url)
    return _Answer(error="network", detail=f"network error ({cause})", final_url=url)


_NO_SUCH_HOST = {socket.EAI_NONAME} | ({socket.EAI_NODATA} if hasattr(socket, "EAI_NODATA") else set())


class _MethodKeepingRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects as urllib does, but a HEAD stays a HEAD (urllib turns it into a GET)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # urllib's signature
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"
        return new


def _opener(url: str) -> urllib.request.OpenerDirector:
    """A fresh opener per request: its own cookies; no proxy for this machine's own servers."""
    handlers: list[urllib.request.BaseHandler] = [_MethodKeepingRedirectHandler(), urllib.request.HTTPCookieProcessor(CookieJar())]
    if _host(url) in LOOPBACK_HOSTS:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _request_target(url: str) -> str:
    """The URL as sent: no fragment or user info, the host in IDNA, the rest percent-encoded."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("no host")
    host = host if host.isascii() else host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~?[]")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds to wait: `120`, or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now())


def _status_words(answer: _Answer) -> str:
    """`404 Not Found`: the standard phrase when there is one, else the server's."""
    code = answer.http_status
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = answer.detail
    return f"{code} {phrase}".strip()


# URLs settled without a request.


def _result_without_request(url: str, settings: ExternalSettings) -> ExternalResult | None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return ExternalResult(url, "ok", f"not checked ({scheme or 'no scheme'})")
    for pattern in settings.ignore:
        if fnmatch.fnmatchcase(url, pattern):
            return ExternalResult(url, "ok", f"ignored by pattern {pattern}")
    if not urlsplit(url).hostname:
        return ExternalResult(url, "broken", "invalid URL (no host)")
    return None


def _host(url: str) -> str:
    return _normal_host(urlsplit(url).hostname or "")


def _normal_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _bot_blocker(url: str, final_url: str, settings: ExternalSettings) -> str | None:
    """The entry of `bot_blocking_hosts` that the URL's host, or the host it redirected to, is or is under."""
    for host in dict.fromkeys((_host(url), _host(final_url or url))):
        for blocker in settings.bot_blocking_hosts:
            blocker = _normal_host(blocker)
            if blocker and (host == blocker or host.endswith("." + blocker)):
                return blocker
    return None


# The cache.

CacheEntries = dict[str, dict[str, Any]]


def _read_cache(path: Path | None) -> CacheEntries:
    """The cache's well-formed entries; none from a missing, unreadable or corrupt file."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        log.warning("ignoring the external link cache %s (%s); starting afresh", path, error)
        return {}
    if not isinstance(data, dict):
        log.warning("ignoring the external link cache %s (not a JSON object); starting afresh", path)
        return {}
    return {url: entry for url, entry in data.items() if _is_valid_entry(entry)}


def _is_valid_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("status") in ("ok", "broken")
        and isinstance(entry.get("reason"), str)
        and "http_status" in entry
        and (entry["http_status"] is None or type(entry["http_status"]) is int)
        and type(entry.get("checked_at")) in (int, float)
    )


def _cache_ttl(status: str, http_status: int | None, settings: ExternalSettings) -> float | None:
    """How long a result stays true; None for results never cached (unknown, 5xx)."""
    if status == "ok":
        return settings.ttl_ok
    if status == "broken" and not (http_status is not None and 500 <= http_status < 600):
        return settings.ttl_broken
    return None


def _is_fresh(entry: dict[str, Any], settings: ExternalSettings, at: float) -> bool:
    ttl = _cache_ttl(entry["status"], entry["http_status"], settings)
    return ttl is not None and 0 <= at - entry["checked_at"] < ttl


def _cached_result(url: str, cache: CacheEntries, settings: ExternalSettings, at: float) -> ExternalResult | None:
    entry = cache.get(url)
    if entry is None or not _is_fresh(entry, settings, at):
        return None
    return ExternalResult(url, entry["status"], entry["reason"], entry["http_status"], from_cache=True)


def _write_cache(path: Path | None, cache: CacheEntries, fresh: dict[str, ExternalResult], settings: ExternalSettings, at: float) -> None:
    """Write the still-fresh old entries and this run's cacheable results, atomically."""
    if path is None:
        return
    entries = {url: entry for url, entry in cache.items() if _is_fresh(entry, settings, at)}
    for url, result in fresh.items():
        entries.pop(url, None)
        if _cache_ttl(result.status, result.http_status, settings) is not None:
            entries[url] = {"status": result.status, "reason": result.reason, "http_status": result.http_status, "checked_at": at}
    if not fresh and entries == cache:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False) as temporary:
            json.dump(entries, temporary, indent=1, sort_keys=True)
        try:
            os.replace(temporary.name, path)
        except OSError:
            os.unlink(temporary.name)
            raise
    except OSError as error:
        log.warning("could not write the external link cache %s (%s)", path, error)


# Reading settings.


def _positive_number(value: object, key: str, *, integer: bool, zero: bool = False) -> Any:
    kind = "a whole number" if integer else "a number of seconds"
    bound = "0 or more" if zero else "more than 0"
    right_type = isinstance(value, int if integer else (int, float)) and not isinstance(value, bool)
    if not right_type or not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise ValueError(f"{key}: expected {kind}, {bound}, got {value!r}")
    return value if integer else float(value)


def _strings(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(item.strip() for item in value)

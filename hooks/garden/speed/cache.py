"""The build cache: what a build worked out once, kept on disk for the next build.

Entries are addressed by content: a key is the digest of everything the value was computed from
(a page's source, the settings, the code and package versions…), so a changed input is a new
key and there is nothing to invalidate. Values that also depend on the rest of the garden carry
a trace of what they read (`garden.speed.trace`), checked before the value is used.

The cache lives in `.cache/garden/` beside mkdocs.yml (ignored by git; `make clean` deletes it),
or in `$GARDEN_CACHE_DIR`. `GARDEN_NO_CACHE=1` (`garden build --no-cache`) turns it off.
Entries are rows of one SQLite database (`v<FORMAT>/entries.sqlite`), written by the build and
its worker processes at once. One file per entry cost a file creation and a rename each: 5,000
entries took 1.0 to 3.1 s to write that way, 0.2 to 0.4 s as rows (`python bench/micro.py
cache`). SQLite, in Python's standard library, gives what a hand-made pack file would have to
build: many writers, whole entries or none after a crash, no file that grows forever with
replaced entries. The search index, a folder of files, stays a folder (`Cache.folder`).

Nothing read back is trusted before it is checked: every entry starts with a checksum of its
kind, its key, the code version (`code_version`: the garden's code and the versions of the
packages that made it) and its content, verified before the content is unpickled or, for
compiled templates, handed to Jinja, which runs it as code. A flipped bit, a changed byte, a
truncated file or two entries swapped on disk are misses, rewritten by the build; they can
never crash it or change its output. A database SQLite itself finds damaged is deleted and
started afresh; the cache holds nothing a build cannot make again.

Under `mkdocs serve` the same `Cache` lives on between rebuilds and keeps what it read or wrote
in memory as well, so a rebuild after one edit reads only what changed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import sqlite3
import sys
import tempfile
import threading
import weakref
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

FORMAT = 4  # bump when the shape of any cached value or of the store changes
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pygments", "jinja2", "pagefind-bin")
MAGIC = b"garden-cache\n"  # then the checksum (CHECK bytes), then the content
CHECK = 32
ENTRIES = "entries.sqlite"  # in the v<FORMAT> folder
_GARDEN_CODE = Path(__file__).resolve().parent.parent  # the whole garden package
_log = logging.getLogger("mkdocs.plugins.garden")


def digest(*parts: Any) -> str:
    """A short, stable hex digest of `parts` (strings, bytes, numbers, and tuples/lists/dicts of
    them). Callers sort sets first: their order changes from one process to the next."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        # Long texts (pages) are hashed as they are, without repr's escaped copy; the kind byte
        # keeps "x" and b"x" and repr("x") apart.
        if isinstance(part, bytes):
            kind, data = b"b", part
        elif isinstance(part, str):
            kind, data = b"s", part.encode("utf-8", "surrogatepass")
        else:
            kind, data = b"r", repr(part).encode("utf-8", "surrogatepass")
        hasher.update(kind + len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_version() -> str:
    """The cache format, the versions of the packages that shape the output, and the garden's
    own code: a change to any of them starts every entry afresh."""
    versions = []
    for package in PACKAGES:
        try:
            versions.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            versions.append((package, None))
    sources = sorted(_GARDEN_CODE.rglob("*.py"))
    # The Python version too: compiled templates are its bytecode, and pickles may differ.
    return digest(FORMAT, sys.version, versions, [(p.relative_to(_GARDEN_CODE).as_posix(), p.read_bytes()) for p in sources])


def cache_disabled() -> bool:
    return os.environ.get("GARDEN_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


class Cache:
    """A key-value store of picklable values, in kinds (such as "render" or "post")."""

    def __init__(self, root: Path | None, *, remember: bool = False) -> None:
        self.root = root  # None: nothing is read or written, every lookup misses
        # Keeping values in memory too pays under `mkdocs serve` only; a build reads each once.
        self.remember = remember
        self._memory: dict[tuple[str, str], bytes] = {}
        self._values: dict[tuple[str, str], Any] = {}  # what `get(shared=True)` unpickled
        self.writable = root is not None  # False once a write fails: read-only, full, not ours
        self._open: tuple[int, sqlite3.Connection] | None = None  # this process's connection
        self._lock = threading.Lock()  # the early search index reads from its own thread
        self._started_afresh = False
        self._pruned = False
        _caches.add(self)

    @classmethod
    def beside(cls, config_dir: Path, *, remember: bool = False) -> Cache:
        """The cache of the project whose mkdocs.yml is in `config_dir`, as the environment says."""
        if cache_disabled():
            return cls(None)
        root = Path(os.environ.get("GARDEN_CACHE_DIR") or config_dir / ".cache" / "garden")
        cache = cls(root.resolve(), remember=remember)
        try:  # a read-only cache is still read, and never written
            cache.root.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            with tempfile.TemporaryFile(dir=cache.root):
                pass
        except OSError as error:
            cache.unwritable(error)
        return cache

    def unwritable(self, error: Exception) -> None:
        """Stop writing, and say so once."""
        if self.writable:
            self.writable = False
            reason = getattr(error, "strerror", None) or error
            _log.info(f"the build cache {self.root} cannot be written ({reason}): it is read, but nothing new is kept")

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def get(self, kind: str, key: str, *, shared: bool = False) -> Any | None:
        """The value stored under `kind` and `key`, or None (a miss) if there is none, or none
        that passes its checksum and unpickles.

        Each get is a fresh copy, which callers (and MkDocs plugins after them) may change
        without changing the cache; unless `shared`: the caller changes nothing of the value
        and lets nobody else, so under `mkdocs serve` every rebuild is handed the object the
        first one unpickled. Unpickling 1,000 pages' output took 0.06 s of each rebuild."""
        if shared and (value := self._values.get((kind, key))) is not None:
            return value
        data = self.get_bytes(kind, key)
        if data is None:
            return None
        try:
            value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - checked yet unreadable (another Python?): a miss, rewritten
            return None
        if shared and self.remember:
            self._values[(kind, key)] = value
            self._memory.pop((kind, key), None)  # held once, as the value
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.root is not None:
            self.put_bytes(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        """The content stored under `kind` and `key` if its checksum holds, else None."""
        if self.root is None:
            return None
        data = self._memory.get((kind, key))
        if data is not None:
            return data
        with self._lock:
            try:
                connection = self._connection()
                row = connection and connection.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            except sqlite3.Error as error:  # locked too long, or damaged: a miss
                self._failed(error)
                return None
            except OSError:  # the cache's folder cannot be made: a miss
                return None
        data = opened(row[0], kind, key) if row and isinstance(row[0], bytes) else None
        if data is not None and self.remember:
            self._memory[(kind, key)] = data
        return data

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        if self.root is None:
            return
        if self.remember:
            self._memory[(kind, key)] = data
            self._values.pop((kind, key), None)  # replaced: the old value must not be handed out
        if not self.writable:
            return
        entry = sealed(data, kind, key)
        with self._lock:
            try:
                connection = self._connection()
                if connection is not None:  # one statement, its own transaction: whole or absent
                    connection.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", (kind, key, code_version(), entry))
            except (sqlite3.OperationalError, OSError) as error:  # a full disk, say: the build goes on without keeping it
                self.unwritable(error)
            except sqlite3.Error as error:
                self._failed(error)

    def folder(self, kind: str, key: str) -> Path | None:
        """A folder for a value made of files (e.g. a search index); None when disabled, or
        when the cache cannot be written and has no such folder to read."""
        if self.root is None:
            return None
        folder = self.root / f"v{FORMAT}" / kind / key
        return folder if self.writable or folder.is_dir() else None

    def forget_memory(self) -> None:
        """Drop what is held in memory (the disk keeps it): values of earlier rebuilds."""
        self._memory.clear()
        self._values.clear()

    def close(self) -> None:
        """Close this process's connection (the next get or put opens another)."""
        with self._lock:
            self._close()

    # -- the database ---------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection | None:
        """This process's connection to the entries, opened on first use; None if there are
        none to read. A connection never crosses a fork (see `_close_before_fork`)."""
        if self._open is not None and self._open[0] == os.getpid():
            return self._open[1]
        path = self._database
        if self.writable:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                connection = _connect(path)
            except sqlite3.DatabaseError as error:
                # Not a database, or damaged past opening; busy or unopenable is no damage.
                if isinstance(error, sqlite3.OperationalError) or not self._start_afresh(error):
                    raise
                connection = _connect(path)
            self._open = (os.getpid(), connection)
            if not self._pruned:
                self._pruned = True
                _prune(connection)
            return connection
        if path.is_file():
            # Without write access SQLite cannot share its lock file: read it as a file that
            # does not change, which it does not while nobody may write it.
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._open = (os.getpid(), connection)
            return connection
        return None

    @property
    def _database(self) -> Path:
        assert self.root is not None
        return self.root / f"v{FORMAT}" / ENTRIES

    def _failed(self, error: sqlite3.Error) -> None:
        """A read or write that SQLite refused: a damaged database starts afresh (once per
        process); anything else is left for the next call to try again."""
        if isinstance(error, sqlite3.OperationalError) or self.root is None:
            return  # busy past the timeout, or a read-only database: misses, not damage
        self._close()
        if not self.writable or not self._start_afresh(error):
            self.unwritable(error)

    def _start_afresh(self, error: sqlite3.Error) -> bool:
        if self._started_afresh or not self.writable:
            return False
        path = self._database
        self._started_afresh = True
        _log.info(f"the build cache {path} is damaged ({error}): it starts afresh")
        for damaged in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                damaged.unlink(missing_ok=True)
            except OSError as failure:
                self.unwritable(failure)
                return False
        return True

    def _close(self) -> None:
        if self._open is not None:
            pid, connection = self._open
            self._open = None
            if pid == os.getpid():  # a parent's connection is the parent's to close
                connection.close()


def _prune(connection: sqlite3.Connection) -> None:
    """Delete the entries of other code or package versions, which can never be used again:
    without this, every upgrade would leave a cache's worth of them behind."""
    version = code_version()
    connection.execute("INSERT OR IGNORE INTO versions VALUES (?)", (version,))
    if connection.execute("SELECT 1 FROM versions WHERE version != ?", (version,)).fetchone():  # skips a scan
        connection.execute("DELETE FROM entries WHERE version != ?", (version,))
        connection.execute("DELETE FROM versions WHERE version != ?", (version,))


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit (isolation_level=None): each put is a transaction of its own, so a build
    # killed at any moment leaves whole entries; the long timeout lets the workers take turns.
    connection = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    try:
        # Write-ahead logging: readers do not wait for the writer. synchronous=NORMAL: a power
        # cut may lose the last entries, never damage the others; they are only a cache.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, version TEXT, value BLOB NOT NULL, PRIMARY KEY (kind, key))")
        connection.execute("CREATE TABLE IF NOT EXISTS versions (version TEXT PRIMARY KEY)")  # that wrote entries
    except BaseException:
        connection.close()
        raise
    return connection


# SQLite's connections must not cross a fork (https://sqlite.org/howtocorrupt.html#fork): the
# child would share the parent's locks. Closing them before every fork leaves the worker
# processes to open their own, and the parent to open its own again when it next reads.
_caches: weakref.WeakSet[Cache] = weakref.WeakSet()


def _close_before_fork() -> None:
    for cache in list(_caches):
        cache.close()


def _new_locks_in_child() -> None:
    # Another thread of the parent may have taken a lock between the closing and the fork.
    for cache in list(_caches):
        cache._lock = threading.Lock()


os.register_at_fork(before=_close_before_fork, after_in_child=_new_locks_in_child)


def checksum(data: bytes, kind: str, key: str) -> bytes:
    """What an entry's content must hash to, together with where it is stored and what made it."""
    hasher = hashlib.blake2b(digest_size=CHECK)
    for part in (code_version().encode(), kind.encode(), key.encode()):
        hasher.update(len(part).to_bytes(8, "little") + part)
    hasher.update(data)
    return hasher.digest()


def sealed(data: bytes, kind: str, key: str) -> bytes:
    return MAGIC + checksum(data, kind, key) + data


def opened(entry: bytes, kind: str, key: str) -> bytes | None:
    """The content of a stored entry, or None if it is not one whose checksum holds."""
    if not entry.startswith(MAGIC) or len(entry) < len(MAGIC) + CHECK:
        return None
    check, data = entry[len(MAGIC) : len(MAGIC) + CHECK], entry[len(MAGIC) + CHECK :]
    return data if hmac.compare_digest(check, checksum(data, kind, key)) else None


class TemplateBytecode(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in the build cache, checksummed like every entry.

    Jinja's own `FileSystemBytecodeCache` checks only that a template's source did not change:
    a damaged file that still unmarshals is run as code, and crashes inside Material's
    templates. Here the bytes reach Jinja only once their checksum holds."""

    KIND = "jinja"

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.cache.get_bytes(self.KIND, bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja then checks its magic and the source's checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.put_bytes(self.KIND, bucket.key, bucket.bytecode_to_string())

"""The build cache: what a build worked out once, kept on disk for the next build.

Entries are addressed by content: a key is the digest of everything the value was computed from
(a page's source, the settings, the code and package versions…), so a changed input is a new
key and there is nothing to invalidate. Values that also depend on the rest of the garden carry
a trace of what they read (`garden.speed.trace`), checked before the value is used.

The cache lives in `.cache/garden/` beside mkdocs.yml (ignored by git; `make clean` deletes it),
or in `$GARDEN_CACHE_DIR`. `GARDEN_NO_CACHE=1` (`garden build --no-cache`) turns it off.
Each entry is written to a temporary file and renamed into place, so a build killed halfway
leaves whole entries or none; an entry that cannot be read is a miss, never an error.

Nothing read back is trusted before it is checked: every entry starts with a checksum of its
kind, its key, the code version (`code_version`: the garden's code and the versions of the
packages that made it) and its content, verified before the content is unpickled or, for
compiled templates, handed to Jinja, which runs it as code. A flipped bit, a changed byte, a
truncated file or two entries swapped on disk are misses, rewritten by the build; they can
never crash it or change its output.

Under `mkdocs serve` the same `Cache` lives on between rebuilds and keeps what it read or wrote
in memory as well, so a rebuild after one edit reads only what changed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import sys
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

FORMAT = 2  # bump when the shape of any cached value changes
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pygments", "jinja2", "pagefind-bin")
MAGIC = b"garden-cache\n"  # then the checksum (CHECK bytes), then the content
CHECK = 32
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
    """A key-value store of picklable values, in kinds (folders) such as "render" or "post"."""

    def __init__(self, root: Path | None, *, remember: bool = False) -> None:
        self.root = root  # None: nothing is read or written, every lookup misses
        # Keeping values in memory too pays under `mkdocs serve` only; a build reads each once.
        self.remember = remember
        self._memory: dict[tuple[str, str], bytes] = {}
        self.writable = root is not None  # False once a write fails: read-only, full, not ours

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

    def unwritable(self, error: OSError) -> None:
        """Stop writing, and say so once."""
        if self.writable:
            self.writable = False
            _log.info(f"the build cache {self.root} cannot be written ({error.strerror or error}): it is read, but nothing new is kept")

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under `kind` and `key`, or None (a miss) if there is none, or none
        that passes its checksum and unpickles."""
        data = self.get_bytes(kind, key)
        if data is None:
            return None
        try:
            # A fresh copy on every get, which callers (and MkDocs plugins after them) may
            # change without changing the cache.
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - checked yet unreadable (another Python?): a miss, rewritten
            return None

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
        try:
            entry = self._path(kind, key).read_bytes()
        except OSError:  # missing, a folder, unreadable: a miss
            return None
        data = opened(entry, kind, key)
        if data is not None and self.remember:
            self._memory[(kind, key)] = data
        return data

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        if self.root is None:
            return
        if self.remember:
            self._memory[(kind, key)] = data
        if not self.writable:
            return
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A temporary file renamed into place: readers see the old entry or the whole new one.
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        except OSError as error:
            self.unwritable(error)
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(sealed(data, kind, key))
            os.replace(temporary, path)
        except OSError as error:  # a full disk, say: the build goes on without keeping it
            Path(temporary).unlink(missing_ok=True)
            self.unwritable(error)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

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

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / f"v{FORMAT}" / kind / key[:2] / key


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

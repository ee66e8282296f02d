"""The warm-start cache's store: what compiling a function produced, kept
on disk between runs so that the next process links it instead of
compiling it (docs/runtime.md, "Warm start").

Each compiled function is one entry, one file, named by the entry's key
(``key``: a digest of the code object's content, the CPython version and
ABI, the stencil table's digest and splice's own code, so that editing the
source, upgrading Python, rebuilding the stencils or upgrading splice each
miss exactly the entries they affect).  ``Entry`` links a function's code
from its entry or stores what was compiled.  What an entry holds, and the
re-deriving and re-checking of everything in it before any of it runs, is
the back end's business (backends/copypatch/recipe.py): no machine code is
stored, and nothing read here is ever executed.

Safety: the directory is created with mode 0700; a directory or file that
is not the user's own, or that others may write, is ignored with one
warning (someone else could have put code recipes there); a file whose
digest does not match (truncated, corrupt) is ignored and rewritten; an
entry is written to a temporary file and renamed over the old one, so two
processes storing the same entry at once leave one whole entry.  The total
size is bounded (``SPLICE_CACHE_MB``, default 64): past it, the least
recently used entries go (a hit touches its file's modification time).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import tempfile
import time
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..backends.naming import code_digest

MAGIC = b"splice-cache\x00"
FORMAT = 1  # bumped whenever an entry's layout changes
DIGEST_BYTES = 32
DEFAULT_MB = 64
SUFFIX = ".entry"

# While the cache reads or writes, the GIL is asked back after this long
# (seconds) instead of sys.getswitchinterval(): automatic mode compiles in
# a thread of its own, and each system call there gives the GIL to the
# program, which kept it a whole switch interval (5 ms) before: a few
# calls per entry made a hot function wait tens of milliseconds longer.
QUICK_SWITCH = 20e-6

_warned: set[str] = set()
_dir_checked: dict[str, bool] = {}
# A store whose name starts with this brings the total size back under the
# bound: names are digests, so one store in 256 does, whichever process
# makes it (a look at the size stats every entry; a process that stores a
# few entries would otherwise never look, and one in every process would
# cost each the stat of thousands of files).
TRIM_PREFIX = "00"
TOUCH_SECONDS = 3600  # a hit marks an entry used again once its last use is this old


def _env_flag_off(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("0", "false", "no", "off")


def enabled() -> bool:
    """Whether the cache is on (``SPLICE_CACHE=0`` turns it off)."""
    return not _env_flag_off("SPLICE_CACHE")


def directory() -> Path:
    """``SPLICE_CACHE_DIR``, else ``$XDG_CACHE_HOME/splice``, else ``~/.cache/splice``."""
    explicit = os.environ.get("SPLICE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "splice"


def limit_bytes() -> int:
    """The bound on the entries' total size (``SPLICE_CACHE_MB``)."""
    try:
        mb = float(os.environ.get("SPLICE_CACHE_MB", DEFAULT_MB))
    except ValueError:
        mb = DEFAULT_MB
    return max(0, int(mb * 1024 * 1024))


def _warn_once(what: str, message: str) -> None:
    if what not in _warned:
        _warned.add(what)
        warnings.warn(f"splice: {message}; the warm-start cache is not used there", RuntimeWarning, stacklevel=3)


def _safe(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def usable_directory(create: bool) -> Path | None:
    """The cache directory when it is safe to use (made, mode 0700, when
    ``create``), else None: a directory another user owns or may write to
    is refused with one warning."""
    path = directory()
    known = _dir_checked.get(str(path))
    if known is not None:
        return path if known else None
    try:
        if create:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return None  # not there yet (a lookup), or cannot be made: no cache, no warning
    ok = stat.S_ISDIR(st.st_mode) and _safe(st)
    if not ok:
        _warn_once(str(path), f"cache directory {path} is not owned by this user only, or others may write to it")
    _dir_checked[str(path)] = ok
    return path if ok else None


# --- keys --------------------------------------------------------------------


def key(code: types.CodeType, salt: str) -> str:
    """The entry's name for ``code``: its content (bytecode, constants,
    names, flags, line and exception tables), this interpreter (version,
    ABI) and ``salt`` (the back end's table digest, splice's own code, and
    what else the back end's output depends on)."""
    text = f"{FORMAT}|{sys.implementation.cache_tag}|{sys.version}|{sys.abiflags}|{salt}|{code_digest(code)}"
    return hashlib.sha256(text.encode()).hexdigest()


# --- entries -----------------------------------------------------------------


@contextlib.contextmanager
def _quick_gil() -> Iterator[None]:
    """Ask for the GIL back quickly after each system call (QUICK_SWITCH)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, QUICK_SWITCH))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


# What this process found out about the entries: whether a name's file is
# there (asked once per name), and whether there is any entry at all.  A
# process never lists the directory: with thousands of entries a listing
# cost every start 10-30 ms, where a look for one name costs microseconds.
_present: dict[str, bool] = {}
_any: bool | None = None


def _exists(name: str) -> bool:
    """Whether the entry ``name`` is there (a regular file; ``load`` checks the rest)."""
    got = _present.get(name)
    if got is None:
        root = usable_directory(create=False)
        got = False
        if root is not None:
            with _quick_gil():
                try:
                    got = stat.S_ISREG(os.lstat(_path(root, name)).st_mode)
                except OSError:
                    pass
        _present[name] = got
    return got


def _path(root: Path, name: str) -> Path:
    return root / (name + SUFFIX)


def load(name: str) -> bytes | None:
    """The payload stored under ``name``, or None (no entry, or one that
    cannot be trusted: not the user's own, writable by others, truncated,
    corrupt; a damaged one is removed, so the next store rewrites it)."""
    root = usable_directory(create=False)
    if root is None or _present.get(name) is False:
        return None
    with _quick_gil():
        data = _read(root, name)
    if data is not None:
        _present[name] = True
    return data


def _read(root: Path, name: str) -> bytes | None:
    path = _path(root, name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _safe(st):
            _warn_once(str(path), f"cache file {path} is not owned by this user only, or others may write to it")
            return None
        data = os.read(fd, st.st_size + 1)
    finally:
        os.close(fd)
    payload = _unwrap(data)
    if payload is None:
        _remove(path)
        return None
    if time.time() - st.st_mtime > TOUCH_SECONDS:
        try:
            os.utime(path)  # recently used: among the last to be evicted
        except OSError:
            pass
    return payload


def _wrap(payload: bytes) -> bytes:
    return MAGIC + FORMAT.to_bytes(2, "little") + hashlib.sha256(payload).digest() + payload


def _unwrap(data: bytes) -> bytes | None:
    head = len(MAGIC) + 2
    if len(data) < head + DIGEST_BYTES or not data.startswith(MAGIC):
        return None
    if int.from_bytes(data[len(MAGIC):head], "little") != FORMAT:
        return None
    digest, payload = data[head:head + DIGEST_BYTES], data[head + DIGEST_BYTES:]
    return payload if hashlib.sha256(payload).digest() == digest else None


def store(name: str, payload: bytes) -> bool:
    """Keep ``payload`` under ``name`` (atomically: a temporary file renamed
    over the entry); False when there is no usable directory or the write
    failed.  A store named with ``TRIM_PREFIX`` brings the total size back
    under the bound."""
    global _any
    with _quick_gil():
        root = usable_directory(create=True)
        if root is None or not _write(root, name, payload):
            return False
    _present[name] = _any = True
    if name.startswith(TRIM_PREFIX):
        with _quick_gil():
            trim(root)
    return True


def _write(root: Path, name: str, payload: bytes) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=root)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_wrap(payload))
            os.replace(tmp, _path(root, name))
        except BaseException:
            _remove(Path(tmp))
            raise
    except OSError:
        return False
    return True


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


@dataclass
class StoredFile:
    """One entry's file, as ``entries`` lists it."""

    name: str
    size: int
    used: float  # modification time: the last store or hit


def entries(root: Path) -> list[StoredFile]:
    """The entries in ``root``, least recently used first."""
    found = []
    try:
        with os.scandir(root) as it:
            for e in it:
                if e.name.endswith(SUFFIX) and e.is_file(follow_symlinks=False):
                    try:
                        st = e.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    found.append(StoredFile(e.name[:-len(SUFFIX)], st.st_size, st.st_mtime))
    except OSError:
        return []
    return sorted(found, key=lambda e: e.used)


def trim(root: Path, limit: int | None = None) -> int:
    """Remove the least recently used entries until the total is under the
    bound; the number removed."""
    limit = limit_bytes() if limit is None else limit
    found = entries(root)
    total = sum(e.size for e in found)
    removed = 0
    for e in found:
        if total <= limit:
            break
        _remove(_path(root, e.name))
        total -= e.size
        removed += 1
    return removed


def clear() -> int:
    """Remove every entry (and leftover temporary file); the number of entries removed."""
    global _any
    _present.clear()
    _any = None
    root = usable_directory(create=False)
    if root is None:
        return 0
    n = 0
    for e in entries(root):
        _remove(_path(root, e.name))
        n += 1
    try:
        for leftover in root.glob(".tmp-*"):
            _remove(leftover)
    except OSError:
        pass
    return n


# --- entries of compiled functions ---------------------------------------------


_salt_parts: dict[str, str] = {}
# What this process did with the cache: linked, compiled and stored, found
# stale (compiled instead), not cacheable (why, by function).
counts = {"linked": 0, "stored": 0, "stale": 0, "uncacheable": 0}
notes: dict[str, str] = {}  # "module.qualname" -> why its code is not in the cache


def _source_fingerprint() -> str:
    """splice's own code: an edited or upgraded splice misses every entry
    (the size and modification time of each of its modules).  Worked out
    once, by ``prepare`` in the thread that starts splice: a hundred system
    calls in the compiling thread would each wait a switch interval for
    the GIL (QUICK_SWITCH)."""
    if "source" not in _salt_parts:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        found: list[str] = []
        todo = [root]
        while todo:
            folder = todo.pop()
            with os.scandir(folder) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False) and e.name != "__pycache__":
                        todo.append(e.path)
                    elif e.name.endswith(".py"):
                        st = e.stat(follow_symlinks=False)
                        found.append(f"{os.path.relpath(e.path, root)}:{st.st_size}:{st.st_mtime_ns}")
        _salt_parts["source"] = hashlib.sha256(";".join(sorted(found)).encode()).hexdigest()
    return _salt_parts["source"]


def prepare() -> None:
    """Work out what every key shares, and list the entries there are, now
    (registry._prepare, in the thread that starts splice), so that
    compiles do not."""
    if enabled():
        _source_fingerprint()
        has_entries()


def _options(skip_passes: frozenset[str], unspeculated: frozenset[int], nested: bool) -> str:
    """What a compile was asked for besides its code, and the settings that change what it makes."""
    env = ",".join(f"{k}={os.environ.get(k, '')}" for k in ("SPLICE_DEOPT_STRESS", "SPLICE_BLOCK_EXITS"))
    return f"{sorted(skip_passes)}|{sorted(unspeculated)}|{nested}|{env}"


def _name(code: types.CodeType, backend: object, skip_passes: frozenset[str], unspeculated: frozenset[int],
          nested: bool) -> str:
    salt = (f"{_source_fingerprint()}|{getattr(backend, 'name', '')}|"
            f"{backend.digest()}|{_options(skip_passes, unspeculated, nested)}")  # type: ignore[attr-defined]
    return key(code, salt)


def has_entries() -> bool:
    """Whether the cache is on and has any entry (the directory read up
    to its first entry, once)."""
    global _any
    if not enabled():
        return False
    if _any is None:
        root = usable_directory(create=False)
        _any = False
        if root is not None:
            try:
                with os.scandir(root) as it:
                    _any = any(e.name.endswith(SUFFIX) for e in it)
            except OSError:
                pass
    return _any


def cached(code: types.CodeType, backend: object) -> bool:
    """Whether the cache has an entry for ``code`` as a function is first
    compiled (no pass skipped, nothing unspeculated, nested code compiled
    too): then it can be linked before the interpreter has warmed it up,
    its feedback being what the entry was compiled from."""
    if not has_entries() or not hasattr(backend, "digest"):
        return False
    return _exists(_name(code, backend, frozenset(), frozenset(), True))


@dataclass
class Entry:
    """One function's place in the cache, while it is compiled or linked."""

    name: str
    func: types.FunctionType
    code: types.CodeType
    backend: object
    context: object  # backends.naming.Context

    @staticmethod
    def of(func: types.FunctionType, code: types.CodeType, backend: object, skip_passes: frozenset[str],
           unspeculated: frozenset[int], nested: object) -> "Entry | None":
        """The entry for compiling ``code`` as ``func`` with these options,
        or None when the cache is off."""
        if not enabled():
            return None
        from ..backends import naming
        from . import registry

        context = naming.Context(func, code, trampoline_original=registry.trampoline_original,
                                 nested=nested, modules=[func.__module__] if isinstance(func.__module__, str) else [])
        return Entry(_name(code, backend, skip_passes, unspeculated, nested is not None), func, code, backend,
                     context)

    def link(self) -> object | None:
        """The compiled code linked from the cache, or None (no entry, or a stale one)."""
        data = load(self.name)
        if data is None:
            return None
        from ..backends.base import Stale
        from . import entry

        try:
            compiled = self.backend.link(data, self.context, lambda shape: entry.layout_for(self.code, shape))
        except Stale as exc:
            counts["stale"] += 1
            notes[self._who()] = f"its cached code was stale ({exc})"
            return None
        compiled.cached = True
        counts["linked"] += 1
        return compiled

    def store(self, compiled: object) -> None:
        """Keep ``compiled``'s recipe, when it has one another process can link."""
        from ..backends.base import NotCacheable

        try:
            data = self.backend.recipe(compiled, self.context)
        except NotCacheable as exc:
            counts["uncacheable"] += 1
            notes[self._who()] = f"its code is not cached: {exc}"
            return
        if store(self.name, data):
            counts["stored"] += 1

    def _who(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"

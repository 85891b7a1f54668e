"""Files that survive a crash, and the lock that keeps two processes from writing at once.

Nothing here knows what the files hold: the store (recorder/store.py) and the answer journal
(recorder/journal.py) are built on these.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: a lock file, as filelock does it
    fcntl = None  # type: ignore[assignment]


def sync_directory(directory: Path) -> None:
    """A new or renamed file's directory entry is durable only once the directory is synced
    (POSIX; elsewhere there is nothing to do)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash at any point leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    sync_directory(path.parent)


class LockTimeout(Exception):
    """The data directory stayed locked by another process for the whole timeout."""


def _file_lock(path: Path, timeout: float) -> Any:
    from filelock import FileLock  # imported only where it is used: Windows

    return FileLock(str(path), timeout=timeout)


class DirectoryLock:
    """The store's lock: an exclusive ``flock`` on the data directory itself, which no process
    can delete or replace while the store holds files in it (a lock file could be unlinked by
    anyone, and two recorders would then each hold a lock of their own, losing updates).

    Re-entrant within a process (threads wait on a lock of their own first). Where ``flock`` is
    missing (Windows), a lock file is used as before.
    """

    def __init__(self, root: Path, timeout: float) -> None:
        self.root = root
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._fallback = _file_lock(root / "store.lock", timeout) if fcntl is None else None

    @property
    def lock_file(self) -> str:
        return str(self.root if self._fallback is None else self._fallback.lock_file)

    def acquire(self) -> None:
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise LockTimeout(self.lock_file)
        try:
            if self._depth == 0:
                self._take()
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                self._give()
        finally:
            self._thread_lock.release()

    def _take(self) -> None:
        if self._fallback is not None:
            from filelock import Timeout  # only where flock is missing

            try:
                self._fallback.acquire()
            except Timeout:
                raise LockTimeout(self.lock_file) from None
            return
        fd = os.open(self.root, os.O_RDONLY)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(self.lock_file) from None
                time.sleep(0.005)
        self._fd = fd

    def _give(self) -> None:
        if self._fallback is not None:
            self._fallback.release()
            return
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases its flock
            self._fd = None

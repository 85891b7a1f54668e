"""Whether the recorder that owns a session is still running.

A pid alone does not say: once a recorder dies, the system may give its pid to another process,
and its session would look "active" forever (never resumable, never cleared, never recorded).
A session also saves the start time of its process; a pid whose process started at another time
is not its recorder. Where the start time cannot be read (no /proc), a session whose recorder
has not saved it for STALE_AFTER_S is taken for dead: a running recorder saves every 30 s.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime, timezone
from pathlib import Path

STALE_AFTER_S = 3600.0


def process_start(pid: int) -> float | None:
    """When process ``pid`` started, in clock ticks since boot (Linux /proc), or None."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        # the fields after the command (which may hold spaces and parentheses): 22nd is starttime
        return float(stat.rsplit(")", 1)[1].split()[19])
    return None


_OWN_START: dict[int, float | None] = {}


def own_start() -> float | None:
    """This process's start time, read once (every snapshot of a session carries it, and
    reading /proc took a millisecond of each answer's write)."""
    pid = os.getpid()  # a forked child is another process: it reads its own
    if pid not in _OWN_START:
        _OWN_START[pid] = process_start(pid)
    return _OWN_START[pid]


def pid_alive(pid: object) -> bool:
    """Whether a process with this pid is running (zombies are not)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process whose parent has not reaped it yet is a zombie: it still answers kill(0).
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def owner_alive(
    pid: int | None, started: float | None, updated: datetime, now: datetime | None = None
) -> bool:
    """Whether the recorder that saved a session (its pid, its process start, when it last
    saved) is still the process running under that pid."""
    if not pid_alive(pid):
        return False
    assert isinstance(pid, int)
    if started is not None:
        current = process_start(pid)
        if current is not None:
            return current == started  # the pid was given to another process otherwise
    now = now or datetime.now(timezone.utc)
    return (now - updated).total_seconds() < STALE_AFTER_S

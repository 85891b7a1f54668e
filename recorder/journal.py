"""The answer journal: what changed in an active session since active.json last held it whole.

An answer must be on disk when it is given, and rewriting active.json for every change costs a
read, an encode of every session, a temporary file, two fsyncs and a rename (median 3 ms, p99
20 ms while Chromium shares the two cores; bench/answer_latency.py). A change is instead one
line appended to ``journal/<sessionId>.jsonl`` and fdatasync'd: the fields of the session that
differ from its last checkpoint in active.json (always ``updatedAt``; usually the answers, their
times, the current question and the clock). Each line holds the whole difference, so only the
newest line matters; the session as it stands is the checkpoint with that line laid over it.

A crash leaves at worst a torn last line, which is skipped (the line before it is whole and was
fsynced). A line not newer than its checkpoint (a crash between the checkpoint's rename and the
journal's truncation) is ignored. A journal whose session is no longer active is stale: the
session ended and what it held went into a record or the interrupted table.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from .durable import sync_directory
from .record import SESSION_ID

#: The session is written whole into active.json again (a checkpoint) after this many journal
#: lines, or this many seconds: what other processes read costs one line to merge, not hundreds.
CHECKPOINT_LINES = 200
CHECKPOINT_S = 30.0
SUFFIX = ".jsonl"

_sync = getattr(os, "fdatasync", os.fsync)  # fdatasync where there is one (not macOS, Windows)


class Journal:
    """The per-session journals of one data directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, session_id: str) -> Path:
        return self.directory / f"{session_id}{SUFFIX}"

    def append(self, session_id: str, change: Mapping[str, Any]) -> None:
        """Append one line and fdatasync it (the directory too, when the file is new)."""
        path = self.path(session_id)
        created = not path.exists()
        if created:
            self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # Led by a newline too: a line torn by a full disk or a crash ends there, and this
            # one is read whole after it.
            os.write(fd, b"\n" + orjson.dumps(change) + b"\n")
            _sync(fd)
        finally:
            os.close(fd)
        if created:
            sync_directory(self.directory)

    def truncate(self, session_id: str) -> None:
        """Empty a journal once its session was written whole (a checkpoint)."""
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            os.truncate(self.path(session_id), 0)

    def remove(self, session_id: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self.path(session_id).unlink()

    def latest(self, session_id: str, checkpoint: Mapping[str, Any]) -> dict[str, Any] | None:
        """The newest whole line newer than ``checkpoint`` (the session as active.json holds
        it), or None."""
        try:
            raw = self.path(session_id).read_bytes()
        except OSError:
            return None
        since = _when(checkpoint.get("updatedAt"))
        for line in reversed(raw.split(b"\n")):
            try:
                change = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # empty, or torn by a crash: the line before it is whole
            when = _when(change.get("updatedAt")) if isinstance(change, dict) else None
            if when is None:
                continue  # not a line the recorder wrote: the line before it may be
            return change if since is not None and when > since else None
        return None

    def merged(self, checkpoint: Mapping[str, Any]) -> dict[str, Any]:
        """The session as it stands: its checkpoint with the newest journal line laid over."""
        session_id = checkpoint.get("sessionId")
        change = None
        if isinstance(session_id, str) and SESSION_ID.fullmatch(session_id):  # never a path
            change = self.latest(session_id, checkpoint)
        return {**checkpoint, **change} if change else dict(checkpoint)

    def stale(self, active: set[str]) -> list[Path]:
        """Journals of sessions that are no longer active."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob(f"*{SUFFIX}") if p.stem not in active)


def difference(doc: Mapping[str, Any], checkpoint: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``doc`` that differ from ``checkpoint``: one journal line."""
    return {key: value for key, value in doc.items() if checkpoint.get(key) != value}


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None  # a naive time compares with nothing

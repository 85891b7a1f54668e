"""Sending practice records to a Learning Record Store, resumably.

What an LRS acknowledged is remembered in the data directory's ``lrs-sent.log``: one line per
attempt, ``<endpoint> <record id>@<ended>``, appended and fsynced after each acknowledged batch.
A sync killed midway (Ctrl-C, a crash, a lost network) leaves the log naming exactly the attempts
whose statements the LRS stored; the next sync sends the others. An attempt whose statements
were stored but whose line was not yet written is sent again, which stores nothing twice: its
statement ids are deterministic and the LRS answers 409 (or 204 to a PUT) for ids it has.
Record ids hold no white space (recorder/record.py SESSION_ID), so a line splits on spaces; a
torn last line names no attempt and is ignored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .config import BATCH
from .errors import LrsError

try:
    import fcntl
except ImportError:  # Windows: appends of whole lines, without a lock
    fcntl = None  # type: ignore[assignment]
from .lrs import Client
from .record import PracticeRecord
from .xapi import record_statements

LOG_NAME = "lrs-sent.log"


def record_key(record: PracticeRecord) -> str:
    """An attempt as the log names it: its id and the moment it ended (a record that ends
    again after a resume is a new version, sent again)."""
    return f"{record.id}@{record.endTime.isoformat()}"


class SentLog:
    def __init__(self, root: Path) -> None:
        self.path = root / LOG_NAME

    @staticmethod
    def _name(endpoint: str) -> str:
        return quote(endpoint, safe=":/@.-_~")  # a URL with its spaces (if any) escaped

    def acknowledged(self, endpoint: str) -> set[str]:
        name = self._name(endpoint)
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return set()
        found = set()
        for line in lines:
            parts = line.split(" ")
            if len(parts) == 2 and parts[0] == name:
                found.add(parts[1])
        return found

    def add(self, endpoint: str, keys: Iterable[str]) -> None:
        """Append and fsync; a torn earlier line is ended first, so it cannot swallow ours."""
        name = self._name(endpoint)
        text = "".join(f"{name} {key}\n" for key in keys)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # two syncs at once append whole lines
            size = os.fstat(fd).st_size
            if size and _last_byte(fd, size) != b"\n":
                text = "\n" + text
            os.write(fd, text.encode())
            os.fsync(fd)
        finally:
            os.close(fd)


def _last_byte(fd: int, size: int) -> bytes:
    os.lseek(fd, size - 1, os.SEEK_SET)  # (os.pread is POSIX only)
    return os.read(fd, 1)


@dataclass
class SyncReport:
    endpoint: str
    pending_records: int = 0
    pending_statements: int = 0
    sent_records: int = 0
    sent_statements: int = 0
    already: int = 0
    dry_run: bool = False
    error: LrsError | None = None


@dataclass
class _Batch:
    records: list[PracticeRecord]
    statements: list[dict[str, Any]]


def _batches(
    records: Iterable[PracticeRecord], actor: dict[str, Any], size: int
) -> Iterator[_Batch]:
    """Whole attempts per batch, up to ``size`` statements (an attempt larger than that is a
    batch of its own, sent in pieces and acknowledged once all are stored)."""
    batch = _Batch([], [])
    for record in records:
        statements = record_statements(record, actor)
        if batch.records and len(batch.statements) + len(statements) > size:
            yield batch
            batch = _Batch([], [])
        batch.records.append(record)
        batch.statements += statements
    if batch.records:
        yield batch


def sync(
    records: Iterable[PracticeRecord],
    log: SentLog,
    client: Client,
    actor: dict[str, Any],
    *,
    batch: int = BATCH,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SyncReport:
    """Send every attempt the LRS has not acknowledged. A failure ends the sync with what was
    acknowledged kept (``report.error`` says why); nothing is ever sent twice in a way that
    stores twice."""
    where = client.where.display
    report = SyncReport(endpoint=where, dry_run=dry_run)
    acknowledged = log.acknowledged(where)
    pending: list[PracticeRecord] = []
    for record in records:
        if record_key(record) in acknowledged:
            report.already += 1
        else:
            pending.append(record)
    report.pending_records = len(pending)
    report.pending_statements = sum(len(r.answers) + 1 for r in pending)
    if dry_run:
        return report
    try:
        for group in _batches(pending, actor, batch):
            for start in range(0, len(group.statements), batch):
                client.send(group.statements[start : start + batch])
            log.add(where, [record_key(r) for r in group.records])
            report.sent_records += len(group.records)
            report.sent_statements += len(group.statements)
            if progress is not None:
                progress(report.sent_statements)
    except LrsError as exc:
        report.error = exc
    return report

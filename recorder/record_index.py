"""``records/index.log``: which segment holds each record.

One ``sessionId<TAB>segment`` line per record, appended (and fsynced) when a record is first
saved; every process reads only what others appended since it last looked. A line that is not
one (garbage, a write torn by a crash) is skipped and counted, and the index is rebuilt from
the segments before the next save (and by doctor). The caller holds the data directory's lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from .doctor import check_file, segment_docs
from .durable import atomic_write
from .record import SESSION_ID

SEGMENT_SIZE = 100


class RecordIndex:
    """The index of one data directory, as this process has read it so far."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: The segment of each record.
        self.where: dict[str, int] = {}
        #: How many records the index names in each segment.
        self.counts: dict[int, int] = {}
        #: Lines that could not be read, and whether the last line is torn.
        self.bad_lines = 0
        self.torn = False
        self._offset = 0

    @property
    def damaged(self) -> bool:
        return bool(self.bad_lines or self.torn)

    def refresh(self) -> None:
        """Read what other processes appended since this one last looked."""
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                tail = handle.read()
        except FileNotFoundError:
            return
        complete = tail[: tail.rfind(b"\n") + 1]
        self.torn = len(complete) != len(tail)
        for line in complete.splitlines():
            parsed = _index_line(line)
            if parsed is None:
                self.bad_lines += 1
                continue
            session_id, number = parsed
            if session_id not in self.where:
                self.counts[number] = self.counts.get(number, 0) + 1
            self.where[session_id] = number
        self._offset += len(complete)

    def reload(self) -> None:
        """Read the whole file again."""
        self.where, self.counts, self._offset = {}, {}, 0
        self.bad_lines, self.torn = 0, False
        self.refresh()

    def segment_for_new(self) -> int:
        """The segment a new record goes to: the last one, or the next once it is full."""
        number = max(self.counts, default=1)
        return number + 1 if self.counts.get(number, 0) >= SEGMENT_SIZE else number

    def append(self, session_id: str, number: int) -> None:
        """Say (durably) that ``session_id`` is in segment ``number``."""
        with self.path.open("ab") as handle:
            handle.write(f"{session_id}\t{number}\n".encode())
            handle.flush()
            os.fsync(handle.fileno())
        self.refresh()

    def by_segment(self) -> dict[int, set[str]]:
        """The sessions the index names in each segment, as the file says now."""
        self.reload()
        named: dict[int, set[str]] = {}
        for sid, number in self.where.items():
            named.setdefault(number, set()).add(sid)
        return named

    def rebuild(self, records_dir: Path) -> int:
        """Write the index anew from what the readable segments hold; returns how many."""
        where = records_in(records_dir)
        lines = "".join(f"{sid}\t{number}\n" for sid, number in where.items())
        atomic_write(self.path, lines.encode())
        self.reload()
        return len(where)


def records_in(records_dir: Path) -> dict[str, int]:
    """The segment of each record, as the readable segments hold them."""
    where: dict[str, int] = {}
    for segment in sorted(records_dir.glob("seg-*.json")):
        if check_file(segment) is not None:
            continue
        number = int(segment.stem.split("-")[1])
        for doc in segment_docs(segment):
            where.setdefault(str(doc["sessionId"]), number)
    return where


def _index_line(line: bytes) -> tuple[str, int] | None:
    """``id<TAB>segment`` of one index line, or None when it is not one."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    session_id, tab, segment = text.partition("\t")
    if not tab or not SESSION_ID.fullmatch(session_id) or not segment.isdigit():
        return None
    return session_id, int(segment)

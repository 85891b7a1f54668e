"""Where sessions and records are kept: the only module that imports TinyDB (and filelock).

Layout of the data directory::

    active.json              tables active_sessions, interrupted, pending (small)
    journal/SESSION.jsonl    what changed in an active session since active.json held it whole
                             (one fdatasync'd line per write: recorder/journal.py)
    records/seg-000001.json  table records, at most SEGMENT_SIZE records per file
    records/index.log        append-only "sessionId<TAB>segment" lines: where each record lives
    backups/                 rotating copies of the files above

Every process takes an exclusive ``flock`` on the data directory itself before it touches a file
(:class:`DirectoryLock`): a lock file could be deleted by anyone while two recorders write, and
each would then hold a lock of its own.

Why: TinyDB's JSONStorage re-encodes the whole file on every write (DESIGN.md, "Facts measured"),
so a record save costs what its file weighs. Bounded segments make a save cost the same with 100
or 100,000 records in history, and the active sessions, written on every answer, stay in a file of
their own. Every write goes to a temporary file that is fsynced and renamed over the old one, so
a crash leaves the old file or the new one, never a broken one. A fresh ``TinyDB`` is opened inside
the lock for every operation because each ``Table`` caches its next id, which another process may
have used meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson

try:
    import fcntl
except ImportError:  # Windows: a lock file, as filelock does it
    fcntl = None  # type: ignore[assignment]
from pydantic import ConfigDict, TypeAdapter, ValidationError
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from .errors import CorruptDatabase, StoreError
from .journal import CHECKPOINT_LINES, CHECKPOINT_S, Journal, difference, sync_directory
from .liveness import owner_alive
from .record import SESSION_ID, ActiveSession, PracticeRecord, RecordSummary

log = logging.getLogger(__name__)

SEGMENT_SIZE = 100
# Schemas are built on first use (defer_build), so opening the store costs nothing for them.
_LATER = ConfigDict(defer_build=True)
_SEGMENT: TypeAdapter[dict[str, dict[str, PracticeRecord]]] = TypeAdapter(
    dict[str, dict[str, PracticeRecord]], config=_LATER
)
_SUMMARIES: TypeAdapter[dict[str, dict[str, RecordSummary]]] = TypeAdapter(
    dict[str, dict[str, RecordSummary]], config=_LATER
)
BACKUPS_KEPT = 5
SAVE_ATTEMPTS = 3
LOCK_TIMEOUT = 30.0

T = TypeVar("T")


class AtomicJSONStorage(Storage):
    """TinyDB storage that encodes with orjson and replaces its file atomically on every write."""

    def __init__(self, path: str, backups: Path | None = None, verify: bool = True) -> None:
        self.path = Path(path)
        self.backups = backups
        self.verify = verify

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CorruptDatabase(corrupt_message(self.path, self.backups, str(exc))) from None
        if not isinstance(data, dict):
            raise CorruptDatabase(corrupt_message(self.path, self.backups, "not a JSON object"))
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        encoded = orjson.dumps(data)
        atomic_write(self.path, encoded)
        if self.verify and self.path.read_bytes() != encoded:
            raise StoreError(f"{self.path}: what was read back differs from what was written")

    def close(self) -> None:
        pass


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


@dataclass(frozen=True)
class DoctorFinding:
    path: Path
    status: str  # ok, repaired, corrupt, skipped
    detail: str


def _check_file(path: Path) -> str | None:
    """What is wrong with a database file, or None when it is a valid TinyDB JSON document."""
    try:
        data = orjson.loads(path.read_bytes() or b"{}")
    except orjson.JSONDecodeError as exc:
        return f"not valid JSON ({exc})"
    except OSError as exc:
        return f"unreadable ({exc})"
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        return "not a TinyDB document"
    return None


def newest_backup(path: Path, backups: Path | None) -> Path | None:
    if backups is None or not backups.is_dir():
        return None
    found = sorted(backups.glob(f"{path.name}.*.bak"))
    return found[-1] if found else None


def corrupt_message(path: Path, backups: Path | None, detail: str) -> str:
    backup = newest_backup(path, backups)
    where = f"the newest backup is {backup}" if backup else "no backup of it exists yet"
    return (
        f"{path} is not a valid database ({detail}); it has not been changed, {where}. "
        "Run 'ielts doctor' to check and repair the data directory."
    )


@dataclass
class _Checkpoint:
    """An active session as this Store last wrote it whole into active.json."""

    doc: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    lines: int = 0

    def journal_only(self, doc: Mapping[str, Any]) -> bool:
        """Whether ``doc`` can go to the journal: only fields that change as a learner answers
        differ (the questions, key and tests are as written), and no checkpoint is due."""
        if self.lines >= CHECKPOINT_LINES or time.monotonic() - self.at >= CHECKPOINT_S:
            return False
        return all(doc.get(k) == v for k, v in self.doc.items() if k not in _JOURNALED)


#: What a journal line may carry; any other field changed makes the next write a checkpoint.
_JOURNALED = frozenset(
    {"answers", "answerTimes", "currentQuestion", "markedQuestions", "elapsed", "updatedAt",
     "state", "transitions"}
)  # fmt: skip


class Store:
    """Active sessions and practice records in one data directory, safe across processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.records_dir = self.root / "records"
        self.backups_dir = self.root / "backups"
        self.active_path = self.root / "active.json"
        self.index_path = self.records_dir / "index.log"
        try:
            self.records_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot use the data directory {self.root}: {exc.strerror}") from None
        self._lock = DirectoryLock(self.root, LOCK_TIMEOUT)
        self._index: dict[str, int] = {}
        self._index_offset = 0
        self._segment_counts: dict[int, int] = {}
        #: Lines of index.log that could not be read, and whether its last line is torn.
        self.bad_index_lines = 0
        self.torn_index = False
        self.journal = Journal(self.root / "journal")
        #: Each active session this Store last wrote whole: the document, when, and how many
        #: journal lines have been appended since.
        self._checkpoints: dict[str, _Checkpoint] = {}

    # ------------------------------------------------------------------------- active sessions

    def save_active(self, session: ActiveSession) -> None:
        """Put the session on disk: one journal line of what changed since this Store last wrote
        it whole, or (the first time, when the session's other fields changed, every
        CHECKPOINT_LINES lines or CHECKPOINT_S seconds) the whole session into active.json."""
        doc = session.model_dump(mode="json")
        sid = session.sessionId
        base = self._checkpoints.get(sid)
        if base is not None and base.journal_only(doc):
            with self._translated():
                self.journal.append(sid, difference(doc, base.doc))
            base.lines += 1
            return
        self._with_db(
            self.active_path, lambda db: db.table("active_sessions").upsert(doc, _by(sid))
        )
        self.journal.truncate(sid)  # after the rename: a crash between leaves older lines only
        self._checkpoints[sid] = _Checkpoint(doc)

    def remove_active(self, session_id: str) -> None:
        self._with_db(
            self.active_path, lambda db: db.table("active_sessions").remove(_by(session_id))
        )
        self._forget(session_id)

    def mark_interrupted(self, session: ActiveSession) -> None:
        """Move a session that ended without a submit from active to interrupted (resumable)."""
        doc = session.model_dump(mode="json")

        def move(db: TinyDB) -> None:
            db.table("interrupted").upsert(doc, _by(session.sessionId))
            db.table("active_sessions").remove(_by(session.sessionId))

        self._with_db(self.active_path, move)
        self._forget(session.sessionId)

    def _forget(self, session_id: str) -> None:
        self._checkpoints.pop(session_id, None)
        self.journal.remove(session_id)

    def reopen(self, session_id: str) -> None:
        """Move an interrupted session back to the active table: it is being resumed."""

        def move(db: TinyDB) -> None:
            found = db.table("interrupted").search(_by(session_id))
            if found:
                db.table("active_sessions").upsert(dict(found[0]), _by(session_id))
                db.table("interrupted").remove(_by(session_id))

        self._with_db(self.active_path, move)
        self._forget(session_id)

    def clear_sessions(self, *, keep_pids_alive: bool = True) -> int:
        """Remove interrupted sessions and active ones whose recorder is gone; returns how many."""

        def clear(db: TinyDB) -> int:
            gone = len(db.table("interrupted"))
            db.table("interrupted").truncate()
            active = db.table("active_sessions")
            for doc in active.all():
                if not (keep_pids_alive and _owned(doc)):
                    active.remove(_by(doc["sessionId"]))
                    self._forget(doc["sessionId"])
                    gone += 1
            return gone

        return self._with_db(self.active_path, clear)

    def interrupted_sessions(self) -> list[ActiveSession]:
        docs = self._with_db(self.active_path, lambda db: db.table("interrupted").all())
        return _sessions(docs, self.active_path)

    def active_sessions(self) -> list[ActiveSession]:
        """Every active session as it stands: its checkpoint with its journal laid over."""

        def read(db: TinyDB) -> list[dict[str, Any]]:
            return [self.journal.merged(doc) for doc in db.table("active_sessions").all()]

        return _sessions(self._with_db(self.active_path, read), self.active_path)

    # ---------------------------------------------------------------------------------- records

    def save_record(self, record: PracticeRecord) -> PracticeRecord:
        """Save ``record`` (idempotent on sessionId), retrying; failing that, keep it pending."""
        doc = record.model_dump(mode="json")
        last_error: Exception | None = None
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._locked():
                    self._save_record_locked(record.sessionId, doc)
                    stored = self._read_record_locked(record.sessionId)
                if stored != doc:
                    raise StoreError(f"record {record.id} read back differs from what was saved")
                return record
            except CorruptDatabase:
                raise
            except (OSError, StoreError) as exc:
                last_error = exc
                time.sleep(0.05 * (attempt + 1))
        self._with_db(
            self.active_path, lambda db: db.table("pending").upsert(doc, _by(record.sessionId))
        )
        raise StoreError(
            f"could not save record {record.id} ({last_error}); it is kept in {self.active_path} "
            "and will be saved at the next start"
        )

    def start_run(self) -> Store:
        """What a run (a session, a suite, a clickthrough) does once before it records: save the
        records a failed save left pending, and back up the files that changed."""
        self.replay_pending()
        self.backup()
        return self

    def replay_pending(self) -> list[str]:
        """Save the records a failed save left in ``pending``; returns the ids saved."""
        pending = self._with_db(self.active_path, lambda db: db.table("pending").all())
        saved = []
        for doc in pending:
            record = PracticeRecord.model_validate(doc)
            self.save_record(record)
            self._with_db(self.active_path, _remover("pending", record.sessionId))
            saved.append(record.id)
        return saved

    def get_record(self, session_or_record_id: str) -> PracticeRecord | None:
        session_id = session_or_record_id.removeprefix("record_")
        with self._locked():
            doc = self._read_record_locked(session_id)
        return PracticeRecord.model_validate(doc) if doc else None

    def records(self) -> Iterator[PracticeRecord]:
        """Every record, oldest segment first."""
        yield from self._read_segments(_SEGMENT)

    def summaries(self) -> Iterator[RecordSummary]:
        """Every record without its answers: what listings need (79 ms for 10,000, not 1.3 s)."""
        yield from self._read_segments(_SUMMARIES)

    def _read_segments(self, adapter: TypeAdapter[dict[str, dict[str, T]]]) -> Iterator[T]:
        # Each segment's bytes are validated by pydantic-core in one call, which is several
        # times faster than going through TinyDB's Documents record by record. A segment that
        # holds fewer records than the index names for it (emptied, truncated, deleted) is
        # damaged: said at once, never shown as a shorter history.
        with self._locked():
            self._refresh_index()
            expected = dict(self._segment_counts)
        present = {int(p.stem.split("-")[1]) for p in self.records_dir.glob("seg-*.json")}
        for number in sorted(set(expected) - present):
            raise CorruptDatabase(
                f"{self._segment_path(number)} is missing, and the index names "
                f"{expected[number]} record(s) in it. Run 'ielts doctor' to restore it."
            )
        for segment in sorted(self.records_dir.glob("seg-*.json")):
            with self._locked():
                raw = segment.read_bytes()
            try:
                tables = adapter.validate_json(raw or b"{}")
            except ValidationError as exc:
                if any(err["type"] == "json_invalid" for err in exc.errors()):
                    raise CorruptDatabase(
                        corrupt_message(segment, self.backups_dir, "not valid JSON")
                    ) from None
                raise StoreError(f"{segment}: a stored record is invalid: {exc}") from None
            held = tables.get("records", {})
            if len(held) < expected.get(int(segment.stem.split("-")[1]), 0):
                self._check_lost(segment, held.values())
            yield from held.values()

    def _check_lost(self, segment: Path, held: Iterable[Any]) -> None:
        """A segment holds fewer records than the index names: damage if a backup holds one of
        those it lacks (a cut or emptied file); a stray index line otherwise (doctor tidies)."""
        number = int(segment.stem.split("-")[1])
        with self._locked():
            named = {sid for sid, n in self._index.items() if n == number}
        missing = named - {str(getattr(r, "sessionId", "")) for r in held}
        for backup in sorted(self.backups_dir.glob(f"{segment.name}.*.bak"), reverse=True):
            if _check_file(backup) is None:
                backed = {str(d["sessionId"]) for d in _segment_docs(backup)}
                if missing & backed:
                    why = f"it lacks {len(missing & backed)} record(s) a backup holds"
                    raise CorruptDatabase(corrupt_message(segment, self.backups_dir, why))
        if not held and named:
            raise CorruptDatabase(
                corrupt_message(segment, self.backups_dir, f"empty, the index names {len(named)}")
            )

    def copies(self, session_id: str) -> list[PracticeRecord]:
        """Every stored record that carries this sessionId: one for a record saved once."""
        with self._locked():
            docs = self._docs_locked(session_id)
        return [PracticeRecord.model_validate(doc) for doc in docs]

    def count_records(self) -> int:
        with self._locked():
            self._refresh_index()
            return len(self._index)

    # --------------------------------------------------------------------------------- internals

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except LockTimeout:
            raise StoreError(
                f"another ielts process has held {self._lock.lock_file} for {LOCK_TIMEOUT:.0f} s"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot lock the data directory {self.root}: {exc.strerror}"
            ) from None
        try:
            with self._translated():
                yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """A write refused by the system, said in the learner's words."""
        try:
            yield
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise StoreError(
                    f"the data directory {self.root} cannot be written ({exc.strerror}): "
                    "reading works; give it write permission, or use --data-dir"
                ) from None
            if exc.errno == errno.ENOSPC:
                raise StoreError(f"the disk holding {self.root} is full") from exc
            raise

    def _open(self, path: Path) -> TinyDB:
        return TinyDB(str(path), storage=AtomicJSONStorage, backups=self.backups_dir)

    def _with_db(self, path: Path, action: Callable[[TinyDB], T]) -> T:
        with self._locked():
            return action(self._open(path))

    def _segment_path(self, number: int) -> Path:
        return self.records_dir / f"seg-{number:06d}.json"

    def _refresh_index(self) -> None:
        """Read the part of index.log that other processes appended since we last looked. A line
        that is not ``id<TAB>segment`` (garbage, a torn write) is skipped and counted: doctor
        rebuilds the index from the segments."""
        try:
            with self.index_path.open("rb") as handle:
                handle.seek(self._index_offset)
                tail = handle.read()
        except FileNotFoundError:
            return
        complete = tail[: tail.rfind(b"\n") + 1]
        self.torn_index = len(complete) != len(tail)
        for line in complete.splitlines():
            parsed = _index_line(line)
            if parsed is None:
                self.bad_index_lines += 1
                continue
            session_id, number = parsed
            if session_id not in self._index:
                self._segment_counts[number] = self._segment_counts.get(number, 0) + 1
            self._index[session_id] = number
        self._index_offset += len(complete)

    def _save_record_locked(self, session_id: str, doc: Mapping[str, Any]) -> None:
        self._refresh_index()
        if self.torn_index or self.bad_index_lines:
            # A crash tore the last line (or something wrote garbage): the record it named is in
            # its segment but not in the index, and would be stored a second time.
            self._rebuild_index()
        number = self._index.get(session_id)
        if number is not None:
            self._open(self._segment_path(number)).table("records").upsert(
                dict(doc), _by(session_id)
            )
            return
        number = max(self._segment_counts, default=1)
        if self._segment_counts.get(number, 0) >= SEGMENT_SIZE:
            number += 1
        self._open(self._segment_path(number)).table("records").insert(dict(doc))
        line = f"{session_id}\t{number}\n".encode()
        with self.index_path.open("ab") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self._refresh_index()

    def _docs_locked(self, session_id: str) -> list[dict[str, Any]]:
        """The stored documents of a session, found through the index in their one segment."""
        self._refresh_index()
        number = self._index.get(session_id)
        if number is None:
            return []
        segment = self._open(self._segment_path(number)).table("records")
        return [dict(doc) for doc in segment.search(_by(session_id))]

    def _read_record_locked(self, session_id: str) -> dict[str, Any] | None:
        docs = self._docs_locked(session_id)
        return docs[0] if docs else None

    def _reload_index(self) -> None:
        self._index, self._index_offset, self._segment_counts = {}, 0, {}
        self.bad_index_lines, self.torn_index = 0, False
        self._refresh_index()

    def _where_records_are(self) -> dict[str, int]:
        where: dict[str, int] = {}
        for segment in sorted(self.records_dir.glob("seg-*.json")):
            if _check_file(segment) is not None:
                continue
            number = int(segment.stem.split("-")[1])
            for doc in _segment_docs(segment):
                where.setdefault(str(doc["sessionId"]), number)
        return where

    def _rebuild_index(self) -> int:
        where = self._where_records_are()
        lines = "".join(f"{sid}\t{number}\n" for sid, number in where.items())
        atomic_write(self.index_path, lines.encode())
        self._reload_index()
        return len(where)

    def doctor(self) -> list[DoctorFinding]:
        """Check every database file and repair what can be repaired, losing nothing.

        - ``.tmp`` files a killed writer left are removed (no writer runs while the lock is held).
        - A file that is not valid JSON, a segment holding fewer records than the index names
          for it (emptied, truncated, deleted), or records of the wrong shape: it is rebuilt from
          its backups, merged with what it still holds; the damaged file is copied aside as
          ``NAME.corrupt-TIMESTAMP`` first, and only then replaced (atomically), so a crash at
          any point leaves the damaged file or the repaired one, and the copy.
        - Sessions in ``active.json`` that are not valid sessions are moved to its
          ``unreadable`` table (kept, no longer read by any command).
        - The index is rebuilt from the segments when it disagrees with them or has lines it
          cannot read.
        - Journals of sessions no longer active (a crash between ending a session and removing
          its journal) are removed: what they held is in its record or the interrupted table.
        """
        findings: list[DoctorFinding] = []
        with self._locked():
            findings += self._remove_temporaries()
            self._reload_index()
            named: dict[int, set[str]] = {}
            for sid, number in self._index.items():
                named.setdefault(number, set()).add(sid)
            segments = {int(p.stem.split("-")[1]) for p in self.records_dir.glob("seg-*.json")}
            for number in sorted(segments | set(named)):
                findings.append(
                    self._check_segment(self._segment_path(number), named.get(number, set()))
                )
            findings.append(self._check_active())
            findings += self._remove_stale_journals()
            if any(f.status == "corrupt" for f in findings):
                # Rebuilding the index now would drop the records of the unreadable segment.
                findings.append(DoctorFinding(self.index_path, "skipped", "a segment is corrupt"))
            else:
                findings.extend(self._check_index())
        return findings

    def _remove_stale_journals(self) -> list[DoctorFinding]:
        try:
            docs = _table(self.active_path, "active_sessions").values()
        except (OSError, orjson.JSONDecodeError):
            return []  # an unreadable active.json was reported above: its journals are kept
        active = {str(doc.get("sessionId")) for doc in docs if isinstance(doc, dict)}
        stale = self.journal.stale(active)
        for path in stale:
            path.unlink(missing_ok=True)
        if not stale:
            return []
        return [
            DoctorFinding(
                self.journal.directory,
                "repaired",
                f"{len(stale)} journal(s) of ended sessions removed",
            )
        ]

    def _remove_temporaries(self) -> list[DoctorFinding]:
        found = [
            p for folder in (self.root, self.records_dir, self.backups_dir) if folder.is_dir()
            for p in folder.glob(".*.tmp")
        ]  # fmt: skip
        for path in found:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if not found:
            return []
        return [DoctorFinding(self.root, "repaired", f"removed {len(found)} unfinished write(s)")]

    def _check_segment(self, path: Path, named: set[str]) -> DoctorFinding:
        problem = _check_file(path) if path.is_file() else "missing"
        held: dict[str, dict[str, Any]] = {}
        if problem is None:
            table = _table(path, "records")
            held = {str(d["sessionId"]): d for d in _with_ids(table) if _valid_record(d)}
            total = len(table)
            if len(held) != total:
                problem = f"{total - len(held)} record(s) of the wrong shape"
            elif named - set(held):
                problem = f"holds {len(held)} record(s), the index names {len(named | set(held))}"
        if problem is None:
            return DoctorFinding(path, "ok", f"{len(held)} records")
        restored = self._from_backups(path, held)
        if restored is None:
            return DoctorFinding(path, "corrupt", f"{problem}; no valid backup, left as it is")
        merged, sources = restored
        lost = named - set(merged)
        aside = self._set_aside(path)
        table = {str(n): doc for n, doc in enumerate(merged.values(), start=1)}
        atomic_write(path, orjson.dumps({"records": table}))
        detail = f"{problem}; rebuilt with {len(merged)} record(s) from {', '.join(sources)}"
        detail += f", kept the damaged file as {aside.name}" if aside else ""
        detail += f"; {len(lost)} record(s) the index names are in no backup" if lost else ""
        return DoctorFinding(path, "repaired", detail)

    def _from_backups(
        self, path: Path, held: dict[str, dict[str, Any]]
    ) -> tuple[dict[str, dict[str, Any]], list[str]] | None:
        """The records still held, with those of every valid backup the file lacks (newest
        first); None when no backup is readable."""
        merged = dict(held)
        sources = ["what it still held"] if held else []
        backups = sorted(self.backups_dir.glob(f"{path.name}.*.bak"), reverse=True)
        readable = [b for b in backups if _check_file(b) is None]
        if not readable:
            return None
        for backup in readable:
            added = 0
            for doc in _segment_docs(backup):
                sid = str(doc["sessionId"])
                if _valid_record(doc) and sid not in merged:
                    merged[sid] = doc
                    added += 1
            if added:
                sources.append(backup.name)
        return merged, sources or [readable[0].name]

    def _set_aside(self, path: Path) -> Path | None:
        """A copy of a damaged file beside it (copied, never moved: the file stays until its
        repaired version replaces it)."""
        if not path.is_file():
            return None
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        atomic_write(aside, path.read_bytes())
        return aside

    def _check_active(self) -> DoctorFinding:
        path = self.active_path
        problem = _check_file(path) if path.is_file() else None
        if problem is not None:
            backups = sorted(self.backups_dir.glob(f"{path.name}.*.bak"), reverse=True)
            backup = next((b for b in backups if _check_file(b) is None), None)
            if backup is None:
                return DoctorFinding(path, "corrupt", f"{problem}; no valid backup, left as it is")
            aside = self._set_aside(path)
            atomic_write(path, backup.read_bytes())
            kept = f", kept {aside.name}" if aside else ""
            return DoctorFinding(path, "repaired", f"{problem}; restored {backup.name}{kept}")
        moved = self._with_db_locked(path, _move_unreadable_sessions)
        if moved:
            return DoctorFinding(
                path, "repaired", f"{moved} invalid session(s) moved to its 'unreadable' table"
            )
        return DoctorFinding(path, "ok", "")

    def _with_db_locked(self, path: Path, action: Callable[[TinyDB], T]) -> T:
        return action(self._open(path))

    def _check_index(self) -> list[DoctorFinding]:
        where = self._where_records_are()
        self._reload_index()
        damaged = self.bad_index_lines or self.torn_index
        if self._index == where and not damaged:
            return [DoctorFinding(self.index_path, "ok", f"{len(where)} records")]
        why = f"{self.bad_index_lines} unreadable line(s); " if self.bad_index_lines else ""
        why += "a torn last line; " if self.torn_index else ""
        count = self._rebuild_index()
        return [
            DoctorFinding(
                self.index_path, "repaired", f"{why}rebuilt from segments: {count} records"
            )
        ]

    def backup(self) -> list[Path]:
        """Copy each database file that changed since its newest backup; keep BACKUPS_KEPT each."""
        made = []
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            for path in [self.active_path, *sorted(self.records_dir.glob("seg-*.json"))]:
                if not path.is_file():
                    continue
                latest = newest_backup(path, self.backups_dir)
                if latest and latest.stat().st_mtime >= path.stat().st_mtime:
                    continue
                if _check_file(path) is not None or not path.stat().st_size:
                    continue  # a damaged or emptied file is never a backup
                stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time() % 1:.6f}"[1:]
                target = self.backups_dir / f"{path.name}.{stamp}.bak"
                shutil.copy2(path, target)
                made.append(target)
                self._rotate(path)
        return made

    def _rotate(self, path: Path) -> None:
        """Keep the newest BACKUPS_KEPT backups of a file, and any older one that holds a record
        the file itself lacks (the only copy left of it, after a file was emptied or cut)."""
        backups = sorted(self.backups_dir.glob(f"{path.name}.*.bak"))
        if path == self.active_path:
            live: set[str] | None = None  # sessions come and go: nothing to compare
        else:
            live = (
                {str(d["sessionId"]) for d in _segment_docs(path)}
                if not _check_file(path)
                else set()
            )
        for old in backups[:-BACKUPS_KEPT]:
            if live is not None and _check_file(old) is None:
                if {str(d["sessionId"]) for d in _segment_docs(old)} - live:
                    continue
            old.unlink()


def _sessions(docs: Iterable[Mapping[str, Any]], path: Path) -> list[ActiveSession]:
    """The valid sessions of a table; an invalid one is skipped with a warning (doctor moves it
    to the 'unreadable' table), so that no command stops on it."""
    out = []
    for doc in docs:
        try:
            out.append(ActiveSession.model_validate(dict(doc)))
        except ValidationError:
            log.warning("%s: an invalid session is skipped; run 'ielts doctor'", path)
    return out


def _valid_record(doc: Mapping[str, Any]) -> bool:
    try:
        PracticeRecord.model_validate(doc)
    except ValidationError:
        return False
    return True


def _with_ids(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The documents of a table that have a usable sessionId (any other shape is skipped)."""
    return [
        doc for doc in table.values()
        if isinstance(doc, dict) and SESSION_ID.fullmatch(str(doc.get("sessionId")))
    ]  # fmt: skip


def _segment_docs(segment: Path) -> list[dict[str, Any]]:
    """The records of a segment that have a usable sessionId."""
    return _with_ids(_table(segment, "records"))


def _table(path: Path, name: str) -> dict[str, Any]:
    data = orjson.loads(path.read_bytes() or b"{}")
    table = data.get(name) if isinstance(data, dict) else None
    return table if isinstance(table, dict) else {}


def _move_unreadable_sessions(db: TinyDB) -> int:
    moved = 0
    for name in ("active_sessions", "interrupted"):
        table = db.table(name)
        for doc in table.all():
            try:
                ActiveSession.model_validate(dict(doc))
            except ValidationError:
                db.table("unreadable").insert(dict(doc, fromTable=name))
                table.remove(doc_ids=[doc.doc_id])
                moved += 1
    return moved


def _remover(table: str, session_id: str) -> Callable[[TinyDB], list[int]]:
    def remove(db: TinyDB) -> list[int]:
        return list(db.table(table).remove(_by(session_id)))

    return remove


def _owned(doc: Mapping[str, Any]) -> bool:
    """Whether a stored session's recorder still runs (a doc that is no session: no)."""
    try:
        saved = ActiveSession.model_validate(dict(doc))
    except ValidationError:
        return False
    return owner_alive(saved.pid, saved.pidStart, saved.updatedAt)


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


def _by(session_id: str) -> Any:
    return Query().sessionId == session_id

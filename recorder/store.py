"""Where sessions and records are kept: the only module that imports TinyDB (and filelock).

Layout of the data directory::

    active.json              tables active_sessions, interrupted, pending (small, hot)
    records/seg-000001.json  table records, at most SEGMENT_SIZE records per file
    records/index.log        append-only "sessionId<TAB>segment" lines: where each record lives
    backups/                 rotating copies of the files above
    store.lock               the lock every process takes before it touches a file

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
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from filelock import FileLock, Timeout
from pydantic import TypeAdapter, ValidationError
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from .errors import CorruptDatabase, StoreError
from .record import ActiveSession, PracticeRecord, RecordSummary

SEGMENT_SIZE = 100
_SEGMENT: TypeAdapter[dict[str, dict[str, PracticeRecord]]] = TypeAdapter(
    dict[str, dict[str, PracticeRecord]]
)
_SUMMARIES: TypeAdapter[dict[str, dict[str, RecordSummary]]] = TypeAdapter(
    dict[str, dict[str, RecordSummary]]
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
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename itself is durable only once the directory entry is synced (POSIX).
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


class Store:
    """Active sessions and practice records in one data directory, safe across processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.records_dir = self.root / "records"
        self.backups_dir = self.root / "backups"
        self.active_path = self.root / "active.json"
        self.index_path = self.records_dir / "index.log"
        self.records_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.root / "store.lock"), timeout=LOCK_TIMEOUT)
        self._index: dict[str, int] = {}
        self._index_offset = 0
        self._segment_counts: dict[int, int] = {}

    # ------------------------------------------------------------------------- active sessions

    def save_active(self, session: ActiveSession) -> None:
        doc = session.model_dump(mode="json")
        self._with_db(
            self.active_path,
            lambda db: db.table("active_sessions").upsert(doc, _by(session.sessionId)),
        )

    def remove_active(self, session_id: str) -> None:
        self._with_db(
            self.active_path, lambda db: db.table("active_sessions").remove(_by(session_id))
        )

    def mark_interrupted(self, session: ActiveSession) -> None:
        """Move a session that ended without a submit from active to interrupted (resumable)."""
        doc = session.model_dump(mode="json")

        def move(db: TinyDB) -> None:
            db.table("interrupted").upsert(doc, _by(session.sessionId))
            db.table("active_sessions").remove(_by(session.sessionId))

        self._with_db(self.active_path, move)

    def reopen(self, session_id: str) -> None:
        """Move an interrupted session back to the active table: it is being resumed."""

        def move(db: TinyDB) -> None:
            found = db.table("interrupted").search(_by(session_id))
            if found:
                db.table("active_sessions").upsert(dict(found[0]), _by(session_id))
                db.table("interrupted").remove(_by(session_id))

        self._with_db(self.active_path, move)

    def clear_sessions(self, *, keep_pids_alive: bool = True) -> int:
        """Remove interrupted sessions and active ones whose recorder is gone; returns how many."""

        def clear(db: TinyDB) -> int:
            gone = len(db.table("interrupted"))
            db.table("interrupted").truncate()
            active = db.table("active_sessions")
            for doc in active.all():
                if not (keep_pids_alive and pid_alive(doc.get("pid"))):
                    active.remove(_by(doc["sessionId"]))
                    gone += 1
            return gone

        return self._with_db(self.active_path, clear)

    def interrupted_sessions(self) -> list[ActiveSession]:
        docs = self._with_db(self.active_path, lambda db: db.table("interrupted").all())
        return [ActiveSession.model_validate(doc) for doc in docs]

    def active_sessions(self) -> list[ActiveSession]:
        docs = self._with_db(self.active_path, lambda db: db.table("active_sessions").all())
        return [ActiveSession.model_validate(doc) for doc in docs]

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
        # times faster than going through TinyDB's Documents record by record.
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
            yield from tables.get("records", {}).values()

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
            with self._lock:
                yield
        except Timeout:
            raise StoreError(
                f"another ielts process has held {self._lock.lock_file} for {LOCK_TIMEOUT:.0f} s"
            ) from None

    def _open(self, path: Path) -> TinyDB:
        return TinyDB(str(path), storage=AtomicJSONStorage, backups=self.backups_dir)

    def _with_db(self, path: Path, action: Callable[[TinyDB], T]) -> T:
        with self._locked():
            return action(self._open(path))

    def _segment_path(self, number: int) -> Path:
        return self.records_dir / f"seg-{number:06d}.json"

    def _refresh_index(self) -> None:
        """Read the part of index.log that other processes appended since we last looked."""
        try:
            with self.index_path.open("rb") as handle:
                handle.seek(self._index_offset)
                tail = handle.read()
        except FileNotFoundError:
            return
        complete = tail[: tail.rfind(b"\n") + 1]
        for line in complete.splitlines():
            session_id, _, segment = line.decode().partition("\t")
            number = int(segment)
            if session_id not in self._index:
                self._segment_counts[number] = self._segment_counts.get(number, 0) + 1
            self._index[session_id] = number
        self._index_offset += len(complete)

    def _save_record_locked(self, session_id: str, doc: Mapping[str, Any]) -> None:
        self._refresh_index()
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
        self._refresh_index()

    def doctor(self) -> list[DoctorFinding]:
        """Check every database file; restore a corrupt one from its newest valid backup.

        A corrupt file is never overwritten in place: it is kept beside the others as
        ``NAME.corrupt-TIMESTAMP`` before the backup takes its place. The record index is
        rebuilt from the segments when it disagrees with them.
        """
        findings: list[DoctorFinding] = []
        with self._locked():
            for path in [self.active_path, *sorted(self.records_dir.glob("seg-*.json"))]:
                if not path.is_file():
                    continue
                problem = _check_file(path)
                if problem is None:
                    findings.append(DoctorFinding(path, "ok", ""))
                    continue
                backup = next(
                    (b for b in reversed(sorted(self.backups_dir.glob(f"{path.name}.*.bak")))
                     if _check_file(b) is None),
                    None,
                )  # fmt: skip
                if backup is None:
                    findings.append(
                        DoctorFinding(path, "corrupt", f"{problem}; no valid backup, left as it is")
                    )
                    continue
                aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
                os.replace(path, aside)
                atomic_write(path, backup.read_bytes())
                findings.append(
                    DoctorFinding(
                        path, "repaired", f"{problem}; restored {backup.name}, kept {aside.name}"
                    )
                )
            if any(f.status == "corrupt" for f in findings):
                # Rebuilding the index now would drop the records of the unreadable segment.
                findings.append(DoctorFinding(self.index_path, "skipped", "a segment is corrupt"))
            else:
                findings.extend(self._check_index())
        return findings

    def _check_index(self) -> list[DoctorFinding]:
        where: dict[str, int] = {}
        for segment in sorted(self.records_dir.glob("seg-*.json")):
            if _check_file(segment) is not None:
                continue
            number = int(segment.stem.split("-")[1])
            for doc in self._open(segment).table("records").all():
                where.setdefault(doc["sessionId"], number)
        self._reload_index()
        if self._index == where:
            return [DoctorFinding(self.index_path, "ok", f"{len(where)} records")]
        lines = "".join(f"{sid}\t{number}\n" for sid, number in where.items())
        atomic_write(self.index_path, lines.encode())
        self._reload_index()
        return [
            DoctorFinding(
                self.index_path, "repaired", f"rebuilt from segments: {len(where)} records"
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
                stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time() % 1:.6f}"[1:]
                target = self.backups_dir / f"{path.name}.{stamp}.bak"
                shutil.copy2(path, target)
                made.append(target)
                for old in sorted(self.backups_dir.glob(f"{path.name}.*.bak"))[:-BACKUPS_KEPT]:
                    old.unlink()
        return made


def _remover(table: str, session_id: str) -> Callable[[TinyDB], list[int]]:
    def remove(db: TinyDB) -> list[int]:
        return list(db.table(table).remove(_by(session_id)))

    return remove


def pid_alive(pid: object) -> bool:
    """Whether a process with this pid is running (a recorder that still owns its session)."""
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


def _by(session_id: str) -> Any:
    return Query().sessionId == session_id

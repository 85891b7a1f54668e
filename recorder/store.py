"""Where sessions and records are kept: the only module that imports TinyDB.

Layout of the data directory::

    active.json              tables active_sessions, interrupted, pending (small)
    journal/SESSION.jsonl    what changed in an active session since active.json held it whole
                             (one fdatasync'd line per write: recorder/journal.py)
    records/seg-000001.json  table records, at most SEGMENT_SIZE records per file
    records/index.log        append-only "sessionId<TAB>segment" lines: where each record lives
                             (recorder/record_index.py, which also sets SEGMENT_SIZE)
    backups/                 rotating copies of the files above (recorder/doctor.py)

Every process takes an exclusive ``flock`` on the data directory itself before it touches a file
(:class:`recorder.durable.DirectoryLock`; a journal line, which only its session's recorder
writes, needs none): a lock file could be deleted by anyone while two recorders write, and
each would then hold a lock of its own.

Why: TinyDB's JSONStorage re-encodes the whole file on every write (DESIGN.md, "Facts measured"),
so a record save costs what its file weighs. Bounded segments make a save cost the same with 100
or 100,000 records in history, and the active sessions stay in a file of their own, rewritten only
at checkpoints (an answer is a journal line). Every write goes to a temporary file that is
fsynced and renamed over the old one, so a crash leaves the old file or the new one, never a
broken one. A fresh ``TinyDB`` is opened inside
the lock for every operation because each ``Table`` caches its next id, which another process may
have used meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import ConfigDict, TypeAdapter, ValidationError
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from .doctor import (
    Doctor,
    DoctorFinding,
    corrupt_message,
    good_backups,
    make_backups,
    segment_docs,
)
from .durable import DirectoryLock, LockTimeout, atomic_write
from .errors import CorruptDatabase, SessionError, StoreError
from .journal import CHECKPOINT_LINES, CHECKPOINT_S, Journal, difference
from .liveness import own_start, owner_alive
from .record import ActiveSession, PracticeRecord, RecordSummary
from .record_index import RecordIndex, records_in

log = logging.getLogger(__name__)

# Schemas are built on first use (defer_build), so opening the store costs nothing for them.
_LATER = ConfigDict(defer_build=True)
_SEGMENT: TypeAdapter[dict[str, dict[str, PracticeRecord]]] = TypeAdapter(
    dict[str, dict[str, PracticeRecord]], config=_LATER
)
_SUMMARIES: TypeAdapter[dict[str, dict[str, RecordSummary]]] = TypeAdapter(
    dict[str, dict[str, RecordSummary]], config=_LATER
)
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
            raw = read_file(self.path, self.backups)
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


def read_file(path: Path, backups: Path | None) -> bytes:
    """A database file's bytes; one that exists but cannot be read (a folder stands where it
    should be, no permission) is said as damage that doctor repairs, never a raw traceback."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        detail = f"cannot be read: {exc.strerror or exc}"
        raise CorruptDatabase(corrupt_message(path, backups, detail)) from None


@dataclass
class _Checkpoint:
    """An active session as this Store last wrote it whole into active.json."""

    doc: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    lines: int = 0

    def fits(self, doc: Mapping[str, Any]) -> bool:
        """Whether ``doc`` can be a journal line: only fields that change as a learner answers
        differ from this checkpoint (the questions, key and tests are as written)."""
        return all(doc.get(k) == v for k, v in self.doc.items() if k not in _JOURNALED)

    def due(self) -> bool:
        return self.lines >= CHECKPOINT_LINES or time.monotonic() - self.at >= CHECKPOINT_S


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
        except FileExistsError as exc:
            raise StoreError(
                f"cannot use the data directory {self.root}: {exc.filename} is a file where a "
                "folder should be; move it away and run again"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot use the data directory {self.root}: {exc.strerror}") from None
        self._lock = DirectoryLock(self.root, LOCK_TIMEOUT)
        self.index = RecordIndex(self.index_path)
        self.journal = Journal(self.root / "journal")
        #: Each active session this Store last wrote whole: the document, when, and how many
        #: journal lines have been appended since.
        self._checkpoints: dict[str, _Checkpoint] = {}

    # ------------------------------------------------------------------------- active sessions

    def save_active(self, session: ActiveSession) -> None:
        """Put the session on disk the cheapest durable way: a journal line where one will do,
        the whole session into active.json the first time, when its other fields changed, or
        when a checkpoint is due."""
        if not self.journal_change(session) or self.checkpoint_due(session.sessionId):
            self.checkpoint(session)

    def journal_change(self, session: ActiveSession) -> bool:
        """Append what changed since the session's checkpoint as one fdatasync'd journal line,
        if that is all that changed (one small write: the recorder does it in its event loop).
        Returns False, writing nothing, when the session must be written whole."""
        doc = session.model_dump(mode="json")
        base = self._checkpoints.get(session.sessionId)
        if base is None or not base.fits(doc):
            return False
        with self._translated():
            try:
                self.journal.append(session.sessionId, difference(doc, base.doc))
            except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
                # Something stands where the journal should be: the journal only saves time,
                # so the session is written whole (doctor moves the obstacle aside).
                log.warning("the journal cannot be written (%s); writing sessions whole", exc)
                return False
        base.lines += 1
        return True

    def checkpoint_due(self, session_id: str) -> bool:
        """Whether the journal has grown enough (CHECKPOINT_LINES lines or CHECKPOINT_S
        seconds) to be folded into active.json."""
        base = self._checkpoints.get(session_id)
        return base is None or base.due()

    def checkpoint(self, session: ActiveSession) -> None:
        """Write the session whole into active.json and empty its journal."""
        doc = session.model_dump(mode="json")
        sid = session.sessionId
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
        """Claim an interrupted or orphaned session for this recorder: it is being resumed.

        Refused (:class:`SessionError`) while another running recorder holds it: two recorders
        of one session would each save a record of it, the later replacing the other's answers.
        An orphan is claimed with its journal folded in, so the journal can go at once.
        """
        mine = {"pid": os.getpid(), "pidStart": own_start(),
                "updatedAt": datetime.now(timezone.utc).isoformat()}  # fmt: skip

        def claim(db: TinyDB) -> int | None:
            active = db.table("active_sessions")
            held = active.search(_by(session_id))
            if held and held[0].get("pid") != os.getpid() and _owned(held[0]):
                return int(held[0]["pid"])
            found = db.table("interrupted").search(_by(session_id))
            if found or held:
                doc = dict(found[0]) if found else self.journal.merged(held[0])
                active.upsert({**doc, **mine}, _by(session_id))
                db.table("interrupted").remove(_by(session_id))
            return None

        holder = self._with_db(self.active_path, claim)
        if holder is not None:
            raise SessionError(
                f"session {session_id} is being recorded by another recorder (pid {holder}); "
                "finish it there, or stop that recorder and resume it again"
            )
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
            self.index.refresh()
            expected = dict(self.index.counts)
        present = {int(p.stem.split("-")[1]) for p in self.records_dir.glob("seg-*.json")}
        for number in sorted(set(expected) - present):
            raise CorruptDatabase(
                f"{self.segment_path(number)} is missing, and the index names "
                f"{expected[number]} record(s) in it. Run 'ielts doctor' to restore it."
            )
        for segment in sorted(self.records_dir.glob("seg-*.json")):
            with self._locked():
                raw = read_file(segment, self.backups_dir)
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
            named = {sid for sid, n in self.index.where.items() if n == number}
        missing = named - {str(getattr(r, "sessionId", "")) for r in held}
        for backup in good_backups(segment, self.backups_dir):
            backed = {str(d["sessionId"]) for d in segment_docs(backup)}
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
            self.index.refresh()
            return len(self.index.where)

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

    def segment_path(self, number: int) -> Path:
        return self.records_dir / f"seg-{number:06d}.json"

    def _save_record_locked(self, session_id: str, doc: Mapping[str, Any]) -> None:
        self.index.refresh()
        if self.index.damaged:
            # A crash tore the last line (or something wrote garbage): the record it named is in
            # its segment but not in the index, and would be stored a second time.
            self.index.rebuild(self.records_dir)
        number = self.index.where.get(session_id)
        if number is not None:
            self._open(self.segment_path(number)).table("records").upsert(
                dict(doc), _by(session_id)
            )
            return
        number = self.index.segment_for_new()
        self._open(self.segment_path(number)).table("records").insert(dict(doc))
        self.index.append(session_id, number)

    def _docs_locked(self, session_id: str) -> list[dict[str, Any]]:
        """The stored documents of a session, found through the index in their one segment."""
        self.index.refresh()
        number = self.index.where.get(session_id)
        if number is None:
            return []
        segment = self._open(self.segment_path(number)).table("records")
        return [dict(doc) for doc in segment.search(_by(session_id))]

    def _read_record_locked(self, session_id: str) -> dict[str, Any] | None:
        docs = self._docs_locked(session_id)
        return docs[0] if docs else None

    def doctor(self) -> list[DoctorFinding]:
        """Check every file of the data directory and repair what can be repaired, losing
        nothing (recorder/doctor.py says how)."""
        with self._locked():
            return Doctor(self).run()

    def backup(self) -> list[Path]:
        """Copy each database file that changed since its newest backup (recorder/doctor.py)."""
        with self._locked():
            return make_backups(self)

    def index_by_segment(self) -> dict[int, set[str]]:
        """The sessions the index names in each segment, as index.log says now."""
        return self.index.by_segment()

    def check_index(self) -> list[DoctorFinding]:
        where = records_in(self.records_dir)
        index = self.index
        index.reload()
        if index.where == where and not index.damaged:
            return [DoctorFinding(self.index_path, "ok", f"{len(where)} records")]
        why = f"{index.bad_lines} unreadable line(s); " if index.bad_lines else ""
        why += "a torn last line; " if index.torn else ""
        count = index.rebuild(self.records_dir)
        return [
            DoctorFinding(
                self.index_path, "repaired", f"{why}rebuilt from segments: {count} records"
            )
        ]


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


def _by(session_id: str) -> Any:
    return Query().sessionId == session_id

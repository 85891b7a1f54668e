"""Backups and repair of a data directory (``ielts doctor``): files checked, what is damaged
rebuilt from what it still holds and from its backups, never a record lost on the way."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from .durable import atomic_write
from .record import SESSION_ID, ActiveSession, PracticeRecord

if TYPE_CHECKING:
    from .store import Store

BACKUPS_KEPT = 5


@dataclass(frozen=True)
class DoctorFinding:
    path: Path
    status: str  # ok, repaired, corrupt, skipped
    detail: str


#: What doctor says of a folder standing where one of its files should be.
FOLDER = "a folder stood where the file should be"


def check_file(path: Path) -> str | None:
    """What is wrong with a database file, or None when it is a valid TinyDB JSON document."""
    if path.is_dir():
        return FOLDER
    try:
        data = orjson.loads(path.read_bytes() or b"{}")
    except orjson.JSONDecodeError as exc:
        return f"not valid JSON ({exc})"
    except OSError as exc:
        return f"unreadable ({exc})"
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        return "not a TinyDB document"
    return None


def backups_of(path: Path, backups: Path) -> list[Path]:
    """The backups of a database file, oldest first (their names sort by when they were made)."""
    return sorted(backups.glob(f"{path.name}.*.bak"))


def good_backups(path: Path, backups: Path) -> list[Path]:
    """The backups of ``path`` that are valid database files, newest first."""
    return [b for b in reversed(backups_of(path, backups)) if check_file(b) is None]


def newest_backup(path: Path, backups: Path | None) -> Path | None:
    if backups is None or not backups.is_dir():
        return None
    found = backups_of(path, backups)
    return found[-1] if found else None


def corrupt_message(path: Path, backups: Path | None, detail: str) -> str:
    backup = newest_backup(path, backups)
    where = f"the newest backup is {backup}" if backup else "no backup of it exists yet"
    return (
        f"{path} is not a valid database ({detail}); it has not been changed, {where}. "
        "Run 'ielts doctor' to check and repair the data directory."
    )


class Doctor:
    """One check of a data directory, run by :meth:`Store.doctor` with the store locked."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def run(self) -> list[DoctorFinding]:
        """Check every file and repair what can be repaired, losing nothing.

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
        store = self.store
        findings: list[DoctorFinding] = []
        findings += self._remove_temporaries()
        named = store.index_by_segment()
        segments = {int(p.stem.split("-")[1]) for p in store.records_dir.glob("seg-*.json")}
        for number in sorted(segments | set(named)):
            findings.append(
                self._check_segment(store.segment_path(number), named.get(number, set()))
            )
        findings.append(self._check_active())
        findings += self._remove_stale_journals()
        if any(f.status == "corrupt" for f in findings):
            # Rebuilding the index now would drop the records of the unreadable segment.
            findings.append(DoctorFinding(store.index_path, "skipped", "a segment is corrupt"))
        else:
            findings.extend(store.check_index())
        return findings

    def _remove_stale_journals(self) -> list[DoctorFinding]:
        folder = self.store.journal.directory
        if folder.exists() and not folder.is_dir():
            aside = self._set_aside(folder)
            folder.unlink()
            detail = f"a file stood where the journal folder should be; kept it as {aside}"
            return [DoctorFinding(folder, "repaired", detail)]
        try:
            docs = table_of(self.store.active_path, "active_sessions").values()
        except (OSError, orjson.JSONDecodeError):
            return []  # an unreadable active.json was reported above: its journals are kept
        active = {str(doc.get("sessionId")) for doc in docs if isinstance(doc, dict)}
        stale = self.store.journal.stale(active)
        for path in stale:
            path.unlink(missing_ok=True)
        if not stale:
            return []
        return [
            DoctorFinding(
                self.store.journal.directory,
                "repaired",
                f"{len(stale)} journal(s) of ended sessions removed",
            )
        ]

    def _remove_temporaries(self) -> list[DoctorFinding]:
        store = self.store
        found = [
            p for folder in (store.root, store.records_dir, store.backups_dir) if folder.is_dir()
            for p in folder.glob(".*.tmp")
        ]  # fmt: skip
        for path in found:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if not found:
            return []
        return [DoctorFinding(store.root, "repaired", f"removed {len(found)} unfinished write(s)")]

    def _check_segment(self, path: Path, named: set[str]) -> DoctorFinding:
        problem = check_file(path) if path.exists() else "missing"
        held: dict[str, dict[str, Any]] = {}
        if problem is None:
            table = table_of(path, "records")
            held = {str(d["sessionId"]): d for d in with_ids(table) if valid_record(d)}
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
        readable = good_backups(path, self.store.backups_dir)
        if not readable:
            return None
        for backup in readable:
            added = 0
            for doc in segment_docs(backup):
                sid = str(doc["sessionId"])
                if valid_record(doc) and sid not in merged:
                    merged[sid] = doc
                    added += 1
            if added:
                sources.append(backup.name)
        return merged, sources or [readable[0].name]

    def _set_aside(self, path: Path) -> Path | None:
        """A copy of a damaged file beside it (copied, never moved: the file stays until its
        repaired version replaces it). A folder standing where the file should be holds nothing
        of the store's: it is moved aside whole, to make room for the file."""
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        if path.is_dir():
            path.rename(aside)
            return aside
        if not path.is_file():
            return None
        atomic_write(aside, path.read_bytes())
        return aside

    def _check_active(self) -> DoctorFinding:
        path = self.store.active_path
        problem = check_file(path) if path.exists() else None
        if problem is not None:
            backup = next(iter(good_backups(path, self.store.backups_dir)), None)
            if backup is None and problem == FOLDER:
                aside = self._set_aside(path)  # a folder holds no session: nothing to restore
                return DoctorFinding(path, "repaired", f"{problem}; moved it aside as {aside}")
            if backup is None:
                return DoctorFinding(path, "corrupt", f"{problem}; no valid backup, left as it is")
            aside = self._set_aside(path)
            atomic_write(path, backup.read_bytes())
            kept = f", kept {aside.name}" if aside else ""
            return DoctorFinding(path, "repaired", f"{problem}; restored {backup.name}{kept}")
        moved = _move_unreadable_sessions(path)
        if moved:
            return DoctorFinding(
                path, "repaired", f"{moved} invalid session(s) moved to its 'unreadable' table"
            )
        return DoctorFinding(path, "ok", "")


def make_backups(store: Store) -> list[Path]:
    """Copy each database file that changed since its newest backup; keep BACKUPS_KEPT each
    (the store is locked by the caller)."""
    made = []
    store.backups_dir.mkdir(parents=True, exist_ok=True)
    for path in [store.active_path, *sorted(store.records_dir.glob("seg-*.json"))]:
        if not path.is_file():
            continue
        latest = newest_backup(path, store.backups_dir)
        if latest and latest.stat().st_mtime >= path.stat().st_mtime:
            continue
        if check_file(path) is not None or not path.stat().st_size:
            continue  # a damaged or emptied file is never a backup
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time() % 1:.6f}"[1:]
        target = store.backups_dir / f"{path.name}.{stamp}.bak"
        shutil.copy2(path, target)
        made.append(target)
        _rotate(store, path)
    return made


def _rotate(store: Store, path: Path) -> None:
    """Keep the newest BACKUPS_KEPT backups of a file, and any older one that holds a record
    the file itself lacks (the only copy left of it, after a file was emptied or cut)."""
    backups = backups_of(path, store.backups_dir)
    if path == store.active_path:
        live: set[str] | None = None  # sessions come and go: nothing to compare
    else:
        live = {str(d["sessionId"]) for d in segment_docs(path)} if not check_file(path) else set()
    for old in backups[:-BACKUPS_KEPT]:
        if live is not None and check_file(old) is None:
            if {str(d["sessionId"]) for d in segment_docs(old)} - live:
                continue
        old.unlink()


def valid_record(doc: Mapping[str, Any]) -> bool:
    try:
        PracticeRecord.model_validate(doc)
    except ValidationError:
        return False
    return True


def with_ids(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The documents of a table that have a usable sessionId (any other shape is skipped)."""
    return [
        doc for doc in table.values()
        if isinstance(doc, dict) and SESSION_ID.fullmatch(str(doc.get("sessionId")))
    ]  # fmt: skip


def segment_docs(segment: Path) -> list[dict[str, Any]]:
    """The records of a segment that have a usable sessionId."""
    return with_ids(table_of(segment, "records"))


def table_of(path: Path, name: str) -> dict[str, Any]:
    data = orjson.loads(path.read_bytes() or b"{}")
    table = data.get(name) if isinstance(data, dict) else None
    return table if isinstance(table, dict) else {}


def _move_unreadable_sessions(path: Path) -> int:
    """Move the documents of active.json that are not valid sessions to its 'unreadable' table
    (read and written as the JSON TinyDB keeps, atomically)."""
    data = orjson.loads(path.read_bytes() or b"{}") if path.is_file() else {}
    unreadable = data.setdefault("unreadable", {})
    moved = 0
    for name in ("active_sessions", "interrupted"):
        table = data.get(name, {})
        for doc_id, doc in list(table.items()):
            try:
                ActiveSession.model_validate(doc)
            except ValidationError:
                next_id = max((int(k) for k in unreadable if k.isdigit()), default=0) + 1
                unreadable[str(next_id)] = dict(doc, fromTable=name)
                del table[doc_id]
                moved += 1
    if moved:
        atomic_write(path, orjson.dumps(data))
    return moved

"""Trust (issue #13): recovery and import (cases 4, 5, 8, 16), each a case that failed before.

A session whose recorder's pid went to another process is an orphan, not "active" forever; a
session whose page moved is recorded before it is cleared; a long answer never loses a submit;
an import is checked at the boundary, with exact reasons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from recorder.cli import run
from recorder.errors import ImportFailed, SessionError
from recorder.exports import import_records, to_json
from recorder.liveness import owner_alive, process_start
from recorder.protocol import parse_message
from recorder.session import Session
from recorder.sessions import list_sessions
from recorder.store import Store

from .conftest import Play
from .test_store import record

NOW = datetime.now(timezone.utc)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# ------------------------------------------------------------------------- 5. a reused pid
@pytest.mark.parametrize(
    "pid,start,updated,alive",
    [
        ("self", "own", NOW, True),
        ("parent", 1.0, NOW, False),  # the pid now belongs to another process
        ("parent", None, NOW - timedelta(hours=2), False),  # no start time, not saved for 2 h
        ("parent", None, NOW, True),
        ("dead", None, NOW, False),
        (None, None, NOW, False),
    ],
)
def test_a_session_is_active_only_while_its_own_recorder_runs(
    pid: object, start: object, updated: datetime, alive: bool
) -> None:
    pids = {"self": os.getpid(), "parent": os.getppid(), "dead": _dead_pid(), None: None}
    chosen = pids[pid]  # type: ignore[index]
    started = process_start(os.getpid()) if start == "own" else start
    assert owner_alive(chosen, started, updated) is alive  # type: ignore[arg-type]


def test_a_snapshot_reads_its_own_process_start_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from recorder import liveness

    reads: list[int] = []
    monkeypatch.setattr(liveness, "_OWN_START", {})
    monkeypatch.setattr(liveness, "process_start", lambda pid: reads.append(pid) or 1.0)
    session = Session("once", exam_id="e", title="t", url="file:///e.html")
    assert [session.snapshot().pidStart for _ in range(3)] == [1.0, 1.0, 1.0]
    assert reads == [os.getpid()]


def test_a_session_whose_pid_was_reused_is_recovered(tmp_path: Path) -> None:
    store = Store(tmp_path)
    saved = Session("reused", exam_id="e", title="t", url="file:///e.html").snapshot()
    store.save_active(saved.model_copy(update={"pid": os.getppid(), "pidStart": 1.0}))
    assert [i.kind for i in list_sessions(store)] == ["orphan"]


# ------------------------------------------------- resuming (cases added in stop 8)
_CLAIM = """
import sys, time
from pathlib import Path
from recorder.store import Store
Store(Path(sys.argv[1])).reopen("claimed")
print("claimed", flush=True)
time.sleep(60)
"""


def test_a_session_two_recorders_resume_at_once_is_recorded_by_one(tmp_path: Path) -> None:
    """Both recorders went on recording the same session, and the last record saved replaced
    the other's answers (the second reopen found nothing to move and said nothing)."""
    store = Store(tmp_path)
    saved = Session("claimed", exam_id="e", title="t", url="file:///e.html").snapshot()
    store.save_active(saved.model_copy(update={"answers": {"1": "kept"}}))
    store.mark_interrupted(saved.model_copy(update={"answers": {"1": "kept"}}))
    first = subprocess.Popen(
        [sys.executable, "-c", _CLAIM, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "claimed"
        with pytest.raises(
            SessionError, match=f"being recorded by another recorder .pid {first.pid}"
        ):
            Store(tmp_path).reopen("claimed")
    finally:
        first.kill()
        first.communicate()
    Store(tmp_path).reopen("claimed")  # its recorder is gone: an orphan, resumable again
    [active] = Store(tmp_path).active_sessions()
    assert active.pid == os.getpid() and active.answers == {"1": "kept"}


def test_resuming_an_orphan_keeps_the_answers_only_its_journal_held(tmp_path: Path) -> None:
    """Reopening removed the orphan's journal while active.json held an older checkpoint: a
    crash before the resumed session's first save lost the journaled answers."""
    store = Store(tmp_path)
    saved = Session("orphaned", exam_id="e", title="t", url="file:///e.html").snapshot()
    saved = saved.model_copy(update={"pid": _dead_pid(), "pidStart": None})
    store.save_active(saved)
    later = saved.model_copy(
        update={"answers": {"1": "journaled"}, "updatedAt": saved.updatedAt + timedelta(seconds=1)}
    )
    store.save_active(later)  # a journal line only
    Store(tmp_path).reopen("orphaned")
    table = json.loads((tmp_path / "active.json").read_text())["active_sessions"]
    assert [doc["answers"] for doc in table.values()] == [{"1": "journaled"}]


# ------------------------------------------------ 4. clearing a session whose page has moved
def test_clearing_sessions_first_records_the_answers_of_a_moved_page(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store(data)
    session = Session("moved", exam_id="adhoc-gone-1", title="A page that moved",
                      url=(tmp_path / "gone" / "page.html").as_uri())  # fmt: skip
    saved = session.snapshot().model_copy(
        update={
            "answers": {"1": "lighthouse", "2": "B"},
            "questionIds": ["1", "2"],
            "pid": _dead_pid(),
            "pidStart": None,
        }  # fmt: skip
    )
    store.save_active(saved)
    assert run(["sessions", "clear", "--yes", "--data-dir", str(data)]) == 0
    kept = Store(data).get_record("moved")
    assert kept is not None and kept.status == "interrupted"
    assert {a.questionId: a.userAnswer for a in kept.answers} == {"1": "lighthouse", "2": "B"}
    assert kept.title == "A page that moved"
    assert list_sessions(Store(data)) == []


# --------------------------------------------------------------------- 8. a very long answer
def test_a_message_too_long_names_the_real_reason() -> None:
    message = {
        "v": 1, "type": "session_progress", "sessionId": "s", "seq": 1, "ts": 1,
        "data": {"answers": {"7": "x" * 2500}, "answeredQuestions": 1, "totalQuestions": 1,
                 "elapsed": 1},
    }  # fmt: skip
    with pytest.raises(Exception, match="data.answers.7: 2500 characters, over the limit of 2000"):
        parse_message(json.dumps(message))


def test_a_long_answer_is_kept_cut_and_the_submit_is_not_lost(play: Play, tmp_path: Path) -> None:
    page = Path(__file__).parent / "data" / "pages" / "written-judgements.html"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"9": "colour " * 400}))  # 2,800 characters
    result = play(str(page), f"answers:{answers}")
    assert result.record.status == "completed"
    given = next(a.userAnswer for a in result.record.answers if a.questionId == "9")
    assert isinstance(given, str) and len(given) == 2000 and given.endswith(" [cut]")


# ----------------------------------------------------------------------------- 16. imports
def _export(tmp_path: Path, **changes: object) -> Path:
    doc = json.loads(to_json([record("imp")]))
    doc["records"][0].update(changes.pop("record", {}))  # type: ignore[call-overload]
    doc.update(changes)
    doc.pop("sha256")
    path = tmp_path / "import.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    "record_changes,reason",
    [
        ({"startTime": "2026-11-01T10:00:00"}, "startTime: Input should have timezone info"),
        ({"createdAt": "2026-11-01T10:00:00"}, "createdAt: Input should have timezone info"),
        ({"score": 40, "correctAnswers": 3}, "score 40 is more than totalQuestions 13"),
        ({"title": "t" * 600}, "title: String should have at most 500 characters"),
        ({"title": "t" * 10_000_000}, "title: String should have at most 500 characters"),
        ({"examId": "e" * 300}, "examId: String should have at most 200 characters"),
        ({"sessionId": "a\nb", "id": "record_a\nb"}, "sessionId: String should match pattern"),
        ({"metadata": {"examTitle": "t", "marking": "harsh"}}, "metadata.marking"),
        # Cases added in stop 8 (each accepted before):
        ({"band": 7.3}, "band: Input should be a multiple of 0.5"),
        (
            {"endTime": "2026-10-31T23:59:00Z"},
            "endTime 2026-10-31T23:59:00+00:00 is before startTime 2026-11-01T00:00:00+00:00",
        ),
        (
            {"startTime": "9999-12-31T23:59:59Z", "endTime": "9999-12-31T23:59:59Z"},
            "startTime 9999-12-31T23:59:59+00:00 is in the future",
        ),
        ({"createdAt": "2999-01-01T00:00:00+14:00"}, "createdAt 2999-01-01T00:00:00+14:00 is in"),
    ],
)
def test_an_import_is_checked_at_the_boundary(
    tmp_path: Path, record_changes: dict[str, object], reason: str
) -> None:
    store = Store(tmp_path / "data")
    report = import_records(_export(tmp_path, record=record_changes), store)
    assert not report.added
    assert len(report.rejected) == 1 and reason in report.rejected[0][1]
    assert list(store.records()) == []
    assert run(["history", "--data-dir", str(tmp_path / "data")]) == 0


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"format": "something-else"}, "its format is 'something-else'"),
        ({"format": None}, "its format is None"),
        ({"version": 2}, "version 2 of the format; this recorder reads version 1"),
    ],
)
def test_an_export_of_another_format_or_version_is_refused(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ImportFailed, match=message):
        import_records(_export(tmp_path, **changes), Store(tmp_path / "data"))


def test_an_import_file_that_cannot_be_read_is_said(tmp_path: Path) -> None:
    """A folder given for a file raised a raw IsADirectoryError before."""
    with pytest.raises(ImportFailed, match=f"cannot read {tmp_path}: .*directory"):
        import_records(tmp_path, Store(tmp_path / "data"))


def test_an_export_saved_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    """Windows editors save UTF-8 with a byte order mark; it was refused as invalid JSON."""
    path = _export(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    store = Store(tmp_path / "data")
    assert import_records(path, store).added == ["record_imp"]


def test_a_long_error_or_title_never_makes_the_record_invalid() -> None:
    from recorder.attempt import build_record
    from recorder.exam import adhoc_exam

    session = Session("long", exam_id="e", title="t", url="file:///e.html")
    session.page_title = "T" * 499
    session.fail("TimeoutError: " + "call log line\n" * 2000)  # a driver's error with its log
    exam = adhoc_exam("file:///e.html").model_copy(update={"title": "x" * 900})
    built = build_record(session, exam, key=None, key_source=None)
    assert built.status == "error" and len(built.metadata.interruptionReason or "") == 4000
    assert len(built.title) <= 500


# ------------------------------------------------------------- 7. a disk that fills mid-session
class _Told:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def status(self, message: str) -> None:
        self.lines.append(message)

    def progress(self, session: object, last_saved: float | None) -> None:
        pass

    def explained(self, lines: list[str]) -> None:
        pass


def test_a_full_disk_mid_session_loses_nothing_and_the_learner_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import threading

    from recorder import store as store_module
    from recorder.autoplay import Strategy
    from recorder.catalog import Catalog
    from recorder.practice import PracticeOptions, practice

    real = store_module.atomic_write
    full = threading.Event()

    def disk(path: Path, data: bytes) -> None:
        if full.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(store_module, "atomic_write", disk)
    page = Path(__file__).parent / "data" / "pages" / "written-judgements.html"

    async def fill_the_disk(_page: object) -> None:
        full.set()  # the disk is full for the answers' last writes and the submit...
        threading.Timer(3.0, full.clear).start()  # ...until space comes back, 3 s later

    told = _Told()
    options = PracticeOptions(headless=True, autoplay=Strategy.parse("key"), data_dir=tmp_path,
                              after_answers=fill_the_disk)  # fmt: skip
    result = practice(Catalog().resolve(str(page)), options, told)
    stored = Store(tmp_path).get_record(result.record.sessionId)
    assert stored is not None and (stored.status, stored.score) == ("completed", 13)
    assert any(line.startswith("NOT SAVED: ") and "full" in line for line in told.lines), told.lines
    assert "Saved: the record is on disk." in told.lines
    assert list_sessions(Store(tmp_path)) == []  # nothing left half done


def test_reading_works_while_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from recorder import store as store_module

    store = Store(tmp_path)
    store.save_record(record("kept"))
    orphan = Session("orphan", exam_id="e", title="t", url="file:///e.html").snapshot()
    store.save_active(orphan.model_copy(update={"pid": _dead_pid(), "pidStart": None}))

    def no_space(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write", no_space)
    assert run(["history", "--data-dir", str(tmp_path)]) == 0  # the orphan waits; history reads

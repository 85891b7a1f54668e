"""The answer journal (issue #16): an answer costs one fdatasync'd line, and every reader of the
store sees the session as it stands, whatever a crash left in the journal."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from recorder import journal as journal_module
from recorder.browser import ExamPage
from recorder.record import ActiveSession
from recorder.session import Session
from recorder.store import Store

from .conftest import Play
from .helpers import FakeClock


def fresh(session_id: str = "journaled") -> ActiveSession:
    return Session(
        session_id, exam_id="e", title="t", url="file:///e.html", clock=FakeClock()
    ).snapshot()


def answered(saved: ActiveSession, step: int, **answers: str) -> ActiveSession:
    return saved.model_copy(
        update={
            "answers": {**saved.answers, **answers},
            "updatedAt": saved.updatedAt + timedelta(seconds=step),
            "elapsed": saved.elapsed + step,
        }
    )


def started(root: Path, **answers: str) -> tuple[Store, ActiveSession]:
    """A store holding a session written whole, then one journal line of ``answers``."""
    store = Store(root)
    saved = fresh()
    store.save_active(saved)  # whole: the checkpoint
    saved = answered(saved, 1, **answers)
    store.save_active(saved)
    return store, saved


def on_disk(store: Store) -> dict[str, object]:
    """What active.json itself holds of the session (no journal laid over)."""
    table = json.loads(store.active_path.read_text())["active_sessions"]
    [doc] = table.values()
    return dict(doc["answers"])


def test_an_answer_is_a_journal_line_and_readers_see_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first = fresh()
    store.save_active(first)  # whole: the checkpoint
    second = answered(first, 1, q1="river")
    store.save_active(second)
    third = answered(second, 2, q2="B")
    store.save_active(third)
    assert on_disk(store) == {}  # active.json was not rewritten for the answers
    lines = [ln for ln in store.journal.path("journaled").read_bytes().split(b"\n") if ln]
    assert len(lines) == 2
    assert "questionIds" not in json.loads(lines[-1])  # a line carries what changed only
    [seen] = Store(tmp_path).active_sessions()  # another process reads the same
    assert seen.answers == {"q1": "river", "q2": "B"}
    assert seen.updatedAt == third.updatedAt


def test_a_torn_last_line_is_skipped_and_the_next_line_is_read_whole(tmp_path: Path) -> None:
    store, saved = started(tmp_path, q1="river")
    with store.journal.path("journaled").open("ab") as handle:
        handle.write(b'{"answers": {"q1": "riv')  # a crash, or a full disk, mid-line
    [seen] = store.active_sessions()
    assert seen.answers == {"q1": "river"}
    later = answered(saved, 1, q2="C")
    store.save_active(later)  # the write after the disk has room again
    [seen] = Store(tmp_path).active_sessions()
    assert seen.answers == {"q1": "river", "q2": "C"}


def test_journal_lines_older_than_the_checkpoint_are_ignored(tmp_path: Path) -> None:
    """A crash between a checkpoint's rename and the journal's truncation leaves older lines."""
    store, saved = started(tmp_path, q1="old")
    left = tmp_path / "left.jsonl"
    shutil.copy(store.journal.path("journaled"), left)
    newer = answered(saved, 1, q1="new").model_copy(update={"questionIds": ["q1"]})
    store.save_active(newer)  # another field changed: written whole, the journal emptied
    assert on_disk(store) == {"q1": "new"}
    assert store.journal.path("journaled").stat().st_size == 0
    shutil.copy(left, store.journal.path("journaled"))  # as if the truncation never happened
    [seen] = Store(tmp_path).active_sessions()
    assert seen.answers == {"q1": "new"}


@pytest.mark.parametrize("lines,seconds", [(3, 100.0), (1000, 0.0)])
def test_a_checkpoint_comes_after_so_many_lines_or_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: int, seconds: float
) -> None:
    monkeypatch.setattr("recorder.store.CHECKPOINT_LINES", lines)
    monkeypatch.setattr("recorder.store.CHECKPOINT_S", seconds)
    store = Store(tmp_path)
    saved = fresh()
    store.save_active(saved)
    for n in range(4):
        saved = answered(saved, 1, **{f"q{n}": "x"})
        store.save_active(saved)
    held = on_disk(store)
    assert held, "no checkpoint was written"
    [seen] = store.active_sessions()
    assert seen.answers == {f"q{n}": "x" for n in range(4)}


def test_ending_a_session_removes_its_journal(tmp_path: Path) -> None:
    store, saved = started(tmp_path, q1="river")
    assert store.journal.path("journaled").exists()
    store.mark_interrupted(saved)
    assert not store.journal.path("journaled").exists()
    [kept] = store.interrupted_sessions()
    assert kept.answers == {"q1": "river"}
    store.reopen("journaled")
    [back] = store.active_sessions()
    assert back.answers == {"q1": "river"}
    store.remove_active("journaled")
    assert store.active_sessions() == []


def test_doctor_removes_the_journals_of_ended_sessions_only(tmp_path: Path) -> None:
    store = Store(tmp_path)
    live = fresh("live")
    store.save_active(live)
    store.save_active(answered(live, 1, q1="kept"))
    store.journal.append("ended", {"updatedAt": "2026-12-02T00:00:00Z", "answers": {"q1": "x"}})
    findings = [f for f in store.doctor() if f.path == store.journal.directory]
    assert [(f.status, f.detail) for f in findings] == [
        ("repaired", "1 journal(s) of ended sessions removed")
    ]
    assert not store.journal.path("ended").exists()
    [seen] = store.active_sessions()
    assert seen.answers == {"q1": "kept"}


def test_a_journal_write_is_one_data_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the journal: an answer costs one sync of one file, not two and a rename."""
    store, saved = started(tmp_path, q1="a")  # the journal file exists from here on
    synced: list[int] = []
    real = journal_module._sync
    monkeypatch.setattr(journal_module, "_sync", lambda fd: (synced.append(fd), real(fd)))
    monkeypatch.setattr(os, "replace", lambda *a: pytest.fail("active.json was rewritten"))
    store.save_active(answered(saved, 1, q2="b"))
    assert len(synced) == 1


def test_a_session_journals_its_answers_and_leaves_no_journal(play: Play, data_dir: Path) -> None:
    """In a real session: the answers are journal lines while it runs (active.json holds the
    session as it began), every reader sees them, and the journal goes when the session ends."""
    seen: dict[str, object] = {}

    async def look(_page: ExamPage) -> None:
        await asyncio.sleep(0.3)  # the last change is written
        store = Store(data_dir)
        [journal] = sorted(store.journal.directory.glob("*.jsonl"))
        seen["lines"] = sum(1 for ln in journal.read_bytes().split(b"\n") if ln.strip())
        seen["in active.json"] = {k: v for k, v in on_disk(store).items() if v}
        [session] = store.active_sessions()
        seen["read"] = {k: v for k, v in session.answers.items() if v}

    result = play("academic-reef-soundscapes", "random:4", after_answers=look)
    assert result.record.status == "completed"
    planned = {k: v for k, v in (result.planned or {}).items() if v}
    assert seen["read"] == planned
    assert seen["in active.json"] == {}  # no answer needed active.json rewritten
    assert isinstance(seen["lines"], int) and seen["lines"] >= 1
    assert list(Store(data_dir).journal.directory.glob("*.jsonl")) == []


@pytest.mark.parametrize(
    "line",
    [
        b'{"updatedAt": "2099-01-01T00:00:00", "answers": {"q1": "naive"}}',  # no time zone
        b'{"updatedAt": "soon", "answers": {"q1": "garbage"}}',
        b'["not", "a", "change"]',
        b"\xff\xfe",
    ],
)
def test_a_hostile_journal_line_is_ignored_and_never_stops_a_reader(
    tmp_path: Path, line: bytes
) -> None:
    store, _ = started(tmp_path, q1="river")
    with store.journal.path("journaled").open("ab") as handle:
        handle.write(b"\n" + line + b"\n")
    [seen] = store.active_sessions()
    assert seen.answers == {"q1": "river"}


def test_a_session_id_that_is_a_path_reads_no_journal_elsewhere(tmp_path: Path) -> None:
    outside = tmp_path / "outside.jsonl"
    outside.write_text(json.dumps({"updatedAt": "2099-01-01T00:00:00+00:00", "sessionId": "x"}))
    store = Store(tmp_path / "data")
    store.journal.directory.mkdir()  # so that data/journal/../../outside.jsonl resolves
    doc = {"sessionId": "../../outside", "updatedAt": "2026-01-01T00:00:00+00:00"}
    assert store.journal.merged(doc) == doc


def test_a_journal_that_cannot_be_written_falls_back_to_whole_writes(tmp_path: Path) -> None:
    """A file where the journal folder should be made every save and the end of the session
    fail (NOT SAVED until the end; stop 8's probe): the journal only saves time, so a session
    is then written whole, and doctor moves the file aside."""
    (tmp_path / "journal").write_text("not a folder")
    store = Store(tmp_path)
    saved = fresh()
    store.save_active(saved)
    for step in range(1, 4):
        saved = answered(saved, step, **{str(step): f"answer {step}"})
        store.save_active(saved)
        assert on_disk(store) == saved.answers  # written whole each time
    [active] = Store(tmp_path).active_sessions()
    assert active.answers == {"1": "answer 1", "2": "answer 2", "3": "answer 3"}
    store.mark_interrupted(saved)
    assert [s.sessionId for s in Store(tmp_path).interrupted_sessions()] == ["journaled"]
    findings = {f.path.name: f for f in Store(tmp_path).doctor()}
    assert findings["journal"].status == "repaired"
    assert "a file stood where the journal folder should be" in findings["journal"].detail
    assert (tmp_path / "journal").is_dir() or not (tmp_path / "journal").exists()

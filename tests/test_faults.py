"""Fault injection with real processes: every answer given must survive, whatever breaks."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recorder.bridge import Bridge
from recorder.browser import ExamPage, close_context
from recorder.errors import CorruptDatabase, StoreError
from recorder.session import Session
from recorder.store import Store

from .conftest import Play
from .helpers import FakeClock
from .test_store import record

EXAM = "academic-reef-soundscapes"
REPO = Path(__file__).resolve().parent.parent


def _process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, executable name), read from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            exe = os.path.basename((entry / "cmdline").read_bytes().split(b"\0")[0].decode())
        except (OSError, IndexError, ValueError):
            continue
        table[int(entry.name)] = (ppid, exe)
    return table


def browser_pids(root: int) -> list[int]:
    """The browser processes started below ``root`` whose parent is not a browser process."""
    table = _process_table()
    below, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (ppid, _) in table.items() if ppid in frontier} - below
        below |= frontier
    return [
        pid for pid in below
        if "chrom" in table[pid][1] and "chrom" not in table.get(table[pid][0], (0, ""))[1]
    ]  # fmt: skip


def given(result_answers: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in result_answers.items() if v not in (None, "", [])}


# ------------------------------------------------------------------------- faults in the browser


def test_browser_killed_mid_session_keeps_every_answer(play: Play, data_dir: Path) -> None:
    async def kill_browser(_page: ExamPage) -> None:
        pids = browser_pids(os.getpid())
        assert pids, "no browser process found to kill"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.5)

    result = play(EXAM, "random:5", own_browser=True, after_answers=kill_browser)
    record = result.record
    assert record.status == "interrupted"
    assert record.metadata.interruptionReason == "the browser closed or crashed"
    assert {a.questionId: a.userAnswer for a in record.answers} == result.planned
    resumable = Store(data_dir).interrupted_sessions()
    assert [s.sessionId for s in resumable] == [record.sessionId]
    assert given(resumable[0].answers) == given(result.planned or {})


def test_renderer_crash_keeps_every_answer(play: Play) -> None:
    async def crash(page: ExamPage) -> None:
        await page.crash()

    result = play(EXAM, "random:6", after_answers=crash)
    assert result.record.status == "interrupted"
    assert result.record.metadata.interruptionReason == "the page crashed"
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned


def test_tab_closed_keeps_every_answer(play: Play) -> None:
    async def close(page: ExamPage) -> None:
        await page.close()

    result = play("listening-community-centre", "random:2", after_answers=close)
    assert result.record.status == "interrupted"
    assert result.record.metadata.interruptionReason == "the exam tab was closed"
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned
    assert result.record.score is not None  # scored against the key read when the page opened


def test_inactivity_ends_the_session_as_timeout(play: Play) -> None:
    result = play(EXAM, "random:1", submit=False, inactivity_minutes=0.01)
    assert result.record.status == "timeout"
    assert result.record.metadata.interruptionReason is not None
    assert result.record.metadata.interruptionReason.startswith("no activity for")
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned


# ---------------------------------------------------------------------- faults in the controller


def start_controller(data: Path, seed: int = 3) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "recorder", "practice", EXAM, "--headless",
         "--autoplay", f"random:{seed}", "--no-submit", "--data-dir", str(data)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for_answers(data: Path, count: int, timeout: float = 60) -> dict[str, object]:
    """The active session's answers once ``count`` of them are on disk."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:  # active.json with the session's journal laid over, as every reader sees it
            active = Store(data).active_sessions() if (data / "active.json").exists() else []
        except StoreError:
            active = []
        for session in active:
            answers = given(dict(session.answers))
            if len(answers) >= count:
                return answers
        time.sleep(0.1)
    raise AssertionError(f"{count} answers never reached {data}")


@pytest.mark.parametrize(
    "sig,reason",
    [
        (signal.SIGINT, "interrupted by Ctrl-C"),
        (signal.SIGTERM, "stopped by SIGTERM"),
        (signal.SIGHUP, "terminal closed (SIGHUP)"),
    ],
)
def test_signals_to_the_controller_keep_every_answer(
    tmp_path: Path, sig: signal.Signals, reason: str
) -> None:
    data = tmp_path / "data"
    proc = start_controller(data)
    saved = wait_for_answers(data, 13)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out.decode()
    records = list(Store(data).records())
    assert len(records) == 1
    assert records[0].status == "interrupted"
    assert records[0].metadata.interruptionReason == reason
    assert given({a.questionId: a.userAnswer for a in records[0].answers}) == saved
    assert Store(data).active_sessions() == []


def test_controller_sigkill_then_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from recorder.cli import run

    data = tmp_path / "data"
    proc = start_controller(data, seed=9)
    saved = wait_for_answers(data, 13)
    proc.kill()
    proc.communicate(timeout=30)
    for pid in browser_pids(proc.pid):
        os.kill(pid, signal.SIGKILL)

    # The next command notices the orphan and says how to resume it.
    assert run(["sessions", "--data-dir", str(data)]) == 0
    err = capsys.readouterr().err
    session_id = Store(data).interrupted_sessions()[0].sessionId
    assert f"Resume it with: ielts resume {session_id}" in " ".join(err.split())
    interrupted = Store(data).get_record(session_id)
    assert interrupted is not None and interrupted.status == "interrupted"
    moves = [(t.state, t.reason) for t in Store(data).interrupted_sessions()[0].transitions]
    assert moves[-1] == ("interrupted", "the recorder was killed or crashed")
    assert ("started", "resumed") not in moves  # it was written up, not resumed
    assert given({a.questionId: a.userAnswer for a in interrupted.answers}) == saved

    # Resume: every answer goes back into the page through real input events, then submit.
    assert (
        run(
            [
                "resume",
                session_id,
                "--yes",
                "--headless",
                "--autoplay",
                "blank",
                "--data-dir",
                str(data),
            ]
        )
        == 0
    )
    final = Store(data).get_record(session_id)
    assert final is not None and final.status == "completed"
    assert given({a.questionId: a.userAnswer for a in final.answers}) == saved
    assert final.metadata.pageScore == final.score  # the page graded the restored answers too
    assert Store(data).count_records() == 1
    assert Store(data).interrupted_sessions() == [] and Store(data).active_sessions() == []


# --------------------------------------------------------------------------- faults in the store


def _save_many(root: str, worker: int, count: int) -> None:
    store = Store(Path(root))
    for n in range(count):
        store.save_record(record(f"w{worker}-{n}"))


def save_in_processes(root: Path, processes: int, each: int) -> list[int | None]:
    """``processes`` spawned recorders saving ``each`` records into ``root``; their exit codes."""
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_save_many, args=(str(root), w, each)) for w in range(processes)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    return [w.exitcode for w in workers]


def test_four_processes_saving_250_records_each(tmp_path: Path) -> None:
    assert save_in_processes(tmp_path, 4, 250) == [0, 0, 0, 0]
    store = Store(tmp_path)
    ids = [r.sessionId for r in store.records()]
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert store.count_records() == 1000
    for segment in (tmp_path / "records").glob("seg-*.json"):
        json.loads(segment.read_text())  # every file is valid JSON
    assert {f.status for f in store.doctor()} == {"ok"}


CRASH_BEFORE_RENAME = """
import os, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.test_store import record
from recorder.store import Store
store = Store(Path({root!r}))
def crash(*args, **kwargs):
    os._exit(9)  # the process dies after the temporary file is written and fsynced
os.replace = crash
store.save_record(record("second"))
"""


def test_crash_between_temp_write_and_rename_leaves_the_old_file(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_record(record("first"))
    segment = tmp_path / "records" / "seg-000001.json"
    before = segment.read_bytes()
    code = CRASH_BEFORE_RENAME.format(repo=str(REPO), root=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 9, done.stderr.decode()
    assert segment.read_bytes() == before
    assert [r.sessionId for r in Store(tmp_path).records()] == ["first"]
    # The next save goes through; the stray temporary file does not disturb anything.
    Store(tmp_path).save_record(record("second"))
    assert sorted(r.sessionId for r in Store(tmp_path).records()) == ["first", "second"]


def test_a_truncated_database_is_reported_then_repaired_from_backup(tmp_path: Path) -> None:
    from recorder.cli import run

    store = Store(tmp_path)
    store.save_record(record("a", 7))
    store.backup()
    segment = tmp_path / "records" / "seg-000001.json"
    segment.write_bytes(segment.read_bytes()[:40])
    with pytest.raises(CorruptDatabase) as exc:
        list(Store(tmp_path).records())
    assert str(segment) in str(exc.value) and "newest backup" in str(exc.value)
    truncated = segment.read_bytes()
    assert run(["doctor", "--data-dir", str(tmp_path)]) == 0
    assert [(r.sessionId, r.score) for r in Store(tmp_path).records()] == [("a", 7)]
    kept = list((tmp_path / "records").glob("seg-000001.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == truncated  # never thrown away


def test_doctor_without_a_backup_leaves_the_file_and_fails(tmp_path: Path) -> None:
    from recorder.cli import run

    Store(tmp_path).save_record(record("a"))
    segment = tmp_path / "records" / "seg-000001.json"
    segment.write_bytes(b"{broken")
    index = (tmp_path / "records" / "index.log").read_bytes()
    assert run(["doctor", "--data-dir", str(tmp_path)]) == 1
    assert segment.read_bytes() == b"{broken"
    assert (tmp_path / "records" / "index.log").read_bytes() == index  # not rebuilt without it


def test_the_same_completion_delivered_twice_gives_one_record(tmp_path: Path) -> None:
    url = "file:///exams/page.html"
    session = Session("s1", exam_id="e", title="t", url=url, clock=FakeClock())
    bridge = Bridge(session, url)
    ready = {
        "sessionId": "s1",
        "examId": "e",
        "url": url,
        "title": "t",
        "questionIds": ["1"],
        "keyFound": True,
    }
    done = {
        "answers": {"1": "B"},
        "answerKey": {"1": "B"},
        "keySource": "json_script",
        "elapsed": 3,
    }

    def msg(type_: str, seq: int, data: dict[str, object]) -> str:
        return json.dumps(
            {"v": 1, "type": type_, "sessionId": "s1", "seq": seq, "ts": 1, "data": data}
        )

    assert bridge.receive(msg("SESSION_READY", 0, ready), url)
    assert bridge.receive(msg("session_completed", 1, done), url)
    assert bridge.receive(msg("session_completed", 1, done), url) is None  # the very same message
    assert bridge.receive(msg("session_completed", 2, done), url) is None  # a second completion
    assert dict(bridge.stats.rejected) == {"duplicate": 1, "out_of_order": 1}
    store = Store(tmp_path)
    store.save_record(record("s1", 1))
    store.save_record(record("s1", 1))
    assert store.count_records() == 1 and len(list(store.records())) == 1


# ------------------------------------------------------------------------------------- pausing


def test_the_pages_pause_control_pauses_the_clock(play: Play) -> None:
    async def pause_then_resume(page: ExamPage) -> None:
        await page.click(0, "[data-ielts-pause]")
        await asyncio.sleep(2.0)
        await page.click(0, "[data-ielts-pause]")

    started = time.monotonic()
    result = play(EXAM, "key", after_answers=pause_then_resume)
    wall = time.monotonic() - started
    assert result.record.status == "completed" and result.record.score == 13
    assert result.record.duration < wall - 1.8  # the two paused seconds are not counted


def test_the_terminal_pause_key(tmp_path: Path) -> None:
    import pty

    data = tmp_path / "data"
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "recorder", "practice", EXAM, "--headless",
         "--autoplay", "random:4", "--no-submit", "--data-dir", str(data)],
        cwd=REPO, stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_answers(data, 13)
        os.write(leader, b"p")
        time.sleep(1.0)
        os.write(leader, b"p")
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    saved = Store(data).interrupted_sessions()[0]
    moves = [(t.state, t.reason) for t in saved.transitions]
    assert ("paused", "terminal") in moves and ("active", "terminal") in moves


# ------------------------------------------------------------------------------ pending records


def test_a_record_that_cannot_be_saved_waits_in_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recorder.errors import StoreError

    store = Store(tmp_path)

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "_save_record_locked", disk_full)
    with pytest.raises(StoreError) as exc:
        store.save_record(record("p1", 9))
    assert "will be saved at the next start" in str(exc.value)
    monkeypatch.undo()
    assert Store(tmp_path).count_records() == 0
    assert Store(tmp_path).replay_pending() == ["record_p1"]
    assert [(r.sessionId, r.score) for r in Store(tmp_path).records()] == [("p1", 9)]
    assert Store(tmp_path).replay_pending() == []


def test_sessions_clear_forgets_interrupted_sessions(tmp_path: Path) -> None:
    from recorder.cli import run
    from recorder.record import ActiveSession

    store = Store(tmp_path)
    snapshot = Session(
        "gone", exam_id=EXAM, title="t", url="file:///x.html", clock=FakeClock()
    ).snapshot()
    store.mark_interrupted(ActiveSession.model_validate(snapshot.model_dump() | {"pid": None}))
    assert len(store.interrupted_sessions()) == 1
    assert run(["sessions", "clear", "--yes", "--data-dir", str(tmp_path)]) == 0
    assert store.interrupted_sessions() == []


def test_a_completion_after_the_timeout_is_still_recorded(play: Play, data_dir: Path) -> None:
    seen: list[str | None] = []

    async def walk_away_then_submit(page: ExamPage) -> None:
        await asyncio.sleep(1.5)  # past the 0.6 s inactivity limit: a timeout record is saved
        stored = Store(data_dir).records().__next__()
        seen.append(stored.status)
        await page.submit()

    result = play(EXAM, "key", submit=False, inactivity_minutes=0.01, end_on_timeout=False,
                  after_answers=walk_away_then_submit)  # fmt: skip
    assert seen == ["timeout"]
    assert result.record.status == "completed" and result.record.score == 13
    assert [r.status for r in Store(data_dir).records()] == ["completed"]  # replaced, not added


def test_a_recorder_failure_mid_session_keeps_the_answers_as_an_error_record(play: Play) -> None:
    async def fail(_page: ExamPage) -> None:
        raise RuntimeError("boom")

    result = play(EXAM, "random:8", after_answers=fail)
    assert result.record.status == "error"
    assert result.record.metadata.interruptionReason == "recorder error: RuntimeError: boom"
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned


def test_a_reload_mid_session_loses_nothing(play: Play, data_dir: Path) -> None:
    async def reload(page: ExamPage) -> None:
        await page.reload()
        await asyncio.sleep(1.5)  # the answers are typed back into the reloaded page

    result = play(EXAM, "random:6", after_answers=reload)
    assert result.record.status == "completed"
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned
    assert result.record.metadata.pageScore == result.record.score  # the page saw them again


class _StallingContext:
    """A browser context whose close stalls, as Chromium's did when a session ended while its
    page was submitting a form by navigation: the close finishes once its pages are closed
    (``until_pages_close``), or never."""

    def __init__(self, *, stalls: bool, until_pages_close: bool = True) -> None:
        self.stalls, self.until_pages_close = stalls, until_pages_close
        self.pages = [self._Page(self), self._Page(self)]
        self.closed = asyncio.Event()

    class _Page:
        def __init__(self, context: _StallingContext) -> None:
            self.context = context

        async def close(self) -> None:
            self.context.pages.remove(self)
            if not self.context.pages and self.context.until_pages_close:
                self.context.closed.set()

    async def close(self) -> None:
        if not self.stalls:
            self.closed.set()
        await self.closed.wait()


@pytest.mark.parametrize(
    "stalls,until_pages_close,closed,pages_left",
    [(False, True, True, 2), (True, True, True, 0), (True, False, False, 0)],
)
def test_a_stalled_context_close_never_hangs_the_recorder(
    stalls: bool, until_pages_close: bool, closed: bool, pages_left: int
) -> None:
    context = _StallingContext(stalls=stalls, until_pages_close=until_pages_close)

    async def close() -> bool:
        return await asyncio.wait_for(close_context(context, stall_s=0.05), 5)  # type: ignore[arg-type]

    assert asyncio.run(close()) is closed
    assert len(context.pages) == pages_left  # a healthy close leaves its pages to the browser


def test_a_context_close_that_fails_otherwise_than_in_the_driver_is_not_hidden() -> None:
    class Broken(_StallingContext):
        async def close(self) -> None:
            raise RuntimeError("not the driver's")

    async def close() -> bool:
        return await close_context(Broken(stalls=False), stall_s=0.05)  # type: ignore[arg-type]

    with pytest.raises(RuntimeError, match="not the driver's"):
        asyncio.run(close())

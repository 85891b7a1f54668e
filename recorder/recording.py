"""A recording: one session while it runs, and how it ends.

The Recording holds the session, the bridge's messages, the writes of its answers (journal
lines in the event loop, checkpoints and records on one writer thread), the watchdogs
(inactivity, the driver, the test's time limit, autosave) and the one way a session ends: every
cause (submit, tab closed, crash, browser gone, inactivity, Ctrl-C, SIGTERM, SIGHUP) is a
"done" reason, and :meth:`Recording.start_finishing` turns the session into its stored
records.
``recorder/practice.py`` opens the page and composes these.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .attempt import build_record, build_records
from .autoplay import Step
from .bridge import Bridge, BridgeStats
from .browser import DriverError, ExamPage
from .catalog import Exam
from .errors import CorruptDatabase, RecorderError, StoreError
from .protocol import AnswerValue, PageMessage, SessionCompleted, SessionReady
from .record import ActiveSession, PracticeRecord
from .scoring import marking_rules
from .session import TERMINAL, Session
from .store import Store
from .survey import Control

if TYPE_CHECKING:
    from .practice import PracticeOptions

log = logging.getLogger(__name__)

#: After a tab closes, how long a disconnect of the whole browser is given to arrive first.
CLOSE_GRACE_S = 0.5
#: Group commit: a change after a quiet moment is written at once; the changes of a burst (each
#: within BURST_S of the one before: faster than anyone answers, slower than the page's 100 ms
#: throttle) go together, at most one write per WRITE_GAP_S. A learner's answers, 150 ms apart
#: or more, never wait; a burst of 10 changes costs about 3 writes (bench/answer_latency.py).
BURST_S = 0.12
WRITE_GAP_S = 0.25
#: How soon a thread waiting for the GIL takes it over (Python's default is 5 ms). The writer
#: thread (checkpoints, records) and the event loop each hold it only briefly; with the default,
#: a write ready to fsync waited 5 ms behind the loop's work on the driver's messages.
GIL_HANDOVER_S = 0.001
#: How often the browser's driver is asked whether it still answers, and how long it may take.
DRIVER_CHECK_S = 5.0
DRIVER_TIMEOUT_S = 10.0
#: How often a failed write of the session (a full disk) is tried again.
SAVE_RETRY_S = 2.0
#: How long the end of a session is tried again before its records are rescued elsewhere.
FINAL_RETRY_S = 120.0

#: After a completion, how long the test's other documents (popups, frames) are given to send
#: the answers their throttle still holds.
LATE_ANSWERS_S = 0.5


@dataclass
class PracticeResult:
    #: The attempt at the whole page. On a page holding several tests the records stored are
    #: one per test (``records``); this one, marked over every test, is what a QA run checks.
    record: PracticeRecord
    data_dir: Path
    stats: BridgeStats
    planned: dict[str, AnswerValue] | None = None
    saved_at: float | None = None
    #: Milliseconds from each batch's first input event to its answers being fsynced.
    save_latencies_ms: list[float] = field(default_factory=list)
    restored: int = 0
    #: The session as it ended: question ids, types, word limits, groups and the page's key.
    session: ActiveSession | None = None
    #: With autoplay: the controls the scripted learner found and the input steps it took.
    controls: tuple[Control, ...] = ()
    steps: tuple[Step, ...] = ()
    #: The records stored: ``record``, or one per test submitted or answered.
    records: list[PracticeRecord] = field(default_factory=list)


class Observer(Protocol):
    """What the terminal (or a test) is told while a session runs."""

    def status(self, message: str) -> None: ...
    def progress(self, session: Session, last_saved: float | None) -> None: ...
    def explained(self, lines: list[str]) -> None: ...


class Quiet:
    def status(self, message: str) -> None:
        pass

    def explained(self, lines: list[str]) -> None:
        pass

    def progress(self, session: Session, last_saved: float | None) -> None:
        pass


def new_session_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


@dataclass
class Recording:
    """The moving parts of one session while it runs."""

    exam: Exam
    options: PracticeOptions
    store: Store
    session: Session
    observer: Observer
    #: How the watchdogs wait: a test passes one that moves a fake clock (the session's), so
    #: thirty minutes of inactivity pass in a millisecond.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    done: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str | None = None
    last_saved: float | None = None
    latencies: list[float] = field(default_factory=list)
    bridge: Bridge | None = None
    planned: dict[str, AnswerValue] | None = None
    browser_name: str = ""
    controls: tuple[Control, ...] = ()
    steps: tuple[Step, ...] = ()
    page: ExamPage | None = None
    late: asyncio.Future[None] | None = None
    writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="ielts-save")
    )
    writes: list[Future[object]] = field(default_factory=list)
    #: On a page holding several tests: the tests whose record is stored, and those records.
    stored_tests: set[str] = field(default_factory=set)
    test_records: list[PracticeRecord] = field(default_factory=list)
    #: Group commit: a write of the session is in flight, and changes came while it was; when
    #: the last write began, and the timer of the next one (at most one per WRITE_GAP_S).
    saving: bool = False
    dirty: bool = False
    last_write_at: float = -1e9
    #: When the last answer change came, and whether it came within BURST_S of the one before.
    last_change_at: float = -1e9
    bursting: bool = False
    next_write: asyncio.TimerHandle | None = None
    #: Why the last write failed (a full disk): the answers wait in memory, and it is retried.
    save_error: str | None = None

    def finish(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.done.set()

    def on_change(self, session: Session, answers_changed: bool) -> None:
        if answers_changed and not session.finished:
            now = asyncio.get_running_loop().time()
            self.bursting = now - self.last_change_at < BURST_S
            self.last_change_at = now
            self.save_active()
        self.observer.progress(session, self.last_saved)

    def save_active(self) -> None:
        """Put the session as it stands now on disk. Group commit, as databases do it: the first
        change after a quiet moment is written at once; changes that come while a write is in
        flight go together into the next write, started as soon as it ends. An answer change is
        one journal line, appended and fdatasync'd here in the event loop (a hand-over to a
        thread cost more than the write: p99 52 ms against 7 ms, bench/answer_latency.py);
        writing the whole session (a checkpoint) goes to the run's one writer thread."""
        if self.saving:
            self.dirty = True
            return
        loop = asyncio.get_running_loop()
        wait = self.last_write_at + (WRITE_GAP_S if self.bursting else 0.0) - loop.time()
        if wait > 0:  # a burst: its changes go together, one write per WRITE_GAP_S
            if self.next_write is None:
                self.next_write = loop.call_later(wait, self._write_next)
            return
        self.saving, self.dirty, self.last_write_at = True, False, loop.time()
        snapshot = self.session.snapshot()
        inputs = self.session.take_input_times()
        journaled: Future[object] = Future()
        try:
            if self.store.journal_change(snapshot):
                self._saved(inputs)
                inputs = []
                if not self.store.checkpoint_due(snapshot.sessionId):
                    journaled.set_result(None)
        except Exception as exc:  # a full disk: as for a failed write on the thread
            journaled.set_exception(exc)
        if journaled.done():
            self._written(journaled, inputs)
            return

        def write() -> object:
            self.store.checkpoint(snapshot)
            self._saved(inputs)
            return None

        future = self.writer.submit(write)
        self.track(future)

        def written(done: Future[object]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the session is over
                loop.call_soon_threadsafe(self._written, done, inputs)

        future.add_done_callback(written)

    def _saved(self, inputs: list[float]) -> None:
        self.last_saved = time.time()
        self.latencies.extend(self.last_saved * 1000 - ts for ts in inputs)

    def _written(self, future: Future[object], inputs: list[float]) -> None:
        self.saving = False
        error = None if future.cancelled() else future.exception()
        if error is not None:
            # A full disk (or any failed write): the answers stay in memory, the learner is told
            # at once, and the write is tried again until it succeeds or the session ends.
            self.session.input_times[:0] = inputs
            if self.save_error is None:
                self.observer.status(
                    f"NOT SAVED: {error}. Your answers are kept here and saving is retried "
                    f"every {SAVE_RETRY_S:.0f} s; do not close this terminal."
                )
            self.save_error = str(error)
            if not self.done.is_set():
                asyncio.get_running_loop().call_later(SAVE_RETRY_S, self._retry)
            return
        if self.save_error is not None:
            self.save_error = None
            self.observer.status("Saved again: every answer is on disk.")
        if self.dirty:
            self.save_active()

    def _write_next(self) -> None:
        self.next_write = None
        if not self.done.is_set():
            self.save_active()

    def _retry(self) -> None:
        if not self.done.is_set() and not self.saving:
            self.save_active()

    def track(self, future: Future[object]) -> None:
        """Keep the writes still running (a long session makes thousands); log a failed one."""
        future.add_done_callback(_log_failed_write)
        self.writes = [f for f in self.writes if not f.done()] + [future]

    def start_finishing(self) -> asyncio.Future[PracticeResult]:
        """Stop taking messages and store the record on the writer thread, after every earlier
        write (the thread takes them in order)."""
        if self.next_write is not None:
            self.next_write.cancel()  # the record and the final snapshot carry every answer
            self.next_write = None
        if self.bridge is not None:
            self.bridge.close()
        return asyncio.get_running_loop().run_in_executor(self.writer, _finish, self)

    async def settle(self) -> None:
        """Wait for every write handed to the writer thread (a failed one was logged)."""
        for future in self.writes:
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(future)
        self.writes.clear()

    def on_message(self, message: PageMessage) -> None:
        if isinstance(message, SessionReady) and self.session.question_ids:
            self.ready.set()
        elif isinstance(message, SessionCompleted) and message.data.tests and self.session.tests:
            self.store_tests(message.data.tests)
            if self.session.state == "completed":
                self.finish("completed")  # every test of the page is submitted
        elif isinstance(message, SessionCompleted):
            if self.bridge is not None and self.bridge.documents > 1 and self.page is not None:
                # Another window or frame of the test may still hold an answer back (its last
                # keystroke, throttled): have it sent before the record is made.
                self.late = asyncio.ensure_future(self._collect_late_answers(self.page))
            else:
                self.finish("completed")

    def store_tests(self, tests: list[str]) -> None:
        """A page holding several tests: each test submitted is stored as its record at once
        (the session goes on for the others)."""
        others = set(self.session.tests) - set(tests)
        records = _records(self, done=self.stored_tests | others)
        self.stored_tests.update(tests)
        self.test_records += records
        for record in records:
            self.track(self.writer.submit(self.store.save_record, record))
            self.observer.status(f"Recorded {record.title}: {record.score}/{record.totalQuestions}")

    async def _collect_late_answers(self, page: ExamPage) -> None:
        assert self.bridge is not None
        stats = self.bridge.stats
        before = stats.accepted + stats.refused
        sent = 0
        with contextlib.suppress(RecorderError, DriverError, asyncio.TimeoutError):
            sent = await asyncio.wait_for(page.flush(), LATE_ANSWERS_S)
        loop = asyncio.get_running_loop()
        until = loop.time() + LATE_ANSWERS_S
        while stats.accepted + stats.refused < before + sent and loop.time() < until:
            await asyncio.sleep(0.005)  # the binding calls are on their way to the bridge
        self.finish("completed")

    def on_event(self, event: str, detail: str) -> None:
        reasons = {
            "page_closed": "the exam tab was closed",
            "crashed": "the page crashed",
            "disconnected": "the browser closed or crashed",
        }
        if event == "page_closed":
            # A killed browser closes its pages ~80 ms before it reports the disconnect
            # (DESIGN.md, "Faults"): give the more telling event a moment to arrive.
            asyncio.get_running_loop().call_later(CLOSE_GRACE_S, self.finish, reasons[event])
            return
        self.finish(reasons.get(event, event))

    def fail(self, exc: BaseException) -> None:
        """The recorder itself failed; unless the page or browser went first and this followed."""
        if not self.done.is_set():
            self.session.fail(f"recorder error: {type(exc).__name__}: {exc}")
            self.finish(self.session.interruption_reason or "recorder error")

    def toggle_pause(self) -> None:
        if self.session.state == "paused":
            self.session.resume("terminal")
        else:
            self.session.pause("terminal")


async def watch_inactivity(run: Recording) -> None:
    limit = run.options.inactivity_minutes * 60
    end = run.options.end_on_timeout
    if end is None:
        end = run.options.headless
    while not run.done.is_set():
        await run.sleep(min(5.0, limit / 4))
        if run.session.state == "active" and run.session.idle_for() >= limit:
            run.session.time_out()
            if end:
                run.finish(run.session.interruption_reason or "timeout")
                return
            # Keep what was given as a timeout record now; a submit later replaces it.
            for record in _records(run, done=run.stored_tests):
                run.track(run.writer.submit(run.store.save_record, record))
            run.save_active()
            run.observer.status("No activity: saved as timed out. Submitting still records it.")


async def watch_driver(run: Recording, page: ExamPage) -> None:
    """Playwright's driver can die (a page that replaced JSON.stringify once killed it) and the
    browser would stay open, the recorder waiting forever: a round trip every DRIVER_CHECK_S
    notices, and the session ends as interrupted with every answer it has."""
    while not run.done.is_set():
        await run.sleep(DRIVER_CHECK_S)
        if not run.done.is_set() and not await page.answers(DRIVER_TIMEOUT_S):
            run.session.interrupt("the browser stopped answering (its driver died)")
            run.finish("the browser stopped answering (its driver died)")
            return


async def watch_time_left(run: Recording) -> None:
    """The test's own time limit (a suite's one countdown): the attempt ends as it stands."""
    assert run.options.time_left_s is not None
    await run.sleep(max(0.0, run.options.time_left_s))
    run.finish("the test's time limit was reached")


async def autosave(run: Recording) -> None:
    while not run.done.is_set():
        await run.sleep(run.options.autosave_seconds)
        if not run.session.finished:
            run.save_active()


def _log_failed_write(future: Future[object]) -> None:
    error = None if future.cancelled() else future.exception()
    if error is not None:
        log.error("saving the session failed: %s: %s", type(error).__name__, error)


def record_of(run: Recording) -> PracticeRecord:
    session = run.session
    return build_record(
        session, run.exam, key=session.answer_key, key_source=session.key_source,
        browser=run.browser_name, rules=marking_rules(run.options.marking),
    )  # fmt: skip


def _records(run: Recording, done: Collection[str] = ()) -> list[PracticeRecord]:
    session = run.session
    return build_records(
        session, run.exam, key=session.answer_key, key_source=session.key_source,
        browser=run.browser_name, done=done, rules=marking_rules(run.options.marking),
    )  # fmt: skip


def _store_records(run: Recording, records: list[PracticeRecord]) -> None:
    session = run.session
    for each in records:
        run.store.save_record(each)
    if session.state == "completed":
        run.store.remove_active(session.session_id)
    else:
        run.store.mark_interrupted(session.snapshot())


def _persist(run: Recording, write: Callable[[], None], records: list[PracticeRecord]) -> None:
    """The end of a session, written; while the disk refuses (full), tried again every
    SAVE_RETRY_S for FINAL_RETRY_S, the learner told. Past that, the records go to a file in the
    temporary directory (another disk, often) and to the error, so that a submitted attempt that
    was on screen is never lost."""
    deadline = time.monotonic() + FINAL_RETRY_S
    told = False
    while True:
        try:
            write()
            if told:
                run.observer.status("Saved: the record is on disk.")
            return
        except (StoreError, OSError) as exc:
            if isinstance(exc, CorruptDatabase) or time.monotonic() >= deadline:
                raise StoreError(_rescued(records, exc)) from None
            if not told:
                run.observer.status(
                    f"NOT SAVED: {exc}. The record is kept here and saving is retried every "
                    f"{SAVE_RETRY_S:.0f} s for {FINAL_RETRY_S:.0f} s; do not close this terminal."
                )
                told = True
            time.sleep(SAVE_RETRY_S)


def _rescued(records: list[PracticeRecord], exc: BaseException) -> str:
    """Where the records went when the data directory could not take them."""
    text = "[" + ",".join(r.model_dump_json() for r in records) + "]"
    path = Path(tempfile.gettempdir()) / f"ielts-unsaved-{records[0].sessionId}.json"
    try:
        path.write_text(text, encoding="utf-8")
        where = f"they were written to {path}; import them with: ielts import {path}"
    except OSError:
        where = f"here they are, to save as a .json file and import: {text}"
    return f"the record could not be saved ({exc}); {where}"


def _finish(run: Recording) -> PracticeResult:
    """The record, stored; runs on the writer thread once the session has ended."""
    session = run.session
    if session.state not in TERMINAL:  # a timed-out session ends as timed out
        session.interrupt(run.reason or "the session ended without a submit")
    record = record_of(run)
    records = [record]
    if run.options.keep_session:
        # A part of a suite: the suite stores one record for all its parts, and until it does,
        # this part's answers stay on disk as its session (recoverable if the recorder dies).
        _persist(run, lambda: run.store.save_active(session.snapshot()), [record])
    else:
        if len(session.tests) > 1:
            records = _records(run, done=run.stored_tests)
            if records and records[0].sessionId == session.session_id:
                records = [record]  # nothing of any test given: the page's record
        _persist(run, lambda: _store_records(run, records), records)
        records = run.test_records + records
    return PracticeResult(
        record=record,
        data_dir=run.store.root,
        stats=run.bridge.stats if run.bridge else BridgeStats(),
        planned=run.planned,
        saved_at=run.last_saved,
        save_latencies_ms=run.latencies,
        session=session.snapshot(),
        controls=run.controls,
        steps=run.steps,
        records=records,
    )

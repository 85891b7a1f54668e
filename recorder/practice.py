"""One practice session end to end: open the exam, record it, score it, store the record.

Every way a session can end (submit, tab closed, renderer crash, browser gone, inactivity,
Ctrl-C, SIGTERM, SIGHUP) arrives as one "done" reason and goes through the same finish path, so
every answer given so far ends up in a record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import __version__
from .attempt import build_record, build_records
from .autoplay import Step, Strategy, plan, planned_answers, play, play_tests
from .bridge import Bridge, BridgeStats
from .browser import (
    Control,
    DriverError,
    ExamFrame,
    ExamPage,
    LaunchOptions,
    RunningBrowser,
    Survey,
    open_context,
    start_browser,
)
from .catalog import Exam
from .config import data_dir as resolve_data_dir
from .diagnosis import explain_lines, not_ready_reason
from .errors import CorruptDatabase, RecorderError, SessionError, StoreError
from .interrupts import install_signal_handlers, pause_key
from .origin import origin_of
from .protocol import (
    AnswerValue,
    InitSession,
    KeyValue,
    PageMessage,
    ResumeState,
    SessionCompleted,
    SessionReady,
    init_session,
)
from .record import ActiveSession, PracticeRecord
from .scoring import marking_rules
from .session import TERMINAL, Session, answered_count
from .store import Store
from .window import Window

log = logging.getLogger(__name__)

DEFAULT_INACTIVITY_MINUTES = 30.0
DEFAULT_AUTOSAVE_SECONDS = 30.0
CLOSE_GRACE_S = 0.5
#: Group commit: a change after a quiet moment is written at once; the changes of a burst (each
#: within BURST_S of the one before: faster than anyone answers, slower than the page's 100 ms
#: throttle) go together, at most one write per WRITE_GAP_S. A learner's answers, 150 ms apart
#: or more, never wait; a burst of 10 changes costs about 3 writes (bench/answer_latency.py).
BURST_S = 0.12
WRITE_GAP_S = 0.25
#: How soon a thread waiting for the GIL takes it over (Python's default is 5 ms). The session
#: writer thread and the event loop each hold it only briefly; with the default, a write that
#: is ready to fsync can wait 5 ms behind the loop's work on the driver's messages, which was
#: most of the tail of bench/answer_latency at a learner's pace on 2 cores.
GIL_HANDOVER_S = 0.001
#: A document that navigates away this soon after its answers were typed back in is a page
#: that leaves on every input (a navigation loop): it is not restored again.
NAVIGATION_LOOP_S = 1.5
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

PageHook = Callable[[ExamPage], Awaitable[None]]


@dataclass(frozen=True)
class PracticeOptions:
    headless: bool = True
    #: The contested marking rules (scoring.MarkingRules): lenient or strict.
    marking: str = "lenient"
    autoplay: Strategy | None = None
    #: With autoplay: press the page's submit button after answering (else wait, like a learner).
    submit: bool = True
    slowmo_ms: float = 0
    browser_path: str | None = None
    connect: str | None = None
    data_dir: Path | None = None
    inactivity_minutes: float = DEFAULT_INACTIVITY_MINUTES
    autosave_seconds: float = DEFAULT_AUTOSAVE_SECONDS
    ready_timeout_s: float = 30.0
    #: With autoplay, how long to wait for the page to report completion after submitting.
    completion_timeout_s: float = 30.0
    #: Let "p" in the terminal pause and resume the session (only when stdin is a terminal).
    pause_key: bool = False
    #: A session to continue: its answers are put back into the page through real input events.
    resume: ActiveSession | None = None
    #: Called with the page once the scripted learner has answered (tests inject faults here).
    after_answers: PageHook | None = None
    #: Called with the page and the record, before the page closes (QA keeps traces here).
    on_finished: Callable[[ExamPage, PracticeRecord], Awaitable[None]] | None = None
    #: Record a Playwright trace of the context (kept only if on_finished saves it).
    trace: bool = False
    #: Replay pending records and refresh backups before the session (a QA run does it once).
    maintain_store: bool = True
    #: Turn Ctrl-C, SIGTERM and SIGHUP into a clean interrupted record (off when a caller, such
    #: as the clickthrough, runs many sessions at once and handles signals itself).
    handle_signals: bool = True
    #: End the session at the inactivity timeout. When False (a visible window), the timeout
    #: record is saved and the page stays open: a later submit still becomes the record.
    end_on_timeout: bool | None = None  # None: end when headless
    #: End the attempt after this many seconds, as the test's time limit requires (suites).
    time_left_s: float | None = None
    #: Appended to the page's URL (a suite passes the time left: "#ielts-time=SECONDS").
    url_fragment: str = ""
    #: Leave the record to the caller and keep the session on disk (a part of a suite).
    keep_session: bool = False
    #: With autoplay: open the windows the page opens for part of its test, as a learner would.
    open_popups: bool = True
    #: Tell the observer what the recorder saw on the page once it is ready (``-v``).
    verbose: bool = False

    def launch(self) -> LaunchOptions:
        """How to start (or reach) the browser these options ask for."""
        return LaunchOptions(
            headless=self.headless,
            browser_path=self.browser_path,
            slowmo_ms=self.slowmo_ms,
            connect=self.connect,
        )


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


class _Quiet:
    def status(self, message: str) -> None:
        pass

    def explained(self, lines: list[str]) -> None:
        pass

    def progress(self, session: Session, last_saved: float | None) -> None:
        pass


def new_session_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


@dataclass
class _Run:
    """The moving parts of one session while it runs."""

    exam: Exam
    options: PracticeOptions
    store: Store
    session: Session
    observer: Observer
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


async def practice_async(
    exam: Exam,
    options: PracticeOptions,
    observer: Observer | None = None,
    browser: RunningBrowser | None = None,
    window: Window | None = None,
) -> PracticeResult:
    """Run one session on ``exam`` (or resume ``options.resume``) and return its stored record.

    With ``browser``, the session runs in a new context of that browser (QA runs share one);
    otherwise a browser is started for it and closed after. With ``window`` (and ``browser``),
    it runs in that window's page, which stays open for the next session (a suite's parts).
    """
    store = Store(resolve_data_dir(options.data_dir))
    if options.maintain_store:
        store.start_run()
    sys.setswitchinterval(min(sys.getswitchinterval(), GIL_HANDOVER_S))
    url = exam.location()
    saved = options.resume
    session = Session(
        saved.sessionId if saved else new_session_id(),
        exam_id=exam.id,
        title=exam.title,
        url=url,
        resume_from=saved,
    )
    if saved is not None:
        store.reopen(saved.sessionId)
    run = _Run(exam, options, store, session, observer or _Quiet())
    session.subscribe(run.on_change)
    bridge = Bridge(session, url, on_message=run.on_message)
    run.bridge = bridge
    loop = asyncio.get_running_loop()
    installed = install_signal_handlers(loop, run.finish) if options.handle_signals else []
    restored = 0
    finishing: asyncio.Future[PracticeResult] | None = None
    exam_page: ExamPage | None = None
    init_seq = 0

    initial_sent = False
    greeted = False  # from just before the first INIT_SESSION: later frames and popups are greeted

    restored_at: float | None = None  # when answers were last typed back into a new document
    restoring = True

    async def on_navigated() -> None:
        # The first document gets its INIT_SESSION right after goto; this covers reloads and
        # later navigations (and keeps the first one from being asked twice). A reloaded page is
        # blank: it is told the answers so far and they are typed back in, as on a resume. A
        # page that navigates again as soon as they are typed (it reacts to every input by
        # leaving: a navigation loop) is not restored again: the answers stay the session's,
        # and typing them back would only loop, racing the learner's own typing.
        nonlocal restored_at, restoring
        if not initial_sent or exam_page is None or run.done.is_set():
            return
        now = time.monotonic()
        if restored_at is not None and now - restored_at < NAVIGATION_LOOP_S and restoring:
            restoring = False
            run.observer.status(
                "This page reloads itself after every answer: your answers are kept here, and "
                "are no longer typed back into it."
            )
        await send_init()
        if restoring:
            with contextlib.suppress(RecorderError, DriverError):
                if await _restore(exam_page, session, await exam_page.survey()):
                    restored_at = time.monotonic()

    async def greet_late(target: ExamFrame | ExamPage) -> None:
        # A frame that loads after the page was greeted, or a window the exam opens for part of
        # its test, joins the session (same origin only). One that already adopted the session
        # from its parent or opener only says so again.
        if not greeted or run.done.is_set() or origin_of(target.url) != origin_of(url):
            return
        with contextlib.suppress(RecorderError, DriverError):
            if isinstance(target, ExamPage) and not popup_joins(
                *await target.own_questions(), session
            ):
                return  # a window of notes or help: its boxes are not answers to the exam
            await target.send(init_message(None).model_dump_json())

    def init_message(resume_state: ResumeState | None) -> InitSession:
        nonlocal init_seq
        init_seq += 1
        return init_session(
            session_id=session.session_id, exam_id=exam.id, parent_origin="recorder",
            timestamp_ms=int(time.time() * 1000), seq=init_seq, resume=resume_state,
        )  # fmt: skip

    def resume_state() -> ResumeState | None:
        if saved is None and not initial_sent:
            return None
        return ResumeState(
            answers=session.answers,
            elapsedSeconds=session.elapsed(),
            markedQuestions=session.marked_questions,
            currentQuestion=session.current_question,
        )

    async def send_init() -> None:
        message = init_message(resume_state())
        if exam_page is not None:
            await exam_page.send(message.model_dump_json())

    try:
        async with contextlib.AsyncExitStack() as stack:
            running = (
                browser
                if browser is not None
                else await stack.enter_async_context(start_browser(options.launch()))
            )
            if window is not None:
                window.route(
                    binding=bridge.deliver, event=run.on_event, navigated=on_navigated,
                    popup=greet_late, frame=greet_late,
                )  # fmt: skip
                stack.callback(window.release)
                exam_page = await window.page(running, {"version": __version__})
            else:
                session_browser = await stack.enter_async_context(
                    open_context(
                        running,
                        on_binding=bridge.deliver,
                        on_event=run.on_event,
                        enhancer_config={"version": __version__},
                        on_navigated=on_navigated,
                        trace=options.trace,
                        on_popup=greet_late,
                        on_frame=greet_late,
                    )
                )
                exam_page = await session_browser.open()
            run.browser_name = f"chromium {running.version}"
            run.page = exam_page
            run.observer.status(f"Opening {exam.title}")
            await exam_page.goto(url + options.url_fragment)
            greeted = True
            # INIT_SESSION and the survey of the page in one round trip per frame.
            survey = await exam_page.greet(init_message(resume_state()).model_dump_json())
            initial_sent = True
            await _wait_ready(run, exam_page, options.ready_timeout_s)
            opened = 0
            if options.autoplay is not None and options.open_popups:
                opened = await exam_page.open_popups(survey.popups)  # as a learner would
            surveyed = [qid for control in survey.controls for qid in control.ids]
            if opened or surveyed != session.question_ids:
                survey = await exam_page.survey()  # frames or windows that came later
            survey = await exam_page.with_key(survey, exam.scripts)  # or in its data files
            if options.verbose:
                run.observer.explained(explain_lines(await exam_page.explain()))
            if survey.key:
                session.answer_key, session.key_source = survey.key, survey.key_source
            run.save_active()
            with pause_key(loop, run.toggle_pause, options.pause_key):
                watchers = [
                    asyncio.ensure_future(_watch_inactivity(run)),
                    asyncio.ensure_future(_autosave(run)),
                    asyncio.ensure_future(_watch_driver(run, exam_page)),
                ]
                if options.time_left_s is not None:
                    watchers.append(asyncio.ensure_future(_watch_time_left(run)))
                try:
                    if saved is not None and not run.done.is_set():
                        restored = await _restore(exam_page, session, survey)
                        run.observer.status(f"Restored {restored} answers into the page")
                    if options.autoplay is not None and not run.done.is_set():
                        await _autoplay(run, exam_page, survey)
                    if not run.done.is_set():
                        if options.autoplay is None or not options.submit:
                            run.observer.status("Recording: answer in the browser and submit")
                        await run.done.wait()
                except Exception as exc:
                    run.fail(exc)  # now, before closing the browser reports a disconnect
                    raise
                finally:
                    for task in watchers:
                        task.cancel()
                    if options.on_finished is not None and not exam_page.closed:
                        # Also after a failure: that is when a screenshot or trace is wanted.
                        await options.on_finished(exam_page, _record(run))
                # Ended normally: the record is stored while the browser closes the page.
                finishing = run.start_finishing()
    except (KeyboardInterrupt, asyncio.CancelledError):
        run.finish("interrupted by Ctrl-C")
    except Exception as exc:
        if not session.question_ids and not session.answers:
            raise
        run.fail(exc)  # answers were given: keep them in a record
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    try:
        result = await (finishing or run.start_finishing())
        await run.settle()
    finally:
        run.writer.shutdown(wait=True)
    result.restored = restored
    return result


async def _autoplay(run: _Run, exam_page: ExamPage, survey: Survey) -> None:
    strategy = run.options.autoplay
    assert strategy is not None
    controls = list(survey.controls)
    # A page whose key shows only after submit (or never) is answered from the library's own
    # answers file, which is never used to mark the attempt.
    key = run.session.answer_key or (run.exam.qa_answers() if strategy.name == "key" else None)
    run.controls = tuple(controls)
    submitted = False
    if len(survey.tests) > 1:
        run.observer.status(f"Autoplay '{strategy}': {len(survey.tests)} tests, one by one")
        done, submitted = await play_tests(
            exam_page, survey.tests, controls, strategy, key, submit=run.options.submit
        )
    else:
        steps = plan(controls, strategy, key)
        run.observer.status(f"Autoplay '{strategy}': {len(steps)} input actions")
        done = await play(exam_page, steps, submit=False)
    run.steps = tuple(done)
    run.planned = planned_answers(done, controls)
    if run.options.after_answers is not None:
        await run.options.after_answers(exam_page)
    if run.options.submit and not run.done.is_set() and not exam_page.closed:
        if not submitted:
            await _until_done(run, exam_page.submit(survey.submit))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(run.done.wait(), run.options.completion_timeout_s)
        if not run.done.is_set():
            run.finish("the page did not report completion after submit")


async def _until_done(run: _Run, action: Awaitable[None]) -> None:
    """``action``, given up when the session ends first: a page that completed itself (its
    grading function called, a timer) may disable its submit button, and a click on it would
    wait out Playwright's 30 s for the button to be enabled."""
    acting = asyncio.ensure_future(action)
    ending = asyncio.ensure_future(run.done.wait())
    try:
        await asyncio.wait({acting, ending}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        ending.cancel()
        if not acting.done():
            acting.cancel()
            with contextlib.suppress(asyncio.CancelledError, DriverError, RecorderError):
                await acting
    if acting.done() and not acting.cancelled():
        acting.result()  # a failed click is the caller's to see, as before


def popup_joins(ids: list[str], declared: bool, session: Session) -> bool:
    """Whether a window the exam opened is part of its test: it says so (``ielts:part-of``),
    or it holds questions the exam has not got already and, where the exam's key is known,
    the key names every one of them. A page of notes with boxes numbered 1, 2, 3 is not
    (issue #13, case 17)."""
    if declared:
        return True
    if not ids or any(q in session.question_ids for q in ids):
        return False
    return session.answer_key is None or all(q in session.answer_key for q in ids)


async def _restore(exam_page: ExamPage, session: Session, survey: Survey) -> int:
    """Put saved answers back so the page's own UI shows them: words into their boxes at once,
    in the page (typing them would take the focus from a learner already typing again after
    a reload), choices and drags through real input events."""
    given: dict[str, KeyValue] = {
        qid: value
        for qid, value in session.answers.items()
        if value and answered_count({qid: value})
    }
    steps = plan(list(survey.controls), Strategy("answers", answers=given), None)
    for step in steps:
        if step.action == "fill":
            await exam_page.put_back(step.frame, step.selector, step.value)
    await play(exam_page, [s for s in steps if s.action != "fill"], submit=False)
    if session.current_question:
        await exam_page.focus_question(session.current_question, survey.controls)
    return len(given)


async def _wait_ready(run: _Run, page: ExamPage, timeout_s: float) -> None:
    """Until the page's questions exist (often after load, once a data script has rendered
    them); past ``timeout_s``, the exact reason the page is not ready."""
    waiter = asyncio.ensure_future(run.ready.wait())
    stopper = asyncio.ensure_future(run.done.wait())
    await asyncio.wait({waiter, stopper}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    stopper.cancel()
    if not run.ready.is_set() and not run.done.is_set():
        frames = []
        with contextlib.suppress(RecorderError, DriverError):
            frames = await page.explain()
        raise SessionError(not_ready_reason(run.exam.location(), frames, timeout_s))


async def _watch_inactivity(run: _Run) -> None:
    limit = run.options.inactivity_minutes * 60
    end = run.options.end_on_timeout
    if end is None:
        end = run.options.headless
    while not run.done.is_set():
        await asyncio.sleep(min(5.0, limit / 4))
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


async def _watch_driver(run: _Run, page: ExamPage) -> None:
    """Playwright's driver can die (a page that replaced JSON.stringify once killed it) and the
    browser would stay open, the recorder waiting forever: a round trip every DRIVER_CHECK_S
    notices, and the session ends as interrupted with every answer it has."""
    while not run.done.is_set():
        await asyncio.sleep(DRIVER_CHECK_S)
        if not run.done.is_set() and not await page.answers(DRIVER_TIMEOUT_S):
            run.session.interrupt("the browser stopped answering (its driver died)")
            run.finish("the browser stopped answering (its driver died)")
            return


async def _watch_time_left(run: _Run) -> None:
    """The test's own time limit (a suite's one countdown): the attempt ends as it stands."""
    assert run.options.time_left_s is not None
    await asyncio.sleep(max(0.0, run.options.time_left_s))
    run.finish("the test's time limit was reached")


async def _autosave(run: _Run) -> None:
    while not run.done.is_set():
        await asyncio.sleep(run.options.autosave_seconds)
        if not run.session.finished:
            run.save_active()


def _log_failed_write(future: Future[object]) -> None:
    error = None if future.cancelled() else future.exception()
    if error is not None:
        log.error("saving the session failed: %s: %s", type(error).__name__, error)


def _record(run: _Run) -> PracticeRecord:
    session = run.session
    return build_record(
        session, run.exam, key=session.answer_key, key_source=session.key_source,
        browser=run.browser_name, rules=marking_rules(run.options.marking),
    )  # fmt: skip


def _records(run: _Run, done: Collection[str] = ()) -> list[PracticeRecord]:
    session = run.session
    return build_records(
        session, run.exam, key=session.answer_key, key_source=session.key_source,
        browser=run.browser_name, done=done, rules=marking_rules(run.options.marking),
    )  # fmt: skip


def _store_records(run: _Run, records: list[PracticeRecord]) -> None:
    session = run.session
    for each in records:
        run.store.save_record(each)
    if session.state == "completed":
        run.store.remove_active(session.session_id)
    else:
        run.store.mark_interrupted(session.snapshot())


def _persist(run: _Run, write: Callable[[], None], records: list[PracticeRecord]) -> None:
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


def _finish(run: _Run) -> PracticeResult:
    """The record, stored; runs on the writer thread once the session has ended."""
    session = run.session
    if session.state not in TERMINAL:  # a timed-out session ends as timed out
        session.interrupt(run.reason or "the session ended without a submit")
    record = _record(run)
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


def practice(
    exam: Exam, options: PracticeOptions, observer: Observer | None = None
) -> PracticeResult:
    """Blocking form of :func:`practice_async` for the CLI and for tests."""
    return asyncio.run(practice_async(exam, options, observer))

"""One practice session end to end, composed: open the exam's page, greet its documents,
survey its questions and key, record the answers (recorder/recording.py: the session while it
runs, its writes and watchdogs, how it ends and what record it leaves), and, with autoplay, play
the scripted learner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .autoplay import Strategy, plan, planned_answers, play, play_tests
from .bridge import Bridge
from .browser import (
    DialogPolicy,
    DriverError,
    ExamFrame,
    ExamPage,
    LaunchOptions,
    RunningBrowser,
    open_context,
    start_browser,
)
from .catalog import Exam
from .config import data_dir as resolve_data_dir
from .diagnosis import explain_lines, not_ready_reason
from .errors import RecorderError, SessionError
from .interrupts import install_signal_handlers, pause_key
from .origin import origin_of
from .protocol import (
    InitSession,
    KeyValue,
    ResumeState,
    init_session,
)
from .record import ActiveSession, PracticeRecord
from .recording import (
    GIL_HANDOVER_S,
    Observer,
    PracticeResult,
    Quiet,
    Recording,
    autosave,
    new_session_id,
    record_of,
    watch_driver,
    watch_inactivity,
    watch_time_left,
)
from .session import Session, answered_count
from .store import Store
from .survey import Survey
from .window import Window

log = logging.getLogger(__name__)

DEFAULT_INACTIVITY_MINUTES = 30.0
DEFAULT_AUTOSAVE_SECONDS = 30.0
#: A document that navigates away this soon after its answers were typed back in is a page
#: that leaves on every input (a navigation loop): it is not restored again.
NAVIGATION_LOOP_S = 1.5
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
    #: The page's alert, confirm and prompt (browser.DialogPolicy); None: see dialog_policy.
    dialogs: DialogPolicy | None = None

    def dialog_policy(self) -> DialogPolicy:
        """The page's dialogs: a learner at a window answers them; anyone else's are accepted."""
        if self.dialogs is not None:
            return self.dialogs
        return "learner" if not self.headless and self.autoplay is None else "accept"

    def launch(self) -> LaunchOptions:
        """How to start (or reach) the browser these options ask for."""
        return LaunchOptions(
            headless=self.headless,
            browser_path=self.browser_path,
            slowmo_ms=self.slowmo_ms,
            connect=self.connect,
        )


@dataclass
class _Greeter:
    """Greets the documents of a session: the first after goto, then every reload or later
    navigation (told the answers so far, which are put back into it), every frame that loads
    later and every window the exam opens for part of its test."""

    run: Recording
    url: str
    page: ExamPage | None = None
    init_seq: int = 0
    #: From just before the first INIT_SESSION: later frames and popups are greeted.
    greeted: bool = False
    initial_sent: bool = False
    #: When answers were last typed back into a new document, and whether they still are.
    restored_at: float | None = None
    restoring: bool = True

    def init_message(self, resume_state: ResumeState | None) -> InitSession:
        self.init_seq += 1
        return init_session(
            session_id=self.run.session.session_id, exam_id=self.run.exam.id,
            parent_origin="recorder", timestamp_ms=int(time.time() * 1000), seq=self.init_seq,
            resume=resume_state,
        )  # fmt: skip

    def resume_state(self) -> ResumeState | None:
        if self.run.options.resume is None and not self.initial_sent:
            return None
        session = self.run.session
        return ResumeState(
            answers=session.answers,
            elapsedSeconds=session.elapsed(),
            markedQuestions=session.marked_questions,
            currentQuestion=session.current_question,
        )

    async def greet_first(self) -> Survey:
        """INIT_SESSION and the survey of the page, in one round trip per frame."""
        assert self.page is not None
        self.greeted = True
        survey = await self.page.greet(self.init_message(self.resume_state()).model_dump_json())
        self.initial_sent = True
        return survey

    async def on_navigated(self) -> None:
        # The first document gets its INIT_SESSION right after goto; this covers reloads and
        # later navigations (and keeps the first one from being asked twice). A reloaded page is
        # blank: it is told the answers so far and they are typed back in, as on a resume. A
        # page that navigates again as soon as they are typed (it reacts to every input by
        # leaving: a navigation loop) is not restored again: the answers stay the session's,
        # and typing them back would only loop, racing the learner's own typing.
        page, run = self.page, self.run
        if not self.initial_sent or page is None or run.done.is_set():
            return
        now = time.monotonic()
        if self.restored_at is not None and now - self.restored_at < NAVIGATION_LOOP_S:
            if self.restoring:
                run.observer.status(
                    "This page reloads itself after every answer: your answers are kept here, "
                    "and are no longer typed back into it."
                )
            self.restoring = False
        await page.send(self.init_message(self.resume_state()).model_dump_json())
        if self.restoring:
            with contextlib.suppress(RecorderError, DriverError):
                if await _restore(page, run.session, await page.survey()):
                    self.restored_at = time.monotonic()

    async def greet_late(self, target: ExamFrame | ExamPage) -> None:
        # A frame that loads after the page was greeted, or a window the exam opens for part of
        # its test, joins the session (same origin only). One that already adopted the session
        # from its parent or opener only says so again.
        run = self.run
        if not self.greeted or run.done.is_set() or origin_of(target.url) != origin_of(self.url):
            return
        with contextlib.suppress(RecorderError, DriverError):
            if isinstance(target, ExamPage) and not popup_joins(
                *await target.own_questions(), run.session
            ):
                return  # a window of notes or help: its boxes are not answers to the exam
            await target.send(self.init_message(None).model_dump_json())


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
    run = _recording(exam, options, observer or Quiet())
    greeter = _Greeter(run, exam.location())
    loop = asyncio.get_running_loop()
    installed = install_signal_handlers(loop, run.finish) if options.handle_signals else []
    restored = 0
    finishing: asyncio.Future[PracticeResult] | None = None
    try:
        async with contextlib.AsyncExitStack() as stack:
            page = await _open(run, greeter, stack, browser, window)
            survey = await _survey(run, greeter, page)
            run.save_active()
            with pause_key(loop, run.toggle_pause, options.pause_key):
                restored = await _record_answers(run, page, survey)
            # Ended normally: the record is stored while the browser closes the page.
            finishing = run.start_finishing()
    except (KeyboardInterrupt, asyncio.CancelledError):
        run.finish("interrupted by Ctrl-C")
    except Exception as exc:
        if not run.session.question_ids and not run.session.answers:
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


def _recording(exam: Exam, options: PracticeOptions, observer: Observer) -> Recording:
    """The session (new, or the one being resumed), its store and its bridge."""
    store = Store(resolve_data_dir(options.data_dir))
    if options.maintain_store:
        store.start_run()
    sys.setswitchinterval(min(sys.getswitchinterval(), GIL_HANDOVER_S))
    saved = options.resume
    session = Session(
        saved.sessionId if saved else new_session_id(),
        exam_id=exam.id,
        title=exam.title,
        url=exam.location(),
        resume_from=saved,
    )
    if saved is not None:
        store.reopen(saved.sessionId)
    run = Recording(exam, options, store, session, observer)
    session.subscribe(run.on_change)
    run.bridge = Bridge(session, exam.location(), on_message=run.on_message)
    return run


async def _open(
    run: Recording,
    greeter: _Greeter,
    stack: contextlib.AsyncExitStack,
    browser: RunningBrowser | None,
    window: Window | None,
) -> ExamPage:
    """The exam's page, loaded, in a browser of its own, a context of ``browser`` or the
    suite's ``window``; every document, frame and popup of it routed to the session."""
    options, bridge = run.options, run.bridge
    assert bridge is not None
    running = browser
    if running is None:
        running = await stack.enter_async_context(start_browser(options.launch()))
    if window is not None:
        window.route(
            binding=bridge.deliver, event=run.on_event, navigated=greeter.on_navigated,
            popup=greeter.greet_late, frame=greeter.greet_late,
        )  # fmt: skip
        stack.callback(window.release)
        page = await window.page(running, {"version": __version__}, options.dialog_policy())
    else:
        session_browser = await stack.enter_async_context(
            open_context(
                running,
                on_binding=bridge.deliver,
                on_event=run.on_event,
                enhancer_config={"version": __version__},
                on_navigated=greeter.on_navigated,
                trace=options.trace,
                on_popup=greeter.greet_late,
                on_frame=greeter.greet_late,
                dialogs=options.dialog_policy(),
            )  # fmt: skip
        )
        page = await session_browser.open()
    run.browser_name = f"chromium {running.version}"
    run.page = greeter.page = page
    run.observer.status(f"Opening {run.exam.title}")
    await page.goto(greeter.url + options.url_fragment)
    return page


async def _survey(run: Recording, greeter: _Greeter, page: ExamPage) -> Survey:
    """The page greeted and ready, its questions surveyed (windows the learner opens for part
    of the test included) and its key found."""
    options, session = run.options, run.session
    survey = await greeter.greet_first()
    await _wait_ready(run, page, options.ready_timeout_s)
    if options.autoplay is not None and survey.start is not None:  # questions hidden till then
        survey = await page.past_start(await page.survey())
    opened = 0
    if options.autoplay is not None and options.open_popups:
        opened = await page.open_popups(survey.popups)  # as a learner would
    surveyed = [qid for control in survey.controls for qid in control.ids]
    if opened or surveyed != session.question_ids:
        survey = await page.survey()  # frames or windows that came later
    survey = await page.with_key(survey, run.exam.scripts)  # or in its data files
    if options.verbose:
        run.observer.explained(explain_lines(await page.explain()))
    if survey.key:
        session.answer_key, session.key_source = survey.key, survey.key_source
    return survey


async def _record_answers(run: Recording, page: ExamPage, survey: Survey) -> int:
    """The session recorded until it is done (the watchdogs running), the saved answers put
    back first on a resume and the scripted learner's played with autoplay; returns how many
    answers were put back."""
    options = run.options
    watchers = [
        asyncio.ensure_future(watch_inactivity(run)),
        asyncio.ensure_future(autosave(run)),
        asyncio.ensure_future(watch_driver(run, page)),
    ]
    if options.time_left_s is not None:
        watchers.append(asyncio.ensure_future(watch_time_left(run)))
    restored = 0
    try:
        if options.resume is not None and not run.done.is_set():
            restored = await _restore(page, run.session, survey)
            run.observer.status(f"Restored {restored} answers into the page")
        if options.autoplay is not None and not run.done.is_set():
            await _autoplay(run, page, survey)
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
        if options.on_finished is not None and not page.closed:
            # Also after a failure: that is when a screenshot or trace is wanted.
            await options.on_finished(page, record_of(run))
    return restored


async def _autoplay(run: Recording, exam_page: ExamPage, survey: Survey) -> None:
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


async def _until_done(run: Recording, action: Awaitable[None]) -> None:
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


async def _wait_ready(run: Recording, page: ExamPage, timeout_s: float) -> None:
    """Until the page's questions exist (often after load, once a data script has rendered
    them); past ``timeout_s``, the exact reason the page is not ready. A page that shows its
    questions only once its test is started ("Start test") is started by the scripted learner
    (ExamPage.ready_or_started), and waited for as long as it takes when a learner is to."""
    if run.options.autoplay is not None:
        ready = await page.ready_or_started(lambda s: _ready_within(run, s), timeout_s)
    else:
        ready = await _ready_within(run, timeout_s)
    if ready:
        return
    if run.options.autoplay is None and await _start_shown(page):
        run.observer.status("Press the page's start button: recording begins with its questions.")
        await _ready_within(run, None)
        return
    frames = []
    with contextlib.suppress(RecorderError, DriverError):
        frames = await page.explain()
    raise SessionError(not_ready_reason(run.exam.location(), frames, timeout_s))


async def _ready_within(run: Recording, seconds: float | None) -> bool:
    """Whether the page became ready (or the session ended) within ``seconds`` (None: until
    one of them happens)."""
    waiter = asyncio.ensure_future(run.ready.wait())
    stopper = asyncio.ensure_future(run.done.wait())
    await asyncio.wait(
        {waiter, stopper},
        timeout=None if seconds is None else max(0.0, seconds),
        return_when=asyncio.FIRST_COMPLETED,
    )
    waiter.cancel()
    stopper.cancel()
    return run.ready.is_set() or run.done.is_set()


async def _start_shown(page: ExamPage) -> bool:
    with contextlib.suppress(RecorderError, DriverError):
        return await page.start_control() is not None
    return False


def practice(
    exam: Exam, options: PracticeOptions, observer: Observer | None = None
) -> PracticeResult:
    """Blocking form of :func:`practice_async` for the CLI and for tests."""
    return asyncio.run(practice_async(exam, options, observer))

"""One practice session end to end: open the exam, record it, score it, store the record.

Every way a session can end (submit, tab closed, renderer crash, browser gone, inactivity,
Ctrl-C, SIGTERM, SIGHUP) arrives as one "done" reason and goes through the same finish path, so
every answer given so far ends up in a record.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import __version__
from .attempt import build_record
from .autoplay import Strategy, plan, planned_answers, play
from .bridge import Bridge, BridgeStats
from .browser import LaunchOptions, launch
from .catalog import Exam
from .config import data_dir as resolve_data_dir
from .errors import SessionError
from .protocol import (
    AnswerValue,
    KeyValue,
    PageMessage,
    SessionCompleted,
    SessionReady,
    init_session,
)
from .record import PracticeRecord
from .session import Session
from .store import Store

DEFAULT_INACTIVITY_MINUTES = 30.0
DEFAULT_AUTOSAVE_SECONDS = 30.0


@dataclass(frozen=True)
class PracticeOptions:
    headless: bool = True
    autoplay: Strategy | None = None
    slowmo_ms: float = 0
    browser_path: str | None = None
    connect: str | None = None
    data_dir: Path | None = None
    inactivity_minutes: float = DEFAULT_INACTIVITY_MINUTES
    autosave_seconds: float = DEFAULT_AUTOSAVE_SECONDS
    ready_timeout_s: float = 30.0
    #: With autoplay, how long to wait for the page to report completion after submitting.
    completion_timeout_s: float = 30.0


@dataclass
class PracticeResult:
    record: PracticeRecord
    data_dir: Path
    stats: BridgeStats
    planned: dict[str, AnswerValue] | None = None
    saved_at: float | None = None


class Observer(Protocol):
    """What the terminal (or a test) is told while a session runs."""

    def status(self, message: str) -> None: ...
    def progress(self, session: Session, last_saved: float | None) -> None: ...


class _Quiet:
    def status(self, message: str) -> None:
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
    key: Mapping[str, KeyValue] | None = None
    key_source: str | None = None
    last_saved: float | None = None
    bridge: Bridge | None = None

    def finish(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.done.set()

    def on_change(self, session: Session, answers_changed: bool) -> None:
        # Answers go to disk at once (fsynced) so that nothing given is ever lost.
        if answers_changed and not session.finished:
            self.save_active()
        self.observer.progress(session, self.last_saved)

    def save_active(self) -> None:
        self.store.save_active(self.session.snapshot())
        self.last_saved = time.time()

    def on_message(self, message: PageMessage) -> None:
        if isinstance(message, SessionReady) and self.session.question_ids:
            self.ready.set()
        elif isinstance(message, SessionCompleted):
            self.finish("completed")

    def on_event(self, event: str, detail: str) -> None:
        reasons = {
            "page_closed": "the exam tab was closed",
            "crashed": "the page crashed",
            "disconnected": "the browser closed or crashed",
        }
        self.finish(reasons.get(event, event))


async def practice_async(
    exam: Exam, options: PracticeOptions, observer: Observer | None = None
) -> PracticeResult:
    """Run one session on ``exam`` and return its stored record."""
    root = resolve_data_dir(options.data_dir)
    store = Store(root)
    store.replay_pending()
    url = exam.location()
    session = Session(new_session_id(), exam_id=exam.id, title=exam.title, url=url)
    run = _Run(exam, options, store, session, observer or _Quiet())
    session.subscribe(run.on_change)
    bridge = Bridge(session, url, on_message=run.on_message)
    run.bridge = bridge
    loop = asyncio.get_running_loop()
    installed = _install_signal_handlers(loop, run)
    planned: dict[str, AnswerValue] | None = None
    browser_name = ""
    try:
        launch_options = LaunchOptions(
            headless=options.headless,
            browser_path=options.browser_path,
            slowmo_ms=options.slowmo_ms,
            connect=options.connect,
        )
        init_seq = 0

        async def send_init(page: Any = None) -> None:
            nonlocal init_seq
            init_seq += 1
            message = init_session(
                session_id=session.session_id,
                exam_id=exam.id,
                parent_origin="recorder",
                timestamp_ms=int(time.time() * 1000),
                seq=init_seq,
            )
            if exam_page is not None:
                await exam_page.send(message.model_dump_json())

        exam_page = None
        async with launch(
            launch_options,
            on_binding=bridge.deliver,
            on_event=run.on_event,
            enhancer_config={"version": __version__},
            on_navigated=send_init,
        ) as browser:
            browser_name = f"chromium {browser.version}"
            exam_page = await browser.open()
            run.observer.status(f"Opening {exam.title}")
            await exam_page.goto(url)
            await send_init()
            await _wait_ready(run, options.ready_timeout_s)
            run.key, run.key_source = await exam_page.answer_key()
            run.save_active()
            watchers = [
                asyncio.ensure_future(_watch_inactivity(run)),
                asyncio.ensure_future(_autosave(run)),
            ]
            try:
                if options.autoplay is not None and not run.done.is_set():
                    controls = await exam_page.describe()
                    steps = plan(controls, options.autoplay, run.key)
                    planned = planned_answers(steps, controls)
                    run.observer.status(
                        f"Autoplay '{options.autoplay}': {len(steps)} input actions"
                    )
                    await play(exam_page, steps)
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(run.done.wait(), options.completion_timeout_s)
                    if not run.done.is_set():
                        run.finish("the page did not report completion after submit")
                else:
                    run.observer.status(
                        "Recording: answer in the browser window and submit when done"
                    )
                    await run.done.wait()
            finally:
                for task in watchers:
                    task.cancel()
    except (KeyboardInterrupt, asyncio.CancelledError):
        run.finish("interrupted by Ctrl-C")
    except Exception as exc:
        if not session.question_ids and not session.answers:
            raise
        run.finish(f"recorder error: {exc}")  # answers were given: keep them in a record
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    return _finish(run, browser_name, planned)


async def _wait_ready(run: _Run, timeout_s: float) -> None:
    waiter = asyncio.ensure_future(run.ready.wait())
    stopper = asyncio.ensure_future(run.done.wait())
    await asyncio.wait({waiter, stopper}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    stopper.cancel()
    if not run.ready.is_set() and not run.done.is_set():
        raise SessionError(
            f"{run.exam.location()} did not answer INIT_SESSION within {timeout_s:.0f} s: "
            "is it a practice page with numbered questions?"
        )


async def _watch_inactivity(run: _Run) -> None:
    limit = run.options.inactivity_minutes * 60
    while not run.done.is_set():
        await asyncio.sleep(min(5.0, limit / 4))
        if run.session.state == "active" and run.session.idle_for() >= limit:
            run.session.time_out()
            run.finish(run.session.interruption_reason or "timeout")


async def _autosave(run: _Run) -> None:
    while not run.done.is_set():
        await asyncio.sleep(run.options.autosave_seconds)
        if not run.session.finished:
            run.save_active()


def _install_signal_handlers(loop: asyncio.AbstractEventLoop, run: _Run) -> list[int]:
    installed = []
    names = {
        "SIGINT": "interrupted by Ctrl-C",
        "SIGTERM": "stopped by SIGTERM",
        "SIGHUP": "terminal closed (SIGHUP)",
    }
    for name, reason in names.items():
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            loop.add_signal_handler(sig, run.finish, reason)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or a platform without it
        installed.append(sig)
    return installed


def _finish(run: _Run, browser_name: str, planned: dict[str, AnswerValue] | None) -> PracticeResult:
    session = run.session
    completion = session.completion
    if session.state != "completed":
        session.interrupt(run.reason or "the session ended without a submit")
    key: Mapping[str, KeyValue] | None = run.key
    key_source = run.key_source
    if completion is not None and completion.answerKey:
        key, key_source = completion.answerKey, completion.keySource
    record = build_record(session, run.exam, key=key, key_source=key_source, browser=browser_name)
    run.store.save_record(record)
    if session.state == "completed":
        run.store.remove_active(session.session_id)
    else:
        run.store.mark_interrupted(session.snapshot())
    return PracticeResult(
        record=record,
        data_dir=run.store.root,
        stats=run.bridge.stats if run.bridge else BridgeStats(),
        planned=planned,
        saved_at=run.last_saved,
    )


def practice(
    exam: Exam, options: PracticeOptions, observer: Observer | None = None
) -> PracticeResult:
    """Blocking form of :func:`practice_async` for the CLI and for tests."""
    return asyncio.run(practice_async(exam, options, observer))


def running_pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

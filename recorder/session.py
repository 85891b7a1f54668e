"""One practice session: its state machine, its clock and the answers given so far.

``started → active ⇄ paused → completed | interrupted | timeout | error``. Elapsed time excludes
pauses. The clock is injected so that a 30-minute timeout is tested in milliseconds. The session
does no I/O: every accepted change is announced to ``on_change`` (the autosaver listens there).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Protocol

from .errors import SessionError
from .liveness import own_start
from .protocol import AnswerValue, CompletedData, KeyValue, PageTest, ProgressData, ReadyData
from .record import ActiveSession, SessionState, Transition


def _states(*states: SessionState) -> frozenset[SessionState]:
    return frozenset(states)


TERMINAL = _states("completed", "interrupted", "timeout", "error")
_ALLOWED: dict[SessionState, frozenset[SessionState]] = {
    "started": _states("active", "paused") | TERMINAL,
    "active": _states("paused") | TERMINAL,
    "paused": _states("active") | TERMINAL,
    # A learner who comes back after the inactivity timeout goes on, and a completion that
    # arrives after it is still a completion: never drop it.
    "timeout": _states("active", "completed", "interrupted", "error"),
    "interrupted": _states(),
    "completed": _states(),
    "error": _states(),
}


#: What a session keeps in its snapshot as it is (copied), by the snapshot's field name: the
#: one list :meth:`Session.snapshot` and a resume's restore both follow. The snapshot's other
#: fields are the session's identity, its clock and its owner, and its tests (kept as a list);
#: a test checks that every field of ActiveSession is one or the other.
KEPT: dict[str, str] = {
    "answers": "answers",
    "answer_times": "answerTimes",
    "question_ids": "questionIds",
    "question_types": "questionTypes",
    "word_limits": "wordLimits",
    "question_texts": "questionTexts",
    "question_groups": "questionGroups",
    "element_ids": "elementIds",
    "page_title": "pageTitle",
    "submitted_tests": "submittedTests",
    "current_question": "currentQuestion",
    "marked_questions": "markedQuestions",
    "answer_key": "answerKey",
    "key_source": "keySource",
}
#: The snapshot's fields that are not copies of a session attribute (see KEPT).
DERIVED = frozenset(
    {"sessionId", "examId", "title", "url", "state", "transitions", "tests", "elapsed",
     "startTime", "updatedAt", "pid", "pidStart"}
)  # fmt: skip


def _copy(value: Any) -> Any:
    """A copy deep enough that the session and its snapshot share no list or dict."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


ChangeListener = Callable[["Session", bool], None]
"""Called after every accepted change; the flag says whether answers changed (save now)."""


class Session:
    """The state of one attempt at one exam."""

    def __init__(
        self,
        session_id: str,
        *,
        exam_id: str,
        title: str,
        url: str,
        clock: Clock | None = None,
        on_change: ChangeListener | None = None,
        resume_from: ActiveSession | None = None,
        resumed_now: bool = True,
    ) -> None:
        self.session_id = session_id
        self.exam_id = exam_id
        self.title = title
        self.url = url
        self.clock: Clock = clock or SystemClock()
        self._listeners: list[ChangeListener] = [on_change] if on_change else []
        self.answers: dict[str, AnswerValue] = {}
        self.answer_times: dict[str, float] = {}
        self.question_ids: list[str] = []
        self.question_types: dict[str, str] = {}
        self.word_limits: dict[str, str] = {}
        self.question_texts: dict[str, str] = {}
        self.question_groups: list[list[str]] = []
        self.element_ids: dict[str, str] = {}
        #: The title the page shows once rendered (its first frame to say one).
        self.page_title = ""
        #: A page holding several tests: each test, those submitted, and each one's completion.
        self.tests: dict[str, PageTest] = {}
        self.submitted_tests: list[str] = []
        self.test_completions: dict[str, CompletedData] = {}
        self.current_question: str | None = None
        #: When the inputs behind the answers not yet written happened (epoch ms, page clock):
        #: how fresh a write is (bench/answer_latency.py).
        self.input_times: list[float] = []
        self.marked_questions: list[str] = []
        self.key_found = False
        self.answer_key: dict[str, KeyValue] | None = None
        self.key_source: str | None = None
        self.completion: CompletedData | None = None
        self.interruption_reason: str | None = None
        self._base_elapsed = 0.0
        self._running_since: float | None = None
        self._last_answer_at = 0.0
        self.last_activity = self.clock.monotonic()
        self.start_time = self.clock.now()
        self.state: SessionState = "started"
        self.transitions: list[Transition] = [Transition(state="started", at=self.start_time)]
        if resume_from is not None:
            self._restore(resume_from, resumed_now)

    # -------------------------------------------------------------------------------- queries

    @property
    def finished(self) -> bool:
        """Over for good: a timed-out session can still come back to life."""
        return self.state in TERMINAL and self.state != "timeout"

    def elapsed(self) -> float:
        """Seconds spent in the attempt, pauses excluded."""
        running = 0.0
        if self._running_since is not None:
            running = self.clock.monotonic() - self._running_since
        return self._base_elapsed + running

    def answered(self) -> int:
        return answered_count(self.answers)

    def idle_for(self) -> float:
        return self.clock.monotonic() - self.last_activity

    # ------------------------------------------------------------------------------ transitions

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def ready(self, data: ReadyData) -> None:
        """The page said which questions it has; the clock starts."""
        # A popup or a second frame of the same test adds its questions to those already known.
        self.question_ids += [qid for qid in data.questionIds if qid not in self.question_ids]
        self.question_types.update(data.questionTypes)
        self.word_limits.update(data.wordLimits)
        self.question_texts.update(data.questionTexts)
        self.question_groups += [g for g in data.questionGroups if g not in self.question_groups]
        self.element_ids.update(data.elementIds)
        self.page_title = self.page_title or data.title.strip()
        self.tests.update((test.id, test) for test in data.tests)
        self.key_found = self.key_found or data.keyFound
        if self.state == "started":
            self._enter("active")
        self._changed(False)

    def progress(self, data: ProgressData) -> None:
        self._touch()
        changed = {
            qid: value for qid, value in data.answers.items() if self.answers.get(qid) != value
        }
        if self.state in ("paused", "timeout") and changed:
            self._enter("active", f"answer given while {self.state}")
        if changed and data.inputTs:
            self.input_times.append(data.inputTs)
        if changed:
            now = self.elapsed()
            share = max(0.0, now - self._last_answer_at) / len(changed)
            for qid in changed:
                self.answer_times[qid] = round(self.answer_times.get(qid, 0.0) + share, 3)
            self._last_answer_at = now
            self.answers.update(changed)
        if data.currentQuestion is not None:
            self.current_question = data.currentQuestion
        self._changed(bool(changed))

    def take_input_times(self) -> list[float]:
        """The input times of the answers about to be written (and forgets them)."""
        taken, self.input_times = self.input_times, []
        return taken

    def heartbeat(self) -> None:
        self._touch()

    def pause(self, reason: str = "page") -> None:
        if self.state == "active":
            self._enter("paused", reason)
            self._changed(False)

    def resume(self, reason: str = "page") -> None:
        self._touch()
        if self.state == "paused":
            self._enter("active", reason)
            self._changed(False)

    def complete(self, data: CompletedData) -> None:
        """The learner submitted: the whole page, or on a page holding several tests, some of
        them (the session goes on until every test is submitted or the window closes)."""
        self._check("completed")
        if data.tests and self.tests:
            self._complete_tests(data)
            return
        self.completion = data
        self.answers.update(data.answers)
        if data.answerKey:
            self.answer_key, self.key_source = dict(data.answerKey), data.keySource
        self._enter("completed")
        self._changed(True)

    def _complete_tests(self, data: CompletedData) -> None:
        self.answers.update(data.answers)
        if data.answerKey:
            self.answer_key, self.key_source = dict(data.answerKey), data.keySource
        for test in data.tests or ():
            if test not in self.submitted_tests:
                self.submitted_tests.append(test)
                self.test_completions[test] = data
        if all(test in self.submitted_tests for test in self.tests):
            self.completion = data
            self._enter("completed")
        elif self.state in ("paused", "timeout"):
            self._enter("active", "a test was submitted")
        self._changed(True)

    def interrupt(self, reason: str) -> None:
        if self.finished:
            return
        self.interruption_reason = reason
        self._enter("interrupted", reason)
        self._changed(True)

    def time_out(self) -> None:
        if self.state in TERMINAL:
            return
        self.interruption_reason = f"no activity for {self.idle_for():.0f} s"
        self._enter("timeout", self.interruption_reason)
        self._changed(True)

    def fail(self, message: str) -> None:
        if self.state in TERMINAL:
            return
        self.interruption_reason = message
        self._enter("error", message)
        self._changed(True)

    # ------------------------------------------------------------------------------- persistence

    def snapshot(self) -> ActiveSession:
        kept = {field: _copy(getattr(self, attr)) for attr, field in KEPT.items()}
        return ActiveSession(
            **kept,
            sessionId=self.session_id,
            examId=self.exam_id,
            title=self.title,
            url=self.url,
            state=self.state,
            transitions=list(self.transitions),
            tests=list(self.tests.values()),
            elapsed=round(self.elapsed(), 3),
            startTime=self.start_time,
            updatedAt=self.clock.now(),
            pid=os.getpid(),
            pidStart=own_start(),
        )

    def _restore(self, saved: ActiveSession, resumed_now: bool) -> None:
        for attr, field in KEPT.items():
            setattr(self, attr, _copy(getattr(saved, field)))
        self.tests = {test.id: test for test in saved.tests}
        self._base_elapsed = saved.elapsed
        self._last_answer_at = saved.elapsed
        self.start_time = saved.startTime
        self.transitions = list(saved.transitions)
        if resumed_now:  # not when a dead recorder's session is only being written up
            self.transitions.append(
                Transition(state="started", at=self.clock.now(), reason="resumed")
            )

    # ---------------------------------------------------------------------------------- helpers

    def _touch(self) -> None:
        self.last_activity = self.clock.monotonic()

    def _check(self, new: SessionState) -> None:
        if new not in _ALLOWED[self.state]:
            raise SessionError(f"session {self.session_id} cannot go from {self.state} to {new}")

    def _enter(self, new: SessionState, reason: str | None = None) -> None:
        self._check(new)
        now = self.clock.monotonic()
        if self._running_since is not None:
            self._base_elapsed += now - self._running_since
            self._running_since = None
        if new == "active":
            self._running_since = now
        self.state = new
        self.transitions.append(Transition(state=new, at=self.clock.now(), reason=reason))

    def _changed(self, answers_changed: bool) -> None:
        for listener in self._listeners:
            listener(self, answers_changed)


def _given(value: AnswerValue) -> bool:
    if isinstance(value, list):
        return bool(value)
    return bool(value and value.strip())


def answered_count(answers: Mapping[str, AnswerValue]) -> int:
    return sum(1 for value in answers.values() if _given(value))

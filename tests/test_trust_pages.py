"""Trust (issue #13): hostile page behaviour (cases 10, 11, 17, and a page that writes itself
anew, added in stop 8), each a page of our own writing under
tests/data/hostile/ and a test that failed before its fix. Only the enhancer may speak the
protocol, and the enhancer works whatever a page does to the built-ins."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from recorder.browser import DriverError, ExamPage
from recorder.practice import popup_joins
from recorder.session import Session

from .conftest import Play

HOSTILE = Path(__file__).parent / "data" / "hostile"


class _Attempt:
    """A hostile page's own account of what it tried (a global it keeps), read until ``done``
    says it has made its attempt; then ``settle_s`` for what it sent to reach the recorder, and
    the page closes (the learner gave nothing)."""

    def __init__(self, name: str, done: Callable[[Any], bool], settle_s: float = 0.5) -> None:
        self.name, self.done, self.settle_s = name, done, settle_s
        self.seen: Any = None

    async def __call__(self, page: ExamPage) -> None:
        for _ in range(100):
            self.seen = await page.page.evaluate(f"() => window.{self.name}")
            if self.seen is not None and self.done(self.seen):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(self.settle_s)
        await page.close()


def test_a_page_cannot_forge_its_own_record(play: Play) -> None:
    # The page forges once the session has started: 7 ways.
    attempt = _Attempt("__forgeries", lambda tried: len(tried) >= 7, settle_s=1.2)
    result = play(str(HOSTILE / "forger.html"), "blank", submit=False, after_answers=attempt)
    tried = attempt.seen or []
    assert len(tried) == 7, tried
    record = result.record
    assert record.status == "interrupted"  # no forged completion
    assert [a.userAnswer for a in record.answers] == [None, None]  # no forged answer
    assert [a.correctAnswer for a in record.answers] == ["1790", "A"]  # the page's own key
    assert result.stats.rejected["forged"] == 2  # both calls through the controller
    assert result.stats.accepted > 0  # the enhancer itself was heard throughout


def test_a_page_lying_in_wait_for_the_secret_forges_nothing(play: Play) -> None:
    """A page that replaced window.__ieltsRecorder's methods (or Function.prototype.apply, or
    the methods of Playwright's binding controller) before the recorder greeted it was handed
    the context's secret, and forged a completed, full-marks record with it (stop 8's probe).
    Now the API is pinned, and what the page can catch are signatures of texts already sent."""
    attempt = _Attempt("__thief", lambda t: "forged with a caught secret" in t.get("tried", []))
    result = play(str(HOSTILE / "secret-thief.html"), "blank", submit=False, after_answers=attempt)
    thief: dict[str, list[str]] = attempt.seen or {}
    record = result.record
    assert "forged with a caught secret" in thief["tried"], thief  # it did try
    assert all(len(caught) == 64 for caught in thief["caught"])  # signatures, never the secret
    assert record.status == "interrupted" and not record.score  # no forged completion
    assert all(a.userAnswer is None for a in record.answers)
    assert result.stats.rejected["forged"] >= 1


def test_a_page_of_the_opener_protocol_cannot_complete_without_a_learner(play: Play) -> None:
    """A page that asked for its session with REQUEST_INIT was believed for any PRACTICE_COMPLETE:
    with no learner at all it completed its own record, 2/2 (stop 8's probe). Its payload is
    believed only after the learner has acted."""
    attempt = _Attempt("__opened", lambda tried: "completed on its own" in tried)
    result = play(str(HOSTILE / "opener-forger.html"), "blank", submit=False, after_answers=attempt)
    seen = attempt.seen or []
    assert "completed on its own" in seen, seen
    record = result.record
    assert record.status == "interrupted" and not record.score
    assert all(a.userAnswer is None for a in record.answers)


def test_a_page_that_stops_the_clock_cannot_answer_for_the_learner(play: Play) -> None:
    """With Date.now stopped, every synthetic event fell "within a second" of the learner's last
    input: the page typed both answers and submitted, and the record was completed 2/2 with no
    learner (stop 8's probe). The enhancer keeps the clock as it was."""
    attempt = _Attempt("__clock", lambda tried: "answered and submitted" in tried)
    result = play(str(HOSTILE / "clock-forger.html"), "blank", submit=False, after_answers=attempt)
    seen = attempt.seen or []
    assert seen == ["Date.now stopped", "answered and submitted"], seen
    record = result.record
    assert record.status == "interrupted" and not record.score
    assert all(a.userAnswer is None for a in record.answers)


def test_a_page_that_breaks_the_builtins_is_recorded(play: Play) -> None:
    record = play(str(HOSTILE / "builtins.html"), "key").record
    assert (record.status, record.score, record.totalQuestions) == ("completed", 3, 3)
    assert record.metadata.pageScore == 3


def test_a_page_that_breaks_the_builtins_is_recorded_at_random(play: Play) -> None:
    result = play(str(HOSTILE / "builtins.html"), "random:2")
    given = {a.questionId: a.userAnswer for a in result.record.answers}
    assert given == result.planned


def _driver_pids() -> list[int]:
    """Playwright's driver: a child process of this one running its node program."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[1] == me and b"run-driver" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_a_page_that_writes_itself_anew_after_load_is_recorded(play: Play) -> None:
    """document.open erased the enhancer's listeners: the survey saw both questions, the
    learner typed both, and the record said "no answer was given" (stop 8's probe)."""
    record = play(str(HOSTILE / "rewrites-itself.html"), "key").record
    assert record.status == "completed"
    assert {a.questionId: a.userAnswer for a in record.answers} == {"1": "horses", "2": "1790"}
    assert record.score == 2


def test_a_dead_driver_ends_the_session_with_its_answers(play: Play) -> None:
    page = Path(__file__).parent / "data" / "pages" / "written-judgements.html"

    others = set(_driver_pids())  # the shared browser's driver, if one runs: not this one's

    async def kill_the_driver(_page: ExamPage) -> None:
        await asyncio.sleep(0.5)  # the answers are on disk by now
        for pid in set(_driver_pids()) - others:
            os.kill(pid, signal.SIGKILL)

    started = time.monotonic()
    result = play(str(page), "key", own_browser=True, submit=False, after_answers=kill_the_driver)
    assert time.monotonic() - started < 60  # noticed, not waited on forever
    record = result.record
    assert record.status == "interrupted"
    assert "stopped answering" in (record.metadata.interruptionReason or "")
    given = {a.questionId for a in record.answers if a.userAnswer}
    assert {str(n) for n in range(1, 12)} <= given  # every answer given is kept


def test_an_answer_a_page_writes_for_the_learners_click_is_theirs(play: Play) -> None:
    page = Path(__file__).parent / "data" / "pages" / "click-to-place.html"

    async def place(exam_page: ExamPage) -> None:
        await exam_page.click(0, "button.word >> nth=0")
        await asyncio.sleep(0.6)  # the page's own script wrote it; the recorder noticed
        await exam_page.click(0, "#submit")

    result = play(str(page), "blank", submit=False, after_answers=place)
    record = result.record
    assert (record.status, record.score) == ("completed", 1)
    assert record.answers[0].userAnswer == "channel"


WORDS = ["midnight", "harbour office", "lower deck", "six"]


async def _greeted(exam_page: ExamPage) -> None:
    """Until the enhancer of the current document has its session (after a navigation); the
    learner then types at once, while the recorder puts the answers back into the new page."""
    await exam_page.page.wait_for_function(
        "() => window.__ieltsRecorder && window.__ieltsRecorder.state().sessionId",
        timeout=10_000,
    )


async def _at_rest(exam_page: ExamPage) -> None:
    """Until the current document has its session and stays (this page leaves 250 ms after any
    input, the answers put back into it included): a submit clicked on a document that is
    about to go is lost with it, as it would be for a learner."""
    for _ in range(20):
        await _greeted(exam_page)
        born = await exam_page.page.evaluate("() => performance.timeOrigin")
        await asyncio.sleep(0.8)
        with contextlib.suppress(DriverError):
            if await exam_page.page.evaluate("() => performance.timeOrigin") == born:
                return
    raise AssertionError("the page never came to rest")


def test_answers_typed_before_each_navigation_are_kept(play: Play) -> None:
    """Case 17: the page navigates to itself after every answer, so each new document starts
    empty; every answer the learner typed is the record's, and the submit marks them all. The
    learner types as soon as each new page is there (before: the answers typed back into it took
    the focus, and a word landed in another box: 'harbour officemidnight')."""

    async def type_through_the_loop(exam_page: ExamPage) -> None:
        for n, word in enumerate(WORDS, start=1):
            await _greeted(exam_page)
            async with exam_page.page.expect_navigation(timeout=10_000):
                await exam_page.fill(0, f"[name=q{n}]", word)
        await _at_rest(exam_page)
        await exam_page.click(0, "#submit")

    result = play(str(HOSTILE / "nav-loop.html"), "blank", submit=False,
                  after_answers=type_through_the_loop)  # fmt: skip
    record = result.record
    assert record.status == "completed"
    assert [a.userAnswer for a in record.answers] == WORDS
    assert (record.score, record.totalQuestions) == (4, 4)


def test_typing_answers_back_does_not_keep_a_reloading_page_in_a_loop(play: Play) -> None:
    """Case 17: the answers typed back into a reloaded page are input to it, and this page
    leaves on every input; the recorder stops typing them back (they stay the session's), so the
    page comes to rest instead of reloading every 300 ms while the learner tries to answer."""
    loops: list[int] = []

    async def answer_once_then_wait(exam_page: ExamPage) -> None:
        await _greeted(exam_page)
        async with exam_page.page.expect_navigation(timeout=10_000):
            await exam_page.fill(0, "[name=q1]", "midnight")
        await asyncio.sleep(4)  # the learner reads; the page should be at rest by now
        await _greeted(exam_page)
        loops.append(int(await exam_page.page.evaluate("() => document.title.split(' ').pop()")))
        async with exam_page.page.expect_navigation(timeout=10_000):
            await exam_page.fill(0, "[name=q2]", "harbour office")
        await _greeted(exam_page)
        await exam_page.click(0, "#submit")

    result = play(str(HOSTILE / "nav-loop.html"), "blank", submit=False,
                  after_answers=answer_once_then_wait)  # fmt: skip
    assert loops[0] <= 3, f"{loops[0]} navigations in 4 s: the page was kept in a loop"
    assert [a.userAnswer for a in result.record.answers] == [
        "midnight",
        "harbour office",
        None,
        None,
    ]


def test_a_same_folder_popup_of_notes_is_not_part_of_the_exam(play: Play) -> None:
    """Case 17: the exam opens a page of its folder in a new window; what the learner types
    there is not an answer to the exam and its boxes do not add to the exam's total."""

    async def take_notes(exam_page: ExamPage) -> None:
        async with exam_page.page.expect_popup() as opened:
            await exam_page.click(0, "#notes")
        notes = await opened.value
        await notes.wait_for_load_state("domcontentloaded")
        await notes.fill("[name=q1]", "bring a coat")
        await notes.check("[name=q3][value=B]")
        await asyncio.sleep(0.5)
        await exam_page.page.bring_to_front()
        async with exam_page.page.expect_navigation(timeout=10_000):
            await exam_page.fill(0, "[name=q1]", "midnight")
        await _at_rest(exam_page)
        await exam_page.click(0, "#submit")

    page = (HOSTILE / "nav-loop.html").as_uri() + "?popup=1"
    result = play(page, "blank", submit=False, open_popups=False, after_answers=take_notes)
    record = result.record
    assert record.status == "completed"
    assert record.totalQuestions == 4
    assert [a.userAnswer for a in record.answers] == ["midnight", None, None, None]
    assert record.score == 1


@pytest.mark.parametrize(
    "ids,declared,keyed,expected",
    [
        (["1", "2", "3"], False, True, False),  # numbered like the exam's own questions: notes
        (["1", "2", "3"], False, False, False),  # ...whether or not the key is known yet
        (["39", "40"], False, True, True),  # questions the key names and the page lacks
        (["39", "41"], False, True, False),  # one the key does not name
        (["39", "41"], False, False, True),  # no key known: new questions join
        ([], False, True, False),  # no questions at all
        (["1", "2"], True, True, True),  # it says it is part of the test
    ],
)
def test_which_windows_of_the_exam_join_it(
    ids: list[str], declared: bool, keyed: bool, expected: bool
) -> None:
    session = Session("s1", exam_id="e", title="t", url="file:///e.html")
    session.question_ids = [str(n) for n in range(1, 39)]
    session.answer_key = {str(n): "x" for n in range(1, 41)} if keyed else None
    assert popup_joins(ids, declared, session) is expected

"""Trust (issue #13): hostile page behaviour (cases 10, 11), each a page of our own writing under
tests/data/hostile/ and a test that failed before its fix. Only the enhancer may speak the
protocol, and the enhancer works whatever a page does to the built-ins."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from recorder.browser import ExamPage

from .conftest import Play

HOSTILE = Path(__file__).parent / "data" / "hostile"


def test_a_page_cannot_forge_its_own_record(play: Play) -> None:
    tried: list[str] = []

    async def let_it_try(page: ExamPage) -> None:
        for _ in range(60):  # the page forges once the session has started
            tried[:] = await page.page.evaluate("() => window.__forgeries || []")
            if len(tried) >= 7:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.2)  # anything it sent has arrived by now
        await page.close()

    result = play(str(HOSTILE / "forger.html"), "blank", submit=False, after_answers=let_it_try)
    assert len(tried) == 7, tried
    record = result.record
    assert record.status == "interrupted"  # no forged completion
    assert [a.userAnswer for a in record.answers] == [None, None]  # no forged answer
    assert [a.correctAnswer for a in record.answers] == ["1790", "A"]  # the page's own key
    assert result.stats.rejected["forged"] == 2  # both calls through the controller
    assert result.stats.accepted > 0  # the enhancer itself was heard throughout


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


def test_a_dead_driver_ends_the_session_with_its_answers(play: Play) -> None:
    page = Path(__file__).parent / "data" / "pages" / "written-judgements.html"

    async def kill_the_driver(_page: ExamPage) -> None:
        await asyncio.sleep(0.5)  # the answers are on disk by now
        for pid in _driver_pids():
            os.kill(pid, signal.SIGKILL)

    started = time.monotonic()
    result = play(str(page), "key", submit=False, after_answers=kill_the_driver)
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

"""A page's own dialogs (alert, confirm, prompt). Playwright dismisses every one when nobody
listens: a page that asks "Submit your answers?" was never submitted, a learner at a window never
saw the question, and the recorder ended the session on the click all the same.

tests/data/pages/confirm-submit.html asks before it submits and tells the score in an alert.
The scripted learner confirms (tests/test_real_pages.py, HAND_MADE, marks it with key, blank and
random); here a learner at a window answers the dialogs (policy "learner": left to them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Dialog

from recorder import recording
from recorder.browser import ExamPage

from .conftest import Play

PAGE = str(Path(__file__).parent / "data" / "pages" / "confirm-submit.html")


def _answer_dialogs(exam_page: ExamPage, confirms: list[bool], seen: list[str]) -> None:
    """The learner's answers to the page's dialogs: the confirms in turn, every alert read."""

    async def answer(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        if dialog.type == "confirm" and not confirms.pop(0):
            await dialog.dismiss()
        else:
            await dialog.accept()

    exam_page.page.on("dialog", lambda dialog: asyncio.ensure_future(answer(dialog)))


def test_a_submit_the_learner_declines_is_taken_back(play: Play) -> None:
    """The learner presses Submit, is asked to confirm and says no: the session goes on (before:
    it ended on the click, with the page never submitted); an answer given after it is kept, and
    the second Submit, confirmed, is the record, scored as the page's alert tells it."""
    seen: list[str] = []
    after_decline: list[str] = []

    async def learner(exam_page: ExamPage) -> None:
        _answer_dialogs(exam_page, [False, True], seen)
        await exam_page.fill(0, "[name=q3]", "boat")
        await exam_page.click(0, "#finish")  # declined
        await asyncio.sleep(0.5)
        after_decline.append(str(await exam_page.page.is_enabled("[name=q4]")))
        await exam_page.fill(0, "[name=q4]", "mainland")
        await exam_page.click(0, "#finish")  # confirmed

    result = play(PAGE, "blank", submit=False, dialogs="learner", after_answers=learner)
    record = result.record
    assert record.status == "completed"
    assert after_decline == ["True"]  # the page was not submitted, and the session still ran
    assert {a.questionId: a.userAnswer for a in record.answers} == {
        "1": None, "2": None, "3": "boat", "4": "mainland",
    }  # fmt: skip
    assert (record.score, record.metadata.pageScore) == (2, 2)
    assert seen == [
        "confirm: Submit your answers? You cannot change them afterwards.",
        "confirm: Submit your answers? You cannot change them afterwards.",
        "alert: You scored 2 out of 4.",
    ]


def test_a_dialog_the_learner_is_reading_is_not_a_dead_browser(
    play: Play, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a dialog is open the page answers no call: the driver check (every 0.2 s here,
    0.3 s to answer) must not end the session as "the browser stopped answering" while the
    learner reads the question for 2 s."""
    monkeypatch.setattr(recording, "DRIVER_CHECK_S", 0.2)
    monkeypatch.setattr(recording, "DRIVER_TIMEOUT_S", 0.3)

    async def learner(exam_page: ExamPage) -> None:
        async def read_then_confirm(dialog: Dialog) -> None:
            await asyncio.sleep(2)
            await dialog.accept()

        exam_page.page.on("dialog", lambda dialog: asyncio.ensure_future(read_then_confirm(dialog)))
        await exam_page.fill(0, "[name=q3]", "boat")
        await exam_page.click(0, "#finish")

    record = play(PAGE, "blank", submit=False, dialogs="learner", after_answers=learner).record
    assert (record.status, record.metadata.interruptionReason) == ("completed", None)
    assert (record.score, record.metadata.pageScore) == (1, 1)

"""The recording's watchdogs on a fake clock (issue #15): thirty minutes of inactivity, or a
test's time limit, pass in milliseconds, with no browser and no real sleep."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from recorder.catalog import Catalog
from recorder.practice import PracticeOptions
from recorder.protocol import ProgressData, ReadyData
from recorder.recording import Quiet, Recording, watch_inactivity, watch_time_left
from recorder.session import Session
from recorder.store import Store

from .helpers import FakeClock

EXAM = Catalog().get("academic-reef-soundscapes")


class Told(Quiet):
    def __init__(self) -> None:
        self.said: list[str] = []

    def status(self, message: str) -> None:
        self.said.append(message)


def recording(tmp_path: Path, clock: FakeClock, **options: object) -> Recording:
    session = Session("watched", exam_id=EXAM.id, title=EXAM.title, url="u", clock=clock)
    session.ready(
        ReadyData(sessionId="watched", examId=EXAM.id, url="u", title="t",
                  questionIds=["1", "2"], keyFound=False)
    )  # fmt: skip
    session.progress(ProgressData(answers={"1": "reef"}, answeredQuestions=1, totalQuestions=2,
                                  elapsed=0))  # fmt: skip
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        clock.advance(seconds)  # time passes for the session's clock, not for the test
        await asyncio.sleep(0)

    run = Recording(
        EXAM, PracticeOptions(data_dir=tmp_path, **options),  # type: ignore[arg-type]
        Store(tmp_path), session, Told(), sleep=sleep,
    )  # fmt: skip
    run.waited = waited  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize("minutes", [0.5, 30, 120])
def test_inactivity_ends_a_headless_session_on_the_sessions_clock(
    tmp_path: Path, minutes: float
) -> None:
    run = recording(tmp_path, FakeClock(), inactivity_minutes=minutes, headless=True)
    asyncio.run(asyncio.wait_for(watch_inactivity(run), 5))
    assert run.done.is_set()
    assert run.session.state == "timeout"
    assert run.reason is not None and run.reason.startswith("no activity for")
    assert sum(run.waited) >= minutes * 60  # type: ignore[attr-defined]


def test_inactivity_in_a_window_keeps_a_timeout_record_and_goes_on(tmp_path: Path) -> None:
    run = recording(tmp_path, FakeClock(), inactivity_minutes=1, headless=False)

    async def watch_then_submit() -> None:
        watcher = asyncio.ensure_future(watch_inactivity(run))
        while run.session.state != "timeout":
            await asyncio.sleep(0)
        await asyncio.sleep(0.05)  # the timeout record is on its way to the store
        run.finish("completed")  # the learner comes back and submits
        await asyncio.wait_for(watcher, 5)

    asyncio.run(watch_then_submit())
    run.writer.shutdown(wait=True)
    assert run.reason == "completed"
    assert "No activity: saved as timed out" in " ".join(run.observer.said)  # type: ignore[attr-defined]
    [kept] = list(Store(tmp_path).records())
    assert (kept.status, kept.answers[0].userAnswer) == ("timeout", "reef")


def test_a_tests_time_limit_ends_the_attempt(tmp_path: Path) -> None:
    run = recording(tmp_path, FakeClock(), time_left_s=3600)
    asyncio.run(asyncio.wait_for(watch_time_left(run), 5))
    assert run.reason == "the test's time limit was reached"
    assert run.waited == [3600]  # type: ignore[attr-defined]

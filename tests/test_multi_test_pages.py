"""A page holding several tests (issue #12, point 6): each test submitted is a record of its
own, titled after the test, with only its questions. The page is tests/data/pages/
listening-sets.html (three tests, a tab, audio and a "Check answers" button each)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest

from recorder.attempt import build_records
from recorder.browser import ExamPage
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.exam import adhoc_exam
from recorder.protocol import CompletedData, PageTest, ProgressData, ReadyData
from recorder.scoring import mark_attempt
from recorder.session import Session
from recorder.store import Store

from .conftest import Play

PAGE = Path(__file__).parent / "data" / "pages" / "listening-sets.html"
PREFIXED = str(PAGE)  # controls named t1_q1 ... t3_q5
PLAIN = f"{PAGE}?names=plain"  # every test numbered from 1, told apart by its panel


class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return datetime(2026, 12, 1, tzinfo=timezone.utc)


def _session() -> Session:
    session = Session("s-1", exam_id="sets", title="Sets", url="file:///sets.html", clock=_Clock())
    tests = [
        PageTest(id=f"t{n}", title=f"Test {n}", questionIds=[f"t{n}.1", f"t{n}.2"])
        for n in (1, 2, 3)
    ]
    ids = [q for t in tests for q in t.questionIds]
    session.ready(
        ReadyData(sessionId="s-1", examId="sets", url="file:///sets.html", title="Sets",
                  questionIds=ids, elementIds={"t2.1": "q1"}, keyFound=True, tests=tests)
    )  # fmt: skip
    session.answer_key = {q: "a" for q in ids}
    return session


def _progress(session: Session, answers: dict[str, str]) -> None:
    session.progress(
        ProgressData(answers=answers, answeredQuestions=1, totalQuestions=6, elapsed=1)
    )


def _submit(session: Session, *tests: str) -> None:
    session.complete(CompletedData(answers={}, elapsed=1, tests=list(tests)))


def _records(session: Session, done: tuple[str, ...] = ()) -> dict[str, tuple[str, int | None]]:
    exam = adhoc_exam("file:///sets.html")
    records = build_records(session, exam, key=session.answer_key, key_source="x", done=done)
    return {r.sessionId: (r.status, r.score) for r in records}


@pytest.mark.parametrize(
    "given,submitted,done,expected",
    [
        # one test done and submitted: one record, of that test only
        ({"t2.1": "a", "t2.2": "b"}, ["t2"], (), {"s-1-t2": ("completed", 1)}),
        # a test answered and not submitted is kept as interrupted, next to the submitted one
        ({"t1.1": "a", "t3.2": "a"}, ["t3"], (), {"s-1-t1": ("interrupted", 1), "s-1-t3": ("completed", 1)}),
        # a test stored when it was submitted is not made again
        ({"t1.1": "a", "t3.2": "a"}, ["t3"], ("t3",), {"s-1-t1": ("interrupted", 1)}),
        # nothing given and nothing submitted: the page's own record, as on a page of one test
        ({}, [], (), {"s-1": ("interrupted", 0)}),
        # a test submitted blank is a record (of zero)
        ({}, ["t1"], (), {"s-1-t1": ("completed", 0)}),
    ],
)  # fmt: skip
def test_records_of_a_multi_test_session(
    given: dict[str, str],
    submitted: list[str],
    done: tuple[str, ...],
    expected: dict[str, tuple[str, int]],
) -> None:
    session = _session()
    if given:
        _progress(session, given)
    if submitted:
        _submit(session, *submitted)
    if session.state != "completed":
        session.interrupt("the exam tab was closed")
    assert _records(session, done) == expected


def test_a_test_record_holds_only_its_questions_numbered_as_printed() -> None:
    session = _session()
    _progress(session, {"t2.1": "a"})
    _submit(session, "t2")
    (record,) = build_records(session, adhoc_exam("file:///sets.html"), key=session.answer_key,
                              key_source="x")  # fmt: skip
    assert record.title == "Sets – Test 2"
    assert record.examId.endswith("-t2")
    assert [(a.questionId, a.elementId) for a in record.answers] == [("1", "q1"), ("2", "t2.2")]


def test_the_session_ends_when_every_test_is_submitted_and_survives_a_snapshot() -> None:
    session = _session()
    _submit(session, "t1")
    _submit(session, "t3")
    assert session.state == "active"
    saved = session.snapshot()
    assert saved.submittedTests == ["t1", "t3"] and len(saved.tests) == 3
    again = Session("s-1", exam_id="sets", title="Sets", url="u", resume_from=saved)
    assert again.submitted_tests == ["t1", "t3"] and list(again.tests) == ["t1", "t2", "t3"]
    _submit(session, "t2")
    assert session.state == "completed"


# ---------------------------------------------------------------------------- in a real browser


@pytest.mark.parametrize("url", [PREFIXED, PLAIN], ids=["prefixed", "plain"])
def test_each_test_submitted_is_a_record_of_its_own(play: Play, data_dir: Path, url: str) -> None:
    result = play(url, "key")
    assert [(r.title, r.status, r.score, r.totalQuestions) for r in result.records] == [
        (f"Listening Sets: Harbour Town – Test {n}", "completed", 5, 5) for n in (1, 2, 3)
    ]
    for n, record in enumerate(result.records, start=1):
        assert record.examId.endswith(f"-t{n}")
        assert [a.questionId for a in record.answers] == ["1", "2", "3", "4", "5"]
        element = "q{}" if url == PLAIN else f"t{n}_q{{}}"
        assert [a.elementId for a in record.answers] == [element.format(q) for q in range(1, 6)]
        assert record.metadata.pageScore == 5  # the test's own results block
    stored = {r.sessionId for r in Store(data_dir).records()}
    assert stored == {r.sessionId for r in result.records}
    assert (result.record.score, result.record.totalQuestions) == (15, 15)


def test_blank_tests_are_each_zero(play: Play) -> None:
    result = play(PREFIXED, "blank")
    assert [(r.status, r.score, r.totalQuestions) for r in result.records] == [
        ("completed", 0, 5)
    ] * 3


def test_random_on_a_multi_test_page_is_marked_from_what_was_chosen(play: Play) -> None:
    result = play(PLAIN, "random:7")
    assert result.session is not None and result.planned is not None
    expected = mark_attempt(
        result.planned, result.session.answerKey, list(result.planned),
        result.session.questionTypes, word_limits={},
    )  # fmt: skip
    assert result.record.score == expected.score
    assert sum(r.score or 0 for r in result.records) == expected.score


def test_a_learner_who_does_one_test_gets_one_record_stored_at_submit(
    play: Play, data_dir: Path
) -> None:
    seen_at_submit: list[str] = []

    async def do_test_two(page: ExamPage) -> None:
        await page.click(0, "#tab-1")
        await page.fill(0, "[name=t1_q1]", "Seagull")  # test 1 begun, never submitted
        await page.click(0, "#tab-2")
        await page.fill(0, "[name=t2_q1]", "Marsh")
        await page.check(0, "[name=t2_q3][value=A]")
        await page.click(0, "#listening-part-2 .check")
        for _ in range(100):  # the record is stored at the submit, not when the window closes
            seen_at_submit[:] = [r.sessionId for r in Store(data_dir).records()]
            if seen_at_submit:
                break
            await asyncio.sleep(0.05)
        await page.close()

    result = play(PREFIXED, "blank", submit=False, after_answers=do_test_two)
    by_test = {r.examId.rsplit("-", 1)[1]: r for r in result.records}
    assert result.record.metadata.interruptionReason == "the exam tab was closed"
    assert sorted(by_test) == ["t1", "t2"]  # test 3 was never touched
    assert (by_test["t2"].status, by_test["t2"].score, by_test["t2"].totalQuestions) == (
        "completed", 2, 5,
    )  # fmt: skip
    assert (by_test["t1"].status, by_test["t1"].score) == ("interrupted", 1)
    assert seen_at_submit == [by_test["t2"].sessionId]


def test_the_catalog_takes_the_page_as_an_ad_hoc_exam() -> None:
    exam = Catalog().resolve(PLAIN)
    assert exam.location().endswith("listening-sets.html?names=plain")


def test_clickthrough_checks_each_test_and_says_what_it_saw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["clickthrough", PREFIXED, PLAIN, "-v", "--db", str(tmp_path / "qa")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 passed, 0 failed" in out
    assert "tests: 3 on this page, each submitted is a record of its own" in out
    assert 't2 "Test 2": 5 question(s), a tab to show it, its own submit button' in out
    assert len(list(Store(tmp_path / "qa").records())) == 6

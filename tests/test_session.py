from __future__ import annotations

import pytest

from recorder.errors import SessionError
from recorder.protocol import CompletedData, ProgressData, ReadyData
from recorder.session import Session

from .helpers import FakeClock


def ready(session: Session, ids: list[str]) -> None:
    session.ready(
        ReadyData(sessionId="s", examId="e", url="u", title="t", questionIds=ids, keyFound=True)
    )


def progress(session: Session, answers: dict[str, str | None]) -> None:
    session.progress(
        ProgressData(answers=answers, answeredQuestions=0, totalQuestions=2, elapsed=0)
    )


def make() -> tuple[Session, FakeClock, list[bool]]:
    clock = FakeClock()
    calls: list[bool] = []
    session = Session(
        "s", exam_id="e", title="t", url="u", clock=clock, on_change=lambda _s, f: calls.append(f)
    )
    return session, clock, calls


def test_elapsed_excludes_pauses() -> None:
    session, clock, _ = make()
    ready(session, ["1", "2"])
    clock.advance(60)
    session.pause()
    clock.advance(600)
    session.resume()
    clock.advance(30)
    assert session.elapsed() == pytest.approx(90)
    assert [t.state for t in session.transitions] == ["started", "active", "paused", "active"]


def test_answer_changes_are_flagged_for_an_immediate_save() -> None:
    session, clock, calls = make()
    ready(session, ["1", "2"])
    progress(session, {"1": "A"})
    progress(session, {"1": "A"})  # same answer again: nothing to save
    assert calls == [False, True, False]


def test_time_is_attributed_to_the_question_answered() -> None:
    session, clock, _ = make()
    ready(session, ["1", "2"])
    clock.advance(40)
    progress(session, {"1": "A"})
    clock.advance(20)
    progress(session, {"2": "B"})
    assert session.answer_times == {"1": 40.0, "2": 20.0}


def test_a_second_document_adds_its_questions() -> None:
    session, _, _ = make()
    ready(session, ["1", "2"])
    ready(session, ["2", "3"])
    assert session.question_ids == ["1", "2", "3"]


def test_completion_after_timeout_is_kept() -> None:
    session, clock, _ = make()
    ready(session, ["1"])
    clock.advance(31 * 60)
    session.time_out()
    assert session.state == "timeout"
    assert session.interruption_reason == "no activity for 1860 s"
    session.complete(CompletedData(answers={"1": "A"}, elapsed=5))
    assert session.state == "completed"


def test_a_finished_session_cannot_complete_twice() -> None:
    session, _, _ = make()
    ready(session, ["1"])
    session.complete(CompletedData(answers={"1": "A"}, elapsed=5))
    with pytest.raises(SessionError, match="cannot go from completed to completed"):
        session.complete(CompletedData(answers={"1": "B"}, elapsed=6))
    assert session.answers == {"1": "A"}


def test_snapshot_restores_into_a_resumed_session() -> None:
    session, clock, _ = make()
    ready(session, ["1", "2"])
    clock.advance(100)
    progress(session, {"1": "A"})
    saved = session.snapshot()
    again = Session("s", exam_id="e", title="t", url="u", clock=clock, resume_from=saved)
    assert again.answers == {"1": "A"}
    assert again.elapsed() == pytest.approx(100)
    assert again.transitions[-1].reason == "resumed"


def test_a_learner_back_after_the_timeout_goes_on() -> None:
    session, clock, calls = make()
    ready(session, ["1", "2"])
    clock.advance(31 * 60)
    session.time_out()
    progress(session, {"2": "B"})
    assert session.state == "active"
    assert session.transitions[-1].reason == "answer given while timeout"
    assert calls[-1] is True  # the new answer is saved
    session.interrupt("the exam tab was closed")
    assert session.state == "interrupted"


def test_every_field_of_a_snapshot_is_kept_or_derived_once() -> None:
    """One list says what a snapshot keeps of a session (KEPT); a field added to ActiveSession
    and to neither list fails here instead of being silently lost on resume."""
    from recorder.record import ActiveSession
    from recorder.session import DERIVED, KEPT

    kept = set(KEPT.values())
    assert not kept & DERIVED
    assert kept | DERIVED == set(ActiveSession.model_fields)


def test_what_a_snapshot_keeps_comes_back_whole_and_unshared() -> None:
    from recorder.protocol import PageTest
    from recorder.session import KEPT

    session, _, _ = make()
    values: dict[str, object] = {
        "answers": {"1": "A", "2": ["B", "C"]}, "answer_times": {"1": 1.5},
        "question_ids": ["1", "2"], "question_types": {"1": "completion"},
        "word_limits": {"1": "ONE WORD"}, "question_texts": {"1": "The ..."},
        "question_groups": [["1", "2"]], "element_ids": {"1": "q1"}, "page_title": "Shown",
        "submitted_tests": ["t1"], "current_question": "2", "marked_questions": ["1"],
        "answer_key": {"1": "A"}, "key_source": "json_script",
    }  # fmt: skip
    assert set(values) == set(KEPT)
    for attr, value in values.items():
        setattr(session, attr, value)
    session.tests = {"t1": PageTest(id="t1", title="Test 1", questionIds=["1"])}
    saved = session.snapshot()
    again = Session("s", exam_id="e", title="t", url="u", resume_from=saved)
    for attr, value in values.items():
        assert getattr(again, attr) == value, attr
    assert list(again.tests) == ["t1"]
    again.question_groups[0].append("3")
    again.answers["2"].append("D")  # type: ignore[union-attr]
    assert saved.questionGroups == [["1", "2"]] and saved.answers["2"] == ["B", "C"]

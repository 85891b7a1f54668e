"""End to end: a real Chromium on the bundled pages, a real TinyDB file on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recorder.catalog import Exam
from recorder.record import PracticeRecord
from recorder.scoring import mark_attempt
from recorder.store import Store

from .conftest import CATALOG, Play

EXAMS = [pytest.param(exam, id=exam.id) for exam in CATALOG.exams]


def stored_docs(data_dir: Path) -> list[dict[str, object]]:
    """Every record document as it lies in the TinyDB files, read without the store."""
    docs: list[dict[str, object]] = []
    for segment in sorted((data_dir / "records").glob("seg-*.json")):
        docs.extend(json.loads(segment.read_text())["records"].values())
    return docs


@pytest.mark.parametrize("exam", EXAMS)
def test_key_gives_full_marks_and_a_complete_record(play: Play, exam: Exam, data_dir: Path) -> None:
    result = play(exam, "key")
    record = result.record
    assert record.status == "completed"
    assert record.totalQuestions == exam.questions
    if exam.keySource == "none":
        # Answered from the library's answers file, and never given an invented score.
        assert (record.score, record.band, record.metadata.keySource) == (None, None, None)
        assert {a.isCorrect for a in record.answers} == {None}
        assert {a.questionId: a.userAnswer for a in record.answers} == result.planned
        assert all(result.planned.values()) and set(result.planned) == set(exam.qa_answers() or {})
    else:
        assert record.score == exam.questions
        assert record.accuracy == 1.0
        assert record.band == 9.0
        assert all(answer.isCorrect for answer in record.answers)
        # The page graded itself too, and agrees.
        assert (record.metadata.pageScore, record.metadata.pageTotal) == (
            exam.questions,
            exam.questions,
        )
        assert record.metadata.keySource == exam.keySource

    docs = stored_docs(data_dir)
    assert len(docs) == 1
    assert set(docs[0]) == set(PracticeRecord.model_fields)
    assert PracticeRecord.model_validate(docs[0]) == record
    assert docs[0]["id"] == f"record_{record.sessionId}"
    # A completed session leaves nothing behind in the active-session store.
    assert Store(data_dir).active_sessions() == []


@pytest.mark.parametrize("exam", EXAMS)
def test_blank_gives_zero_and_still_a_record(play: Play, exam: Exam, data_dir: Path) -> None:
    record = play(exam, "blank").record
    assert record.status == "completed"
    assert record.totalQuestions == exam.questions
    assert {answer.userAnswer or None for answer in record.answers} == {None}
    if exam.keySource == "none":
        assert (record.score, record.metadata.pageScore) == (None, None)
    else:
        assert record.score == 0
        assert {answer.reason for answer in record.answers} == {"blank"}
        assert record.metadata.pageScore == 0
    assert Store(data_dir).get_record(record.id) == record


@pytest.mark.parametrize("exam", EXAMS)
def test_random_is_reproducible_and_scored_as_the_scorer_says(play: Play, exam: Exam) -> None:
    first = play(exam, "random:7")
    second = play(exam, "random:7")
    answers_first = {a.questionId: a.userAnswer for a in first.record.answers}
    answers_second = {a.questionId: a.userAnswer for a in second.record.answers}
    assert answers_first == answers_second
    assert first.record.score == second.record.score
    # What the page reported is exactly what the scripted learner typed (ticked boxes come in
    # page order, not in the order they were ticked)...
    assert answers_first == {
        qid: sorted(v) if isinstance(v, list) else v for qid, v in (first.planned or {}).items()
    }
    # ...and the stored score is what the scorer computes from those answers independently.
    ids = [a.questionId for a in first.record.answers]
    types = {a.questionId: a.questionType for a in first.record.answers}
    key = {a.questionId: a.correctAnswer for a in first.record.answers if a.correctAnswer}
    saved = first.session
    assert saved is not None
    expected = mark_attempt(
        answers_first, key or None, ids, types,  # type: ignore[arg-type]
        word_limits=saved.wordLimits, groups=saved.questionGroups,
    )  # fmt: skip
    assert first.record.score == expected.score
    if exam.keySource == "none":
        assert first.record.score is None
    else:
        assert 0 < (first.record.score or 0) < (exam.questions or 0)
    assert first.record.sessionId != second.record.sessionId


def test_a_page_outside_the_library_is_recorded_by_path(play: Play, catalog: object) -> None:
    path = CATALOG.exams_dir / "reading" / "reef-soundscapes.html"
    result = play(str(path), "key")
    assert result.record.examId == "academic-reef-soundscapes"  # from the page's meta tags
    assert result.record.score == 13


def test_progress_reaches_the_active_store_before_submit(play: Play, data_dir: Path) -> None:
    """Answers are on disk while the session runs, not only at the end."""
    result = play("listening-community-centre", "random:3")
    saved_at = result.saved_at
    assert saved_at is not None
    assert result.stats.accepted >= 3  # ready, started, progress..., completed
    assert result.stats.refused == 0

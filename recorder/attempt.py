"""A finished session becomes a practice record: marked, banded and validated."""

from __future__ import annotations

from collections.abc import Mapping

from . import __version__
from .bands import band_for
from .catalog import Exam
from .protocol import KeyValue
from .record import (
    AnswerDetail,
    PracticeRecord,
    RecordMetadata,
    RecordStatus,
    accuracy,
    type_performance,
)
from .scoring import mark_attempt
from .session import Session


def build_record(
    session: Session,
    exam: Exam,
    *,
    key: Mapping[str, KeyValue] | None,
    key_source: str | None,
    browser: str = "",
) -> PracticeRecord:
    """The record of ``session``: every question the page declared, marked against ``key``."""
    status: RecordStatus = "completed" if session.state == "completed" else _status(session)
    question_ids = list(session.question_ids or sorted(session.answers, key=_numeric))
    # A question of the key the learner never had on screen (a popup left unopened) counts as
    # unanswered, as on paper, rather than vanishing from the total.
    unseen = sorted((q for q in key or {} if q not in question_ids), key=_numeric)
    question_ids += unseen
    marking = mark_attempt(
        session.answers,
        key,
        question_ids,
        session.question_types,
        word_limits=session.word_limits,
        groups=session.question_groups,
    )
    score = marking.score
    total = marking.total
    band: float | None = None
    estimated = False
    if score is not None and total:
        band, estimated = band_for(score, exam.module, out_of=total)
    completion = session.completion
    page_score = completion.pageScore if completion else None
    now = session.clock.now()
    answers = [
        AnswerDetail(
            questionId=mark.questionId,
            userAnswer=mark.userAnswer,
            correctAnswer=_shown(mark.accepted),
            isCorrect=mark.isCorrect,
            questionType=mark.questionType,
            reason=_reason(mark.reason, mark.questionId in unseen),
            timeSpent=session.answer_times.get(mark.questionId),
            questionText=session.question_texts.get(mark.questionId),
            elementId=session.element_ids.get(mark.questionId),
        )
        for mark in marking.marks
    ]
    title = session.page_title if exam.titleFromPage and session.page_title else exam.title
    return PracticeRecord(
        id=f"record_{session.session_id}",
        examId=exam.id,
        sessionId=session.session_id,
        title=title,
        type=exam.type,
        startTime=session.start_time,
        endTime=now,
        duration=round(session.elapsed(), 3),
        status=status,
        score=score,
        totalQuestions=total,
        correctAnswers=score,
        accuracy=accuracy(score, total),
        band=band,
        answers=answers,
        questionTypePerformance=type_performance(marking.per_type),
        metadata=RecordMetadata(
            examTitle=title,
            category=exam.part,
            frequency=exam.frequency,
            url=session.url,
            keySource=key_source,
            browser=browser,
            recorderVersion=__version__,
            interruptionReason=session.interruption_reason,
            bandEstimated=estimated,
            pageScore=page_score.score if page_score else None,
            pageTotal=page_score.total if page_score else None,
        ),
        createdAt=now,
    )


def _reason(reason: str | None, unseen: bool) -> str | None:
    return "unseen" if unseen and reason == "blank" else reason


def _status(session: Session) -> RecordStatus:
    if session.state in ("timeout", "error"):
        return session.state
    return "interrupted"


def _shown(accepted: tuple[str, ...]) -> str | list[str] | None:
    if not accepted:
        return None
    return accepted[0] if len(accepted) == 1 else list(accepted)


def _numeric(qid: str) -> tuple[int, str]:
    return (int(qid), qid) if qid.isdigit() else (10**6, qid)

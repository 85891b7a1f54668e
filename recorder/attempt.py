"""A finished session becomes a practice record: marked, banded and validated."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from . import __version__
from .bands import band_for
from .catalog import Exam, ExamType, Module
from .protocol import AnswerValue, CompletedData, KeyValue, PageScore, PageTest
from .record import (
    AnswerDetail,
    PartResult,
    PracticeRecord,
    RecordMetadata,
    RecordStatus,
    accuracy,
    type_performance,
)
from .scoring import LENIENT, MarkingRules, mark_attempt
from .session import Session, answered_count

_V = TypeVar("_V")


@dataclass(frozen=True)
class _Sheet:
    """What one record marks: the whole page's questions, or one test's of a page holding
    several (its ids without the test's prefix: "t3.11" is question 11 of its test's record)."""

    question_ids: list[str]
    answers: dict[str, AnswerValue]
    key: dict[str, KeyValue] | None
    types: dict[str, str]
    limits: dict[str, str]
    groups: list[list[str]]
    texts: dict[str, str]
    times: dict[str, float]
    element_ids: dict[str, str]

    @classmethod
    def of(cls, session: Session, key: Mapping[str, KeyValue] | None) -> _Sheet:
        return cls(
            question_ids=list(session.question_ids or sorted(session.answers, key=_numeric)),
            answers=dict(session.answers),
            key=dict(key) if key is not None else None,
            types=dict(session.question_types),
            limits=dict(session.word_limits),
            groups=[list(g) for g in session.question_groups],
            texts=dict(session.question_texts),
            times=dict(session.answer_times),
            element_ids=dict(session.element_ids),
        )

    def part(self, test: PageTest) -> _Sheet:
        """The questions of ``test`` only, numbered as its own paper prints them."""
        prefix = test.id + "."
        mine = [q for q in self.question_ids if q.startswith(prefix)]
        mine += [q for q in test.questionIds if q.startswith(prefix) and q not in mine]

        def only(mapping: Mapping[str, _V]) -> dict[str, _V]:
            return {q.removeprefix(prefix): v for q, v in mapping.items() if q.startswith(prefix)}

        return _Sheet(
            question_ids=[q.removeprefix(prefix) for q in mine],
            answers=only(self.answers),
            key=only(self.key) if self.key is not None else None,
            types=only(self.types),
            limits=only(self.limits),
            groups=[
                [q.removeprefix(prefix) for q in g]
                for g in self.groups
                if all(q.startswith(prefix) for q in g)
            ],
            texts=only(self.texts),
            times=only(self.times),
            # the page's own name of each question ("t3_q11"), else the id it was recorded as
            element_ids={q.removeprefix(prefix): self.element_ids.get(q, q) for q in mine},
        )


def build_record(
    session: Session,
    exam: Exam,
    *,
    key: Mapping[str, KeyValue] | None,
    key_source: str | None,
    browser: str = "",
    rules: MarkingRules = LENIENT,
) -> PracticeRecord:
    """The record of ``session``: every question the page declared, marked against ``key``."""
    status: RecordStatus = "completed" if session.state == "completed" else _status(session)
    completion = session.completion
    return _make_record(
        session,
        exam,
        _Sheet.of(session, key),
        _Heading(
            record_id=session.session_id,
            exam_id=exam.id,
            title=session.page_title if exam.titleFromPage and session.page_title else exam.title,
            status=status,
            duration=session.elapsed(),
            # on a page holding several tests, what the page showed was one test's score
            page_score=completion.pageScore if completion and not completion.tests else None,
        ),
        key_source=key_source,
        browser=browser,
        rules=rules,
    )


def build_records(
    session: Session,
    exam: Exam,
    *,
    key: Mapping[str, KeyValue] | None,
    key_source: str | None,
    browser: str = "",
    done: Collection[str] = (),
    rules: MarkingRules = LENIENT,
) -> list[PracticeRecord]:
    """The records of ``session``: one, or on a page holding several tests one per test
    submitted or answered (tests in ``done`` were stored already, when they were submitted).
    A session of such a page with nothing submitted or given is one record of the page."""
    if len(session.tests) < 2:
        return [build_record(session, exam, key=key, key_source=key_source, browser=browser,
                             rules=rules)]  # fmt: skip
    whole = _Sheet.of(session, key)
    parts = [(test, whole.part(test)) for test in session.tests.values()]
    taken = [
        (test, sheet)
        for test, sheet in parts
        if test.id in session.submitted_tests or answered_count(sheet.answers)
    ]
    if not taken and not done:
        return [build_record(session, exam, key=key, key_source=key_source, browser=browser,
                             rules=rules)]  # fmt: skip
    spent = {test.id: sum(sheet.times.values()) for test, sheet in taken}
    records = []
    for test, sheet in taken:
        if test.id in done:
            continue
        submitted = test.id in session.submitted_tests
        completion = session.test_completions.get(test.id)
        heading = _Heading(
            record_id=f"{session.session_id}-{test.id}",
            exam_id=f"{exam.id}-{test.id}",
            title=_test_title(session.page_title or exam.title, test.title),
            status="completed" if submitted else _status(session),
            duration=session.elapsed() if len(taken) == 1 else spent[test.id],
            page_score=_own_score(completion, test.id),
        )
        records.append(
            _make_record(
                session, exam, sheet, heading, key_source=key_source, browser=browser, rules=rules
            )
        )
    return records


def _own_score(completion: CompletedData | None, test: str) -> PageScore | None:
    """The score the page showed, when that submit was for this test alone."""
    return completion.pageScore if completion and completion.tests == [test] else None


def _test_title(page: str, test: str) -> str:
    if test.casefold() in page.casefold():
        return page
    return f"{page} – {test}" if page else test


@dataclass(frozen=True)
class _Heading:
    """What differs between a page's record and each test's record of a page of several."""

    record_id: str
    exam_id: str
    title: str
    status: RecordStatus
    duration: float
    page_score: PageScore | None


def _make_record(
    session: Session,
    exam: Exam,
    sheet: _Sheet,
    heading: _Heading,
    *,
    key_source: str | None,
    browser: str,
    rules: MarkingRules,
) -> PracticeRecord:
    # A question of the key the learner never had on screen (a popup left unopened) counts as
    # unanswered, as on paper, rather than vanishing from the total.
    unseen = sorted((q for q in sheet.key or {} if q not in sheet.question_ids), key=_numeric)
    marking = mark_attempt(
        sheet.answers,
        sheet.key,
        sheet.question_ids + unseen,
        sheet.types,
        word_limits=sheet.limits,
        groups=sheet.groups,
        rules=rules,
    )
    now = session.clock.now()
    answers = [
        AnswerDetail(
            questionId=mark.questionId,
            userAnswer=mark.userAnswer,
            correctAnswer=_shown(mark.accepted),
            isCorrect=mark.isCorrect,
            questionType=mark.questionType,
            reason=_reason(mark.reason, mark.questionId in unseen),
            timeSpent=sheet.times.get(mark.questionId),
            questionText=sheet.texts.get(mark.questionId),
            elementId=sheet.element_ids.get(mark.questionId),
        )
        for mark in marking.marks
    ]
    # What the page and the session supply is cut to what a record holds (record.py): a long
    # title or error must never make the record itself invalid, and the attempt lost.
    title = _cut(heading.title, 500)
    return assemble(
        RecordHeading(
            record_id=heading.record_id, exam_id=heading.exam_id, title=title, type=exam.type,
            module=exam.module, status=heading.status, start=session.start_time, end=now,
            duration=heading.duration,
        ),
        answers,
        marking.score,
        marking.total,
        marking.per_type,
        _metadata(session, exam, title, key_source, browser, rules, heading.page_score),
    )  # fmt: skip


@dataclass(frozen=True)
class RecordHeading:
    """Who a record is: its ids, title, kind and times (a page's, a test's, a whole test's)."""

    record_id: str
    exam_id: str
    title: str
    type: ExamType
    module: Module
    status: RecordStatus
    start: datetime
    end: datetime
    duration: float


def assemble(
    heading: RecordHeading,
    answers: list[AnswerDetail],
    score: int | None,
    total: int,
    per_type: Mapping[str, tuple[int, int]],
    metadata: RecordMetadata,
    parts: list[PartResult] | None = None,
) -> PracticeRecord:
    """The one way a record is made, for a single exam and for a whole test alike: the band
    out of ``total`` (estimated where the test's table does not fit), accuracy and marks per
    question type from the marks given."""
    band: float | None = None
    estimated = False
    if score is not None and total:
        band, estimated = band_for(score, heading.module, out_of=total)
    return PracticeRecord(
        id=f"record_{heading.record_id}",
        examId=_cut(heading.exam_id, 200),
        sessionId=heading.record_id,
        title=_cut(heading.title, 500),
        type=heading.type,
        startTime=heading.start,
        endTime=heading.end,
        duration=round(heading.duration, 3),
        status=heading.status,
        score=score,
        totalQuestions=total,
        correctAnswers=score,
        accuracy=accuracy(score, total),
        band=band,
        answers=answers,
        questionTypePerformance=type_performance(per_type),
        metadata=metadata.model_copy(update={"bandEstimated": estimated}),
        createdAt=heading.end,
        parts=parts,
    )


def _metadata(
    session: Session,
    exam: Exam,
    title: str,
    key_source: str | None,
    browser: str,
    rules: MarkingRules,
    page_score: PageScore | None,
) -> RecordMetadata:
    reason = session.interruption_reason
    return RecordMetadata(
        examTitle=title,
        category=_cut(exam.part, 200),
        frequency=_cut(exam.frequency, 200),
        url=_cut(session.url, 4000),
        keySource=_cut(key_source, 200) if key_source else None,
        browser=_cut(browser, 200),
        recorderVersion=__version__,
        interruptionReason=_cut(reason, 4000) if reason else None,
        pageScore=page_score.score if page_score else None,
        pageTotal=page_score.total if page_score else None,
        marking=rules.name,
        endedBy=session.completion.endedBy if session.completion else "learner",
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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

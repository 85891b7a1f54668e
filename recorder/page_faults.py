"""Known page scoring faults: where a page's own score differs from ours and we are right.

A QA run compares the score a page shows with the recorder's. Most differences are our bugs or
the page's, and fail the check; a few are known ways in which pages count wrongly, listed here
with the reason we hold to ours. A difference that one of these explains exactly is reported as
a note, not a failure. Pure functions over a record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .answer_key import is_abbreviation
from .record import PracticeRecord


@dataclass(frozen=True)
class PageFault:
    name: str
    why: str
    #: The page's (score, total) this fault predicts from our record, or None if it cannot apply.
    predicts: Callable[[PracticeRecord], tuple[float, float] | None]


def _alternatives_as_marks(record: PracticeRecord) -> tuple[float, float] | None:
    extra = sum(
        len(a.correctAnswer) - 1
        for a in record.answers
        if isinstance(a.correctAnswer, list) and a.questionType != "multiple_choice_multi"
        and not isinstance(a.userAnswer, list)
    )  # fmt: skip
    if not extra or record.score is None:
        return None
    return record.score, record.totalQuestions + extra


def _abbreviations_refused(record: PracticeRecord) -> tuple[float, float] | None:
    short = sum(
        1
        for a in record.answers
        if a.isCorrect and isinstance(a.userAnswer, str) and is_abbreviation(a.userAnswer)
    )
    if not short or record.score is None:
        return None
    return record.score - short, record.totalQuestions


def _set_as_one_mark(record: PracticeRecord) -> tuple[float, float] | None:
    """A "choose N" set under one id (5, 5b, 5c) that the page counts as one question, earned
    when every letter is right."""
    ids = {a.questionId for a in record.answers}
    sets: dict[str, list[bool]] = {}
    for a in record.answers:
        base = a.questionId[:-1]
        spread = a.questionId[-1:] in "bcdefghij" and base in ids and base.isdigit()
        if spread or f"{a.questionId}b" in ids:
            sets.setdefault(base if spread else a.questionId, []).append(bool(a.isCorrect))
    if not sets or record.score is None:
        return None
    earned = sum(sum(marks) for marks in sets.values())
    whole = sum(1 for marks in sets.values() if all(marks))
    spread_marks = sum(len(marks) - 1 for marks in sets.values())
    return record.score - earned + whole, record.totalQuestions - spread_marks


KNOWN_FAULTS: tuple[PageFault, ...] = (
    PageFault(
        "alternatives counted as marks",
        "the page counts each accepted alternative of one question (4/four) as a mark of its "
        "own; a question earns one mark however many answers it accepts",
        _alternatives_as_marks,
    ),
    PageFault(
        "abbreviations refused",
        "the page refuses T/F/NG/Y/N, which the lenient marking accepts (Cambridge's helpdesk "
        "accepts them; choose --marking strict to refuse them too)",
        _abbreviations_refused,
    ),
    PageFault(
        "a choose-N set counted as one mark",
        'the page counts a "choose THREE" as one question; IELTS counts one mark per letter',
        _set_as_one_mark,
    ),
)


def explained_difference(
    record: PracticeRecord, page_score: float, page_total: float | None
) -> PageFault | None:
    """The known fault that explains the page's score exactly, if one does."""
    for fault in KNOWN_FAULTS:
        predicted = fault.predicts(record)
        if predicted is None:
            continue
        score, total = predicted
        if score == page_score and (page_total is None or total == page_total):
            return fault
    return None

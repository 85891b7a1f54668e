"""The practice record and the active-session snapshot: the one definition of what is stored.

Field names follow the seed system (DESIGN.md, "The practice record"). TinyDB holds
``model_dump(mode="json")`` of these models and every read goes back through ``model_validate``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from .protocol import AnswerValue, KeyValue, PageTest

RecordStatus = Literal["completed", "interrupted", "timeout", "error"]
SessionState = Literal[
    "started", "active", "paused", "completed", "interrupted", "timeout", "error"
]


#: What a session or record id may hold: ids go into the line-based index and into file and
#: terminal output, so no white space, control character or path separator, ever.
SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
RecordId = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$", description="letters, digits, _.:-")
]


#: Bounds on what a record holds: a page (or an imported file) cannot make every later save
#: rewrite megabytes, and nothing a listing shows can be longer than a screen can hold.
Short = Annotated[str, Field(max_length=200)]
Title = Annotated[str, Field(max_length=500)]
Long = Annotated[str, Field(max_length=4000)]
#: A point in time with its time zone: a naive one cannot be compared with the others.
When = AwareDatetime


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class AnswerDetail(_Model):
    questionId: Annotated[str, Field(min_length=1, max_length=40)]
    userAnswer: AnswerValue
    correctAnswer: Long | Annotated[list[Long], Field(max_length=26)] | None
    isCorrect: bool | None
    questionType: Short
    reason: Short | None = None
    timeSpent: float | None = Field(default=None, ge=0)
    questionText: Long | None = None
    #: The page's own name for the question where it differs from the printed number ("q1").
    elementId: Short | None = None


class TypePerformance(_Model):
    correct: int = Field(ge=0)
    total: int = Field(ge=0)
    accuracy: float = Field(ge=0, le=1)


def type_performance(per_type: Mapping[str, tuple[int, int]]) -> dict[str, TypePerformance]:
    """``{type: (correct, total)}`` as the record keeps it."""
    return {
        qtype: TypePerformance(
            correct=correct, total=total, accuracy=round(correct / total, 4) if total else 0
        )
        for qtype, (correct, total) in per_type.items()
    }


def accuracy(score: int | None, total: int) -> float | None:
    """score / total, or None for an unscored attempt."""
    return round(score / total, 4) if score is not None and total else None


class SummaryMetadata(BaseModel):
    """The metadata a listing needs; unknown fields are ignored when reading a summary."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    examTitle: Title
    category: Short = ""
    bandEstimated: bool = False
    interruptionReason: Long | None = None


class RecordMetadata(SummaryMetadata):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    frequency: Short = ""
    url: Long = ""
    keySource: Short | None = None
    browser: Short = ""
    recorderVersion: Short = ""
    pageScore: float | None = None
    pageTotal: float | None = None
    #: The marking rules the record was marked under (README, "Marking"): lenient or strict.
    marking: Literal["lenient", "strict"] = "lenient"
    #: Who ended the attempt: the learner's submit, or the page as its time ran out.
    endedBy: Literal["learner", "time_up"] = "learner"


class RecordSummary(BaseModel):
    """A record without its per-question answers: what listings read, several times faster.

    :class:`PracticeRecord` extends it, so the record's fields are defined once.
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: RecordId
    examId: Short
    sessionId: RecordId
    title: Title
    type: Literal["reading", "listening"]
    startTime: When
    endTime: When
    duration: float = Field(ge=0, description="seconds, pauses excluded")
    status: RecordStatus
    score: int | None = Field(ge=0, description="raw correct; None when the page has no key")
    totalQuestions: int = Field(ge=0)
    correctAnswers: int | None = Field(ge=0)
    accuracy: float | None = Field(ge=0, le=1)
    #: IELTS reports bands in half bands (0, 0.5, ... 9).
    band: float | None = Field(ge=0, le=9, multiple_of=0.5)
    metadata: SummaryMetadata


class PartResult(_Model):
    """One part of a whole test (a suite), as the test's record lists it."""

    examId: str
    title: str
    sessionId: str
    status: RecordStatus
    score: int | None = Field(ge=0)
    totalQuestions: int = Field(ge=0)
    duration: float = Field(ge=0)
    keySource: str | None = None
    questionIds: list[str]


class PracticeRecord(RecordSummary):
    """One attempt, question by question: what the store keeps."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    answers: list[AnswerDetail] = Field(max_length=1000)
    questionTypePerformance: dict[str, TypePerformance]
    metadata: RecordMetadata
    createdAt: When
    #: A whole test's record: one entry per part, in order (its answers are in ``answers``).
    parts: list[PartResult] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PracticeRecord:
        """Counts that cannot all be true together are refused, whatever wrote them."""
        total = self.totalQuestions
        for name in ("score", "correctAnswers"):
            value = getattr(self, name)
            if value is not None and value > total:
                raise ValueError(f"{name} {value} is more than totalQuestions {total}")
        return self


class Transition(_Model):
    state: SessionState
    at: datetime
    reason: str | None = None


class ActiveSession(_Model):
    """What the active-session store keeps of a session in progress, enough to resume it."""

    sessionId: str
    examId: str
    title: str
    url: str
    state: SessionState
    transitions: list[Transition]
    answers: dict[str, AnswerValue]
    answerTimes: dict[str, float] = {}
    questionIds: list[str] = []
    questionTypes: dict[str, str] = {}
    wordLimits: dict[str, str] = {}
    questionTexts: dict[str, str] = {}
    questionGroups: list[list[str]] = []
    elementIds: dict[str, str] = {}
    pageTitle: str = ""
    #: On a page holding several tests: each test, and those submitted (and so recorded).
    tests: list[PageTest] = []
    submittedTests: list[str] = []
    currentQuestion: str | None = None
    markedQuestions: list[str] = []
    answerKey: dict[str, KeyValue] | None = None
    keySource: str | None = None
    elapsed: float = Field(ge=0)
    startTime: datetime
    updatedAt: datetime
    pid: int | None = None
    #: When that process started (seconds since boot, Linux): a pid alone may be reused.
    pidStart: float | None = None

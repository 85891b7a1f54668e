"""Statistics, derived from the stored records every time (never a counter kept on the side)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .record import PracticeRecord


@dataclass(frozen=True)
class Point:
    """One completed attempt on the time line."""

    day: date
    examType: str
    accuracy: float | None
    band: float | None
    bandEstimated: bool


@dataclass
class TypeSummary:
    """Completed attempts of one exam type (reading or listening)."""

    attempts: int = 0
    earned: int = 0
    possible: int = 0
    best_band: float | None = None
    latest_band: float | None = None

    @property
    def accuracy(self) -> float | None:
        return self.earned / self.possible if self.possible else None


@dataclass(frozen=True)
class Best:
    examId: str
    title: str
    score: int
    total: int
    band: float | None
    recordId: str


@dataclass(frozen=True)
class Focus:
    """What to work on next: the weakest question type and how its answers go wrong."""

    questionType: str
    earned: int
    possible: int
    reason: str
    count: int


#: A question type needs this many marks on record before it can be called the weakest.
FOCUS_MIN_MARKS = 3


@dataclass
class Stats:
    attempts: int = 0
    interrupted: int = 0
    seconds_practised: float = 0.0
    by_exam_type: dict[str, TypeSummary] = field(default_factory=dict)
    question_types: dict[str, tuple[int, int]] = field(default_factory=dict)
    timeline: list[Point] = field(default_factory=list)
    best: list[Best] = field(default_factory=list)
    current_streak: int = 0
    longest_streak: int = 0
    focus: Focus | None = None


def compute_stats(records: Iterable[PracticeRecord], today: date) -> Stats:
    """Everything ``ielts stats`` shows. Interrupted attempts count as practice time and streak
    days, never in scores. ``today`` is the learner's local day."""
    stats = Stats()
    days: set[date] = set()
    best: dict[str, Best] = {}
    reasons: dict[tuple[str, str], int] = {}
    for record in sorted(records, key=lambda r: r.startTime):
        day = record.startTime.astimezone().date()
        days.add(day)
        stats.seconds_practised += record.duration
        if record.status != "completed":
            stats.interrupted += 1
            continue
        stats.attempts += 1
        summary = stats.by_exam_type.setdefault(record.type, TypeSummary())
        summary.attempts += 1
        if record.score is not None:
            summary.earned += record.score
            summary.possible += record.totalQuestions
        if record.band is not None:
            summary.latest_band = record.band
            summary.best_band = max(summary.best_band or 0.0, record.band)
        for qtype, perf in record.questionTypePerformance.items():
            earned, possible = stats.question_types.get(qtype, (0, 0))
            stats.question_types[qtype] = (earned + perf.correct, possible + perf.total)
        for answer in record.answers:
            if answer.isCorrect is False and answer.reason:
                key = (answer.questionType, answer.reason)
                reasons[key] = reasons.get(key, 0) + 1
        stats.timeline.append(
            Point(day, record.type, record.accuracy, record.band, record.metadata.bandEstimated)
        )
        if record.score is not None:
            kept = best.get(record.examId)
            if kept is None or record.score / max(1, record.totalQuestions) > kept.score / max(
                1, kept.total
            ):
                best[record.examId] = Best(
                    record.examId,
                    record.title,
                    record.score,
                    record.totalQuestions,
                    record.band,
                    record.id,
                )
    stats.best = sorted(best.values(), key=lambda b: (-(b.band or 0), b.examId))
    stats.current_streak, stats.longest_streak = streaks(days, today)
    stats.focus = _focus(stats.question_types, reasons)
    return stats


def _focus(
    question_types: dict[str, tuple[int, int]], reasons: dict[tuple[str, str], int]
) -> Focus | None:
    candidates = [
        (earned / possible, qtype, earned, possible)
        for qtype, (earned, possible) in question_types.items()
        if possible >= FOCUS_MIN_MARKS and earned < possible
    ]
    if not candidates:
        return None
    _, qtype, earned, possible = min(candidates)
    why = [(count, reason) for (kind, reason), count in reasons.items() if kind == qtype]
    count, reason = max(why) if why else (0, "wrong")
    return Focus(qtype, earned, possible, reason, count)


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive practice days. A streak is still current on a day
    without practice yet, as long as yesterday was practised."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest

"""The learner's history: stored records, filtered and ordered. Derived from records every time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .record import RecordSummary


@dataclass(frozen=True)
class HistoryFilter:
    type: str | None = None
    exam: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = 20

    def keeps(self, record: RecordSummary) -> bool:
        if (
            (self.type is not None and record.type != self.type)
            or (self.exam is not None and self.exam not in record.examId)
            or (self.status is not None and record.status != self.status)
        ):
            return False
        if self.since is None and self.until is None:
            return True
        day = record.startTime.astimezone().date()  # the learner's local day
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


@dataclass(frozen=True)
class History:
    """Completed attempts (which count in scores) and interrupted ones (which never do)."""

    completed: list[RecordSummary]
    interrupted: list[RecordSummary]


def history(records: Iterable[RecordSummary], wanted: HistoryFilter) -> History:
    """Newest first; ``limit`` applies to each list."""
    kept = sorted((r for r in records if wanted.keeps(r)), key=lambda r: r.startTime, reverse=True)
    completed = [r for r in kept if r.status == "completed"]
    interrupted = [r for r in kept if r.status != "completed"]
    if wanted.limit is not None:
        completed, interrupted = completed[: wanted.limit], interrupted[: wanted.limit]
    return History(completed, interrupted)


def parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD") from None

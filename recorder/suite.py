"""A whole test: its parts in sequence, in one window, under one countdown, as one record.

``ielts practice --suite TEST_ID`` runs the three reading passages (or four listening parts) of a
test from the index. Each part is a recorded session like any other (its answers are on disk as
they are given), but its record is not stored on its own: when the test ends, one record is
stored with every part's answers and an entry per part, marked and banded out of the whole test,
and the parts' sessions are then forgotten. If the recorder dies in between, the parts' sessions
are still on disk and become records of their own (``ielts sessions``), so nothing is lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from . import __version__
from .attempt import RecordHeading, assemble
from .browser import start_browser
from .catalog import Catalog, Suite
from .config import data_dir as resolve_data_dir
from .practice import PracticeOptions, practice_async
from .record import (
    PartResult,
    PracticeRecord,
    RecordMetadata,
    RecordStatus,
)
from .recording import Observer, PracticeResult, new_session_id
from .store import Store
from .window import Window


@dataclass
class SuiteResult:
    record: PracticeRecord
    parts: list[PracticeResult]


async def run_suite_async(
    suite: Suite,
    catalog: Catalog,
    options: PracticeOptions,
    observer: Observer | None = None,
) -> SuiteResult:
    """Run every part of ``suite`` in one window until the test's time is up; store one record."""
    store = Store(resolve_data_dir(options.data_dir)).start_run()
    session_id = new_session_id()
    exams = catalog.parts_of(suite)
    deadline = time.monotonic() + suite.timeLimit * 60
    results: list[PracticeResult] = []
    async with start_browser(options.launch()) as running:
        window = Window()
        try:
            for exam in exams:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                part_options = replace(
                    options,
                    maintain_store=False,
                    keep_session=True,
                    time_left_s=left,
                    url_fragment=f"#ielts-time={int(left)}",
                )
                result = await practice_async(
                    exam, part_options, observer, browser=running, window=window
                )
                results.append(result)
                if result.record.status != "completed":
                    break  # the learner stopped (or time ran out): the test ends here
        finally:
            await window.close()
    declared = sum(exam.questions or 0 for exam in exams)
    record = suite_record(suite, session_id, [r.record for r in results], declared)
    store.save_record(record)
    for result in results:  # the test's record now holds every part's answers
        store.remove_active(result.record.sessionId)
    return SuiteResult(record, results)


def suite_record(
    suite: Suite, session_id: str, parts: Sequence[PracticeRecord], declared: int = 0
) -> PracticeRecord:
    """One record for the whole test: the parts' answers, and a band out of the whole test.

    A part never reached (the learner stopped, or time ran out) counts as unanswered, so the
    band is always out of the test's full length, as on the day.
    """
    if not parts:
        raise ValueError(f"test {suite.id} has no part records")
    reached = {part.examId for part in parts}
    missing = [part for part in suite.parts if part not in reached]
    status: RecordStatus = next((p.status for p in parts if p.status != "completed"), "completed")
    reason = next((p.metadata.interruptionReason for p in parts if p.status != "completed"), None)
    if missing and status == "completed":
        status, reason = "interrupted", "the test's time limit was reached"
    answers = [answer for part in parts for answer in part.answers]
    scored = all(part.score is not None for part in parts)
    score = sum(part.score or 0 for part in parts) if scored else None
    # Parts never reached count as unanswered: the total is the whole test's.
    total = max(sum(part.totalQuestions for part in parts), declared)
    per_type: dict[str, tuple[int, int]] = {}
    for part in parts:
        for qtype, perf in part.questionTypePerformance.items():
            correct, possible = per_type.get(qtype, (0, 0))
            per_type[qtype] = (correct + perf.correct, possible + perf.total)
    page_scores = [part.metadata.pageScore for part in parts]
    page_total = None
    if all(s is not None for s in page_scores):
        page_total = sum(part.metadata.pageTotal or 0 for part in parts)
    metadata = RecordMetadata(
        examTitle=suite.title,
        category="Full test",
        url=parts[0].metadata.url,
        keySource=_joined(part.metadata.keySource for part in parts),
        browser=parts[0].metadata.browser,
        recorderVersion=__version__,
        interruptionReason=reason,
        pageScore=sum(s or 0 for s in page_scores) if page_total is not None else None,
        pageTotal=page_total,
    )
    heading = RecordHeading(
        record_id=session_id, exam_id=suite.id, title=suite.title, type=suite.type,
        module=suite.module, status=status, start=parts[0].startTime, end=parts[-1].endTime,
        duration=sum(part.duration for part in parts),
    )  # fmt: skip
    return assemble(heading, answers, score, total, per_type, metadata, _part_results(parts))


def _part_results(parts: Sequence[PracticeRecord]) -> list[PartResult]:
    return [
        PartResult(
            examId=part.examId,
            title=part.title,
            sessionId=part.sessionId,
            status=part.status,
            score=part.score,
            totalQuestions=part.totalQuestions,
            duration=part.duration,
            keySource=part.metadata.keySource,
            questionIds=[a.questionId for a in part.answers],
        )
        for part in parts
    ]


def _joined(sources: Iterable[str | None]) -> str | None:
    """The parts' key strategies, each once: "json_script+script_literal"."""
    seen: list[str] = []
    for source in sources:
        if source and source not in seen:
            seen.append(source)
    return "+".join(seen) if seen else None


def run_suite(
    suite: Suite, catalog: Catalog, options: PracticeOptions, observer: Observer | None = None
) -> SuiteResult:
    """Blocking form of :func:`run_suite_async` for the CLI."""
    return asyncio.run(run_suite_async(suite, catalog, options, observer))

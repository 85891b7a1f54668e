"""Shared set-up for the benchmarks: realistic records and a fast way to fill a history."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

from recorder.catalog import Catalog, Exam
from recorder.exam import adhoc_exam
from recorder.library import open_library
from recorder.record import AnswerDetail, PracticeRecord, RecordMetadata, TypePerformance
from recorder.record_index import SEGMENT_SIZE

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
TEST_DATA = Path(__file__).parent.parent / "tests" / "data"


def late_pages() -> list[Exam]:
    """Pages that render their questions after load: the manifest library's three exams (drawn
    200-1,200 ms after DOMContentLoaded from registered data files)."""
    library = TEST_DATA / "library"
    return Catalog(libraries=[library]).library(open_library(library))


def drag_pages() -> list[Exam]:
    """A drag-heavy page: six drop zones in other shapes, items from two pools."""
    return [adhoc_exam((TEST_DATA / "pages" / "drag-shapes.html").as_uri())]


def sample_record(n: int) -> PracticeRecord:
    """A 13-question reading record of about the size real ones have (~2.6 KB of JSON)."""
    when = START + timedelta(minutes=37 * n)
    answers = [
        AnswerDetail(
            questionId=str(q), userAnswer="frequency bands" if q % 3 else "B",
            correctAnswer="frequency bands" if q % 3 else "C", isCorrect=q % 4 != 0,
            questionType="sentence_completion" if q % 3 else "multiple_choice",
            reason=None if q % 4 else "wrong", timeSpent=31.5,
        )
        for q in range(1, 14)
    ]  # fmt: skip
    return PracticeRecord(
        id=f"record_bench-{n}", examId="academic-reef-soundscapes", sessionId=f"bench-{n}",
        title="Academic Reading Passage 1: Listening to the Reef", type="reading",
        startTime=when, endTime=when + timedelta(minutes=18), duration=1080.0, status="completed",
        score=10, totalQuestions=13, correctAnswers=10, accuracy=0.7692, band=7.0, answers=answers,
        questionTypePerformance={
            "sentence_completion": TypePerformance(correct=7, total=8, accuracy=0.875),
            "multiple_choice": TypePerformance(correct=3, total=5, accuracy=0.6),
        },
        metadata=RecordMetadata(examTitle="Listening to the Reef", category="Passage 1",
                                url="file:///exams/reading/reef-soundscapes.html",
                                keySource="json_script", browser="chromium 156", recorderVersion="0.1.0"),
        createdAt=when,
    )  # fmt: skip


def fill_history(root: Path, count: int) -> None:
    """Write ``count`` records straight into the store's files, in the store's own layout."""
    records_dir = root / "records"
    records_dir.mkdir(parents=True, exist_ok=True)
    docs = [sample_record(n).model_dump(mode="json") for n in range(min(count, 500))]
    index = []
    for start in range(0, count, SEGMENT_SIZE):
        segment = start // SEGMENT_SIZE + 1
        table: dict[str, Any] = {}
        for n in range(start, min(start + SEGMENT_SIZE, count)):
            doc = dict(docs[n % len(docs)], sessionId=f"bench-{n}", id=f"record_bench-{n}")
            table[str(n - start + 1)] = doc
            index.append(f"bench-{n}\t{segment}\n")
        (records_dir / f"seg-{segment:06d}.json").write_bytes(orjson.dumps({"records": table}))
    (records_dir / "index.log").write_text("".join(index))


def fill_default_tinydb(path: Path, count: int) -> None:
    """The same history as one file in TinyDB's default JSONStorage layout."""
    docs = [sample_record(n).model_dump(mode="json") for n in range(min(count, 500))]
    table = {str(n + 1): dict(docs[n % len(docs)], sessionId=f"bench-{n}") for n in range(count)}
    path.write_bytes(orjson.dumps({"_default": table}))


def summary(ms: list[float]) -> str:
    ordered = sorted(ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"n={len(ms)} median={statistics.median(ms):.1f} ms p99={p99:.1f} ms "
        f"max={ordered[-1]:.1f} ms"
    )

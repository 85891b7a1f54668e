from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from recorder.durable import atomic_write
from recorder.errors import CorruptDatabase
from recorder.record import PracticeRecord, RecordMetadata
from recorder.record_index import SEGMENT_SIZE
from recorder.store import Store


def record(session_id: str, score: int = 5) -> PracticeRecord:
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    return PracticeRecord(
        id=f"record_{session_id}", examId="e", sessionId=session_id, title="t", type="reading",
        startTime=now, endTime=now, duration=60, status="completed", score=score, totalQuestions=13,
        correctAnswers=score, accuracy=score / 13, band=5.0, answers=[], questionTypePerformance={},
        metadata=RecordMetadata(examTitle="t"), createdAt=now,
    )  # fmt: skip


def test_saving_the_same_session_twice_keeps_one_record(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_record(record("a", 5))
    store.save_record(record("a", 7))
    assert [r.score for r in store.records()] == [7]
    assert store.count_records() == 1


def test_records_fill_bounded_segments(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for n in range(SEGMENT_SIZE + 3):
        store.save_record(record(f"s{n}"))
    segments = sorted((tmp_path / "records").glob("seg-*.json"))
    assert [s.name for s in segments] == ["seg-000001.json", "seg-000002.json"]
    assert store.count_records() == SEGMENT_SIZE + 3
    # A second store (another process) sees the same index and updates in place.
    other = Store(tmp_path)
    other.save_record(record("s1", 9))
    assert other.count_records() == SEGMENT_SIZE + 3
    assert store.get_record("record_s1") is not None and store.get_record("s1").score == 9  # type: ignore[union-attr]


def test_a_corrupt_file_is_named_and_never_overwritten(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_record(record("a"))
    store.backup()
    segment = tmp_path / "records" / "seg-000001.json"
    segment.write_bytes(b'{"records": {"1": {"sessionId": "a"')
    with pytest.raises(CorruptDatabase) as exc:
        store.save_record(record("b"))
    message = str(exc.value)
    assert message.startswith(f"{segment} is not a valid database (")
    assert "it has not been changed, the newest backup is " in message
    assert "ielts doctor" in message
    assert segment.read_bytes() == b'{"records": {"1": {"sessionId": "a"'


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    atomic_write(target, b"{}")
    atomic_write(target, b'{"a": 1}')
    assert target.read_bytes() == b'{"a": 1}'
    assert os.listdir(tmp_path) == ["x.json"]

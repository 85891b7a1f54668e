"""Suite mode: a whole test's parts in one window, one countdown, one record."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from recorder.autoplay import Strategy
from recorder.catalog import Suite
from recorder.cli import run
from recorder.practice import PracticeOptions, practice
from recorder.store import Store
from recorder.suite import run_suite_async, suite_record

from .conftest import CATALOG


def options(db: Path, strategy: str, **extra: object) -> PracticeOptions:
    return PracticeOptions(headless=True, autoplay=Strategy.parse(strategy), data_dir=db, **extra)  # type: ignore[arg-type]


def test_the_reading_test_is_one_record_with_an_entry_per_part(tmp_path: Path) -> None:
    suite = CATALOG.suite("academic-reading-test-1")
    result = asyncio.run(run_suite_async(suite, CATALOG, options(tmp_path, "key")))
    record = result.record
    assert (record.examId, record.status, record.score, record.totalQuestions) == (
        "academic-reading-test-1",
        "completed",
        40,
        40,
    )
    assert (record.band, record.metadata.bandEstimated) == (9.0, False)  # a full test: no estimate
    assert [p.examId for p in record.parts or []] == list(suite.parts)
    assert [p.score for p in record.parts or []] == [13, 13, 14]
    assert [a.questionId for a in record.answers] == [str(n) for n in range(1, 41)]
    assert [p.questionIds for p in record.parts or []][1] == [str(n) for n in range(14, 27)]
    assert record.metadata.keySource == "json_script+script_literal+data_attribute"
    # One window: the parts ran one after another in the same page, each its own session.
    assert len({p.sessionId for p in record.parts or []}) == 3
    store = Store(tmp_path)
    assert [r.id for r in store.records()] == [record.id]  # one record, not four
    assert store.active_sessions() == []  # the parts' sessions are folded into it


def test_the_listening_test_with_random_answers_adds_up(tmp_path: Path) -> None:
    suite = CATALOG.suite("listening-test-1")
    result = asyncio.run(run_suite_async(suite, CATALOG, options(tmp_path, "random:6")))
    record = result.record
    assert record.totalQuestions == 40 and len(record.parts or []) == 4
    assert record.score == sum(p.record.score or 0 for p in result.parts)
    assert record.metadata.pageScore == record.score  # every page marked itself the same way
    performance = record.questionTypePerformance
    assert sum(t.total for t in performance.values()) == 40
    assert sum(t.correct for t in performance.values()) == record.score


def test_time_running_out_ends_the_part_with_its_answers(tmp_path: Path) -> None:
    # A learner who answers but never submits, with one second of the test left.
    exam = CATALOG.get("listening-community-centre")
    settings = options(tmp_path, "key", submit=False, time_left_s=1.0)
    record = practice(exam, settings).record
    assert record.status == "interrupted"
    assert record.metadata.interruptionReason == "the test's time limit was reached"
    assert record.score == 10  # every answer given is kept and marked


def test_parts_never_reached_count_against_the_whole_test(tmp_path: Path) -> None:
    suite = CATALOG.suite("academic-reading-test-1")
    exam = CATALOG.get(suite.parts[0])
    first = practice(exam, options(tmp_path, "key")).record
    record = suite_record(suite, "s-1", [first], declared=40)
    assert (record.status, record.score, record.totalQuestions) == ("interrupted", 13, 40)
    assert record.metadata.interruptionReason == "the test's time limit was reached"
    assert record.band is not None and record.band < 6  # 13 of 40, not 13 of 13


def test_the_cli_runs_a_suite_and_lists_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "db")
    assert run(["practice", "--suite", "listening-test-1", "--headless",
                "--autoplay", "key", "--data-dir", db]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Listening Test 1" in out and "40/40" in out
    assert run(["exams", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in listed["tests"]] == ["academic-reading-test-1", "listening-test-1"]
    assert run(["exams", "--module", "general", "--json"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in only["exams"]] == ["general-new-staff-guide"] and only["tests"] == []


def test_bad_suite_arguments_are_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["practice", "--suite", "no-such-test", "--headless"]) == 1
    assert "no test 'no-such-test'. Known tests: academic-reading-test-1" in capsys.readouterr().err
    assert run(["practice", "academic-reef-soundscapes", "--suite", "listening-test-1"]) != 0
    assert "not both" in capsys.readouterr().err


def test_a_suite_must_name_library_exams(tmp_path: Path) -> None:
    index: dict[str, object] = {"version": 1, "exams": []}
    index["tests"] = [Suite(id="t", title="T", type="reading", module="academic",
                            parts=("nope",), timeLimit=1).model_dump(mode="json")]  # fmt: skip
    root = tmp_path / "exams"
    root.mkdir()
    (root / "index.json").write_text(json.dumps(index))
    with pytest.raises(Exception, match="test 't' names unknown exam nope"):
        type(CATALOG)(root)

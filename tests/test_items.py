"""Item analysis: statistics on made-up attempts (pure, table-driven, properties), then a wrong
key caught on a real page after real attempts by scripted learners in Chromium."""

from __future__ import annotations

import json
import random
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recorder.autoplay import Strategy
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.items import analyse, correlation
from recorder.practice import PracticeOptions
from recorder.record import AnswerDetail, PracticeRecord, RecordMetadata

from .conftest import SharedBrowser

EXAMS = Path(__file__).resolve().parent.parent / "exams"
T0 = datetime(2026, 11, 1, 9, tzinfo=timezone.utc)


def attempt(n: int, marks: list[bool | None], answers: list[str] | None = None) -> PracticeRecord:
    """A completed attempt with these marks on questions 1..len(marks)."""
    given = answers or ["right" if m else "wrong" for m in marks]
    score = sum(bool(m) for m in marks)
    return PracticeRecord(
        id=f"record_s{n}",
        examId="exam-a",
        sessionId=f"s{n}",
        title="Exam A",
        type="reading",
        startTime=T0 + timedelta(hours=n),
        endTime=T0 + timedelta(hours=n, minutes=20),
        duration=1200,
        status="completed",
        score=score,
        totalQuestions=len(marks),
        correctAnswers=score,
        accuracy=round(score / len(marks), 4),
        band=None,
        answers=[
            AnswerDetail(
                questionId=str(q + 1),
                userAnswer=given[q],
                correctAnswer="right",
                isCorrect=mark,
                questionType="sentence_completion",
            )  # fmt: skip
            for q, mark in enumerate(marks)
        ],
        questionTypePerformance={},
        metadata=RecordMetadata(examTitle="Exam A"),
        createdAt=T0 + timedelta(hours=n, minutes=20),
    )


@pytest.mark.parametrize(
    "xs,ys,expected",
    [
        ([0, 1, 0, 1], [1, 3, 1, 3], 1.0),
        ([0, 1, 0, 1], [3, 1, 3, 1], -1.0),
        ([1, 1, 1, 1], [1, 2, 3, 4], None),  # the item does not vary
        ([0, 1, 1, 0], [2, 2, 2, 2], None),  # the rest does not vary
        ([1], [1], None),
        ([0, 0, 1, 1], [1, 2, 1, 2], 0.0),
    ],
)
def test_correlation(xs: list[float], ys: list[float], expected: float | None) -> None:
    found = correlation(xs, ys)
    assert found == expected if expected is None else found == pytest.approx(expected)


# Six attempts, strongest first; question 3 is failed by the strong and passed by two weak ones.
MARKS = [
    [True, True, False, True, True],
    [True, True, False, True, True],
    [True, True, False, True, False],
    [True, False, False, True, False],
    [True, False, True, False, False],
    [True, False, True, False, False],
]


@pytest.mark.parametrize(
    "question,facility,flags",
    [
        ("1", 1.0, ["everyone-right"]),
        ("2", 0.5, []),
        ("3", 0.3333, ["negative-discrimination"]),
        ("4", 0.6667, []),
        ("5", 0.3333, []),
    ],
)
def test_facility_and_flags_per_question(question: str, facility: float, flags: list[str]) -> None:
    items = {i.questionId: i for i in analyse([attempt(n, m) for n, m in enumerate(MARKS)])}
    assert items[question].facility == facility
    assert items[question].flags == flags
    assert items[question].attempts == 6


def test_a_question_the_strong_attempts_fail_together_is_a_suspect_key() -> None:
    """Nobody gets Q2 right; the best attempts all wrote the same thing instead."""
    strong = ["right", "coral reef", "right", "right"]
    records = [attempt(n, [True, False, True, True], strong) for n in range(3)]
    records += [
        attempt(n, [False, False, True, False], ["x", "sand", "right", "y"]) for n in (3, 4)
    ]
    items = {i.questionId: i for i in analyse(records)}
    assert items["2"].flags == ["suspect-key"] and items["2"].facility == 0
    assert items["2"].upperWrongAnswers == [("coral reef", 1)]  # the best 27%: one attempt
    assert items["2"].wrongAnswers[0] == ("coral reef", 3)
    assert items["3"].flags == ["everyone-right"]
    assert items["1"].flags == [] and items["1"].discrimination == pytest.approx(1.0)


def test_too_few_attempts_are_not_judged_and_unfinished_ones_do_not_count() -> None:
    records = [attempt(n, [False, True]) for n in range(4)]
    assert all(i.flags == [] for i in analyse(records))
    assert analyse(records, min_attempts=4)[0].flags == ["suspect-key"]
    interrupted = attempt(9, [True, True]).model_copy(update={"status": "interrupted"})
    assert analyse([*records, interrupted])[0].attempts == 4
    unmarked = [a.model_copy(update={"isCorrect": None}) for a in interrupted.answers]
    nokey = attempt(10, [True, True]).model_copy(update={"answers": unmarked})
    assert analyse([nokey]) == []


@given(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=1, max_size=30))
def test_statistics_stay_in_their_ranges(marks: list[list[bool]]) -> None:
    for item in analyse([attempt(n, m) for n, m in enumerate(marks)]):
        assert 0 <= item.facility <= 1 and item.attempts == len(marks)
        assert item.discrimination is None or -1 <= item.discrimination <= 1
        assert 0 <= item.lowerFacility <= 1 and 0 <= item.upperFacility <= 1
        assert sum(count for _, count in item.wrongAnswers) <= len(marks)


# ------------------------------------------------------------------ a wrong key, caught for real

WRONG = "coastal erosion"  # what the test copy's key says question 10 is


@pytest.fixture(scope="module")
def wrong_key_store(
    tmp_path_factory: pytest.TempPathFactory, shared_browser: SharedBrowser
) -> tuple[Path, str]:
    """A test copy of our reef exam whose key for question 10 was made wrong, attempted by seven
    scripted learners: five answer from the true key with a seeded chance each (strong to weak),
    two answer at random (seeded)."""
    root = tmp_path_factory.mktemp("items")
    (root / "reading").mkdir()
    shutil.copytree(EXAMS / "assets", root / "assets")
    page = (EXAMS / "reading" / "reef-soundscapes.html").read_text()
    key_text = re.search(r'id="answer-key">(.*?)</script>', page, re.S).group(1)  # type: ignore[union-attr]
    key = json.loads(key_text)
    assert key["10"] != WRONG
    page = page.replace(key_text, json.dumps({**key, "10": WRONG}))
    copy = root / "reading" / "reef-wrong-key.html"
    copy.write_text(page)
    exam = Catalog().resolve(str(copy))
    data = root / "data"
    strategies = []
    for learner, ability in enumerate([1.0, 0.95, 0.85, 0.7, 0.5]):
        rng = random.Random(learner)
        answers = {
            q: (value.split(" / ")[0] if isinstance(value, str) else value)
            if rng.random() < ability
            else ("A" if isinstance(value, str) and len(value) == 1 and value != "A" else "nothing")
            for q, value in key.items()
        }
        file = root / f"learner-{learner}.json"
        file.write_text(json.dumps(answers))
        strategies.append(f"answers:{file}")
    strategies += ["random:11", "random:12"]
    for strategy in strategies:
        options = PracticeOptions(headless=True, autoplay=Strategy.parse(strategy), data_dir=data)
        shared_browser.practice(exam, options)
    return data, exam.id


def test_items_flags_the_question_whose_key_was_made_wrong(
    wrong_key_store: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    data, exam_id = wrong_key_store
    assert run(["items", exam_id, "--json", "--data-dir", str(data)]) == 0
    items = {i["questionId"]: i for i in json.loads(capsys.readouterr().out)}
    assert len(items) == 13 and all(i["attempts"] == 7 for i in items.values())
    suspects = [q for q, i in items.items() if "suspect-key" in i["flags"]]
    assert suspects == ["10"]
    assert items["10"]["facility"] == 0 and items["10"]["key"] == WRONG
    assert items["10"]["upperWrongAnswers"][0][0] == "visual surveys"  # what the strong wrote
    assert run(["items", "--data-dir", str(data)]) == 0  # the table, and the flag said
    err = capsys.readouterr().err
    assert "Q10: almost nobody gets it right" in err and "visual surveys" in err

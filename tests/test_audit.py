"""`ielts exams check` on the library and on broken copies of a page."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from recorder.audit import judge, numbering_problems
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.config import EXAMS_DIR

EXAM = Catalog().get("academic-reef-soundscapes")


def test_the_library_passes_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["exams", "check", "--json"]) == 0
    found = {page["exam"]: page for page in json.loads(capsys.readouterr().out)}
    reading = found["academic-reef-soundscapes"]
    assert (reading["declared"], reading["found"], reading["keySource"]) == (13, 13, "json_script")
    assert reading["types"] == {
        "true_false_not_given": 4, "multiple_choice": 3, "sentence_completion": 3,
        "matching_information": 3,
    }  # fmt: skip
    assert found["listening-community-centre"]["keySource"] == "global_variable"
    assert all(page["problems"] == [] for page in found.values())


def test_a_broken_copy_fails_the_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "exams"
    shutil.copytree(EXAMS_DIR, copy)
    page = copy / "reading" / "reef-soundscapes.html"
    page.write_text(page.read_text().replace('name="q13"', 'name="q31"'))
    assert run(["exams", "check", str(page), "--json"]) == 1
    [found] = json.loads(capsys.readouterr().out)
    assert found["problems"] == [
        "question(s) 13 missing and question(s) 31 not expected: this page's questions are 1–13",
        "question(s) 31 not in the answer key",
        "the key has answers for question(s) 13 the page lacks",
    ]


@pytest.mark.parametrize(
    "ids,key,source,expected",
    [
        (list("12"), {"1": "A", "2": "B"}, "json_script", []),
        (["1"], {"1": "A"}, "json_script", ["declared 13 questions, the collectors found 1"]),
        (["1", "1"], {"1": "A"}, "json_script", ["question number(s) used twice: 1"]),
        ([str(n) for n in range(1, 14)], None, None,
         ["no answer key found on the page (the index says: json_script)"]),
        ([str(n) for n in range(1, 14)], {str(n): "A" for n in range(1, 14)}, "global_variable",
         ["the key was found by global_variable, the index says json_script"]),
        ([str(n) for n in range(1, 14)], {str(n): "A" for n in range(1, 15)}, "json_script",
         ["the key has answers for question(s) 14 the page lacks"]),
    ],
)  # fmt: skip
def test_judge(
    ids: list[str], key: dict[str, object] | None, source: str | None, expected: list[str]
) -> None:
    exam = EXAM if len(ids) != 2 or key is None else EXAM.model_copy(update={"questions": 2})
    exam = exam.model_copy(update={"firstQuestion": None})  # numbering has its own test
    assert judge(exam, ids, key, source) == expected


@pytest.mark.parametrize(
    "first,ids,expected",
    [
        (27, range(27, 41), []),
        (27, [*range(28, 41), 72],
         ["question(s) 27 missing and question(s) 72 not expected: "
          "this page's questions are 27–40"]),
        (None, [*range(28, 41), 72], ["question numbers jump to 72: 28–72 has gaps"]),
        (None, range(14, 28), []),
    ],
)  # fmt: skip
def test_question_numbers_are_checked(
    first: int | None, ids: Iterable[int], expected: list[str]
) -> None:
    exam = EXAM.model_copy(update={"questions": 14, "firstQuestion": first})
    assert numbering_problems(exam, [str(n) for n in ids]) == expected

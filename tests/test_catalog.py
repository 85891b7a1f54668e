from __future__ import annotations

import json
from pathlib import Path

import pytest

from recorder.catalog import Catalog, unknown_exam_message
from recorder.errors import CatalogError


def test_every_bundled_exam_has_its_file() -> None:
    catalog = Catalog()
    assert len(catalog.ids()) == len(set(catalog.ids())) == 10
    assert {"academic-reef-soundscapes", "listening-community-centre"} <= set(catalog.ids())
    for exam in catalog.exams:
        assert exam.location().startswith("file://")
        assert exam.answers is None or exam.qa_answers()


def test_unknown_exam_message_orders_close_matches_first() -> None:
    message = unknown_exam_message(
        "listening-comunity", ["academic-x", "listening-community-centre", "b"]
    )
    assert message.startswith(
        "no exam 'listening-comunity'. Known exams: listening-community-centre, "
    )


@pytest.mark.parametrize(
    "index,expected",
    [
        ("{", "is not valid JSON"),
        ('{"version": 1, "exams": [{"id": "Bad Id"}]}', "exams.0.id: String should match pattern"),
        (
            '{"version": 1, "exams": [{"id": "a", "title": "t", "type": "reading", "module": "academic",'
            ' "questions": 3, "file": "../../etc/passwd"}]}',
            "exams.0.file: Value error, must be a path inside exams/",
        ),
        (
            '{"version": 1, "exams": [{"id": "a", "title": "t", "type": "reading", "module": "academic",'
            ' "questions": 3, "file": "missing.html"}]}',
            "exam 'a' names missing file missing.html",
        ),
    ],
)
def test_a_bad_index_is_explained(tmp_path: Path, index: str, expected: str) -> None:
    (tmp_path / "index.json").write_text(index)
    with pytest.raises(CatalogError) as exc:
        Catalog(tmp_path)
    assert expected in str(exc.value)
    assert str(tmp_path / "index.json") in str(exc.value)


def test_index_round_trips(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text("<title>x</title>")
    exam = {
        "id": "a",
        "title": "t",
        "type": "reading",
        "module": "academic",
        "questions": 3,
        "file": "p.html",
    }
    (tmp_path / "index.json").write_text(json.dumps({"version": 1, "exams": [exam]}))
    assert Catalog(tmp_path).get("a").title == "t"

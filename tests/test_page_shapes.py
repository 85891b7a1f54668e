"""One test per page shape the enhancer must read (issue #3 grows this file)."""

from __future__ import annotations

from pathlib import Path

from .conftest import Play

SHAPES = Path(__file__).parent / "data" / "shapes"


def test_shape_key_as_a_const_inside_a_closure(play: Play) -> None:
    result = play(str(SHAPES / "closure-const.html"), "key")
    record = result.record
    assert record.metadata.keySource == "script_literal"
    assert (record.score, record.totalQuestions) == (4, 4)
    assert record.metadata.pageScore == 4  # the page's own marking agrees
    accepted = {a.questionId: a.correctAnswer for a in record.answers}
    assert accepted == {"1": "FALSE", "2": "B", "3": ["kitten", "kitty"], "4": ["4", "four"]}


def test_shape_closure_const_random_is_scored_from_what_was_typed(play: Play) -> None:
    result = play(str(SHAPES / "closure-const.html"), "random:5")
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned
    assert result.record.metadata.pageScore == result.record.score


def test_shape_a_key_built_by_code_is_not_guessed(play: Play, tmp_path: Path) -> None:
    page = (SHAPES / "closure-const.html").read_text()
    page = page.replace("const answerKey = {", "const answerKey = build({", 1).replace(
        '      4: "4 / four",\n    };',
        '      4: "4 / four",\n    });\n    function build(k) { return k; }',
        1,
    )
    path = tmp_path / "built.html"
    path.write_text(page)
    record = play(str(path), "blank").record
    assert record.metadata.keySource is None
    assert record.score is None  # unscored, never an invented score
    assert all(a.isCorrect is None for a in record.answers)

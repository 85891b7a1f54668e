from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recorder.cli import app, run
from recorder.store import Store

runner = CliRunner()
COMMANDS = sorted(
    [[c.name or ""] for c in app.registered_commands]
    + [[g.name or ""] for g in app.registered_groups]
    + [
        [g.name or "", c.name or ""]
        for g in app.registered_groups
        for c in g.typer_instance.registered_commands
    ]
)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_unknown_exam_lists_the_closest_ids_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["practice", "academic-reef", "--headless"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "ExamNotFound: no exam 'academic-reef'. Known exams: academic-reef-soundscapes, "
    )


def test_a_missing_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["practice", "/nowhere/page.html"]) == 1
    assert capsys.readouterr().err.strip() == "ExamNotFound: no practice page at /nowhere/page.html"


def test_a_bad_autoplay_strategy_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["practice", "academic-reef-soundscapes", "--autoplay", "clever"]) == 1
    assert capsys.readouterr().err.strip() == (
        "SessionError: unknown autoplay strategy 'clever': use key, blank, random[:SEED] or answers:FILE"
    )


def test_usage_errors_exit_2() -> None:
    assert run(["practice", "--no-such-option"]) == 2


def test_exams_lists_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["exams"]) == 0
    out = capsys.readouterr().out
    assert "academic-reef-soundscapes" in out and "listening-community-centre" in out


@pytest.mark.parametrize(
    "args",
    [["exams"], ["history"], ["stats"], ["mistakes"], ["sessions"], ["doctor"]],
)
def test_every_read_command_speaks_json(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = [] if args == ["exams"] else ["--data-dir", str(tmp_path)]
    assert run([*args, "--json", *extra]) == 0
    json.loads(capsys.readouterr().out)  # stdout is one JSON document and nothing else


def test_python_dash_m_recorder_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "recorder", "exams"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "academic-reef-soundscapes" in done.stdout


def test_the_cli_records_a_session(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["practice", "listening-community-centre", "--headless", "--autoplay", "key",
                "--data-dir", str(tmp_path)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "10/10" in out and "completed" in out and str(tmp_path) in out


def test_show_explains_each_wrong_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text('{"8": "the frequency bands", "10": "visual survey", "5": "B"}')
    data = str(tmp_path / "data")
    assert (
        run(
            [
                "practice",
                "academic-reef-soundscapes",
                "--headless",
                "--autoplay",
                f"answers:{answers}",
                "--data-dir",
                data,
            ]
        )
        == 0
    )
    session_id = Store(tmp_path / "data").records().__next__().sessionId
    capsys.readouterr()
    assert run(["show", f"record_{session_id}", "--data-dir", data, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    reasons = {a["questionId"]: a["reason"] for a in shown["answers"]}
    assert reasons["8"] == "over_word_limit"  # the limit was read from the page itself
    assert reasons["10"] == "spelling"
    assert reasons["5"] is None and reasons["1"] == "blank"
    assert run(["show", session_id, "--data-dir", data]) == 0
    assert "misspelt" in capsys.readouterr().out


def test_show_an_unknown_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", "record_nope", "--data-dir", str(tmp_path)]) == 1
    assert (
        capsys.readouterr().err.strip() == f"RecordNotFound: no record 'record_nope' in {tmp_path}"
    )

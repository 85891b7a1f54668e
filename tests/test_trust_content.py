"""Trust (issue #13): hostile page content (cases 12-15) reaches no terminal, no spreadsheet and
no command as anything but text. Each case failed before its fix."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from recorder.cli import run
from recorder.record import AnswerDetail
from recorder.store import Store
from recorder.untrusted import csv_cell, printable

from .test_store import record

REPO = Path(__file__).parent.parent
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
OSC_TITLE = "\x1b]0;owned\x07"
CSI_RED = "\x1b[31mred\x1b[0m"
C1_CSI = "\x9b2J"
#: A right-to-left override makes a terminal show "exe.txt" as "txt.exe" ("Trojan Source").
BIDI = "abc\u202egpj.exe\u2066x\u2069"
MARKUP = "[/] [bold]x[/bold] [link=http://x]y"
FORMULA = '=HYPERLINK("http://evil","x")'
EVIL = f"{MARKUP} {OSC_TITLE} {CSI_RED} {C1_CSI} {BIDI} tail"


@pytest.mark.parametrize(
    "text,shown",
    [
        (OSC_TITLE, "]0;owned"),
        (CSI_RED, "[31mred[0m"),
        (C1_CSI, "2J"),
        ("a\x00b\x7fc\x08d", "abcd"),
        ("line\nnext\ttab", "line\nnext\ttab"),
        ("[bold]not markup[/]", "[bold]not markup[/]"),
        (BIDI, "abcgpj.exex"),
        ("\u200fשלום\u200e \u061cx", "שלום x"),  # marks that reorder text, gone; letters kept
    ],
)
def test_control_characters_are_removed_and_the_rest_kept(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize(
    "value,cell",
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "x"),  # a carriage return is a control character: gone
        ("-5", "-5"),  # a number stays a number
        ("+3.5", "+3.5"),
        ("plain", "plain"),
        (7, 7),
        (None, None),
    ],
)
def test_csv_cells_never_start_a_formula(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    assert not any(
        ord(c) < 32 and c not in "\t\n" or 0x7F <= ord(c) <= 0x9F or c in BIDI_CONTROLS
        for c in printable(text)
    )


@given(st.text())
@example("+0")  # a signed number is a number to a spreadsheet: it passes as it is
def test_no_cell_is_read_as_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert isinstance(cell, str)
    signed_number = re.fullmatch(r"[-+]?\d+(?:\.\d+)?", cell) is not None
    assert not cell.startswith(("=", "+", "@")) or cell.startswith("'") or signed_number


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    answer = AnswerDetail(
        questionId="1", userAnswer=FORMULA, correctAnswer=EVIL, isCorrect=False,
        questionType=f"type {MARKUP}", reason="wrong", questionText=EVIL,
    )  # fmt: skip
    hostile = record("evil", 0).model_copy(
        update={"title": EVIL, "examId": f"exam{MARKUP}", "answers": [answer]}
    )
    Store(tmp_path).save_record(hostile)
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [["history"], ["show", "record_evil"], ["mistakes"], ["stats"], ["history", "--json"]],
)
def test_no_command_shows_page_text_as_escapes_or_markup(
    hostile_store: Path, command: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "recorder", *command, "--data-dir", str(hostile_store)],
        capture_output=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out.decode(errors="replace")[-400:]
    assert b"\x1b]" not in out and b"\x1b[31m" not in out and "\x9b".encode() not in out
    assert b"MarkupError" not in out
    assert "\u202e".encode() not in out and "\u2066".encode() not in out


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["mistakes", "--csv"]])
def test_csv_exports_hold_no_formula(
    hostile_store: Path, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "out.csv"
    done = subprocess.run(
        [sys.executable, "-m", "recorder", *command[:1], *command[1:],
         *(["-o", str(target)] if command[0] == "export" else [str(target)]),
         "--data-dir", str(hostile_store)],
        capture_output=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-400:]
    rows = list(csv.reader(io.StringIO(target.read_text())))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert not any("\x1b" in cell for cell in cells)


def test_a_qa_report_of_hostile_page_text_is_well_formed(tmp_path: Path) -> None:
    """A page title or a problem holding a control character (ESC, NUL, a lone surrogate) made
    the JUnit XML unparseable, so CI lost the whole report (stop 8's probe)."""
    import xml.etree.ElementTree as ET

    from recorder.clickthrough import PageResult
    from recorder.exam import standin_exam
    from recorder.qa_report import html_report, junit_xml

    exam = standin_exam("hostile", f"Title {OSC_TITLE} \x00 \ud800 {BIDI}", "file:///x/p.html")
    failed = PageResult(exam, problems=[f"question 1: typed {CSI_RED!r} \x0c, recorded None"])
    suite = ET.fromstring(junit_xml([failed, PageResult(exam)]))
    [case, _] = suite.findall("testcase")
    assert case.get("name") == "hostile [p.html]"
    failure = case.find("failure")
    assert failure is not None and "recorded None" in (failure.text or "")
    page = html_report([failed], tmp_path / "report.html")
    assert "Title ]0;owned" in page and "\x1b" not in page and "\x00" not in page
    (tmp_path / "report.html").write_text(page, encoding="utf-8")  # a lone surrogate failed here


#: Text rich's console would rewrite (":smile:" becomes an emoji) if it printed the JSON.
EMOJI_CODES = "Tides :smile: and :thumbs_up: [bold]x[/bold]"


@pytest.mark.parametrize(
    "command,title_of",
    [
        (["history", "--json"], lambda out: out["completed"][0]["title"]),
        (["show", "record_codes", "--json"], lambda out: out["title"]),
        (["mistakes", "--json"], lambda out: out[0]["examTitle"]),
    ],
)
def test_json_output_gives_text_back_exactly_as_stored(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    title_of: Callable[[Any], str],
) -> None:
    answer = AnswerDetail(
        questionId="1", userAnswer=":thumbs_up:", correctAnswer="x", isCorrect=False,
        questionType="short_answer", reason="wrong", questionText=EMOJI_CODES,
    )  # fmt: skip
    stored = record("codes", 0).model_copy(update={"title": EMOJI_CODES, "answers": [answer]})
    Store(tmp_path).save_record(stored)
    assert run([*command, "--data-dir", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert title_of(out) == EMOJI_CODES

"""QA clickthrough over the library, on broken copies of pages, with reports, shards and a
remote browser server."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from recorder.autoplay import Strategy
from recorder.browser import find_browser
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.clickthrough import ClickOptions, run_clickthrough, select_exams, shard
from recorder.config import EXAMS_DIR
from recorder.errors import ExamNotFound, SessionError
from recorder.qa_report import html_report, junit_xml
from recorder.store import Store

CATALOG = Catalog()


def options(tmp_path: Path, strategy: str = "key", **extra: object) -> ClickOptions:
    return ClickOptions(
        strategy=Strategy.parse(strategy),
        db=tmp_path / "qa",
        artifacts=tmp_path / "artifacts",
        **extra,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("strategy", ["key", "blank", "random:3"])
def test_the_library_is_green(tmp_path: Path, strategy: str) -> None:
    results = run_clickthrough(CATALOG.exams, options(tmp_path, strategy, workers=2))
    assert [(r.exam.id, r.problems) for r in results] == [(e.id, []) for e in CATALOG.exams]
    for result in results:
        assert result.found == result.exam.questions
        assert result.score == result.expected
        assert result.page_score == result.score  # the page's own marking agrees


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the exams folder whose reading page has lost its key and renamed question 13."""
    copy = tmp_path / "exams"
    shutil.copytree(EXAMS_DIR, copy)
    page = copy / "reading" / "reef-soundscapes.html"
    text = page.read_text()
    text = re.sub(
        r'<script type="application/json" id="answer-key">.*?</script>', "", text, flags=re.S
    )
    page.with_name("no-key.html").write_text(text)
    renamed = page.read_text().replace('name="q13"', 'name="q31"')
    page.with_name("renamed.html").write_text(renamed)
    return copy / "reading"


def test_a_page_without_its_key_fails_clearly(tmp_path: Path, broken: Path) -> None:
    exams = select_exams([str(broken / "no-key.html")], CATALOG)
    [result] = run_clickthrough(
        exams, options(tmp_path, screenshot="only-on-failure", trace="retain-on-failure")
    )
    assert not result.ok
    assert "no answer key found on the page" in result.problems
    assert result.screenshot is not None and result.screenshot.stat().st_size > 10_000
    assert result.trace is not None and result.trace.stat().st_size > 1_000


def test_a_renamed_question_fails_clearly(tmp_path: Path, broken: Path) -> None:
    exams = select_exams([str(broken / "renamed.html")], CATALOG)
    [result] = run_clickthrough(exams, options(tmp_path, screenshot="only-on-failure"))
    assert "question(s) 31 not in the answer key" in result.problems
    # Question 13 of the key never reached the screen: it is in the record, as unanswered, and
    # full marks are one per question of the key (31 can earn nothing).
    assert "stored score 12, expected 13" in result.problems
    assert (result.score, result.expected, result.total) == (12, 13, 14)
    assert result.found == 13
    assert result.screenshot is not None and result.screenshot.is_file()


def test_reports_for_ci(tmp_path: Path, broken: Path) -> None:
    # A copy keeps its page's meta id: it is still a page of its own in the run and the reports.
    exams = select_exams([*CATALOG.ids(), str(broken / "no-key.html")], CATALOG)
    assert len(exams) == len(CATALOG.ids()) + 1
    results = run_clickthrough(exams, replace(options(tmp_path), workers=2))
    suite = ET.fromstring(junit_xml(results))
    assert (suite.get("tests"), suite.get("failures")) == (str(len(exams)), "1")
    failing = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["academic-reef-soundscapes [no-key.html]"]
    assert failing[0].find("failure").get("message") == "no answer key found on the page"  # type: ignore[union-attr]
    page = html_report(results, tmp_path / "report.html")
    assert page.count(">pass<") == len(exams) - 1 and page.count(">FAIL<") == 1
    assert "no answer key found on the page" in page


def test_the_command_exits_1_on_failure_and_writes_its_files(tmp_path: Path, broken: Path) -> None:
    junit, html = tmp_path / "out" / "junit.xml", tmp_path / "out" / "report.html"
    args = ["clickthrough", str(broken / "no-key.html"), "--db", str(tmp_path / "qa"),
            "--junit", str(junit), "--html", str(html)]  # fmt: skip
    assert run(args) == 1
    assert junit.is_file() and html.is_file()
    assert run(["clickthrough", "academic-reef-*", "--db", str(tmp_path / "qa")]) == 0


def test_qa_runs_use_their_own_database(tmp_path: Path) -> None:
    learner = tmp_path / "learner"
    run_clickthrough(CATALOG.exams[:1], options(tmp_path))
    assert not learner.exists()
    assert (tmp_path / "qa" / "records" / "seg-000001.json").is_file()


def test_workers_spread_over_processes_share_one_database(tmp_path: Path, broken: Path) -> None:
    # Three pages over two processes (two browsers), one of them failing: results come back live
    # (one call per page) and in the order given, and every record lands once in the one store.
    exams = select_exams([*CATALOG.ids()[:2], str(broken / "renamed.html")], CATALOG)
    seen: list[str] = []
    results = run_clickthrough(
        exams, options(tmp_path, workers=2, processes=2), on_result=lambda r: seen.append(r.exam.id)
    )
    assert [r.exam.location() for r in results] == [e.location() for e in exams]
    assert sorted(seen) == sorted(e.id for e in exams)
    assert [r.ok for r in results] == [True, True, False]
    assert "question(s) 31 not in the answer key" in results[2].problems
    stored = list(Store(tmp_path / "qa").records())
    assert sorted(r.id for r in stored) == sorted(r.record_id for r in results if r.record_id)
    assert len(stored) == 3


def test_more_processes_than_workers_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["clickthrough", "--workers", "1", "--processes", "2"]) == 2
    assert "--processes 2 is more than --workers 1" in capsys.readouterr().err


def test_shards_split_the_library_deterministically() -> None:
    exams = list(CATALOG.exams) * 1
    first, second = shard(exams, "1/2"), shard(exams, "2/2")
    assert sorted(e.id for e in first + second) == sorted(e.id for e in exams)
    assert not {e.id for e in first} & {e.id for e in second}
    assert shard(exams, "1/2") == first
    with pytest.raises(SessionError, match="--shard takes I/N with 1 <= I <= N, not '3/2'"):
        shard(exams, "3/2")


def test_targets_by_id_glob_and_path() -> None:
    assert [e.id for e in select_exams(["academic-*"], CATALOG)] == [
        e.id for e in CATALOG.exams if e.id.startswith("academic-")
    ]
    by_path = select_exams([str(EXAMS_DIR / "listening" / "*.html")], CATALOG)
    # A frame's content and a popup are parts of other pages, not pages to run on their own.
    assert sorted(e.id for e in by_path) == sorted(CATALOG.ids()[i] for i, e in
        enumerate(CATALOG.exams) if e.type == "listening")  # fmt: skip
    with pytest.raises(ExamNotFound, match="'nothing-\\*' matches no exam id and no file"):
        select_exams(["nothing-*"], CATALOG)


def test_connect_to_a_browser_server(tmp_path: Path) -> None:
    from playwright._impl._driver import compute_driver_executable

    node, cli = compute_driver_executable()
    script = Path(__file__).parent / "data" / "browser_server.js"
    server = subprocess.Popen(
        [str(node), str(script), str(Path(cli).parent), str(find_browser())],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        endpoint = server.stdout.readline().strip()
        assert endpoint.startswith("ws://127.0.0.1:")
        results = run_clickthrough(CATALOG.exams, options(tmp_path, connect=endpoint))
        assert all(r.ok for r in results), [r.problems for r in results]
    finally:
        server.terminate()
        server.communicate(timeout=30)

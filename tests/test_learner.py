"""The learner's commands on a database made by real recorded attempts in Chromium."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from recorder.autoplay import Strategy
from recorder.browser import ExamPage
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.practice import PracticeOptions
from recorder.record import PracticeRecord
from recorder.stats import compute_stats, streaks
from recorder.store import Store
from recorder.xapi import iso_duration

from .conftest import SharedBrowser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCHEMA = json.loads((Path(__file__).parent / "data" / "xapi-statement.schema.json").read_text())
XSS = "<script>window.__xss=1</script>"


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory, shared_browser: SharedBrowser) -> Path:
    """Eight real attempts: both exams, key / blank / random, a hostile answer, a closed tab."""
    root = tmp_path_factory.mktemp("learner") / "data"
    answers = root.parent / "hostile.json"
    answers.write_text(json.dumps({"8": XSS, "9": "six months", "1": "TRUE"}))
    catalog = Catalog()

    async def close(page: ExamPage) -> None:
        await page.close()

    plan = [
        ("academic-reef-soundscapes", "key", {}),
        ("academic-reef-soundscapes", "random:1", {}),
        ("listening-community-centre", "key", {}),
        ("listening-community-centre", "blank", {}),
        ("listening-community-centre", "random:2", {}),
        ("listening-community-centre", "random:3", {}),
        ("academic-reef-soundscapes", f"answers:{answers}", {}),  # the newest completed attempt
        ("academic-reef-soundscapes", "random:4", {"after_answers": close}),
    ]
    for exam_id, strategy, extra in plan:
        options = PracticeOptions(
            headless=True, autoplay=Strategy.parse(strategy), data_dir=root, **extra
        )  # type: ignore[arg-type]
        shared_browser.practice(catalog.get(exam_id), options)
    return root


@pytest.fixture
def db(recorded: Path, tmp_path: Path) -> Path:
    """A private copy, so a test that writes cannot disturb the others."""
    copy = tmp_path / "data"
    shutil.copytree(recorded, copy)
    return copy


def records(db: Path) -> list[PracticeRecord]:
    return list(Store(db).records())


def test_history_lists_newest_first_and_interrupted_apart(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["history", "--json", "--data-dir", str(db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    starts = [r["startTime"] for r in shown["completed"]]
    assert len(starts) == 7 and starts == sorted(starts, reverse=True)
    assert [r["status"] for r in shown["interrupted"]] == ["interrupted"]
    assert run(["history", "--json", "--type", "listening", "--data-dir", str(db)]) == 0
    assert {r["type"] for r in json.loads(capsys.readouterr().out)["completed"]} == {"listening"}
    today = date.today().isoformat()
    assert (
        run(["history", "--json", "--since", today, "--exam", "reef", "--data-dir", str(db)]) == 0
    )
    assert len(json.loads(capsys.readouterr().out)["completed"]) == 3


def test_stats_are_derived_from_the_records(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["stats", "--json", "--data-dir", str(db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    kept = [r for r in records(db) if r.status == "completed"]
    assert shown["attempts"] == 7 and shown["interrupted"] == 1
    assert shown["currentStreak"] == 1 and shown["longestStreak"] == 1
    reading = [r for r in kept if r.type == "reading"]
    assert shown["byExamType"]["reading"]["earned"] == sum(r.score or 0 for r in reading)
    assert shown["byExamType"]["reading"]["possible"] == 13 * len(reading)
    earned = sum(r.questionTypePerformance["multiple_choice"].correct for r in kept)
    possible = sum(r.questionTypePerformance["multiple_choice"].total for r in kept)
    assert shown["questionTypes"]["multiple_choice"] == {"earned": earned, "possible": possible}
    assert shown["best"][0]["band"] == 9.0
    weakest = min(
        (e / p, q)
        for q, x in shown["questionTypes"].items()
        if (e := x["earned"]) < (p := x["possible"]) and p >= 3
    )[1]
    assert shown["focus"]["questionType"] == weakest


@pytest.mark.parametrize(
    "days,today,expected",
    [
        ([], date(2026, 11, 10), (0, 0)),
        ([date(2026, 11, 10)], date(2026, 11, 10), (1, 1)),
        ([date(2026, 11, 8), date(2026, 11, 9)], date(2026, 11, 10), (2, 2)),  # yesterday keeps it alive
        ([date(2026, 11, 7), date(2026, 11, 8)], date(2026, 11, 10), (0, 2)),
        ([date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 9), date(2026, 11, 10)],
         date(2026, 11, 10), (2, 3)),
    ],
)  # fmt: skip
def test_streaks_in_local_days(days: list[date], today: date, expected: tuple[int, int]) -> None:
    assert streaks(set(days), today) == expected


def test_mistakes_are_grouped_and_exported(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path, anki_path = tmp_path / "m.csv", tmp_path / "m.txt"
    assert (
        run(["mistakes", "--csv", str(csv_path), "--anki", str(anki_path), "--data-dir", str(db)])
        == 0
    )
    wrong = sum(
        1 for r in records(db) if r.status == "completed" for a in r.answers if a.isCorrect is False
    )
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert len(rows) == wrong
    assert {"blank", "wrong"} <= {r["reason"] for r in rows}
    assert all(r["questionText"] for r in rows)  # the passage context of each question
    cards = anki_path.read_text().splitlines()
    assert cards[:6] == [
        "#separator:tab",
        "#html:false",
        "#notetype:Basic",
        "#deck:IELTS mistakes",
        "#guid column:1",
        "#tags column:4",
    ]
    questions = {(r["examId"], r["questionId"]) for r in rows}  # a card per question
    assert len(cards) == 6 + len(questions) and all(len(c.split("\t")) == 4 for c in cards[6:])
    assert len({c.split("\t")[0] for c in cards[6:]}) == len(questions)
    capsys.readouterr()
    assert run(["mistakes", "--json", "--data-dir", str(db)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == wrong


def test_xapi_statements_validate_and_ids_are_stable(db: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        assert run(["export", "--format", "xapi", "-o", str(out), "--data-dir", str(db)]) == 0
    statements = json.loads(first.read_text())
    stored = list(records(db))
    assert len(statements) == sum(len(r.answers) + 1 for r in stored)  # a question each + 1
    for statement in statements:
        jsonschema.validate(statement, SCHEMA)
        assert "github.com" not in json.dumps(statement)  # no IRI under a domain not ours
    questions = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    assert {s["object"]["definition"]["interactionType"] for s in questions} <= {
        "choice", "fill-in", "sequencing", "matching"
    }  # fmt: skip
    assert [s["id"] for s in statements] == [s["id"] for s in json.loads(second.read_text())]
    assert len({s["id"] for s in statements}) == len(statements)
    attempts = [s for s in statements if not s["verb"]["id"].endswith("/answered")]
    assert len(attempts) == 8
    completed = [s for s in attempts if s["verb"]["id"].endswith("/completed")]
    assert all(0 <= s["result"]["score"]["scaled"] <= 1 for s in completed)
    assert {s["verb"]["id"].rsplit("/", 1)[1] for s in attempts} == {"completed", "suspended"}


def test_the_xapi_actor_is_set_once_in_the_settings(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    assert run(["lrs", "--mbox", "ann@example.org", "--name", "Ann", "--data-dir", str(db)]) == 0
    assert run(["export", "--format", "xapi", "-o", str(out), "--data-dir", str(db)]) == 0
    actors = {json.dumps(s["actor"], sort_keys=True) for s in json.loads(out.read_text())}
    expected = {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.org"}
    assert actors == {json.dumps(expected, sort_keys=True)}
    assert run(["lrs", "--account", "ann7", "--home-page", "https://school.example",
                "--data-dir", str(db)]) == 0  # fmt: skip
    assert run(["export", "--format", "xapi", "-o", str(out), "--data-dir", str(db)]) == 0
    actor = json.loads(out.read_text())[0]["actor"]
    assert actor["account"] == {"homePage": "https://school.example", "name": "ann7"}
    assert run(["lrs", "--mbox", "not an address", "--data-dir", str(db)]) == 2


@pytest.mark.parametrize("seconds,text", [(0, "PT0S"), (61.5, "PT1M1.5S"), (3723, "PT1H2M3S")])
def test_iso_durations(seconds: float, text: str) -> None:
    assert iso_duration(seconds) == text


def test_csv_export_is_a_row_per_question(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert run(["export", "--format", "csv", "-o", str(out), "--data-dir", str(db)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == sum(len(r.answers) for r in records(db))


def test_json_export_then_import_merges_without_duplicates(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "backup.json"
    assert run(["export", "-o", str(backup), "--data-dir", str(db)]) == 0
    fresh = tmp_path / "fresh"
    assert run(["import", str(backup), "--data-dir", str(fresh)]) == 0
    assert "added 8, skipped 0 (already there), rejected 0" in capsys.readouterr().out
    assert run(["import", str(backup), "--data-dir", str(fresh)]) == 0
    assert "added 0, skipped 8" in capsys.readouterr().out
    assert sorted(r.id for r in records(fresh)) == sorted(r.id for r in records(db))


def test_import_rejects_bad_records_and_keeps_the_rest(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = [r.model_dump(mode="json") for r in records(db)][:3]
    docs[1]["band"] = 12
    docs.append({"id": "record_x"})
    docs.append("not a record")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(docs))
    fresh = tmp_path / "fresh"
    assert run(["import", str(bad), "--data-dir", str(fresh)]) == 1
    out = capsys.readouterr()
    assert "added 2, skipped 0 (already there), rejected 3" in out.out
    assert f"rejected {docs[1]['id']}: band: Input should be less than or equal to 9" in out.err
    assert "rejected record_x: examId: Field required" in out.err
    assert len(records(fresh)) == 2


def test_a_damaged_backup_is_refused_whole(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "backup.json"
    assert run(["export", "-o", str(backup), "--data-dir", str(db)]) == 0
    data = json.loads(backup.read_text())
    data["records"][0]["score"] = 0
    backup.write_text(json.dumps(data))
    assert run(["import", str(backup), "--data-dir", str(tmp_path / "fresh")]) == 1
    assert "checksum does not match" in capsys.readouterr().err
    assert not (tmp_path / "fresh" / "records" / "seg-000001.json").exists()


def test_the_report_has_its_charts_and_shows_script_as_text(db: Path, tmp_path: Path) -> None:
    import asyncio

    from playwright.async_api import async_playwright

    from recorder.browser import find_browser

    out = tmp_path / "report.html"
    assert run(["report", "-o", str(out), "--data-dir", str(db)]) == 0
    page_html = out.read_text()
    assert XSS not in page_html and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page_html

    async def look() -> tuple[int, list[str], object, str]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(find_browser()))
            page = await browser.new_page(viewport={"width": 1100, "height": 1400})
            await page.goto(out.as_uri())
            charts = await page.locator("figure[data-chart] svg").count()
            names = await page.eval_on_selector_all(
                "figure[data-chart]", "els => els.map(e => e.dataset.chart)"
            )
            xss = await page.evaluate("() => window.__xss")
            text = await page.inner_text("body")
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            await browser.close()
            return charts, names, xss, text

    charts, names, xss, text = asyncio.run(look())
    assert charts == 4 and names == ["bands", "question-types", "time", "items"]
    assert xss is None  # nothing the learner typed ran
    assert XSS in text  # ...and it is shown, as text


def test_script_in_an_answer_is_text_in_the_terminal_too(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = next(r for r in records(db) if any(a.userAnswer == XSS for a in r.answers))
    assert run(["show", hostile.id, "--data-dir", str(db)]) == 0
    assert "<script>" in capsys.readouterr().out
    assert run(["mistakes", "--data-dir", str(db), "--limit", "50"]) == 0
    assert "<script>" in capsys.readouterr().out


def test_compute_stats_counts_interrupted_time_but_not_scores(db: Path) -> None:
    kept = records(db)
    stats = compute_stats(kept, today=date.today())
    assert stats.seconds_practised == pytest.approx(sum(r.duration for r in kept))
    assert stats.attempts == sum(1 for r in kept if r.status == "completed")

"""Pages nobody here wrote behave in ways ours did not (issue #12): each behaviour has a page of
our own writing under tests/data/ and a test here, run in a real Chromium."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest

from recorder.audit import audit_pages
from recorder.autoplay import WIDGETS, Strategy
from recorder.browser import ExamPage, LaunchOptions, open_context
from recorder.catalog import Catalog
from recorder.cli import run
from recorder.clickthrough import expected_score, select_exams
from recorder.config import ENHANCER_DIR
from recorder.exam import adhoc_exam
from recorder.jsdata import NotData, literal_at
from recorder.library import ManifestSource, open_library
from recorder.practice import PracticeOptions
from recorder.protocol import WIDGET_KINDS
from recorder.scoring import mark_attempt

from .conftest import Play, SharedBrowser
from .helpers import serve

DATA = Path(__file__).parent / "data"
LIBRARY = DATA / "library"
PAGES = DATA / "pages"
WITH_LIBRARY = Catalog(libraries=[LIBRARY])


# ------------------------------------------------------------------------ pure: reading data


@pytest.mark.parametrize(
    "text,expected",
    [
        ("{a: 1, 'b': [true, null], \"c\": `x`,}", {"a": 1, "b": [True, None], "c": "x"}),
        ("[1, 2.5, -3] // trailing comment", [1, 2.5, -3]),
        ("/* lead */ {q1: 'viii', q2: \"it\\'s\"}", {"q1": "viii", "q2": "it's"}),
        ("{k: '\\u00e9t\\u00e9'}", {"k": "été"}),
    ],
)
def test_js_literals_are_read_as_data(text: str, expected: object) -> None:
    assert literal_at(text, 0) == expected


@pytest.mark.parametrize(
    "text", ["{a: b}", "{a: f(1)}", "[1, 2", "{a: `${x}`}", "window.x", "{a 1}"]
)
def test_anything_but_data_is_refused(text: str) -> None:
    with pytest.raises(NotData):
        literal_at(text, 0)


def test_widget_kinds_are_one_list_in_javascript_and_python() -> None:
    source = (ENHANCER_DIR / "widgets.js").read_text()
    match = re.search(r"NS\.WIDGET_ORDER = \[([^\]]*)\]", source)
    assert match is not None
    assert tuple(re.findall(r"'(\w+)'", match.group(1))) == WIDGET_KINDS
    # and the scripted learner answers each kind, in one place per kind
    assert tuple(WIDGETS) == WIDGET_KINDS


# --------------------------------------------------------------------- the manifest library


def test_the_manifest_library_is_read_as_data() -> None:
    source = open_library(LIBRARY)
    assert isinstance(source, ManifestSource)
    assert source.page == LIBRARY / "reading-practice.html"
    found = {e.id: (e.title, e.part, e.questions, e.firstQuestion) for e in source.exams()}
    assert found == {
        "p1-low-01": ("Harbour Lights", "Passage 1", 4, 1),
        "p2-low-02": ("The Quiet Orchard", "Passage 2", 4, 14),
        "p3-high-03": ("Paper Bridges", "Passage 3", 3, 27),
    }
    exam = WITH_LIBRARY.get("p2-low-02")
    assert exam.location().endswith("reading-practice.html?examId=p2-low-02")


@pytest.mark.parametrize("exam_id", ["p1-low-01", "p2-low-02", "p3-high-03"])
def test_a_page_rendered_late_from_its_data_file_gets_full_marks(play: Play, exam_id: str) -> None:
    exam = WITH_LIBRARY.get(exam_id)
    record = play(exam, "key").record
    assert record.status == "completed"
    assert (record.score, record.totalQuestions) == (exam.questions, exam.questions)
    assert record.metadata.keySource == "script_file"
    assert record.metadata.pageScore == exam.questions  # the page's own marking agrees
    assert record.title == exam.title


def test_printed_numbers_are_recorded_and_element_ids_kept(play: Play) -> None:
    record = play(WITH_LIBRARY.get("p2-low-02"), "key").record
    assert [(a.questionId, a.elementId) for a in record.answers] == [
        ("14", "q1"), ("15", "q2"), ("16", "q3"), ("17", "q4"),
    ]  # fmt: skip
    # headings dropped onto the passage, from a pool that copies; under a fixed footer
    assert [a.userAnswer for a in record.answers] == ["i", "ii", "iii", "cider"]


def test_blank_on_a_late_page_is_zero(play: Play) -> None:
    record = play(WITH_LIBRARY.get("p3-high-03"), "blank").record
    assert (record.status, record.score, record.totalQuestions) == ("completed", 0, 3)


def test_random_on_a_late_page_is_marked_from_what_was_typed(play: Play) -> None:
    result = play(WITH_LIBRARY.get("p2-low-02"), "random:4")
    record = result.record
    assert {a.questionId: a.userAnswer for a in record.answers} == result.planned
    assert result.session is not None and result.planned is not None
    expected = mark_attempt(
        result.planned, result.session.answerKey, list(result.planned), {}, word_limits={}
    )
    assert record.score == expected.score


def test_adding_a_library_reads_its_data_files_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ielts exams --library PATH` checks the library, remembers it and lists it: one reading of
    its manifest and data files, not one to check and another to list (230 files in a real one)."""
    reads: list[str] = []
    real = ManifestSource._read

    def counted(self: ManifestSource) -> object:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(ManifestSource, "_read", counted)
    data = tmp_path / "data"
    assert run(["exams", "--library", str(LIBRARY), "--data-dir", str(data), "--json"]) == 0
    assert "p2-low-02" in capsys.readouterr().out
    assert len(reads) == 1, reads


def test_cli_lists_practises_and_clicks_through_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run(["exams", "--library", str(LIBRARY), "--data-dir", str(data), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    ids = {e["id"] for e in (listed["exams"] if isinstance(listed, dict) else listed)}
    assert {"p1-low-01", "p2-low-02", "p3-high-03"} <= ids
    assert json.loads((data / "settings.json").read_text())["libraries"] == [str(LIBRARY)]
    # remembered: the id alone now opens it
    code = run(
        ["practice", "p1-low-01", "--headless", "--autoplay", "key", "--data-dir", str(data)]
    )
    assert code == 0
    code = run(["clickthrough", "--library", str(LIBRARY), "--db", str(tmp_path / "qa")])
    assert code == 0


def test_a_library_path_that_holds_nothing_says_so(tmp_path: Path) -> None:
    assert run(["exams", "--library", str(tmp_path), "--data-dir", str(tmp_path / "d")]) == 1
    assert not (tmp_path / "d" / "settings.json").exists()


# ----------------------------------------------------------------------- pages as users have


def test_urls_keep_their_query_and_a_question_mark_is_no_glob() -> None:
    target = f"{LIBRARY / 'reading-practice.html'}?examId=p3-high-03"
    exam = WITH_LIBRARY.resolve(target)
    assert exam.location().endswith("reading-practice.html?examId=p3-high-03")
    other = WITH_LIBRARY.resolve(target.replace("p3-high-03", "p1-low-01"))
    assert exam.id != other.id
    [chosen] = select_exams([exam.location()], WITH_LIBRARY)
    assert chosen.location() == exam.location()


def test_an_ad_hoc_id_is_the_same_wherever_the_page_lies(tmp_path: Path) -> None:
    ids = set()
    for home in ("one", "two"):
        folder = tmp_path / home / "pages"
        folder.mkdir(parents=True)
        shutil.copy(PAGES / "drag-shapes.html", folder)
        ids.add(adhoc_exam((folder / "drag-shapes.html").as_uri()).id)
    assert len(ids) == 1


def test_drop_zones_and_items_in_other_shapes(play: Play) -> None:
    result = play(str(PAGES / "drag-shapes.html"), "key")
    record = result.record
    assert record.metadata.keySource == "script_literal"  # App.answerKey in a closure
    assert {a.questionId: a.userAnswer for a in record.answers} == {
        "1": "A", "2": "B", "3": "K", "4": "L", "5": "moonlight", "6": "moonlight",
    }  # fmt: skip
    assert (record.score, record.metadata.pageScore) == (6, 6)


def test_drag_shapes_random_is_what_the_learner_did(play: Play) -> None:
    result = play(str(PAGES / "drag-shapes.html"), "random:2")
    assert {a.questionId: a.userAnswer for a in result.record.answers} == result.planned
    assert result.record.metadata.pageScore == result.record.score


#: Hand-made pages of shapes found on learners' disks: (page, the key source, the question ids).
#: answer-list: `var answers = [...]`, the 1st answer the page's first question (printed 14), by
#: page order, not by position number. unnamed-boxes: boxes with neither name nor id, numbered
#: by what is printed before them (a numbered list's marker, a table's number column, "16.").
#: question-bank: questions built from `const questions = [{number: 21, ..., answer: "C"}]`.
#: summary-gaps: gaps named gap27 (numbered after the gap, in one paragraph), a list blank-31.
#: form-fields: a form's array fields (answer[31], response[34]), sent by navigation on submit.
#: page-data: questions and answers deep in a framework's JSON page data (__NEXT_DATA__).
#: lettered-choices: choices valued by their words or a number, keyed by the printed letters.
#: confirm-submit: submits only once the learner confirms (window.confirm), tells the score in
#: an alert. link-submit, div-submit: the submit is a link, a div the page listens to; the score
#: is shown in an element of no name we know. start-gate: no questions until "Start test" is
#: pressed (the scripted learner presses it). zh-labels: its controls speak Chinese (开始练习
#: shows the questions, hidden till then; 交卷 submits, after 确定要交卷吗？; 得分：3 / 4).
#: range-gaps: gaps with no number, name or id, numbered by the "Questions 27–30" above them.
#: aria-choices: choices built of ARIA roles (role=radio, aria-checked), no form control.
HAND_MADE = [
    ("answer-list.html", "script_literal", ["14", "15", "16", "17", "18", "19"]),
    ("unnamed-boxes.html", "script_literal", ["11", "12", "13", "14", "15", "16"]),
    ("question-bank.html", "script_literal", ["21", "22", "23", "24"]),
    ("summary-gaps.html", "global_variable", ["27", "28", "29", "30", "31"]),
    ("form-fields.html", "global_variable", ["31", "32", "33", "34"]),
    ("page-data.html", "json_script", ["1", "2", "3", "4"]),
    ("lettered-choices.html", "global_variable", ["1", "2", "3"]),
    ("confirm-submit.html", "json_script", ["1", "2", "3", "4"]),
    ("link-submit.html", "global_variable", ["11", "12", "13", "14"]),
    ("div-submit.html", "script_literal", ["1", "2", "3"]),
    ("start-gate.html", "script_literal", ["1", "2", "3"]),
    ("zh-labels.html", "global_variable", ["14", "15", "16", "17"]),
    ("range-gaps.html", "global_variable", ["27", "28", "29", "30"]),
    ("aria-choices.html", "json_script", ["1", "2", "3", "4"]),
    ("part-names.html", "script_literal", ["1", "2", "3", "4", "5"]),
    ("custom-choices.html", "global_variable", ["1", "2", "3", "4", "5", "6"]),
    ("styled-choices.html", "global_variable", ["1", "2", "3", "4"]),
    ("menu-lists.html", "global_variable", ["7", "8", "9"]),
    ("wrapped-choices.html", "global_variable", ["1", "2", "3", "4", "5"]),
    ("inline-gaps.html", "script_literal", ["1", "2", "3", "4", "5", "6"]),
    ("labelled-boxes.html", "json_script", ["21", "22", "23", "24", "25"]),
    ("own-dropdowns.html", "global_variable", ["1", "2", "3", "4", "5"]),
    ("unvalued-choices.html", "global_variable", ["1", "2", "3", "4", "5"]),
    ("prompt-lists.html", "global_variable", ["1", "2", "3", "4"]),
    ("notes-grid.html", "global_variable", ["1", "2", "3", "4", "5", "6", "7"]),
    ("answer-reveal.html", "answer_text", ["14", "15", "16", "17"]),
    ("multi-lists.html", "global_variable", ["21", "22", "23", "24", "25"]),
    ("mouse-drag.html", "script_literal", ["1", "2", "3"]),
    ("delegated-drop.html", "global_variable", ["27", "28", "29"]),
]
#: Pages that show no score of their own (a form sent to a server that is not there).
NO_PAGE_SCORE = {"form-fields.html"}


@pytest.mark.parametrize("strategy", ["key", "blank", "random:4"])
@pytest.mark.parametrize("page,source,ids", HAND_MADE)
def test_hand_made_pages_are_recorded_and_marked(
    play: Play, strategy: str, page: str, source: str, ids: list[str]
) -> None:
    result = play(str(PAGES / page), strategy)
    record = result.record
    assert record.metadata.keySource == source
    assert [a.questionId for a in record.answers] == ids
    expected = {"key": len(ids), "blank": 0}.get(strategy)
    if expected is None:
        expected = expected_score(Strategy.parse(strategy), result)
    page_score = None if page in NO_PAGE_SCORE else expected
    assert (record.score, record.metadata.pageScore) == (expected, page_score)


def test_a_lists_prompt_option_is_never_an_answer(play: Play) -> None:
    """Lists whose first option only asks for a choice ("Select", "--", a disabled "Choose a
    heading") with a value of its own, and a choice the page ticked itself: a learner who
    answers one list and clicks about the page before submitting leaves the others unanswered
    (before, a click had the enhancer take each prompt, and the page's own tick, for an answer
    the page wrote in reply to it, and record it as the learner's)."""

    async def learner(exam_page: ExamPage) -> None:
        await exam_page.select(0, "select[name=q2]", "i")
        await exam_page.page.click("h2")
        await exam_page.page.wait_for_timeout(400)  # the enhancer looks at a click's reaction
        await exam_page.click(0, "#submit")

    result = play(str(PAGES / "prompt-lists.html"), "blank", submit=False, after_answers=learner)
    record = result.record
    assert {a.questionId: a.userAnswer for a in record.answers} == {
        "1": None, "2": "i", "3": None, "4": None,
    }  # fmt: skip
    assert (record.score, record.metadata.pageScore) == (1, 1)


def test_a_choice_the_page_ticked_is_the_learners_once_they_press_it(play: Play) -> None:
    """A radio the page ticked itself is not the learner's answer until they press it; pressed
    (no input or change event comes: it was ticked already), it is. The scripted learner
    presses radios too, so the random learner's expectations hold on such a page."""

    async def learner(exam_page: ExamPage) -> None:
        await exam_page.page.click("input[name=q4][value='NOT GIVEN']")
        await exam_page.click(0, "#submit")

    result = play(str(PAGES / "prompt-lists.html"), "blank", submit=False, after_answers=learner)
    given = {a.questionId: a.userAnswer for a in result.record.answers}
    assert given == {"1": None, "2": None, "3": None, "4": "NOT GIVEN"}


async def _until_time_is_up(exam_page: ExamPage, answers: dict[str, str]) -> None:
    """The learner types ``answers``, then waits for the page's clock to run out (it marks the
    answers itself); a moment for the session's end to reach the recorder, and the tab closes."""
    for name, text in answers.items():
        await exam_page.page.type(f"input[name={name}]", text)
    await exam_page.page.wait_for_function(
        "() => /Score/.test(document.querySelector('#score').textContent)", timeout=15_000
    )
    await asyncio.sleep(0.5)
    await exam_page.close()


def test_a_page_that_ends_the_test_when_its_time_runs_out_completes_the_attempt(
    play: Play,
) -> None:
    """A timed page ends the test itself at 00:00 (an alert says time is up, the page marks the
    answers): that is the end of the attempt, with the learner's answers, where it was left
    interrupted because no learner pressed submit."""

    async def learner(exam_page: ExamPage) -> None:
        await _until_time_is_up(exam_page, {"q1": "January", "q3": "wave"})

    page = (PAGES / "time-up.html").as_uri() + "?seconds=3"
    result = play(adhoc_exam(page), "blank", submit=False, after_answers=learner)
    record = result.record
    assert (record.status, record.metadata.endedBy) == ("completed", "time_up")
    given = {a.questionId: a.userAnswer for a in record.answers}
    assert given == {"1": "January", "2": None, "3": "wave"}
    assert (record.score, record.metadata.pageScore) == (2, 2)


def test_a_page_whose_time_runs_out_with_no_answer_given_does_not_end_the_attempt(
    play: Play,
) -> None:
    """With no answer from the learner, a page's "time is up" is not believed (a page script
    could say it at any moment): nothing is completed for them."""

    async def learner(exam_page: ExamPage) -> None:
        await _until_time_is_up(exam_page, {})

    page = (PAGES / "time-up.html").as_uri() + "?seconds=2"
    result = play(adhoc_exam(page), "blank", submit=False, after_answers=learner)
    assert result.record.status == "interrupted"
    assert result.record.metadata.endedBy == "learner"


def test_a_clock_at_zero_and_a_score_shown_from_the_start_end_nothing(play: Play) -> None:
    """A stopwatch that reads 00:00 and a score line shown from the page's start are no end of
    the test: the learner's answers are recorded and the attempt is not completed for them."""

    async def learner(exam_page: ExamPage) -> None:
        await exam_page.page.type("input[name=q1]", "hills")
        await exam_page.page.type("input[name=q2]", "Portmore")
        await asyncio.sleep(1.0)  # looks at the page after the answers
        await exam_page.close()

    page = Path(__file__).parent / "data" / "hostile" / "clock-at-zero.html"
    result = play(str(page), "blank", submit=False, after_answers=learner)
    record = result.record
    assert (record.status, record.metadata.endedBy) == ("interrupted", "learner")
    assert [a.userAnswer for a in record.answers] == ["hills", "Portmore"]


def test_fetched_data_is_kept_before_the_page_has_it(shared_browser: SharedBrowser) -> None:
    """The JSON a page fetches is kept as the page reads it (json() or text()), before the page
    can render from it: read from a copy of its own, it came in later under load, and the
    survey after the render found no key (a clickthrough of fetched-exam.html in CI)."""
    running = shared_browser._running()

    async def run(base: str) -> object:
        async with open_context(
            running, lambda *_: None, lambda *_: None, enhancer_config={"version": "test"}
        ) as session:
            page = await session.open()
            await page.page.goto(f"{base}/kept-first.html")
            await page.page.wait_for_function("() => window.__kept.length === 2")
            return await page.page.evaluate("() => window.__kept")

    with serve(DATA / "served") as base:
        assert shared_browser.runner.run(run(base)) == [1, 2]


@pytest.mark.parametrize("strategy", ["key", "blank", "random:4"])
@pytest.mark.parametrize("via", ["fetch", "xhr"])
def test_a_key_in_the_json_a_page_fetches_is_read(play: Play, strategy: str, via: str) -> None:
    """A page served over http renders its test from a JSON file it fetches for itself; the key
    is only in that file, read from what the page received (never fetched again, never run)."""
    with serve(DATA / "served") as base:
        result = play(adhoc_exam(f"{base}/fetched-exam.html?via={via}"), strategy)
    record = result.record
    assert record.metadata.keySource == "fetched_data"
    assert [a.questionId for a in record.answers] == ["1", "2", "3", "4"]
    expected = {"key": 4, "blank": 0}.get(strategy)
    if expected is None:
        expected = expected_score(Strategy.parse(strategy), result)
    assert (record.score, record.metadata.pageScore) == (expected, expected)
    assert record.title == "Reading — The Harbour Walk"


def test_a_choice_of_aria_roles_answered_by_the_keyboard_is_recorded(play: Play) -> None:
    """A learner moves a role=radio choice with an arrow key (the page sets aria-checked; no
    input or change event): the answer is the record's, and the page's mark agrees."""

    async def learner(exam_page: ExamPage) -> None:
        await exam_page.page.focus("#q1 [data-value=TRUE]")
        await exam_page.page.keyboard.press("ArrowDown")  # TRUE -> FALSE, the key's answer
        await exam_page.click(0, "#q3 [role=radio] >> nth=1")  # B, the key's answer
        await exam_page.click(0, "#submit")

    result = play(str(PAGES / "aria-choices.html"), "blank", submit=False, after_answers=learner)
    record = result.record
    assert {a.questionId: a.userAnswer for a in record.answers} == {
        "1": "FALSE", "2": None, "3": "B", "4": None,
    }  # fmt: skip
    assert (record.score, record.metadata.pageScore) == (2, 2)


def test_a_box_filled_by_clicking_a_word_is_answered_by_the_word(
    play: Play, tmp_path: Path
) -> None:
    """A box that takes no typing (readonly; the page writes in the word of its bank that is
    clicked): the scripted learner clicks the word (before: Playwright's fill waited 30 s for
    the box to become editable, then failed), and says so when the word is not in the bank."""
    page = str(PAGES / "click-to-place.html")
    record = play(page, "key").record
    assert ([a.userAnswer for a in record.answers], record.score) == (["channel"], 1)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"1": "stream"}))
    missing = play(page, f"answers:{answers}").record
    assert 'no word "stream" is there to click' in (missing.metadata.interruptionReason or "")


def test_a_word_placed_by_a_click_just_before_submit_is_the_learners(play: Play) -> None:
    """The learner clicks a word of the bank and submits at once (within the 50 ms the enhancer
    waits before it looks at what the page did with the click): the placed word is theirs.
    Before, it was dropped from the record as not the learner's input (a flaky CI failure)."""

    async def learner(exam_page: ExamPage) -> None:
        await exam_page.page.click("button.word >> text=channel")
        await exam_page.page.click("#submit")

    record = play(
        str(PAGES / "click-to-place.html"), "blank", submit=False, after_answers=learner
    ).record
    assert ([a.userAnswer for a in record.answers], record.score) == (["channel"], 1)


def test_a_submit_button_that_stays_disabled_is_said_so(play: Play) -> None:
    """The page enables its submit button only once every question has an answer: the learner
    who answers them all is recorded; the one who leaves them blank cannot submit, and the
    record says why (before: Playwright's "Locator.click: Timeout 30000ms exceeded")."""
    page = str(PAGES / "disabled-submit.html")
    assert play(page, "key").record.score == 3
    blank = play(page, "blank").record
    assert blank.status == "error"
    assert "the page's submit button stays disabled" in (blank.metadata.interruptionReason or "")


def test_a_learner_may_take_their_time_to_start_the_test(
    shared_browser: SharedBrowser, data_dir: Path
) -> None:
    """A learner reads the instructions for 1.5 s before pressing "Start test", past the
    recorder's wait for questions (0.5 s here): the session waits for them, as a page that
    shows a start control asks (before: "no numbered questions appeared within 0.5 s"). Nobody
    answers, so it ends at the inactivity limit with the page's three questions."""
    options = PracticeOptions(
        headless=True, data_dir=data_dir, ready_timeout_s=0.5,
        url_fragment="#start-after=1500", inactivity_minutes=0.05, end_on_timeout=True,
    )  # fmt: skip
    record = shared_browser.practice(adhoc_exam((PAGES / "start-gate.html").as_uri()), options)
    assert record.record.status == "timeout"
    assert [a.questionId for a in record.record.answers] == ["1", "2", "3"]


def test_a_results_table_with_chinese_headers_is_the_key(play: Play) -> None:
    answers = PAGES / "results-zh.answers.json"
    record = play(str(PAGES / "results-zh.html"), f"answers:{answers}").record
    assert (record.metadata.keySource, record.score, record.totalQuestions) == (
        "results_table", 3, 3,
    )  # fmt: skip


def test_an_opener_page_is_answered_with_the_exam_id_it_asked_with(play: Play) -> None:
    answers = PAGES / "opener-examid.answers.json"
    record = play(str(PAGES / "opener-examid.html"), f"answers:{answers}").record
    assert (record.status, record.score, record.metadata.keySource) == (
        "completed", 2, "opener_message",
    )  # fmt: skip
    assert record.metadata.pageScore == 2  # the score its own message carried


def test_an_opener_page_submitted_at_once_is_still_recorded(play: Play) -> None:
    record = play(str(PAGES / "opener-examid.html"), "blank").record
    assert (record.status, record.score) == ("completed", 0)


# --------------------------------------------------------------------- the diagnosis


def _explained(tmp_path: Path, name: str, html: str | None, url: str | None = None) -> list[str]:
    if url is None:
        page = tmp_path / name
        page.write_text(html or "")
        url = page.as_uri()
    exam = adhoc_exam(url)
    [audit] = asyncio.run(
        audit_pages([exam], LaunchOptions(headless=True), explain=True, ready_timeout_s=4)
    )
    return audit.problems + audit.explained


def test_explain_says_when_a_page_has_no_key(tmp_path: Path) -> None:
    html = (PAGES / "drag-shapes.html").read_text().replace("answerKey:", "solutionsOfMine:")
    lines = _explained(tmp_path, "nokey.html", html)
    assert lines[0] == "no answer key found on the page"
    assert any(
        line.strip().startswith("key: none found — tried json_script: nothing") for line in lines
    )


def test_explain_says_when_questions_never_appear(tmp_path: Path) -> None:
    url = (LIBRARY / "reading-practice.html").as_uri() + "?examId=not-in-the-manifest"
    lines = _explained(tmp_path, "", None, url=url)
    assert "no numbered questions appeared within 4 s" in lines[0]
    assert "It has no answer controls (inputs, selects, drop zones) at all." in lines[0]


def test_explain_names_a_start_control_that_does_nothing(tmp_path: Path) -> None:
    """A page whose "Begin the test" button shows no questions: the check pressed it (as the
    scripted learner does) and says the questions may appear once it is pressed."""
    html = "<title>x</title><button type=button>Begin the test</button>"
    lines = _explained(tmp_path, "gate.html", html)
    assert 'It shows a control that may start the test ("Begin the test")' in lines[0]
    assert any(
        line.strip().startswith('start: the page shows "Begin the test" and none') for line in lines
    )


def test_explain_says_when_a_page_never_answers() -> None:
    """No frame's enhancer answered (the recorder's script never ran there). A page used to be
    able to do this to itself by deleting window.__ieltsRecorder; since stop 8 it cannot (the
    next test), so the reason is checked on the frames as the diagnosis gets them."""
    from recorder.diagnosis import not_ready_reason
    from recorder.survey import FrameReport

    frames = [FrameReport("file:///x/silent.html", "file:///x", None)]
    reason = not_ready_reason("file:///x/silent.html", frames, 4)
    assert "the recorder's script never ran in the page (1 frame(s), none answered)" in reason


def test_a_page_cannot_silence_the_recorder(tmp_path: Path) -> None:
    """A page that deletes, replaces or shadows the recorder's way in is still read (it was
    'never answered' before: a page could make itself unrecordable, or stand in for it)."""
    html = (
        "<title>x</title><script>delete window.__ieltsRecorder; window.__ieltsRecorder = null;"
        "var __ieltsRecorder = {};</script><p>1 <input name='q1'></p>"
    )
    lines = _explained(tmp_path, "silent.html", html)
    assert lines[0] == "no answer key found on the page"
    assert any("questions: 1 (1–1), by kind: text 1" in line for line in lines), lines


def test_explain_names_controls_it_did_not_take(tmp_path: Path) -> None:
    html = "<title>x</title><input name='email'><input name='q1'><p>2 <input name='qD'></p>"
    lines = _explained(tmp_path, "mixed.html", html)
    text = "\n".join(lines)
    assert "questions: 2 (1–2), by kind: text 2" in text  # qD takes its printed number
    assert "not taken: input[name=email][type=text] (text): no question number" in text


# ---------------------------------------------------------------- questions that come later

REVEAL = """<!doctype html><title>Two parts</title>
<p id="status">Part 1</p>
<div id="qs"><p>1 <input name="q1"></p><p>2 <input name="q2"></p></div>
<script>
  // After the recorder has greeted the page: a text change, then part 2's question 20 ms later,
  // within one look of the enhancer (rescanMs).
  setTimeout(function () {
    document.getElementById('status').firstChild.nodeValue = 'Part 2';
    setTimeout(function () {
      var p = document.createElement('p');
      p.innerHTML = '3 <input name="q3">';
      document.getElementById('qs').appendChild(p);
    }, 20);
  }, 600);
</script>"""


def test_a_question_added_after_a_text_change_is_announced(tmp_path: Path) -> None:
    """Regression: a look scheduled by a text-only change ignored elements added before it ran."""
    from recorder.browser import open_context, start_browser
    from recorder.protocol import SessionReady, init_session, parse_message

    page_file = tmp_path / "reveal.html"
    page_file.write_text(REVEAL)
    announced: list[list[str]] = []

    def on_binding(_source: str, payload: object, _url: str) -> None:
        message = parse_message(payload) if isinstance(payload, str) else None
        if isinstance(message, SessionReady):
            announced.append(list(message.data.questionIds))

    async def main() -> None:
        async with start_browser(LaunchOptions(headless=True)) as running:
            async with open_context(
                running, on_binding=on_binding, on_event=lambda *_: None, enhancer_config={}
            ) as context:
                page = await context.open()
                await page.goto(page_file.as_uri())
                hello = init_session(
                    session_id="s1", exam_id="x", parent_origin="r", timestamp_ms=1, seq=1
                )
                await page.send(hello.model_dump_json())
                await asyncio.sleep(1.5)

    asyncio.run(main())
    assert announced == [["1", "2"], ["1", "2", "3"]]

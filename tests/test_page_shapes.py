"""One test per page shape the enhancer must read (issue #3 grows this file)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from recorder import bridge
from recorder.autoplay import Strategy
from recorder.browser import ExamPage
from recorder.practice import PracticeOptions, PracticeResult, practice
from recorder.record import PracticeRecord
from recorder.survey import Control

from .conftest import CATALOG, Play
from .helpers import serve

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


# ------------------------------------------------------------------ the library, shape by shape


def record_of(play: Play, exam: str, strategy: str = "key", **options: object) -> PracticeRecord:
    return play(exam, strategy, **options).record


def test_shape_key_as_a_global_variable(play: Play) -> None:
    record = record_of(play, "listening-community-centre")
    assert (record.metadata.keySource, record.score) == ("global_variable", 10)


def test_shape_key_as_a_const_inside_a_closure_in_the_library(play: Play) -> None:
    record = record_of(play, "academic-dry-stone-walls")
    assert (record.metadata.keySource, record.score) == ("script_literal", 13)


def test_shape_key_in_a_json_script_block(play: Play) -> None:
    record = record_of(play, "academic-reef-soundscapes")
    assert (record.metadata.keySource, record.score) == ("json_script", 13)


def test_shape_key_in_data_attributes(play: Play) -> None:
    record = record_of(play, "academic-seed-banks")
    assert (record.metadata.keySource, record.score) == ("data_attribute", 14)


def test_shape_key_only_in_a_results_table_after_submit(play: Play) -> None:
    seen: list[object] = []

    async def before_submit(page: ExamPage) -> None:
        seen.append((await page.survey()).key)

    result = play("general-new-staff-guide", "key", after_answers=before_submit)
    assert seen == [None]  # nothing to read until the page shows its results
    record = result.record
    assert (record.metadata.keySource, record.score, record.metadata.pageScore) == (
        "results_table",
        13,
        13,
    )
    # The "your answer" column is the learner's, never mistaken for the key.
    assert {a.questionId: a.correctAnswer for a in record.answers}["21"] == ["A", "C", "E"]


def test_shape_results_table_key_never_comes_from_the_your_answer_column(play: Play) -> None:
    record = record_of(play, "general-new-staff-guide", "random:4")
    right = {a.questionId: a.correctAnswer for a in record.answers}
    assert right["15"] == "security lodge" and right["27"] == "10"
    assert record.score == sum(1 for a in record.answers if a.isCorrect)


def test_shape_no_key_is_recorded_unscored(play: Play) -> None:
    record = record_of(play, "academic-skimming-warm-up")
    assert (record.score, record.band, record.accuracy) == (None, None, None)
    assert {a.isCorrect for a in record.answers} == {None}
    assert all(a.userAnswer for a in record.answers)  # every answer kept all the same


def test_shape_ids_from_name(play: Play) -> None:
    record = record_of(play, "listening-community-centre", "blank")
    assert [a.questionId for a in record.answers] == [str(n) for n in range(1, 11)]


def test_shape_ids_like_q36_input(play: Play) -> None:
    result = play("academic-dry-stone-walls", "key")
    controls = {c.ids[0]: c for c in result_controls(result)}
    assert controls["14"].options[0][0] == "#q14_select"
    assert controls["26"].options[0][0] == "#q26_input"
    assert result.record.score == 13


def test_shape_ids_from_data_question(play: Play) -> None:
    record = record_of(play, "academic-seed-banks", "blank")
    assert [a.questionId for a in record.answers] == [str(n) for n in range(27, 41)]


def test_shape_grouped_checkbox_name_q24_25_stands_for_two_questions(play: Play) -> None:
    result = play("academic-dry-stone-walls", "key")
    assert ["24", "25"] in (result.session.questionGroups if result.session else [])
    marks = {a.questionId: (a.userAnswer, a.isCorrect) for a in result.record.answers}
    assert marks["24"] == marks["25"] == (["B", "D"], True)


def test_shape_page_inside_an_iframe_next_to_a_foreign_frame(play: Play) -> None:
    result = play("listening-park-tour", "key")
    record = result.record
    assert (record.score, record.totalQuestions, record.metadata.pageScore) == (10, 10, 10)
    assert record.metadata.url.endswith("park-tour.html")
    # The sponsor's frame (another origin) has an input named q1: it is not a question.
    assert "1" not in {a.questionId for a in record.answers}
    assert record.metadata.keySource == "global_variable"


def test_shape_popup_window_for_part_of_the_test(play: Play) -> None:
    record = record_of(play, "listening-cooling-cities")
    answers = {a.questionId: a.userAnswer for a in record.answers}
    assert (answers["39"], answers["40"]) == ("health", "community")  # typed in the popup
    assert (record.score, record.metadata.pageScore) == (10, 10)


def test_shape_popup_never_opened_counts_its_questions_as_unseen(tmp_path: Path) -> None:
    exam = CATALOG.get("listening-cooling-cities")
    steps: list[str] = []

    async def submit_without_the_popup(page: ExamPage) -> None:
        steps.append("answered")

    # A learner in a visible window never clicks "Open the flow-chart": answers come from an
    # answers file for the first eight questions only, and popups are not opened by hand.
    answers = tmp_path / "eight.json"
    answers.write_text(json.dumps({str(n): "x" for n in range(31, 39)}))
    options = PracticeOptions(
        headless=True,
        autoplay=Strategy.parse(f"answers:{answers}"),
        data_dir=tmp_path / "db",
        open_popups=False,
        after_answers=submit_without_the_popup,
    )
    record = practice(exam, options).record
    assert steps == ["answered"]
    reasons = {a.questionId: a.reason for a in record.answers}
    assert (reasons["39"], reasons["40"]) == ("unseen", "unseen")
    assert record.totalQuestions == 10


def test_shape_contenteditable_answer(play: Play) -> None:
    record = record_of(play, "general-new-staff-guide")
    answer = next(a for a in record.answers if a.questionId == "26")
    assert (answer.userAnswer, answer.isCorrect) == ("200", True)


def test_shape_word_bank_by_drag_and_drop(play: Play) -> None:
    result = play("academic-seed-banks", "key")
    answers = {a.questionId: a.userAnswer for a in result.record.answers}
    assert [answers[q] for q in ("35", "36", "37", "38")] == ["E", "D", "C", "A"]
    steps = [s for s in plan_of(result) if s == "drag"]
    assert len(steps) == 4


def test_shape_ordering_list(play: Play) -> None:
    blank = record_of(play, "listening-research-project", "blank")
    # The order the page starts with is not an answer.
    assert [a.userAnswer for a in blank.answers if a.questionId in ("27", "28", "29", "30")] == [
        None
    ] * 4
    full = record_of(play, "listening-research-project", "key")
    answers = {a.questionId: a.userAnswer for a in full.answers}
    assert [answers[q] for q in ("27", "28", "29", "30")] == ["C", "B", "D", "A"]
    assert full.questionTypePerformance["ordering"].correct == 4


def test_shape_page_written_for_another_app_via_an_opener(play: Play) -> None:
    record = record_of(play, "academic-tide-mills")
    assert (record.metadata.keySource, record.score, record.metadata.pageScore) == (
        "opener_message",
        6,
        6,
    )


def test_shape_submit_seen_through_a_results_block_appearing(play: Play) -> None:
    # The warm-up's "Done" button is not a submit button: its results block appearing is.
    record = record_of(play, "academic-skimming-warm-up", "blank")
    assert record.status == "completed"


def test_shape_submit_seen_through_the_pages_grading_function(play: Play) -> None:
    async def call_it_directly(page: ExamPage) -> None:
        await page.evaluate_in_frames("() => typeof showResults === 'function' && showResults()")

    started = time.monotonic()
    record = record_of(play, "general-new-staff-guide", "key", after_answers=call_it_directly)
    assert (record.status, record.score) == ("completed", 13)
    # Not a speed target: the page disables its button once graded, and the recorder's click
    # on it sat out Playwright's 30 s wait for an enabled button before it saw the completion.
    assert time.monotonic() - started < 20


def result_controls(result: PracticeResult) -> list[Control]:
    return list(result.controls)


def plan_of(result: PracticeResult) -> list[str]:
    return [step.action for step in result.steps]


HOSTILE = """<!DOCTYPE html><title>not the exam</title><script>
  // the binding's global is gone before page scripts run; Playwright's controller remains
  var send = function (doc, raw) {
    window.__playwright__binding__controller__.callBinding('__ieltsRecorderSend', doc, raw);
  };
  for (var i = 0; i < 3; i++) {
    send('forged', JSON.stringify({v: 1, type: 'session_progress',
      sessionId: 'guess', seq: i, ts: Date.now(), data: {answers: {'1': 'FALSE'},
      answeredQuestions: 1, totalQuestions: 13, elapsed: 1}}));
  }
  document.title = 'sent';
</script>"""


def test_shape_foreign_frames_oversized_messages_and_floods_are_refused_and_counted(
    play: Play, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hostile.html").write_text(HOSTILE)
    # The flood's 5000 messages reach Python over seconds on a loaded machine: at the real
    # refill rate (500 a second) a slow enough arrival never empties the bucket, so the refill
    # is slowed here; what is tested is that a flood past the burst allowance is refused.
    monkeypatch.setattr(bridge, "FLOOD_RATE_PER_S", 50.0)
    with serve(CATALOG.exams_dir) as exams, serve(tmp_path) as other:

        async def attack(page: ExamPage) -> None:
            # Another origin's frame calls the binding with forged progress...
            await page.evaluate_in_frames(
                f"""() => new Promise(done => {{
                  const f = document.createElement('iframe');
                  f.src = '{other}/hostile.html';
                  f.onload = done;
                  document.body.appendChild(f);
                }})"""
            )
            # ...and the exam's own document sends a 1.1 MB message, then a flood.
            await page.evaluate_in_frames(
                """() => {
                  const c = window.__playwright__binding__controller__;
                  const send = (doc, raw) => c.callBinding('__ieltsRecorderSend', doc, raw);
                  send('big', 'x'.repeat(1100000));
                  for (let i = 0; i < 5000; i++) send('junk', '{}');
                }"""
            )

        result = play(f"{exams}/reading/reef-soundscapes.html", "key", after_answers=attack)
    record, rejected = result.record, result.stats.rejected
    assert (record.status, record.score) == ("completed", 13)  # nothing forged got in
    assert {a.questionId: a.userAnswer for a in record.answers}["1"] == "TRUE"
    assert rejected["foreign"] == 3
    assert rejected["oversized"] == 1
    # Past the burst allowance the junk is refused unread; what got a token failed to parse.
    # (and all of it lacks the enhancer's secret: a page script speaking as the enhancer)
    assert rejected["flood"] > 0 and rejected["flood"] + rejected["forged"] == 5000

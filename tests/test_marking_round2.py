"""Marking round 2 (issue #14): the rule classes real keys and examiner-style cases got wrong,
a table of cases per class, property tests where inputs vary."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recorder.answer_key import parse_key_entry, split_bare_slash
from recorder.answers import count_words, number_value
from recorder.autoplay import Strategy
from recorder.cli import run
from recorder.clickthrough import ClickOptions, run_clickthrough
from recorder.exam import adhoc_exam
from recorder.page_faults import explained_difference
from recorder.record import AnswerDetail, PracticeRecord, RecordMetadata
from recorder.scoring import (
    LENIENT,
    MarkingRules,
    mark_attempt,
    mark_entry,
    marking_rules,
    spread_from,
    spread_ids,
)
from recorder.store import Store

from .conftest import Play

TWO_AND_NUMBER = "NO MORE THAN TWO WORDS AND/OR A NUMBER"
ONE_AND_NUMBER = "ONE WORD AND/OR A NUMBER"
NUMBER_ONLY = "A NUMBER ONLY"
THREE = "NO MORE THAN THREE WORDS"
COMPLETION = "completion"
SC = "sentence_completion"
TFNG = "true_false_not_given"
YNNG = "yes_no_not_given"
STRICT = MarkingRules("strict")

# ------------------------------------------- class 1: a judgement answered in a text box
# (key, answer, question type as the page gave it, correct, reason)
WRITTEN_JUDGEMENTS = [
    ("TRUE", "TRUE", COMPLETION, True, None),
    ("TRUE", "true", COMPLETION, True, None),
    ("TRUE", "T", COMPLETION, True, None),  # the family's short form, as with radios
    ("FALSE", "F", SC, True, None),
    ("NOT GIVEN", "NG", COMPLETION, True, None),
    ("NOT GIVEN", "not given", "short_answer", True, None),
    ("YES", "Y", COMPLETION, True, None),
    ("NO", "N", "text", True, None),
    ("FALSE", "NO", COMPLETION, False, "wrong_family"),
    ("TRUE", "YES", COMPLETION, False, "wrong_family"),
    ("NO", "FALSE", COMPLETION, False, "wrong_family"),
    ("YES", "TRUE", SC, False, "wrong_family"),
    ("TRUE", "FALSE", COMPLETION, False, "wrong"),
    ("NO", "NOT GIVEN", COMPLETION, False, "wrong"),
    ("TRUE", "", COMPLETION, False, "blank"),
    ("TRUE", "maybe", COMPLETION, False, "wrong"),
]


@pytest.mark.parametrize("key,answer,qtype,correct,reason", WRITTEN_JUDGEMENTS)
def test_a_judgement_written_in_a_text_box(
    key: str, answer: str, qtype: str, correct: bool, reason: str | None
) -> None:
    marking = mark_attempt({"1": answer}, {"1": key}, ["1"], {"1": qtype})
    (mark,) = marking.marks
    assert (mark.isCorrect, mark.reason) == (correct, reason)
    # the record (and so the stats) types it by its family, not as a completion (NOT GIVEN
    # alone names no family: the page's instruction does, enhancer_js/collect.js familyOf)
    family = YNNG if key in ("YES", "NO") else TFNG if key != "NOT GIVEN" else qtype
    assert mark.questionType == family


@pytest.mark.parametrize(
    "keys,answers,expected",
    [
        # a question keyed NOT GIVEN in a run of TRUE/FALSE questions: YES is the wrong family
        (["TRUE", "NOT GIVEN", "FALSE"], ["TRUE", "YES", "FALSE"], [None, "wrong_family", None]),
        (["YES", "NOT GIVEN"], ["YES", "FALSE"], [None, "wrong_family"]),
        (["NOT GIVEN", "NO"], ["N", "NO"], ["wrong", None]),  # N is NO in a YES/NO run
        (["NOT GIVEN", "TRUE"], ["NG", "T"], [None, None]),
    ],
)
def test_a_run_of_judgements_shares_its_family(
    keys: list[str], answers: list[str], expected: list[str | None]
) -> None:
    ids = [str(n) for n in range(1, len(keys) + 1)]
    marking = mark_attempt(
        dict(zip(ids, answers, strict=True)), dict(zip(ids, keys, strict=True)), ids,
        {q: COMPLETION for q in ids},
    )  # fmt: skip
    assert [m.reason for m in marking.marks] == expected


@pytest.mark.parametrize(
    "key,answer,correct,reason",
    [
        # under a word limit a written answer is a completion: TRUE there is a word, not a verdict
        ("TRUE", "true", True, None),
        ("TRUE", "T", False, "wrong"),
        ("NO", "no", True, None),
    ],
)
def test_under_a_word_limit_a_judgement_word_is_a_word(
    key: str, answer: str, correct: bool, reason: str | None
) -> None:
    entry = parse_key_entry(key, question_type=COMPLETION, word_limit=TWO_AND_NUMBER)
    assert entry.kind == "text"
    assert mark_entry(entry, answer) == (correct, reason)


# ---------------------------------------------------- class 2: alternatives with a bare slash
# (key, read as)
BARE_SLASH = [
    ("4/four", ["4", "four"]),
    ("10/ten", ["10", "ten"]),
    ("colour/color", ["colour", "color"]),
    ("bike/bicycle", ["bike", "bicycle"]),
    ("UK/United Kingdom", ["UK", "United Kingdom"]),
    ("United States/USA", ["United States", "USA"]),
    ("A/B", ["A", "B"]),
    ("C/D/E", ["C", "D", "E"]),
    ("24/7", ["24/7"]),
    ("3/4", ["3/4"]),
    ("12/5", ["12/5"]),
    ("12/05/2020", ["12/05/2020"]),
    ("9.30/10.30", ["9.30/10.30"]),
    ("km/h", ["km/h"]),
    ("m/s", ["m/s"]),
    ("km/hr", ["km/hr"]),
    ("a/b", ["a/b"]),
    ("/x", ["/x"]),
    ("a//b", ["a//b"]),
]


@pytest.mark.parametrize("key,read_as", BARE_SLASH)
def test_a_bare_slash_is_decided_by_its_sides(key: str, read_as: list[str]) -> None:
    assert split_bare_slash(key) == read_as


@pytest.mark.parametrize(
    "key,answer,correct",
    [
        ("4/four", "four", True),
        ("4/four", "4", True),
        ("colour/color", "color", True),
        ("UK/United Kingdom", "united kingdom", True),
        ("UK/United Kingdom", "UK", True),
        ("24/7", "24/7", True),
        ("24/7", "24", False),
        ("24/7", "7", False),
        ("3/4", "3", False),
        ("km/h", "km/h", True),
        ("km/h", "h", False),
    ],
)
def test_slash_alternatives_are_marked_as_alternatives(
    key: str, answer: str, correct: bool
) -> None:
    entry = parse_key_entry(key, question_type=SC, word_limit=TWO_AND_NUMBER)
    assert mark_entry(entry, answer)[0] is correct


@given(st.from_regex(r"[a-z]{5,9}", fullmatch=True), st.from_regex(r"[a-z]{2,9}", fullmatch=True))
def test_each_side_of_word_slash_word_is_accepted(left: str, right: str) -> None:
    entry = parse_key_entry(f"{left}/{right}", question_type=SC)
    assert mark_entry(entry, left)[0] and mark_entry(entry, right)[0]


@given(st.integers(0, 999), st.integers(1, 999))
def test_digits_on_both_sides_are_one_answer(a: int, b: int) -> None:
    entry = parse_key_entry(f"{a}/{b}", question_type=SC)
    assert mark_entry(entry, f"{a}/{b}")[0]
    assert not mark_entry(entry, str(a))[0]


# -------------------------------------------------------- class 3: numbers with scale words
# (text, words, numbers)
SCALE_COUNTS = [
    ("102 million", 0, 1),
    ("12 million years", 1, 1),
    ("£3.2 million", 0, 1),
    ("1.5m", 0, 1),
    ("3bn", 0, 1),
    ("20th century", 1, 1),
    ("10-15", 0, 1),
    ("10–15", 0, 1),
    ("two hundred", 0, 1),
    ("two hundred and ten", 0, 1),
    ("three million people", 1, 1),
    ("4 thousand", 0, 1),
    ("1.5 billion dollars", 1, 1),
    ("ten apples and ten pears", 3, 2),
    ("half a million", 2, 1),  # "half" and "a" are words; the million is the number
    # Number words next to each other are one number only where they make one (stop 8: each
    # "seven" joined the one before, so "seven seven seven..." never passed a word limit):
    ("seven seven", 0, 2),
    ("seven seven seven seven", 0, 4),
    ("twenty one", 0, 1),
    ("twenty thirty", 0, 2),
    ("seven thirty", 0, 1),  # a time of day (a listening key holds it)
    ("ten forty-five", 0, 1),
    ("thirty seven seven", 0, 2),
    ("two hundred ten", 0, 1),
    ("one hundred and twenty three", 0, 1),
    ("three thousand four hundred", 0, 1),
    ("seven and seven", 1, 2),  # "and" joins a number only after a scale word
]


@pytest.mark.parametrize("text,words,numbers", SCALE_COUNTS)
def test_a_number_with_its_scale_word_is_one_number(text: str, words: int, numbers: int) -> None:
    counted = count_words(text)
    assert (counted.words, counted.numbers) == (words, numbers)


@pytest.mark.parametrize(
    "text,value",
    [
        ("102 million", 102_000_000),
        ("£3.2 million", 3_200_000),
        ("two million", 2_000_000),
        ("4 thousand", 4000),
        ("3bn", 3_000_000_000),
        ("1.5 billion", 1_500_000_000),
        ("102,000,000", 102_000_000),
        ("1.5m", None),  # m is also metres
        ("12 million years", None),
    ],
)
def test_the_value_of_a_number_with_its_scale(text: str, value: float | None) -> None:
    assert number_value(text) == value


@pytest.mark.parametrize(
    "key,answer,limit,correct,reason",
    [
        ("102 million", "102 million", ONE_AND_NUMBER, True, None),
        ("102 million", "102,000,000", ONE_AND_NUMBER, True, None),
        ("12 million years", "12 million years", ONE_AND_NUMBER, True, None),
        ("£3.2 million", "£3.2 million", NUMBER_ONLY, True, None),
        ("1.5m", "1.5m", NUMBER_ONLY, True, None),
        ("20th century", "20th century", ONE_AND_NUMBER, True, None),
        ("10-15", "10-15", NUMBER_ONLY, True, None),
        ("two million", "2 million", ONE_AND_NUMBER, True, None),
        ("300", "three hundred", NUMBER_ONLY, True, None),
        ("102 million", "102 million people", NUMBER_ONLY, False, "over_word_limit"),
        ("12 million years", "12 million years ago", ONE_AND_NUMBER, False, "over_word_limit"),
    ],
)
def test_scale_numbers_under_word_limits(
    key: str, answer: str, limit: str, correct: bool, reason: str | None
) -> None:
    entry = parse_key_entry(key, question_type=SC, word_limit=limit)
    assert mark_entry(entry, answer) == (correct, reason)


@given(st.integers(1, 999), st.sampled_from(["hundred", "thousand", "million", "billion"]))
def test_a_keyed_scale_number_never_breaks_its_own_limit(n: int, scale: str) -> None:
    entry = parse_key_entry(f"{n} {scale}", question_type=SC, word_limit=NUMBER_ONLY)
    assert mark_entry(entry, f"{n} {scale}") == (True, None)


# -------------------------------------------- class 4: one question keyed with several letters
MULTI = "multiple_choice_multi"


@pytest.mark.parametrize(
    "key,answer,qtype,marks,ids",
    [
        (["C", "E", "G"], ["C", "E", "G"], MULTI, [True, True, True], ["5", "5b", "5c"]),
        (["C", "E", "G"], ["G", "C", "E"], MULTI, [True, True, True], ["5", "5b", "5c"]),
        (["C", "E", "G"], ["C", "E"], MULTI, [True, True, False], ["5", "5b", "5c"]),
        (["C", "E", "G"], ["C", "E", "A"], MULTI, [True, True, False], ["5", "5b", "5c"]),
        (["C", "E", "G"], [], MULTI, [False, False, False], ["5", "5b", "5c"]),
        (["B", "D"], ["B", "D"], MULTI, [True, True], ["5", "5b"]),
        # ticked boxes on a page that does not type the question: still a set
        (["B", "D"], ["D", "B"], "", [True, True], ["5", "5b"]),
        # a single choice (a radio) keyed with two letters: either one is the one mark
        (["B", "D"], "D", "multiple_choice", [True], ["5"]),
        (["B", "D"], "A", "multiple_choice", [False], ["5"]),
    ],
)
def test_one_id_keyed_with_several_letters_earns_a_mark_per_letter(
    key: list[str], answer: object, qtype: str, marks: list[bool], ids: list[str]
) -> None:
    marking = mark_attempt({"5": answer}, {"5": key}, ["5"], {"5": qtype})  # type: ignore[dict-item]
    assert [m.isCorrect for m in marking.marks] == marks
    assert [m.questionId for m in marking.marks] == ids
    assert marking.total == len(ids)


# ------------------------------------------------------------ class 5: contested rules
# (answer, key, lenient, strict)
CONTESTED = [
    ("T", "TRUE", (True, None), (False, "abbreviated")),
    ("F", "FALSE", (True, None), (False, "abbreviated")),
    ("NG", "NOT GIVEN", (True, None), (False, "abbreviated")),
    ("Y", "YES", (True, None), (False, "abbreviated")),
    ("N", "NO", (True, None), (False, "abbreviated")),
    ("n.g.", "NOT GIVEN", (True, None), (False, "abbreviated")),
    ("TRUE", "TRUE", (True, None), (True, None)),
    ("NOT GIVEN", "NOT GIVEN", (True, None), (True, None)),
    ("F", "TRUE", (False, "wrong"), (False, "abbreviated")),
]


@pytest.mark.parametrize("answer,key,lenient,strict", CONTESTED)
def test_abbreviations_are_a_setting(
    answer: str, key: str, lenient: tuple[bool, str | None], strict: tuple[bool, str | None]
) -> None:
    entry = parse_key_entry(key, question_type=TFNG if key in ("TRUE", "FALSE") else "")
    if key in ("YES", "NO"):
        entry = parse_key_entry(key, question_type=YNNG)
    assert mark_entry(entry, answer, LENIENT) == lenient
    assert mark_entry(entry, answer, STRICT) == strict


@pytest.mark.parametrize(
    "chosen,lenient,strict",
    [
        (["B", "D"], 2, 2),
        (["B", "D", "A"], 1, 0),  # one surplus letter: it cancels one correct, or the set is void
        (["B", "A", "C"], 0, 0),
        (["B"], 1, 1),
    ],
)
def test_surplus_letters_are_a_setting(chosen: list[str], lenient: int, strict: int) -> None:
    groups = [["1", "2"]]
    key = {"1": "B", "2": "D"}
    answers = {"1": chosen, "2": chosen}
    types = {"1": MULTI, "2": MULTI}
    args = (answers, key, ["1", "2"], types)
    assert mark_attempt(*args, groups=groups, rules=LENIENT).score == lenient
    assert mark_attempt(*args, groups=groups, rules=STRICT).score == strict


def test_an_unknown_marking_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="use lenient or strict"):
        marking_rules("harsh")


# ------------------------------------------------------------------ on a page, in a browser
PAGE = Path(__file__).parent / "data" / "pages" / "written-judgements.html"
GIVEN = {
    "1": "T", "2": "NO", "3": "ng", "4": "TRUE", "5": "Y", "6": "FALSE", "7": "NOT GIVEN",
    "8": "102,000,000", "9": "color", "10": "four", "11": ["C", "E", "A"],
}  # fmt: skip


def test_the_page_types_written_judgements_by_their_instruction(play: Play) -> None:
    record = play(str(PAGE), "key").record
    assert (record.score, record.totalQuestions, record.metadata.pageScore) == (13, 13, 13)
    types = {a.questionId: a.questionType for a in record.answers}
    assert {types[q] for q in "1234"} == {TFNG}
    assert {types[q] for q in "567"} == {YNNG}
    assert [a.questionId for a in record.answers][-3:] == ["11", "11b", "11c"]
    assert record.metadata.marking == "lenient"


@given(
    st.from_regex(r"(t[1-7]\.)?[1-9][0-9]{0,2}", fullmatch=True),
    st.integers(min_value=1, max_value=25),
)
def test_a_spread_id_names_the_id_it_was_made_from(qid: str, count: int) -> None:
    first, *rest = spread_ids(qid, count)
    assert (first, spread_from(first)) == (qid, None)
    assert len(rest) == count - 1 and all(spread_from(each) == qid for each in rest)


@pytest.mark.parametrize("strategy", ["key", "random:6"])
def test_the_clickthrough_checks_a_choose_three_by_its_first_id(
    tmp_path: Path, strategy: str
) -> None:
    """A "choose THREE" keyed under one id is recorded as 11, 11b and 11c, each with the three
    letters ticked; the QA check compares 11b and 11c with what was ticked for 11 (it said
    "question 11b: typed None, recorded ['C', 'E', 'G']", a problem that was not one)."""
    options = ClickOptions(strategy=Strategy.parse(strategy), db=tmp_path / "qa",
                           artifacts=tmp_path / "artifacts")  # fmt: skip
    [result] = run_clickthrough([adhoc_exam(PAGE.as_uri())], options)
    assert result.problems == []


@pytest.mark.parametrize(
    "marking,reasons",
    [
        ("lenient", {"2": "wrong_family", "6": "wrong_family", "11c": "partial_set"}),
        ("strict", {"1": "abbreviated", "2": "wrong_family", "3": "abbreviated",
                    "5": "abbreviated", "6": "wrong_family", "11c": "partial_set"}),
    ],
)  # fmt: skip
def test_the_marking_setting_is_used_and_recorded(
    play: Play, tmp_path: Path, marking: str, reasons: dict[str, str]
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(GIVEN))
    record = play(str(PAGE), f"answers:{answers}", marking=marking).record
    wrong = {a.questionId: a.reason for a in record.answers if not a.isCorrect}
    assert wrong == reasons
    assert record.metadata.marking == marking
    assert record.score == 13 - len(reasons)


def test_practice_takes_the_marking_from_the_settings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"marking": "strict"}))
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(GIVEN))
    args = ["practice", str(PAGE), "--headless", "--autoplay", f"answers:{answers}"]
    assert run([*args, "--data-dir", str(data)]) == 0
    assert run([*args, "--data-dir", str(data), "--marking", "lenient"]) == 0
    markings = sorted(r.metadata.marking for r in Store(data).records())
    assert markings == ["lenient", "strict"]
    assert run([*args, "--data-dir", str(data), "--marking", "harsh"]) == 2


# ------------------------------------------------------- known page scoring faults (the QA run)
def _record(answers: list[tuple[str, object, object, bool, str]]) -> PracticeRecord:
    details = [
        AnswerDetail(questionId=q, userAnswer=given, correctAnswer=key, isCorrect=ok,
                     questionType=qtype)  # type: ignore[arg-type]
        for q, given, key, ok, qtype in answers
    ]  # fmt: skip
    score = sum(1 for d in details if d.isCorrect)
    when = datetime(2026, 12, 1, tzinfo=timezone.utc)
    return PracticeRecord(
        id="record_x", examId="x", sessionId="x", title="x", type="reading", startTime=when,
        endTime=when, duration=1, status="completed", score=score, totalQuestions=len(details),
        correctAnswers=score, accuracy=score / len(details), band=None, answers=details,
        questionTypePerformance={}, metadata=RecordMetadata(examTitle="x"), createdAt=when,
    )  # fmt: skip


@pytest.mark.parametrize(
    "answers,page,fault",
    [
        ([("1", "four", ["4", "four"], True, SC), ("2", "B", "B", True, "multiple_choice")],
         (2, 3), "alternatives counted as marks"),
        ([("1", "T", "TRUE", True, TFNG), ("2", "TRUE", "TRUE", True, TFNG)],
         (1, 2), "abbreviations refused"),
        ([("1", "ng", "NOT GIVEN", True, TFNG), ("2", "N", "NO", True, YNNG)],
         (0, 2), "abbreviations refused"),
        ([("5", ["C", "E", "G"], ["C", "E", "G"], True, MULTI),
          ("5b", ["C", "E", "G"], ["C", "E", "G"], True, MULTI),
          ("5c", ["C", "E", "G"], ["C", "E", "G"], True, MULTI),
          ("6", "A", "A", True, "multiple_choice")],
         (2, 2), "a choose-N set counted as one mark"),
        # a difference no known fault explains stays a failure
        ([("1", "shirt", "shirt", True, SC), ("2", "B", "B", True, "multiple_choice")],
         (1, 2), None),
        ([("1", "T", "TRUE", True, TFNG), ("2", "TRUE", "TRUE", True, TFNG)], (0, 2), None),
    ],
)  # fmt: skip
def test_known_page_scoring_faults_explain_a_difference_exactly(
    answers: list[tuple[str, object, object, bool, str]],
    page: tuple[float, float],
    fault: str | None,
) -> None:
    found = explained_difference(_record(answers), *page)
    assert (found.name if found else None) == fault

"""A key always marks itself full (issue #14, class 6): over every library the recorder can
read (ours, and the manifest library of tests/data/library), each question's canonical answer
and each listed alternative is marked correct, the blank is wrong, and an entry that cannot mark
itself is ``bad_key``, never a silent wrong. The keys are read from the pages in a real browser,
as the recorder reads them (recorder.audit)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recorder.answer_key import parse_key_entry
from recorder.audit import PageAudit, audit
from recorder.browser import LaunchOptions
from recorder.catalog import Catalog
from recorder.exam import adhoc_exam
from recorder.protocol import AnswerValue, KeyValue
from recorder.scoring import canonical_answer, mark_attempt

DATA = Path(__file__).parent / "data"
LIBRARY = DATA / "library"


@pytest.fixture(scope="module")
def audits() -> list[PageAudit]:
    catalog = Catalog(libraries=[LIBRARY])
    pages = [adhoc_exam((DATA / "pages" / name).as_uri()) for name in
             ("drag-shapes.html", "listening-sets.html", "written-judgements.html",
              "answer-list.html", "unnamed-boxes.html", "question-bank.html",
              "summary-gaps.html", "form-fields.html",
              "page-data.html", "lettered-choices.html", "confirm-submit.html",
              "link-submit.html", "div-submit.html", "start-gate.html", "zh-labels.html",
              "range-gaps.html", "aria-choices.html", "part-names.html",
              "custom-choices.html", "styled-choices.html",
              "menu-lists.html", "wrapped-choices.html", "inline-gaps.html",
              "labelled-boxes.html", "own-dropdowns.html", "unvalued-choices.html",
              "prompt-lists.html", "notes-grid.html", "answer-reveal.html",
              "multi-lists.html", "mouse-drag.html",
              "delegated-drop.html")]  # fmt: skip
    found = audit([*catalog.exams, *pages], LaunchOptions(headless=True))
    keyed = [a for a in found if a.key]
    assert len(keyed) >= 15, [a.exam.id for a in found if not a.key]
    return keyed


def _own_answers(page: PageAudit) -> dict[str, AnswerValue]:
    """What a learner who knows the key gives: its canonical answer per question; every letter
    of a set keyed under one id; each question of a set spread over ids, its own letter."""
    assert page.key is not None
    out: dict[str, AnswerValue] = {}
    for qid, value in page.key.items():
        qtype = page.question_types.get(qid, "")
        if isinstance(value, list) and qtype == "multiple_choice_multi":
            out[qid] = list(value)
        else:
            out[qid] = canonical_answer(value, qtype)
    return out


def _mark(page: PageAudit, answers: Mapping[str, AnswerValue]) -> list[tuple[str, object, str]]:
    assert page.key is not None
    marking = mark_attempt(
        answers, page.key, list(page.key), page.question_types,
        word_limits=page.word_limits, groups=page.groups,
    )  # fmt: skip
    return [(m.questionId, m.isCorrect, m.reason or "") for m in marking.marks]


def test_every_key_marks_itself_full(audits: list[PageAudit]) -> None:
    wrong = []
    for page in audits:
        marks = _mark(page, _own_answers(page))
        wrong += [f"{page.exam.id} q{q}: {why}" for q, ok, why in marks if ok is not True]
    assert not wrong


def test_every_listed_alternative_is_accepted(audits: list[PageAudit]) -> None:
    wrong = []
    checked = 0
    for page in audits:
        assert page.key is not None
        for qid, value in page.key.items():
            qtype = page.question_types.get(qid, "")
            entry = parse_key_entry(
                value, question_type=qtype, word_limit=page.word_limits.get(qid)
            )
            if entry.kind != "text":
                continue
            for alternative in entry.alternatives:
                for form in {
                    alternative.plainest(),
                    alternative.shown().replace("(", "").replace(")", ""),
                }:
                    checked += 1
                    (mark,) = [m for m in _mark(page, {qid: form}) if m[0] == qid]
                    if mark[1] is not True:
                        wrong.append(f"{page.exam.id} q{qid}: {form!r} ({mark[2]})")
    assert checked > 40 and not wrong


def test_the_blank_is_wrong_everywhere(audits: list[PageAudit]) -> None:
    for page in audits:
        assert all(ok is False and why == "blank" for _, ok, why in _mark(page, {})), page.exam.id


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_case_space_and_punctuation_never_cost_a_keyed_mark(
    audits: list[PageAudit], data: st.DataObject
) -> None:
    page = data.draw(st.sampled_from(audits))
    answers = _own_answers(page)
    qid = data.draw(st.sampled_from(sorted(answers)))
    given = answers[qid]
    if isinstance(given, str):
        case = data.draw(st.sampled_from([str.upper, str.lower, str.title, str]))
        edge = data.draw(st.sampled_from(["", " ", ".", "  \t"]))
        given = f"{edge}{case(given)}{edge.strip() or ''}"
    marks = _mark(page, {**answers, qid: given})
    assert all(ok is True for q, ok, _ in marks if q == qid), (page.exam.id, qid, given)


def test_a_malformed_entry_is_bad_key_never_a_silent_wrong() -> None:
    broken: dict[str, KeyValue] = {"1": "", "2": [], "3": "B"}
    marking = mark_attempt({"1": "x", "2": "y", "3": "B"}, broken, ["1", "2", "3"], {})
    assert [(m.isCorrect, m.reason) for m in marking.marks] == [
        (None, "bad_key"), (None, "bad_key"), (True, None),
    ]  # fmt: skip

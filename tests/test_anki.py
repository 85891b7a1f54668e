"""The Anki export updates the cards it made: one stable GUID per question (pure, no browser)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from recorder.mistakes import Mistake, anki_guid, to_anki

T0 = datetime(2026, 11, 1, 9, tzinfo=timezone.utc)


def mistake(exam: str, qid: str, answer: str, days: int = 0) -> Mistake:
    return Mistake(
        recordId=f"r-{exam}-{days}",
        examId=exam,
        examTitle=f"Exam {exam}",
        when=T0 + timedelta(days=days),
        questionId=qid,
        questionType="sentence_completion",
        reason="wrong",
        yourAnswer=answer,
        accepted="coral",
        questionText=f"Question {qid}\tof {exam}",
    )


def cards(text: str) -> dict[str, list[str]]:
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    return {row[0]: row for row in rows}


def test_a_second_export_after_more_practice_updates_the_same_cards() -> None:
    first = to_anki([mistake("reef", "3", "corals"), mistake("reef", "7", "sand")])
    # More practice: question 3 wrong again (newest first, as mistakes() lists them), 9 is new.
    later = [mistake("reef", "3", "coal", days=2), mistake("reef", "9", "x", days=2)]
    second = to_anki([*later, mistake("reef", "3", "corals"), mistake("reef", "7", "sand")])
    before, after = cards(first), cards(second)
    assert set(before) <= set(after) and len(after) == 3  # nothing duplicated, one card added
    guid_3 = anki_guid(mistake("reef", "3", "anything"))
    assert "You wrote: coal." in after[guid_3][2]  # the card shows the newest mistake
    assert "You wrote: corals." in before[guid_3][2]


def test_the_header_names_guid_and_tags_columns_and_fields_stay_on_one_line() -> None:
    text = to_anki([mistake("reef", "3", "a\tb\nc")], deck="My\tdeck")
    lines = text.splitlines()
    assert lines[:6] == [
        "#separator:tab",
        "#html:false",
        "#notetype:Basic",
        "#deck:My deck",
        "#guid column:1",
        "#tags column:4",
    ]
    assert len(lines) == 7 and len(lines[6].split("\t")) == 4
    assert lines[6].split("\t")[3] == "ielts sentence_completion wrong"


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=10))
def test_guids_are_stable_and_tell_questions_apart(exam: str, qid: str) -> None:
    guid = anki_guid(mistake(exam, qid, "a"))
    assert guid == anki_guid(mistake(exam, qid, "b", days=5))
    assert guid.isascii() and "\t" not in guid and len(guid) == 6 + 16
    assert guid != anki_guid(mistake(exam, qid + "x", "a"))
    assert guid != anki_guid(mistake(exam + "x", qid, "a"))

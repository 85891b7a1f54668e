"""Marking an attempt the way an IELTS examiner does. Pure functions, no I/O.

Each question gets a mark and, when wrong, a reason code the review screen explains:

``blank``            nothing was given (a blank is wrong)
``wrong``            a different answer
``spelling``         close to an accepted answer but misspelt (inner spelling counts)
``over_word_limit``  more words or numbers than the instruction allows, even if it contains the key
``wrong_family``     YES/NO given for TRUE/FALSE/NOT GIVEN, or the other way round
``not_a_letter``     a letter question answered with something that is not one letter
``partial_set``      a "choose N letters" set with some letters wrong or missing
``over_selected``    a "choose N letters" set with more letters ticked than N
``bad_key``          the page's key entry could not be read; the question is left unscored
``abbreviated``      T, F, Y, N or NG under strict marking (see :class:`MarkingRules`)

Marks per question type are marks earned over marks possible, never an average of percentages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .answer_key import (
    FAMILIES,
    KeyEntry,
    WordLimit,
    family_type,
    is_abbreviation,
    is_letter,
    parse_key_entry,
    read_judgement,
)
from .answers import comparable, edit_distance, joined, normalize, number_value, tokens
from .protocol import AnswerValue, KeyValue

#: What each reason code means, in the words the review screen shows a learner.
REASONS: dict[str, str] = {
    "blank": "no answer was given",
    "wrong": "a different answer",
    "spelling": "misspelt: IELTS marks a misspelt answer wrong",
    "over_word_limit": "more words than the instructions allow",
    "wrong_family": "YES/NO and TRUE/FALSE are different answer sets",
    "not_a_letter": "the question asks for one letter",
    "partial_set": "not every letter of the set is right",
    "over_selected": "more letters ticked than the question asks for",
    "bad_key": "the page's answer key for this question could not be read",
    "abbreviated": "written as T/F/Y/N/NG: this marking (strict) wants the word in full",
    "unseen": "never on screen: a window of the test was not opened",
}


@dataclass(frozen=True)
class QuestionMark:
    """How one question was marked."""

    questionId: str
    questionType: str
    userAnswer: AnswerValue
    accepted: tuple[str, ...]
    isCorrect: bool | None
    reason: str | None = None


@dataclass(frozen=True)
class Marking:
    """A marked attempt: one mark per question, totals per question type."""

    marks: tuple[QuestionMark, ...]
    keyed: bool
    per_type: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.marks)

    @property
    def score(self) -> int | None:
        return sum(1 for m in self.marks if m.isCorrect) if self.keyed else None


def spread_ids(qid: str, count: int) -> list[str]:
    """The ids a "choose N" keyed under one id is recorded under, a mark each: 11, 11b, 11c."""
    return [qid] + [f"{qid}{chr(ord('a') + n)}" for n in range(1, count)]


def spread_from(qid: str) -> str | None:
    """The id a spread id was made from ("11b" → "11"); None for any other id."""
    if len(qid) > 1 and "b" <= qid[-1] <= "z" and qid[-2].isdigit():
        return qid[:-1]
    return None


def mark_entry(
    entry: KeyEntry, answer: AnswerValue, rules: MarkingRules | None = None
) -> tuple[bool, str | None]:
    """Mark one (non-set) question: (correct, reason when wrong)."""
    if isinstance(answer, list) and entry.kind in ("letter", "judgement") and len(answer) > 1:
        return False, "over_selected"
    text = joined(answer, " ")
    if not normalize(text):
        return False, "blank"
    if entry.kind == "judgement":
        if not (rules or LENIENT).abbreviations and is_abbreviation(text):
            return False, "abbreviated"
        return _mark_judgement(entry, text)
    if entry.kind == "letter":
        given = normalize(text)
        if not is_letter(given):
            return False, "not_a_letter"
        letter = given.upper() if len(given) == 1 else given.lower()
        return (True, None) if letter in entry.letters else (False, "wrong")
    return _mark_text(entry, text)


def _mark_judgement(entry: KeyEntry, text: str) -> tuple[bool, str | None]:
    found = read_judgement(text, entry.family)
    if found is None:
        other = [f for f in FAMILIES if f != entry.family]
        if other and read_judgement(text, other[0]) is not None:
            return False, "wrong_family"
        return False, "wrong"
    value, family = found
    if entry.family and value not in FAMILIES[entry.family]:
        return False, "wrong_family"
    if family and entry.family and family != entry.family:
        return False, "wrong_family"
    return (True, None) if value == entry.judgement else (False, "wrong")


def _mark_text(entry: KeyEntry, text: str) -> tuple[bool, str | None]:
    limit: WordLimit | None = entry.word_limit
    if limit is not None and not limit.allows(text):
        return False, "over_word_limit"
    given = [comparable(token) for token in tokens(text)]
    if any(alt.matches(given, literal=entry.literal) for alt in entry.alternatives):
        return True, None
    if not entry.literal:
        value = number_value(" ".join(given))
        if value is not None and any(
            number_value(a.plainest()) == value for a in entry.alternatives
        ):
            return True, None
    for alt in entry.alternatives:
        for form in {alt.plainest(), " ".join(t for t, _ in alt.parts)}:
            if misspelt(given, form.split()):
                return False, "spelling"
    return False, "wrong"


#: A misspelt word must be at least this long: shorter near misses are usually other words
#: (skirt / shirt, tor / tour).
SPELLING_MIN_LENGTH = 6


def misspelt(given: Sequence[str], form: Sequence[str]) -> bool:
    """Whether ``given`` is ``form`` with a spelling slip: spacing or hyphens, or at most two
    letters wrong in total, each wrong word being a long one."""
    if "".join(given).replace("-", "") == "".join(form).replace("-", "") and given != form:
        return True
    if len(given) != len(form):
        return False
    total = 0
    for a, b in zip(given, form, strict=True):
        if a == b:
            continue
        if min(len(a), len(b)) < SPELLING_MIN_LENGTH:
            return False
        total += edit_distance(a, b, limit=2)
    return 0 < total <= 2


def _set_letters(values: Sequence[KeyValue]) -> set[str]:
    letters: set[str] = set()
    for value in values:
        entry = parse_key_entry(value, in_set=True)
        letters |= entry.letters
    return letters


def _chosen(answers: Sequence[AnswerValue]) -> list[str]:
    chosen: list[str] = []
    for answer in answers:
        items = answer if isinstance(answer, list) else [answer] if answer else []
        for item in items:
            letter = normalize(item).upper()
            if letter and letter not in chosen:
                chosen.append(letter)
    return chosen


def mark_set(
    group: Sequence[str],
    key_values: Sequence[KeyValue],
    answers: Sequence[AnswerValue],
    rules: MarkingRules | None = None,
) -> list[tuple[bool, str | None]]:
    """Mark a "choose N letters" set of N questions, one mark per correct letter, any order.

    Ticking more than N letters costs marks: each surplus letter cancels one correct letter. The
    IELTS instructions tell candidates that writing more answers than asked loses the mark; with
    checkboxes a marker cannot tell which N letters were meant, so the surplus letters count as
    wrong guesses. This keeps "tick every box" from ever scoring more than an honest choice.
    Under strict marking (:class:`MarkingRules`) a set with any surplus letter earns nothing.
    """
    size = len(group)
    key = _set_letters(key_values)
    chosen = _chosen(answers)
    surplus = max(0, len(chosen) - size)
    earned = max(0, min(size, len(key & set(chosen)) - surplus))
    if surplus and not (rules or LENIENT).surplus_cancels:
        earned = 0
    if not chosen:
        wrong_reason = "blank"
    elif surplus:
        wrong_reason = "over_selected"
    else:
        wrong_reason = "partial_set"
    return [(True, None) if n < earned else (False, wrong_reason) for n in range(size)]


@dataclass(frozen=True)
class MarkingRules:
    """The marking rules public sources do not settle, as a teacher chooses them (README,
    "Marking"). ``lenient`` is the default and what every record before the setting used."""

    name: str = "lenient"

    @property
    def abbreviations(self) -> bool:
        """T, F, Y, N and NG accepted for TRUE, FALSE, YES, NO and NOT GIVEN."""
        return self.name == "lenient"

    @property
    def surplus_cancels(self) -> bool:
        """A "choose N" set with more than N letters ticked: each surplus letter cancels one
        correct letter (lenient), or the set earns nothing (strict)."""
        return self.name == "lenient"


MARKING_MODES = ("lenient", "strict")
LENIENT = MarkingRules()


def marking_rules(name: str) -> MarkingRules:
    """The rules called ``name``, or ValueError naming the ones that exist."""
    if name not in MARKING_MODES:
        raise ValueError(f"unknown marking {name!r}: use {' or '.join(MARKING_MODES)}")
    return MarkingRules(name)


_Result = tuple[tuple[str, ...], bool | None, str | None]


def mark_attempt(
    answers: Mapping[str, AnswerValue],
    key: Mapping[str, KeyValue] | None,
    question_ids: Sequence[str],
    question_types: Mapping[str, str],
    *,
    word_limits: Mapping[str, str] | None = None,
    groups: Sequence[Sequence[str]] = (),
    rules: MarkingRules = LENIENT,
) -> Marking:
    """Mark every question in ``question_ids``; without a key every mark is None (unscored).

    A question whose key lists several letters and that the page answers by ticking boxes
    (``["C","E","G"]`` under one id) is a "choose THREE" set: three marks, the second and third
    recorded as ``<id>b`` and ``<id>c``."""
    set_of = {qid: tuple(group) for group in groups if len(group) > 1 for qid in group}
    entries = _entries(key or {}, question_ids, question_types, word_limits or {}, set_of, answers)
    results: dict[str, _Result] = {}
    spread: dict[str, list[str]] = {}
    for qid in question_ids:
        if qid in results:
            continue
        group = set_of.get(qid)
        if key is not None and group:
            results.update(_mark_group(group, key, answers, rules))
            continue
        entry = entries.get(qid)
        if key is None or entry is None:
            results[qid] = ((), None, None)
        elif isinstance(entry, str):
            results[qid] = ((), None, entry)
        elif entry.kind == "set":
            ids = spread_ids(qid, len(entry.letters))
            spread[qid] = ids[1:]
            given = answers.get(qid)
            got = mark_set(ids, [key[qid]], [given] * len(ids), rules)
            results.update({i: (entry.accepted(), *m) for i, m in zip(ids, got, strict=True)})
        else:
            results[qid] = (entry.accepted(), *mark_entry(entry, answers.get(qid), rules))
    marks: list[QuestionMark] = []
    per_type: dict[str, tuple[int, int]] = {}
    for qid in question_ids:
        entry = entries.get(qid)
        qtype = question_types.get(qid, "unknown")
        if isinstance(entry, KeyEntry) and entry.kind == "judgement" and entry.family:
            qtype = family_type(entry.family)  # a judgement written in a text box
        for each in [qid, *spread.get(qid, [])]:
            accepted, mark, why = results[each]
            marks.append(QuestionMark(each, qtype, answers.get(qid), accepted, mark, why))
            if mark is not None:
                earned, possible = per_type.get(qtype, (0, 0))
                per_type[qtype] = (earned + int(mark), possible + 1)
    return Marking(tuple(marks), keyed=key is not None, per_type=per_type)


def _mark_group(
    group: Sequence[str],
    key: Mapping[str, KeyValue],
    answers: Mapping[str, AnswerValue],
    rules: MarkingRules,
) -> dict[str, _Result]:
    """A "choose N" set spread over N question ids."""
    values = [key[g] for g in group if g in key]
    if not values:
        return {g: ((), None, None) for g in group}
    try:
        accepted = tuple(sorted(_set_letters(values)))
    except ValueError:
        return {g: ((), None, "bad_key") for g in group}
    set_marks = mark_set(group, values, [answers.get(g) for g in group], rules)
    return {g: (accepted, *m) for g, m in zip(group, set_marks, strict=True)}


def _entries(
    key: Mapping[str, KeyValue],
    question_ids: Sequence[str],
    types: Mapping[str, str],
    limits: Mapping[str, str],
    set_of: Mapping[str, tuple[str, ...]],
    answers: Mapping[str, AnswerValue],
) -> dict[str, KeyEntry | str]:
    """Each question's key entry ("bad_key" where it cannot be read). A judgement keyed only
    NOT GIVEN takes the family of the judgements around it (a run of TRUE/FALSE/NOT GIVEN
    questions), so YES there is a wrong family, not a different answer."""
    entries: dict[str, KeyEntry | str] = {}
    for qid in question_ids:
        if qid in set_of or qid not in key or qid in entries:
            continue
        entries[qid] = _entry(key[qid], types.get(qid, ""), limits.get(qid), answers.get(qid))
    run: list[str] = []
    for qid in [*question_ids, ""]:
        entry = entries.get(qid)
        if isinstance(entry, KeyEntry) and entry.kind == "judgement":
            run.append(qid)
            continue
        families = [e.family for q in run if isinstance(e := entries[q], KeyEntry) and e.family]
        for q in run:
            found = entries[q]
            if families and isinstance(found, KeyEntry) and found.family is None:
                entries[q] = replace(found, family=families[0])
        run = []
    return entries


def _entry(value: KeyValue, qtype: str, limit: str | None, answer: AnswerValue) -> KeyEntry | str:
    ticked = qtype == "multiple_choice_multi" or isinstance(answer, list)
    try:
        if isinstance(value, list) and len(value) > 1 and ticked and all(map(is_letter, value)):
            return parse_key_entry(value, question_type=qtype, in_set=True)
        return parse_key_entry(value, question_type=qtype, word_limit=limit)
    except ValueError:
        return "bad_key"


def canonical_answer(key: KeyValue, question_type: str = "") -> str:
    """One answer that earns the mark for ``key``: what a scripted learner types."""
    try:
        return parse_key_entry(key, question_type=question_type).canonical()
    except ValueError:
        return ""

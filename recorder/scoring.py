"""Marking an attempt against its answer key. Pure functions, no I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .protocol import AnswerValue, KeyValue


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


_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def normalize(text: str) -> str:
    """Case, surrounding white space and punctuation do not matter; inner spelling does."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(text.split())
    return _EDGE_PUNCT.sub("", text)


def accepted_answers(key: KeyValue) -> tuple[str, ...]:
    if isinstance(key, list):
        return tuple(key)
    return tuple(part.strip() for part in re.split(r"\s[/|]\s|\|", key) if part.strip())


def mark_attempt(
    answers: Mapping[str, AnswerValue],
    key: Mapping[str, KeyValue] | None,
    question_ids: Sequence[str],
    question_types: Mapping[str, str],
) -> Marking:
    """Mark every question in ``question_ids``; without a key every mark is ``None`` (unscored)."""
    marks = []
    per_type: dict[str, tuple[int, int]] = {}
    for qid in question_ids:
        qtype = question_types.get(qid, "unknown")
        given = answers.get(qid)
        if key is None or qid not in key:
            marks.append(QuestionMark(qid, qtype, given, (), None, None))
            continue
        accepted = accepted_answers(key[qid])
        text = " ".join(given) if isinstance(given, list) else given or ""
        reason: str | None
        if not normalize(text):
            correct, reason = False, "blank"
        else:
            correct = normalize(text) in {normalize(a) for a in accepted}
            reason = None if correct else "wrong"
        marks.append(QuestionMark(qid, qtype, given, accepted, correct, reason))
        earned, possible = per_type.get(qtype, (0, 0))
        per_type[qtype] = (earned + int(correct), possible + 1)
    return Marking(tuple(marks), keyed=key is not None, per_type=per_type)


def canonical_answer(key: KeyValue) -> str:
    """The one form a scripted learner types for a key entry: its first alternative, plainest."""
    first = accepted_answers(key)[0] if accepted_answers(key) else ""
    return " ".join(re.sub(r"\([^)]*\)", " ", first).split()) or first

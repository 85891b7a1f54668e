"""What an answer key entry accepts, parsed from whatever a page keeps. Pure functions.

A key entry is one of four kinds:

- ``judgement``: TRUE / FALSE / NOT GIVEN or YES / NO / NOT GIVEN. The two are different families:
  YES is wrong where the key says TRUE. ``NG`` is read as NOT GIVEN, and the single letters T, F,
  Y, N only within their own family. Letters are never turned into booleans. A question the page
  types as a written one (a text box) is a judgement when its key is one of these words written
  in full (``NOT GIVEN``, ``YES``) and no word limit applies: pages often ask learners to *write*
  TRUE, FALSE or NOT GIVEN.
- ``letter``: a choice by letter (A-Z) or by roman numeral (matching headings). ``b`` = ``B``.
- ``set``: "choose TWO/THREE letters", which IELTS counts as two or three questions: one mark for
  each correct letter, in any order.
- ``text``: a written answer with alternatives (``4 / four``, ``colour | color``), optional words in
  brackets (``(vigorous) exercise``) and, for completion tasks, a word limit.

How page keys are read:

- A string is split into alternatives on ``|`` and on `` / `` (with spaces). A bare ``/`` (no
  spaces) is decided by what stands on each side (:func:`split_bare_slash`):

  ==================================  ===================  ========================================
  key                                 read as              why
  ==================================  ===================  ========================================
  ``A/B``, ``C/D/E``                  alternatives         capital letters: one of the choices
  ``4/four``, ``colour/color``        alternatives         a word, or a number and its word
  ``UK/United Kingdom``               alternatives         words on each side, however many
  ``24/7``, ``3/4``, ``12/5/2020``    one answer           digits on every side: a fraction, a date
  ``km/h``, ``m/s``, ``kg/m``         one answer           units, or a side of one small letter
  ``/x``, ``a//b``                    one answer           an empty side: not a list
  ==================================  ===================  ========================================
- An array is a set when the question belongs to a "choose N" group, and alternatives otherwise:
  one question earns one mark, so a list on a single question can only mean "any of these".
- A string that starts with ``=`` is literal: no digits-for-words equivalence (``=4`` rejects four).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .answers import comparable, count_words, number_value, tokens
from .protocol import KeyValue

Kind = Literal["judgement", "letter", "set", "text"]
Family = Literal["tfng", "ynng"]

FAMILIES: dict[Family, frozenset[str]] = {
    "tfng": frozenset({"TRUE", "FALSE", "NOT GIVEN"}),
    "ynng": frozenset({"YES", "NO", "NOT GIVEN"}),
}
_SHORT: dict[Family, dict[str, str]] = {
    "tfng": {"T": "TRUE", "F": "FALSE", "NG": "NOT GIVEN"},
    "ynng": {"Y": "YES", "N": "NO", "NG": "NOT GIVEN"},
}
_FAMILY_OF_TYPE: dict[str, Family] = {"true_false_not_given": "tfng", "yes_no_not_given": "ynng"}
_ROMAN = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii|xiii|xiv|xv)$", re.IGNORECASE)
_LETTER = re.compile(r"^[A-Za-z]$")
#: Words in a question type that mark a written answer (matched as whole words of the type).
_TEXT_TYPE_WORDS = frozenset({"completion", "short", "label", "labelling", "labeling", "text"})
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@dataclass(frozen=True)
class WordLimit:
    """``NO MORE THAN TWO WORDS AND/OR A NUMBER`` and its kin."""

    words: int
    numbers: int
    phrase: str

    def allows(self, answer: str) -> bool:
        counted = count_words(answer)
        if self.numbers == 0:  # no number allowed separately: a number counts as a word
            return counted.words + counted.numbers <= self.words
        return counted.words <= self.words and counted.numbers <= self.numbers


_LIMIT = re.compile(
    r"(?:NO\s+MORE\s+THAN\s+(?P<max>ONE|TWO|THREE|FOUR|FIVE)\s+WORDS?"
    r"|(?P<exact>ONE|TWO|THREE)\s+WORDS?(?:\s+ONLY)?)"
    r"(?P<number>\s+AND/OR\s+A\s+NUMBER)?"
    r"|(?P<only_number>\bA\s+NUMBER(?:\s+ONLY)?\b|\bNUMBERS?\s+ONLY\b)",
    re.IGNORECASE,
)


def parse_word_limit(text: str | None) -> WordLimit | None:
    """The word limit stated in an instruction, or None when it states none."""
    if not text:
        return None
    match = _LIMIT.search(text)
    if not match:
        return None
    phrase = " ".join(match.group(0).upper().split())
    if match.group("only_number"):
        return WordLimit(0, 1, phrase)
    count = _NUMBER_WORDS[(match.group("max") or match.group("exact")).lower()]
    return WordLimit(count, 1 if match.group("number") else 0, phrase)


@dataclass(frozen=True)
class Alternative:
    """One accepted written answer: its tokens, each required or optional."""

    parts: tuple[tuple[str, bool], ...]  # (comparable token, optional)
    text: str = ""  # as the key wrote it, for showing

    @classmethod
    def parse(cls, text: str) -> Alternative:
        parts: list[tuple[str, bool]] = []
        for optional, plain in re.findall(r"\(([^)]*)\)|([^\s()]+)", text):
            for token in tokens(optional or plain):
                parts.append((comparable(token), bool(optional)))
        return cls(tuple(parts), " ".join(text.split()))

    def plainest(self) -> str:
        return " ".join(token for token, optional in self.parts if not optional)

    def shown(self) -> str:
        return self.text or " ".join(f"({t})" if optional else t for t, optional in self.parts)

    def matches(self, answer: Sequence[str], *, literal: bool) -> bool:
        """Whether the answer's comparable tokens fit, skipping optional words as needed."""
        parts = self.parts
        seen: dict[tuple[int, int], bool] = {}

        def fit(i: int, j: int) -> bool:
            if (i, j) in seen:
                return seen[(i, j)]
            if i == len(parts):
                result = j == len(answer)
            else:
                token, optional = parts[i]
                result = (optional and fit(i + 1, j)) or (
                    j < len(answer) and _same_token(token, answer[j], literal) and fit(i + 1, j + 1)
                )
            seen[(i, j)] = result
            return result

        return fit(0, 0)


def _same_token(key: str, given: str, literal: bool) -> bool:
    if key == given:
        return True
    if literal:
        return False
    a, b = number_value(key), number_value(given)
    return a is not None and a == b


@dataclass(frozen=True)
class KeyEntry:
    """Everything a key says about one question."""

    kind: Kind
    question_type: str = ""
    alternatives: tuple[Alternative, ...] = ()
    letters: frozenset[str] = frozenset()
    family: Family | None = None
    judgement: str = ""
    word_limit: WordLimit | None = None
    literal: bool = False

    def accepted(self) -> tuple[str, ...]:
        """The accepted answers as a learner would read them."""
        if self.kind == "judgement":
            return (self.judgement,)
        if self.kind in ("letter", "set"):
            return tuple(sorted(self.letters))
        return tuple(alt.shown() for alt in self.alternatives)

    def canonical(self) -> str:
        """One answer that earns the mark: what a scripted learner types."""
        if self.kind == "judgement":
            return self.judgement
        if self.kind in ("letter", "set"):
            return sorted(self.letters)[0]
        return self.alternatives[0].plainest()


_UNIT_WORDS = frozenset(
    "km m cm mm kg g mg l ml h hr hrs s sec min mins mph kph kmh sq ft in yd lb oz day week".split()
)


def split_bare_slash(text: str) -> list[str]:
    """A key written with a slash and no spaces: alternatives, or one answer (the table in this
    module's docstring)."""
    sides = [side.strip() for side in text.split("/")]
    if len(sides) < 2 or not all(sides):
        return [text]
    if all(re.fullmatch(r"[A-Z]", side) for side in sides):
        return sides  # A/B
    if all(re.fullmatch(r"[\d.,:]+", side) for side in sides):
        return [text]  # 24/7, 3/4, 12/5
    lowered = [side.casefold() for side in sides]
    if any(len(s) == 1 and s.isalpha() for s in lowered) or all(s in _UNIT_WORDS for s in lowered):
        return [text]  # km/h, m/s
    return sides


def _split_alternatives(text: str) -> list[str]:
    spaced = [part.strip() for part in re.split(r"\s+/\s+|\|", text) if part.strip()]
    return [alt for part in spaced for alt in split_bare_slash(part)]


_ABBREVIATIONS = frozenset({"T", "F", "Y", "N", "NG"})


def _judgement_text(value: str) -> str:
    """Upper case, single spaces; an abbreviation with its dots and spaces gone (N.G. → NG)."""
    upper = " ".join(value.upper().replace(".", " ").split())
    squeezed = upper.replace(" ", "")
    return squeezed if squeezed in _ABBREVIATIONS else upper


def read_judgement(value: str, family: Family | None) -> tuple[str, Family | None] | None:
    upper = _judgement_text(value)
    if upper in ("NOT GIVEN", "NG"):
        return "NOT GIVEN", family
    for name, words in FAMILIES.items():
        if upper in words:
            return upper, name
    if family and upper in _SHORT[family]:
        return _SHORT[family][upper], family
    return None


def _written_in_full(value: str) -> bool:
    return " ".join(value.upper().split()) in FAMILIES["tfng"] | FAMILIES["ynng"] | {"NG"}


def is_abbreviation(value: str) -> bool:
    """T, F, Y, N or NG for a judgement: accepted or not by the marking rules."""
    return _judgement_text(value) in _ABBREVIATIONS


def family_type(family: Family) -> str:
    """The question type of a judgement family, as records and stats name it."""
    return {"tfng": "true_false_not_given", "ynng": "yes_no_not_given"}[family]


def is_letter(value: str) -> bool:
    """One letter (A-Z) or a roman numeral (i-xv), as matching tasks use."""
    return bool(_LETTER.match(value) or _ROMAN.match(value))


def parse_key_entry(
    value: KeyValue,
    *,
    question_type: str = "",
    word_limit: str | WordLimit | None = None,
    in_set: bool = False,
) -> KeyEntry:
    """A page's key value for one question, as a :class:`KeyEntry`."""
    limit = (
        parse_word_limit(word_limit)
        if isinstance(word_limit, str) or word_limit is None
        else word_limit
    )
    raw = [value] if isinstance(value, str) else list(value)
    literal = any(item.strip().startswith("=") for item in raw)
    items = [part for item in raw for part in _split_alternatives(item.strip().lstrip("="))]
    if not items:
        raise ValueError("an answer key entry needs at least one accepted answer")
    if in_set:
        return KeyEntry("set", question_type, letters=frozenset(i.strip().upper() for i in items))
    textual = bool(_TEXT_TYPE_WORDS & set(question_type.lower().split("_")))
    family = _FAMILY_OF_TYPE.get(question_type)
    judged = [read_judgement(item, family) for item in items]
    # a written answer under a word limit is a completion, never a judgement: an instruction
    # that asks for TRUE, FALSE or NOT GIVEN states no word limit
    written = _written_in_full(items[0]) and limit is None
    if len(judged) == 1 and judged[0] and (not textual or written):
        found = judged[0]
        return KeyEntry("judgement", question_type, family=found[1], judgement=found[0])
    if not textual and all(is_letter(item) for item in items):
        letters = frozenset(item.upper() if _LETTER.match(item) else item.lower() for item in items)
        return KeyEntry("letter", question_type, letters=letters)
    return KeyEntry(
        "text",
        question_type,
        alternatives=tuple(Alternative.parse(item) for item in items),
        word_limit=limit,
        literal=literal,
    )

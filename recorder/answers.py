"""Reading a learner's written answer the way an IELTS marker does. Pure functions.

- Case, surrounding white space and surrounding punctuation do not matter; inner spelling does.
- Words are counted as IELTS counts them: a hyphenated word is one word, and a number written with
  separators or units (``30,000``, ``9.30am``, ``55%``, ``£4.50``) is one number.
- A number with its scale words is one number: ``102 million``, ``£3.2 million``, ``1.5m``,
  ``3bn``, ``two hundred and ten``, ``4 thousand``; so is a range (``10-15``, ``10–15``). A word
  after it is a word (``12 million years`` is a number and a word; ``20th century`` too).
- Numbers may be written in digits or words (``4`` / ``four``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .spelling import canonical_spelling

_EDGE_PUNCT = re.compile(r"^[^\w£$€%]+|[^\w%]+$")
_NUMBER_TOKEN = re.compile(
    r"^[£$€]?\d[\d,]*(?:[.:]\d+)?(?:%|am|pm|st|nd|rd|th|s|km|kg|cm|mm|m|g|ml|l|bn|k)?"
    r"(?:[-–][£$€]?\d[\d,]*(?:[.:]\d+)?(?:%|am|pm|km|kg|cm|mm|m|g|ml|l|bn|k)?)?$"
)

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}


def joined(value: str | list[str] | None, joiner: str) -> str:
    """An answer value as one piece of text: a list's items joined, nothing as ""."""
    if isinstance(value, list):
        return joiner.join(value)
    return value or ""


def normalize(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation; inner characters kept."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = _EDGE_PUNCT.sub("", text).strip()
    return text


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def is_number_token(token: str) -> bool:
    return bool(_NUMBER_TOKEN.match(token)) or word_number(token) is not None


@dataclass(frozen=True)
class WordCount:
    words: int
    numbers: int


def count_words(text: str) -> WordCount:
    """How many words and numbers an answer has, as IELTS counts them: a number's scale words
    (and the "and" inside a number in words) belong to the number."""
    words = numbers = 0
    previous_number = False
    parts = tokens(text)
    for n, token in enumerate(parts):
        if previous_number and (token in _SCALES or _joins_number(parts, n)):
            continue  # 102 million, two hundred and ten: still the same number
        if token in _SCALES or is_number_token(token):
            numbers += 1
            previous_number = True
        else:
            words += 1
            previous_number = False
    return WordCount(words, numbers)


def _joins_number(parts: list[str], n: int) -> bool:
    """A number in words goes on only where the words make one number: "and" or a number after
    a scale word ("two hundred and ten", "three thousand four"), a unit after a tens word
    ("twenty one"), minutes after an hour ("seven thirty"). "seven seven" is two numbers, "seven
    and seven" two numbers and a word."""
    token, before = parts[n], parts[n - 1]
    if token == "and":
        return before in _SCALES and n + 1 < len(parts) and word_number(parts[n + 1]) is not None
    if word_number(token) is None:
        return False
    if before == "and" or before in _SCALES:
        return True
    if before in _UNITS[1:13] and (token in _TENS or token in _UNITS[10:] or "-" in token):
        return True  # a time of day, as keys write it: "seven thirty", "ten forty-five"
    return before in _TENS and token in _UNITS[1:10]


def word_number(text: str) -> int | None:
    """``four`` → 4, ``eighty-five`` → 85, ``two hundred and ten`` → 210; None if not a number."""
    parts = [p for p in re.split(r"[\s-]+", normalize(text)) if p and p != "and"]
    if not parts:
        return None
    total = current = 0
    for part in parts:
        if part in _UNITS:
            current += _UNITS.index(part)
        elif part in _TENS:
            current += (_TENS.index(part) + 2) * 10
        elif part in _SCALES:
            current = max(current, 1) * _SCALES[part]
            if _SCALES[part] > 100:
                total += current
                current = 0
        else:
            return None
    return total + current


_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SHORT_SCALES = {"bn": 1_000_000_000, "k": 1000}


def number_value(text: str) -> float | None:
    """The value of an answer that is a number in digits or words, with its scale words
    (``102 million``, ``3.2 billion``, ``3bn``), else None. ``1.5m`` is not read as a million:
    m is also metres."""
    plain = normalize(text).lstrip("£$€")
    if _DIGITS.fullmatch(plain):
        return float(plain.replace(",", ""))
    head, _, rest = plain.partition(" ")
    short = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)(bn|k)", plain)
    if short:
        return float(short.group(1).replace(",", "")) * _SHORT_SCALES[short.group(2)]
    if _DIGITS.fullmatch(head) and rest:
        scale = word_number(rest)  # "million", "thousand million"
        if scale is not None and all(w in _SCALES for w in rest.replace("-", " ").split()):
            return float(head.replace(",", "")) * scale
    value = word_number(plain)
    return float(value) if value is not None else None


def comparable(text: str) -> str:
    """The form two answers are compared in: normalised, with one spelling for variant words."""
    return " ".join(canonical_spelling(token) for token in normalize(text).split())


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]

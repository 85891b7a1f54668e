"""Reading a learner's written answer the way an IELTS marker does. Pure functions.

- Case, surrounding white space and surrounding punctuation do not matter; inner spelling does.
- Words are counted as IELTS counts them: a hyphenated word is one word, and a number written with
  separators or units (``30,000``, ``9.30am``, ``55%``, ``£4.50``) is one number.
- Numbers may be written in digits or words (``4`` / ``four``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .spelling import canonical_spelling

_EDGE_PUNCT = re.compile(r"^[^\w£$€%]+|[^\w%]+$")
_NUMBER_TOKEN = re.compile(
    r"^[£$€]?\d[\d,]*(?:[.:]\d+)?(?:%|am|pm|st|nd|rd|th|s|km|kg|cm|mm|m|g|ml|l)?$"
)

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


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
    """How many words and numbers an answer has, as IELTS counts them."""
    words = numbers = 0
    for token in tokens(text):
        if is_number_token(token):
            numbers += 1
        else:
            words += 1
    return WordCount(words, numbers)


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


def number_value(text: str) -> float | None:
    """The value of an answer that is a number in digits or words, else None."""
    plain = normalize(text).lstrip("£$€")
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", plain):
        return float(plain.replace(",", ""))
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

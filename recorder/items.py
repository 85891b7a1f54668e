"""Item analysis: how each question of an exam behaves across every stored attempt.

The statistics are those of classical test theory, as Moodle's quiz statistics report them to
teachers (Moodle docs, "Quiz statistics calculations"):

- **facility**: the share of attempts that got the question right (0 to 1);
- **discrimination**: the correlation of the question's mark with the rest of the attempt's
  marks (the attempt's score without this question), Pearson's r on a 0/1 item, which is the
  corrected point-biserial; near 0 the question does not tell strong attempts from weak ones,
  below 0 the weak attempts do better than the strong ones;
- the **upper and lower groups**: the best and worst 27% of attempts by score (Kelley's groups),
  and the facility in each.

A question that almost nobody gets right while the strong attempts fail it as well as the weak
ones is most often a wrong key: it is flagged ``suspect-key``, with the answers the strong
attempts gave instead. A question every attempt gets right is flagged ``everyone-right``. Only
completed, marked attempts count, and a question needs :data:`MIN_ATTEMPTS` of them before it is
judged.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .answers import joined, normalize
from .config import MIN_ATTEMPTS
from .record import PracticeRecord

#: Kelley's share of attempts in each of the upper and lower groups.
GROUP_SHARE = 0.27
#: A question at or below this facility, failed by the upper group as often as by the lower, is
#: a suspect key.
SUSPECT_FACILITY = 0.25
#: At or above this facility a question tells nobody apart.
EVERYONE_RIGHT = 0.95


@dataclass(frozen=True)
class _Response:
    correct: bool
    rest: int  # the attempt's other marks
    answer: str


@dataclass
class ItemStats:
    examId: str
    examTitle: str
    questionId: str
    questionType: str
    key: str
    attempts: int
    facility: float
    discrimination: float | None
    upperFacility: float
    lowerFacility: float
    wrongAnswers: list[tuple[str, int]] = field(default_factory=list)
    #: The wrong answers the upper group gave (what a wrong key's "right" answer looks like).
    upperWrongAnswers: list[tuple[str, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either side does not vary (nothing to correlate)."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _groups(responses: Sequence[_Response]) -> tuple[list[_Response], list[_Response]]:
    """The upper and lower 27% by the attempt's whole score (at least one attempt each)."""
    ranked = sorted(responses, key=lambda r: r.rest + r.correct, reverse=True)
    size = max(1, round(len(ranked) * GROUP_SHARE))
    return ranked[:size], ranked[-size:]


def _share(responses: Sequence[_Response]) -> float:
    return sum(r.correct for r in responses) / len(responses) if responses else 0.0


def _common(answers: Iterable[str], top: int = 3) -> list[tuple[str, int]]:
    return Counter(a for a in answers).most_common(top)


def analyse(
    records: Iterable[PracticeRecord], *, exam: str | None = None, min_attempts: int = MIN_ATTEMPTS
) -> list[ItemStats]:
    """Every question of every exam (or of ``exam``) with its statistics and flags, in exam
    then question order."""
    by_item: dict[tuple[str, str], list[_Response]] = {}
    about: dict[tuple[str, str], tuple[str, str, str]] = {}
    for record in records:
        if record.status != "completed" or record.score is None:
            continue
        if exam is not None and record.examId != exam:
            continue
        marked = [a for a in record.answers if a.isCorrect is not None]
        total = sum(bool(a.isCorrect) for a in marked)
        for answer in marked:
            item = (record.examId, answer.questionId)
            answer_text = normalize(joined(answer.userAnswer, ", ")) or "(blank)"
            by_item.setdefault(item, []).append(
                _Response(bool(answer.isCorrect), total - bool(answer.isCorrect), answer_text)
            )
            key = joined(answer.correctAnswer, " / ")
            about[item] = (record.title, answer.questionType, key)
    return [
        _item(item, about[item], responses, min_attempts)
        for item, responses in sorted(by_item.items(), key=lambda kv: _order(kv[0]))
    ]


def _order(item: tuple[str, str]) -> tuple[str, int, str]:
    exam_id, qid = item
    digits = "".join(c for c in qid if c.isdigit())
    return exam_id, int(digits) if digits else 0, qid


def _item(
    item: tuple[str, str],
    about: tuple[str, str, str],
    responses: Sequence[_Response],
    min_attempts: int,
) -> ItemStats:
    upper, lower = _groups(responses)
    stats = ItemStats(
        examId=item[0],
        examTitle=about[0],
        questionId=item[1],
        questionType=about[1],
        key=about[2],
        attempts=len(responses),
        facility=round(_share(responses), 4),
        discrimination=_rounded(
            correlation([float(r.correct) for r in responses], [float(r.rest) for r in responses])
        ),
        upperFacility=round(_share(upper), 4),
        lowerFacility=round(_share(lower), 4),
        wrongAnswers=_common(r.answer for r in responses if not r.correct),
        upperWrongAnswers=_common(r.answer for r in upper if not r.correct),
    )
    stats.flags = flags(stats, min_attempts)
    return stats


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def flags(stats: ItemStats, min_attempts: int = MIN_ATTEMPTS) -> list[str]:
    if stats.attempts < min_attempts:
        return []
    found = []
    if stats.facility <= SUSPECT_FACILITY and stats.upperFacility <= stats.lowerFacility:
        found.append("suspect-key")
    if stats.facility >= EVERYONE_RIGHT:
        found.append("everyone-right")
    if stats.discrimination is not None and stats.discrimination < 0 and not found:
        found.append("negative-discrimination")
    return found


FLAG_TEXT = {
    "suspect-key": "almost nobody gets it right and strong attempts fail it too: check the key",
    "everyone-right": "every attempt gets it right: it tells nobody apart",
    "negative-discrimination": "weak attempts do better than strong ones: check the question",
}

"""Raw score (out of 40) to IELTS band, with one table per module.

Source: the conversion tables the IELTS partners publish in "IELTS scoring in detail"
(ielts.org, "How IELTS is scored"), which give bands 4 to 9; the rows below band 4 follow the
widely reproduced teacher tables built on the same data (for example the British Council's
"Understand and prepare" practice-test answer sheets). IELTS itself says the raw score needed for a
band varies slightly from test to test, so every band here is a guide, not an official result.
"""

from __future__ import annotations

from typing import Literal

Module = Literal["listening", "academic", "general"]

# (lowest raw score out of 40, band), highest band first.
LISTENING: tuple[tuple[int, float], ...] = (
    (39, 9.0), (37, 8.5), (35, 8.0), (32, 7.5), (30, 7.0), (26, 6.5), (23, 6.0),
    (18, 5.5), (16, 5.0), (13, 4.5), (10, 4.0), (8, 3.5), (6, 3.0), (4, 2.5),
)  # fmt: skip
ACADEMIC_READING: tuple[tuple[int, float], ...] = (
    (39, 9.0), (37, 8.5), (35, 8.0), (33, 7.5), (30, 7.0), (27, 6.5), (23, 6.0),
    (19, 5.5), (15, 5.0), (13, 4.5), (10, 4.0), (8, 3.5), (6, 3.0), (4, 2.5),
)  # fmt: skip
GENERAL_READING: tuple[tuple[int, float], ...] = (
    (40, 9.0), (39, 8.5), (37, 8.0), (36, 7.5), (34, 7.0), (32, 6.5), (30, 6.0),
    (27, 5.5), (23, 5.0), (19, 4.5), (15, 4.0), (12, 3.5), (9, 3.0), (6, 2.5),
)  # fmt: skip

TABLES: dict[str, tuple[tuple[int, float], ...]] = {
    "listening": LISTENING,
    "academic": ACADEMIC_READING,
    "general": GENERAL_READING,
}

FULL_TEST_QUESTIONS = 40


def band_for(raw: int, module: Module, out_of: int = FULL_TEST_QUESTIONS) -> tuple[float, bool]:
    """The band for ``raw`` correct answers out of ``out_of``, and whether it is an estimate.

    A part test (one passage, one listening part) is projected to 40 questions in proportion and
    marked as an estimate: a learner who scores 10/13 on one passage has not sat a full test.
    """
    if out_of <= 0:
        raise ValueError("out_of must be positive")
    if not 0 <= raw <= out_of:
        raise ValueError(f"raw score {raw} is outside 0..{out_of}")
    estimated = out_of != FULL_TEST_QUESTIONS
    projected = raw if not estimated else round(raw * FULL_TEST_QUESTIONS / out_of)
    for lowest, band in TABLES[module]:
        if projected >= lowest:
            return band, estimated
    return (1.0 if projected > 0 else 0.0), estimated

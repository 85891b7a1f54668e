"""The wrong-answer book: every wrong answer across completed attempts, ready to study."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from .answers import joined
from .config import ANKI_DECK
from .record import PracticeRecord
from .scoring import REASONS
from .untrusted import csv_cell


@dataclass(frozen=True)
class Mistake:
    recordId: str
    examId: str
    examTitle: str
    when: datetime
    questionId: str
    questionType: str
    reason: str
    yourAnswer: str
    accepted: str
    questionText: str

    @property
    def explanation(self) -> str:
        return REASONS.get(self.reason, self.reason)


def mistakes(records: Iterable[PracticeRecord]) -> list[Mistake]:
    """Wrong answers of completed attempts, newest attempt first, in question order."""
    found = []
    for record in sorted(records, key=lambda r: r.startTime, reverse=True):
        if record.status != "completed":
            continue
        for answer in record.answers:
            if answer.isCorrect is not False:
                continue
            found.append(
                Mistake(
                    recordId=record.id,
                    examId=record.examId,
                    examTitle=record.title,
                    when=record.startTime,
                    questionId=answer.questionId,
                    questionType=answer.questionType,
                    reason=answer.reason or "wrong",
                    yourAnswer=joined(answer.userAnswer, ", "),
                    accepted=joined(answer.correctAnswer, " / "),
                    questionText=answer.questionText or "",
                )  # fmt: skip
            )
    return found


def grouped(found: Sequence[Mistake]) -> dict[tuple[str, str], list[Mistake]]:
    """By question type, then reason; the largest groups first."""
    groups: dict[tuple[str, str], list[Mistake]] = {}
    for mistake in found:
        groups.setdefault((mistake.questionType, mistake.reason), []).append(mistake)
    return dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])))


CSV_FIELDS = (
    "when", "examId", "examTitle", "questionId", "questionType", "reason", "explanation",
    "yourAnswer", "accepted", "questionText", "recordId",
)  # fmt: skip


def to_csv(found: Sequence[Mistake]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for mistake in found:
        row = {k: v for k, v in asdict(mistake).items() if k in CSV_FIELDS}
        row["when"] = mistake.when.isoformat()
        row["explanation"] = mistake.explanation
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return out.getvalue()


#: The note type the cards take when Anki imports the file (the deck: config.ANKI_DECK).
ANKI_NOTETYPE = "Basic"


def anki_guid(mistake: Mistake) -> str:
    """A card's stable id: the same exam and question give the same card on every export.

    Anki updates a note whose GUID it already has instead of adding a second one, so a learner
    who imports again after more practice gets the newest mistake on the card they already study.
    """
    import hashlib  # here, not above: its OpenSSL costs every command 7 ms at start

    digest = hashlib.sha1(f"{mistake.examId}\0{mistake.questionId}".encode()).digest()
    return "ielts-" + base64.b32encode(digest[:10]).decode().lower()


def to_anki(found: Sequence[Mistake], *, deck: str = ANKI_DECK) -> str:
    """Anki's plain-text import: GUID, Front, Back and tags, tab-separated, one card per question.

    The header lines (``#separator``, ``#html``, ``#notetype``, ``#deck``, ``#guid column``,
    ``#tags column``) are Anki's documented "file headers" for text imports (Anki manual,
    "Importing: Text files"); with a GUID column a second import updates the cards it made.
    ``found`` is newest first, so the card for a question shows its newest mistake.
    """
    lines = [
        "#separator:tab",
        "#html:false",
        f"#notetype:{ANKI_NOTETYPE}",
        f"#deck:{_one_line(deck)}",
        "#guid column:1",
        "#tags column:4",
    ]
    seen: set[str] = set()
    for mistake in found:
        guid = anki_guid(mistake)
        if guid in seen:
            continue
        seen.add(guid)
        front = f"{mistake.questionText or 'Question ' + mistake.questionId} ({mistake.examTitle})"
        back = (
            f"Accepted: {mistake.accepted}. You wrote: {mistake.yourAnswer or '(nothing)'}. "
            f"{mistake.explanation}."
        )
        tags = f"ielts {mistake.questionType} {mistake.reason}"
        lines.append("\t".join(_one_line(x) for x in (guid, front, back, tags)))
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())

"""Practice records as xAPI statements, for a Learning Record Store.

Field names and vocabularies follow the xAPI specification 1.0.3 (IEEE 9274.1.1), part two
"Experience API Data": statements carry actor, verb, object, result (score raw/min/max/scaled,
ISO 8601 duration), context.registration and timestamp; interaction activities are described by
interactionType and correctResponsesPattern (section 2.4.4.1.1), with ``[,]`` joining the items
of a multiple-choice response. Verbs come from the ADL vocabulary (http://adlnet.gov/expapi/verbs/).

One statement is written per attempt. Its per-question interaction data (type, correct response
pattern, learner response, result) sit in ``result.extensions`` under QUESTIONS, because a single
statement has a single result.response. Statement ids and registrations are UUID 5 derived from
record and session ids, so exporting twice gives the same ids and an LRS can drop duplicates.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from .answers import joined
from .record import AnswerDetail, PracticeRecord

NAMESPACE = uuid.UUID("6f1d3c1e-6a2e-5c53-9a55-1e1f5e3a9b10")
EXT = "https://github.com/ielts-practice-recorder/xapi/extensions"
QUESTIONS = f"{EXT}/questions"
BAND = f"{EXT}/band"
ACTIVITY = "urn:ielts-practice-recorder:exam:"
VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "interrupted": ("http://adlnet.gov/expapi/verbs/suspended", "suspended"),
    "timeout": ("http://adlnet.gov/expapi/verbs/terminated", "terminated"),
    "error": ("http://adlnet.gov/expapi/verbs/terminated", "terminated"),
}
_INTERACTION = {
    "true_false_not_given": "choice",
    "yes_no_not_given": "choice",
    "multiple_choice": "choice",
    "multiple_choice_multi": "choice",
    "ordering": "sequencing",
}


def interaction_type(question_type: str) -> str:
    if question_type in _INTERACTION:
        return _INTERACTION[question_type]
    if question_type.startswith("matching"):
        return "choice"
    return "fill-in"


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, as xAPI wants it (``PT1H2M3.5S``)."""
    total = round(seconds, 2)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{int(hours)}H"
    if minutes:
        out += f"{int(minutes)}M"
    return out + f"{secs:g}S"


def _pattern(answer: AnswerDetail) -> list[str]:
    accepted = answer.correctAnswer
    if accepted is None:
        return []
    if isinstance(accepted, list) and answer.questionType == "multiple_choice_multi":
        return ["[,]".join(accepted)]
    return list(accepted) if isinstance(accepted, list) else [accepted]


def statement(record: PracticeRecord, actor: dict[str, Any]) -> dict[str, Any]:
    verb_id, verb_name = VERBS[record.status]
    result: dict[str, Any] = {
        "completion": record.status == "completed",
        "duration": iso_duration(record.duration),
        "extensions": {
            QUESTIONS: [
                {
                    "id": answer.questionId,
                    "interactionType": interaction_type(answer.questionType),
                    "correctResponsesPattern": _pattern(answer),
                    "response": joined(answer.userAnswer, "[,]"),
                    "success": answer.isCorrect,
                    "reason": answer.reason,
                }
                for answer in record.answers
            ],
        },
    }
    if record.score is not None and record.totalQuestions:
        result["score"] = {
            "raw": record.score,
            "min": 0,
            "max": record.totalQuestions,
            "scaled": round(record.score / record.totalQuestions, 4),
        }
    if record.band is not None:
        result["extensions"][BAND] = record.band
    return {
        "id": str(uuid.uuid5(NAMESPACE, record.id)),
        "actor": actor,
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": {
            "objectType": "Activity",
            "id": ACTIVITY + record.examId,
            "definition": {
                "name": {"en-US": record.title},
                "type": "http://adlnet.gov/expapi/activities/assessment",
            },
        },
        "result": result,
        "context": {"registration": str(uuid.uuid5(NAMESPACE, record.sessionId))},
        "timestamp": record.endTime.isoformat(),
    }


def statements(
    records: Iterable[PracticeRecord], *, name: str, home_page: str
) -> list[dict[str, Any]]:
    actor = {"objectType": "Agent", "name": name, "account": {"homePage": home_page, "name": name}}
    return [statement(record, actor) for record in records]

"""Practice records as xAPI statements, as Learning Record Stores and their reports expect them.

Field names and vocabularies follow the xAPI specification 1.0.3 (IEEE 9274.1.1), part two
"Experience API Data": statements carry actor, verb, object, result (score raw/min/max/scaled,
ISO 8601 duration, response, success), context (registration, contextActivities) and timestamp.
Questions are interaction activities (type ``http://adlnet.gov/expapi/activities/cmi.interaction``)
described by interactionType and correctResponsesPattern (section 2.4.4.1.1, "Interaction
Activities"), with ``[,]`` joining the items of a multiple-choice or sequencing response. Verbs
come from the ADL vocabulary (http://adlnet.gov/expapi/verbs/).

An attempt becomes one ``answered`` statement per question, whose parent activity is the exam,
and one statement for the attempt itself (``completed``, or ``suspended``/``terminated`` for an
attempt that did not end with a submit) carrying the score and the duration. All of them share
the attempt's session as ``context.registration``.

Statement ids are UUID 5 of the record (its id and the moment it ended) and the question, so
sending twice gives the same ids and an LRS keeps one copy; a record that changes (a resumed
attempt ends again) gets new ids. Our activity and extension IRIs are ``tag:`` URIs (RFC 4151)
under an authority and date we may mint names in, never a web domain we do not own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from .answers import joined
from .record import AnswerDetail, PracticeRecord

NAMESPACE = uuid.UUID("6f1d3c1e-6a2e-5c53-9a55-1e1f5e3a9b10")
TAG = "tag:ielts-practice-recorder,2026:"
EXAM = f"{TAG}exam/"
EXT = f"{TAG}extension/"
BAND = f"{EXT}band"
MARKING = f"{EXT}marking"
REASON = f"{EXT}reason"
QUESTION_TYPE = f"{EXT}question-type"
ELEMENT_ID = f"{EXT}element-id"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
ANSWERED = ("http://adlnet.gov/expapi/verbs/answered", "answered")
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


def account_actor(name: str, home_page: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": name, "account": {"homePage": home_page, "name": name}}


def exam_iri(exam_id: str) -> str:
    return EXAM + quote(exam_id, safe="-._~")


def question_iri(exam_id: str, question_id: str) -> str:
    return f"{exam_iri(exam_id)}/question/{quote(question_id, safe='-._~')}"


def statement_id(record: PracticeRecord, question_id: str | None = None) -> str:
    """The deterministic id of the attempt's statement, or of one question's."""
    name = f"{record.id}@{record.endTime.isoformat()}"
    return str(uuid.uuid5(NAMESPACE, name if question_id is None else f"{name}#{question_id}"))


def _pattern(answer: AnswerDetail) -> list[str]:
    accepted = answer.correctAnswer
    if accepted is None:
        return []
    if isinstance(accepted, list) and answer.questionType == "multiple_choice_multi":
        return ["[,]".join(accepted)]
    return list(accepted) if isinstance(accepted, list) else [accepted]


def _exam_activity(record: PracticeRecord) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": exam_iri(record.examId),
        "definition": {"name": {"en-US": record.title}, "type": ASSESSMENT},
    }


def _context(record: PracticeRecord, *, parent: bool) -> dict[str, Any]:
    context: dict[str, Any] = {
        "registration": str(uuid.uuid5(NAMESPACE, record.sessionId)),
        "extensions": {MARKING: record.metadata.marking},
    }
    if parent:
        exam = {"objectType": "Activity", "id": exam_iri(record.examId)}
        context["contextActivities"] = {"parent": [exam]}
    return context


def question_statement(
    record: PracticeRecord, answer: AnswerDetail, actor: dict[str, Any]
) -> dict[str, Any]:
    """One question of an attempt as an ``answered`` cmi.interaction statement."""
    definition: dict[str, Any] = {
        "name": {"en-US": f"{record.title}, question {answer.questionId}"},
        "type": INTERACTION,
        "interactionType": interaction_type(answer.questionType),
    }
    if answer.questionText:
        definition["description"] = {"en-US": answer.questionText}
    pattern = _pattern(answer)
    if pattern:
        definition["correctResponsesPattern"] = pattern
    result: dict[str, Any] = {"response": joined(answer.userAnswer, "[,]")}
    if answer.isCorrect is not None:
        result["success"] = answer.isCorrect
    if answer.timeSpent:
        result["duration"] = iso_duration(answer.timeSpent)
    extensions = {QUESTION_TYPE: answer.questionType, REASON: answer.reason}
    if answer.elementId:
        extensions[ELEMENT_ID] = answer.elementId
    result["extensions"] = {key: value for key, value in extensions.items() if value}
    return {
        "id": statement_id(record, answer.questionId),
        "actor": actor,
        "verb": {"id": ANSWERED[0], "display": {"en-US": ANSWERED[1]}},
        "object": {
            "objectType": "Activity",
            "id": question_iri(record.examId, answer.questionId),
            "definition": definition,
        },
        "result": result,
        "context": _context(record, parent=True),
        "timestamp": record.endTime.isoformat(),
    }


def attempt_statement(record: PracticeRecord, actor: dict[str, Any]) -> dict[str, Any]:
    """The attempt as a whole: how it ended, its score, band and duration."""
    verb_id, verb_name = VERBS[record.status]
    result: dict[str, Any] = {
        "completion": record.status == "completed",
        "duration": iso_duration(record.duration),
    }
    if record.score is not None and record.totalQuestions:
        result["score"] = {
            "raw": record.score,
            "min": 0,
            "max": record.totalQuestions,
            "scaled": round(record.score / record.totalQuestions, 4),
        }
    if record.band is not None:
        result["extensions"] = {BAND: record.band}
    return {
        "id": statement_id(record),
        "actor": actor,
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": _exam_activity(record),
        "result": result,
        "context": _context(record, parent=False),
        "timestamp": record.endTime.isoformat(),
    }


def record_statements(record: PracticeRecord, actor: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement of one attempt: its questions, then the attempt (the order an LRS's
    reader expects: the answers before the verdict)."""
    questions = [question_statement(record, answer, actor) for answer in record.answers]
    return [*questions, attempt_statement(record, actor)]


def statements(
    records: Iterable[PracticeRecord], actor: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    for record in records:
        yield from record_statements(record, actor)

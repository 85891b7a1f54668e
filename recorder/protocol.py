"""Protocol version 1 between the recorder and the enhancer (see DESIGN.md, "Protocol").

Every message is ``{"v": 1, "type": str, "sessionId": str, "seq": int, "ts": ms, "data": {...}}``.
Messages from the page arrive as one JSON string per binding call; :func:`parse_message` turns such
a string into one of the typed models below or raises :class:`ProtocolError` with a readable reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import ProtocolError

VERSION = 1
#: A message larger than this is refused before it is parsed.
MAX_MESSAGE_BYTES = 1_000_000

QuestionId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
SessionId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
#: What a learner gave for one question: text, the letters of a multi-select, or nothing.
AnswerValue = (
    Annotated[str, Field(max_length=2000)] | Annotated[list[str], Field(max_length=26)] | None
)
#: What a page's answer key says for one question, before the scorer parses it.
KeyValue = Annotated[str, Field(max_length=2000)] | Annotated[list[str], Field(max_length=26)]
Seconds = Annotated[float, Field(ge=0, le=7 * 24 * 3600)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)


class _Envelope(_Strict):
    v: Literal[1]
    sessionId: SessionId
    seq: int = Field(ge=0)
    ts: int = Field(ge=0)


# ---------------------------------------------------------------------------------- recorder → page


class ResumeState(_Strict):
    answers: dict[QuestionId, AnswerValue] = {}
    elapsedSeconds: Seconds = 0
    markedQuestions: list[QuestionId] = []
    currentQuestion: QuestionId | None = None


class InitData(_Strict):
    sessionId: SessionId
    examId: str
    parentOrigin: str
    timestamp: int
    resume: ResumeState | None = None


class InitSession(_Envelope):
    type: Literal["INIT_SESSION"]
    data: InitData


# ---------------------------------------------------------------------------------- page → recorder

#: A test of a page that holds several ("t3"): its questions are recorded as "t3.11".
TestId = Annotated[str, Field(pattern=r"^t\d{1,2}$")]


class PageTest(_Strict):
    """One test of a page that holds several (enhancer_js/multitest.js): each test submitted
    becomes a record of its own, titled after the test, with only its questions."""

    id: TestId
    title: str = Field(max_length=200)
    questionIds: list[QuestionId] = Field(max_length=500)
    #: What a learner clicks to see the test, and the test's own submit button (selectors).
    tab: str | None = Field(default=None, max_length=2000)
    submit: str | None = Field(default=None, max_length=2000)


class ReadyData(_Strict):
    sessionId: SessionId
    examId: str = Field(max_length=200)
    url: str = Field(max_length=4000)
    title: str = Field(max_length=500)
    questionIds: list[QuestionId] = Field(max_length=500)
    questionTypes: dict[QuestionId, Annotated[str, Field(max_length=60)]] = {}
    #: The instruction's word limit per question ("NO MORE THAN TWO WORDS AND/OR A NUMBER").
    wordLimits: dict[QuestionId, Annotated[str, Field(max_length=120)]] = {}
    #: Questions answered together, such as "choose TWO letters" (questions 10 and 11).
    questionGroups: list[Annotated[list[QuestionId], Field(min_length=2, max_length=5)]] = Field(
        default=[], max_length=100
    )
    #: Each question as printed (for the mistakes book), at most 300 characters.
    questionTexts: dict[QuestionId, Annotated[str, Field(max_length=300)]] = Field(
        default={}, max_length=500
    )
    #: The page's own name for a question where it differs from the printed number ("q1").
    elementIds: dict[QuestionId, Annotated[str, Field(max_length=60)]] = Field(
        default={}, max_length=500
    )
    keyFound: bool
    #: On a page holding several tests, each of them; empty on a page of one test.
    tests: list[PageTest] = Field(default=[], max_length=40)


class SessionReady(_Envelope):
    type: Literal["SESSION_READY"]
    data: ReadyData


class StartedData(_Strict):
    examId: str = Field(max_length=200)
    sessionId: SessionId
    metadata: dict[str, Any] = {}


class SessionStarted(_Envelope):
    type: Literal["session_started"]
    data: StartedData


class ProgressData(_Strict):
    answers: dict[QuestionId, AnswerValue] = Field(default={}, max_length=500)
    currentQuestion: QuestionId | None = None
    answeredQuestions: int = Field(ge=0, le=500)
    totalQuestions: int = Field(ge=0, le=500)
    elapsed: Seconds
    #: When the first input event behind these changes happened (epoch ms): how fresh they are.
    inputTs: int | None = Field(default=None, ge=0)


class SessionProgress(_Envelope):
    type: Literal["session_progress"]
    data: ProgressData


class PauseData(_Strict):
    examId: str = Field(max_length=200)
    elapsed: Seconds


class SessionPaused(_Envelope):
    type: Literal["session_paused"]
    data: PauseData


class SessionResumed(_Envelope):
    type: Literal["session_resumed"]
    data: PauseData


class PageScore(_Strict):
    score: float = Field(ge=0)
    total: float = Field(gt=0)


EndedBy = Literal["learner", "time_up"]


class CompletedData(_Strict):
    answers: dict[QuestionId, AnswerValue] = Field(max_length=500)
    answerKey: dict[QuestionId, KeyValue] | None = Field(default=None, max_length=500)
    keySource: str | None = Field(default=None, max_length=60)
    elapsed: Seconds
    pageScore: PageScore | None = None
    #: On a page holding several tests, the tests this submit is for (None: the whole page).
    tests: list[TestId] | None = Field(default=None, max_length=40)
    #: Who ended the attempt: the learner's submit, or the page as its time ran out.
    endedBy: EndedBy = "learner"


class SessionCompleted(_Envelope):
    type: Literal["session_completed"]
    data: CompletedData


class ErrorData(_Strict):
    message: str = Field(max_length=4000)
    where: str = Field(default="", max_length=400)


class SessionErrorMessage(_Envelope):
    type: Literal["session_error"]
    data: ErrorData


PageMessage = Annotated[
    SessionReady
    | SessionStarted
    | SessionProgress
    | SessionPaused
    | SessionResumed
    | SessionCompleted
    | SessionErrorMessage,
    Field(discriminator="type"),
]

# Built on first use, as every model here (defer_build): a command that never reads a page
# message does not pay for its schema when it starts.
_PAGE_MESSAGE: TypeAdapter[PageMessage] = TypeAdapter(
    PageMessage, config=ConfigDict(defer_build=True)
)


# ------------------------------------------------------------------------------ the page contract
# What the enhancer reports about a page when asked (window.__ieltsRecorder.survey / explain):
# one JSON string, validated here like every message.

#: The kinds of answer widget: a closed set, the same list as enhancer_js/widgets.js WIDGET_ORDER
#: (a test checks both agree); the scripted learner (recorder/autoplay.py) answers each.
WidgetKind = Literal[
    "order", "pick", "picks", "drop", "editable", "selects", "select", "radio", "checkbox", "text"
]
WIDGET_KINDS: tuple[str, ...] = WidgetKind.__args__  # type: ignore[attr-defined]


class SurveyOption(_Strict):
    """One control (or, for a drop zone or an ordering list, one item) and its value."""

    selector: str = Field(max_length=2000)
    value: str | None = Field(default=None, max_length=2000)


class SurveyQuestion(_Strict):
    ids: list[QuestionId] = Field(min_length=1, max_length=10)
    kind: WidgetKind
    type: str = Field(max_length=60)
    #: Drop zones and ordering lists first, then their items.
    options: list[SurveyOption] = Field(max_length=200)
    values: list[Annotated[str, Field(max_length=2000)]] = Field(default=[], max_length=200)
    #: The token the question's number came from (name, id or data-question), if any.
    element: str | None = Field(default=None, max_length=200)


class PageSurvey(_Strict):
    """A frame's questions, key and submit button, once it is ready."""

    controls: list[SurveyQuestion] = Field(max_length=500)
    key: dict[QuestionId, KeyValue] | None = Field(default=None, max_length=500)
    source: str | None = Field(default=None, max_length=60)
    submit: str | None = Field(default=None, max_length=2000)
    #: While no question is shown (hidden, or not yet rendered): the control that starts the test.
    start: str | None = Field(default=None, max_length=2000)
    popups: list[Annotated[str, Field(max_length=2000)]] = Field(default=[], max_length=50)
    tests: list[PageTest] = Field(default=[], max_length=40)


@dataclass(frozen=True)
class Unproven:
    """A binding call without the context's secret: a page script speaking as the enhancer.
    Refused by the bridge, whatever it says."""

    payload: object


def parse_survey(raw: str) -> PageSurvey:
    """A frame's survey, or :class:`ProtocolError` saying what is wrong with it."""
    try:
        return PageSurvey.model_validate_json(raw)
    except ValidationError as exc:
        raise ProtocolError(readable_errors(exc)) from None


def parse_message(raw: str | bytes) -> PageMessage:
    """Validate one message from the page, or raise :class:`ProtocolError` saying what is wrong."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {size} bytes is over the {MAX_MESSAGE_BYTES} byte limit")
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ProtocolError(f"message must be a JSON object, not {type(payload).__name__}")
    if "type" not in payload:
        raise ProtocolError("type: Field required")
    try:
        return _PAGE_MESSAGE.validate_python(payload)
    except ValidationError as exc:
        raise ProtocolError(readable_errors(exc, payload.get("type"))) from None


def readable_errors(exc: ValidationError, tag: object = None) -> str:
    """pydantic's errors as ``loc: msg`` lines, without the union tag pydantic puts first."""
    lines: list[str] = []
    errors = exc.errors(include_url=False)
    too_long = {_where(e, tag): _length(e) for e in errors if e["type"] in _TOO_LONG}
    for err in errors:
        loc = list(err["loc"])
        if loc and loc[0] == tag:
            loc = loc[1:]
        if loc and str(loc[-1]) in _UNION_MEMBERS:
            # An answer failed every member of its union: say so once, in words; and when one
            # member failed only for its length, that is the reason.
            loc = loc[:-1]
            msg = too_long.get(_where(err, tag)) or "Input should be text, a list of text, or null"
        else:
            msg = err["msg"]
        line = f"{'.'.join(str(part) for part in loc) or 'message'}: {msg}"
        if line not in lines:
            lines.append(line)
    return "; ".join(lines)


_UNION_MEMBERS = {"str", "constrained-str", "list[str]", "list[constrained-str]", "none"}
_TOO_LONG = {"string_too_long", "too_long"}


def _where(err: Any, tag: object) -> tuple[str, ...]:
    loc = [str(part) for part in err["loc"]]
    if loc and loc[0] == str(tag):
        loc = loc[1:]
    while loc and loc[-1] in _UNION_MEMBERS or (loc and loc[-1].isdigit() and len(loc) > 3):
        loc = loc[:-1]
    return tuple(loc)


def _length(err: Any) -> str:
    limit = (err.get("ctx") or {}).get("max_length")
    given = err.get("input")
    size = len(given) if isinstance(given, (str, list)) else "?"
    unit = "characters" if isinstance(given, str) else "items"
    return f"{size} {unit}, over the limit of {limit}"


def init_session(
    *,
    session_id: str,
    exam_id: str,
    parent_origin: str,
    timestamp_ms: int,
    seq: int,
    resume: ResumeState | None = None,
) -> InitSession:
    """The ``INIT_SESSION`` message the recorder sends to each document of the exam."""
    return InitSession(
        v=VERSION,
        type="INIT_SESSION",
        sessionId=session_id,
        seq=seq,
        ts=timestamp_ms,
        data=InitData(
            sessionId=session_id,
            examId=exam_id,
            parentOrigin=parent_origin,
            timestamp=timestamp_ms,
            resume=resume,
        ),
    )

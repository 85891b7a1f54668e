"""``ielts exams check``: what the enhancer sees on each page, against what the index declares.

Each page is opened headless with a throwaway session (nothing is recorded), the windows it
opens for part of its test are opened, and it is surveyed: questions found by the collectors,
the answer key and the strategy that found it, the question types recognised. A page with no
key in sight is submitted blank, since some show their key only in their results or in the
message that ends the attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import __version__
from .browser import (
    DriverError,
    ExamFrame,
    ExamPage,
    LaunchOptions,
    open_context,
    start_browser,
)
from .catalog import Exam
from .diagnosis import explain_lines, not_ready_reason
from .errors import ProtocolError, RecorderError
from .protocol import KeyValue, SessionCompleted, SessionReady, init_session, parse_message

#: How long a page is given to render its questions (real pages take up to a few seconds).
READY_TIMEOUT_S = 15.0


@dataclass
class PageAudit:
    exam: Exam
    found: int = 0
    key_source: str | None = None
    types: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    #: With --explain: what the recorder saw, a line per fact.
    explained: list[str] = field(default_factory=list)
    #: What marking the page needs: its key, each question's type and word limit, its sets.
    key: dict[str, KeyValue] | None = None
    question_types: dict[str, str] = field(default_factory=dict)
    word_limits: dict[str, str] = field(default_factory=dict)
    groups: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def index_problems(exam: Exam, *, ids: Sequence[str], key_source: str | None) -> list[str]:
    """Where a page differs from what the index declares: its key, then its questions (how many,
    and their numbers). The key comes first: without it nothing else can be judged, and CI shows
    the first line."""
    found = len(ids)
    problems = []
    declared = exam.keySource
    if declared == "none":
        if key_source is not None:
            problems.append(f"the index says the page has no key, but one was found ({key_source})")
    elif key_source is None:
        where = "" if declared == "unknown" else f" (the index says: {declared})"
        problems.append(f"no answer key found on the page{where}")
    elif declared not in ("unknown", key_source):
        problems.append(f"the key was found by {key_source}, the index says {declared}")
    if exam.questions is not None and found != exam.questions:
        problems.append(f"declared {exam.questions} questions, the collectors found {found}")
    problems += numbering_problems(exam, ids)
    return problems


def numbering_problems(exam: Exam, ids: Sequence[str]) -> list[str]:
    """Question numbers as printed: those the index gives the page (from firstQuestion), or for
    a page it does not number, one unbroken run (a renamed question breaks it)."""
    numbers = sorted({int(q) for q in ids if q.isdigit()})
    if not numbers:
        return []
    if exam.firstQuestion is not None and exam.questions is not None:
        first, last = exam.firstQuestion, exam.firstQuestion + exam.questions - 1
        missing = sorted(set(range(first, last + 1)) - set(numbers))
        extra = [n for n in numbers if not first <= n <= last]
        if not missing and not extra:
            return []
        parts = []
        if missing:
            parts.append(f"question(s) {_listed(missing)} missing")
        if extra:
            parts.append(f"question(s) {_listed(extra)} not expected")
        return [f"{' and '.join(parts)}: this page's questions are {first}–{last}"]
    gaps = [b for a, b in zip(numbers, numbers[1:], strict=False) if b != a + 1]
    if gaps:
        return [f"question numbers jump to {_listed(gaps)}: {numbers[0]}–{numbers[-1]} has gaps"]
    return []


def _listed(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def judge(
    exam: Exam, ids: Sequence[str], key: dict[str, object] | None, source: str | None
) -> list[str]:
    """The problems of one surveyed page."""
    problems = index_problems(exam, ids=ids, key_source=source if key else None)
    if len(set(ids)) != len(ids):
        twice = sorted({q for q in ids if ids.count(q) > 1}, key=lambda q: (len(q), q))
        problems.append(f"question number(s) used twice: {', '.join(twice)}")
    if exam.keySource == "none" or not key:
        return problems
    missing = [q for q in ids if q not in key]
    if missing:
        problems.append(f"question(s) {', '.join(missing)} not in the answer key")
    extra = sorted((k for k in key if k not in ids), key=lambda q: (len(q), q))
    if extra:
        problems.append(f"the key has answers for question(s) {', '.join(extra)} the page lacks")
    return problems


class _Listener:
    """Listens to a throwaway session: its readiness, and the key a completion carries."""

    def __init__(self) -> None:
        self.key: dict[str, object] | None = None
        self.source: str | None = None
        self.seen = asyncio.Event()
        self.ready = asyncio.Event()
        self.messages: list[str] = []
        self.word_limits: dict[str, str] = {}
        self.groups: list[list[str]] = []

    def on_binding(self, _source: str, payload: object, _url: str) -> None:
        try:
            message = parse_message(payload) if isinstance(payload, str) else None
        except ProtocolError as exc:
            self.messages.append(f"invalid ({str(exc)[:60]})")
            return
        if message is None:
            return
        self.messages.append(message.type)
        if isinstance(message, SessionReady) and message.data.questionIds:
            self.word_limits.update(message.data.wordLimits)
            self.groups += [g for g in message.data.questionGroups if g not in self.groups]
            self.ready.set()
        if isinstance(message, SessionCompleted):
            self.key = dict(message.data.answerKey) if message.data.answerKey else None
            self.source = message.data.keySource
            self.seen.set()


async def audit_pages(
    exams: Sequence[Exam], launch: LaunchOptions, *, explain: bool = False,
    ready_timeout_s: float = READY_TIMEOUT_S,
) -> list[PageAudit]:  # fmt: skip
    results = []
    async with start_browser(launch) as browser:
        for exam in exams:
            audit = PageAudit(exam)
            results.append(audit)
            listener = _Listener()
            hello = init_session(
                session_id=re.sub(r"[^A-Za-z0-9_-]", "-", f"audit-{exam.id}")[:64],
                exam_id=exam.id, parent_origin="recorder",
                timestamp_ms=int(time.time() * 1000), seq=1,
            ).model_dump_json()  # fmt: skip

            async def greet_frame(frame: ExamFrame, hello: str = hello) -> None:
                # A frame that loads later (file:// frames cannot reach their parent's session).
                with contextlib.suppress(RecorderError, DriverError):
                    await frame.send(hello)

            try:
                async with open_context(
                    browser,
                    on_binding=listener.on_binding,
                    on_event=_ignore,
                    enhancer_config={"version": __version__},
                    on_frame=greet_frame,
                ) as context:
                    page = await context.open()
                    await _audit_page(audit, page, hello, listener, explain, ready_timeout_s)
            except RecorderError as exc:
                audit.problems.append(f"{type(exc).__name__}: {exc}")
    return results


async def _audit_page(
    audit: PageAudit,
    page: ExamPage,
    hello: str,
    listener: _Listener,
    explain: bool,
    timeout_s: float,
) -> None:
    exam = audit.exam
    await page.goto(exam.location())
    # A throwaway session (nothing is stored), so that pages which wait for one (another
    # app's REQUEST_INIT) behave as they do when recorded.
    await page.send(hello)

    async def ready_within(seconds: float) -> bool:  # rendered late, or once the test is started
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(listener.ready.wait(), max(0.0, seconds))
        return listener.ready.is_set()

    if not await page.ready_or_started(ready_within, timeout_s):
        frames = await page.explain()
        audit.problems.append(not_ready_reason(exam.location(), frames, timeout_s))
        if explain:
            audit.explained = explain_lines(frames, listener.messages)
        return
    await page.open_popups()
    survey = await page.with_key(await page.past_start(await page.survey()), exam.scripts)
    key, source = survey.key, survey.key_source
    if explain:
        audit.explained = explain_lines(await page.explain(), listener.messages)
    if key is None and survey.submit is not None and exam.keySource != "none":
        # Some pages show their key only once an attempt is submitted: in their results, or in
        # the message announcing the end. Submit a blank one.
        await page.submit(survey.submit)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(listener.seen.wait(), 5)
        key, source = listener.key, listener.source
    ids = [qid for control in survey.controls for qid in control.ids]
    audit.found = len(ids)
    audit.key_source = source
    audit.types = Counter(control.type for control in survey.controls for _ in control.ids)
    audit.question_types = {qid: control.type for control in survey.controls for qid in control.ids}
    audit.key = dict(key) if key else None
    audit.word_limits, audit.groups = listener.word_limits, listener.groups
    audit.problems = judge(exam, ids, key, source)


def _ignore(*_args: object) -> None:
    pass


def audit(
    exams: Sequence[Exam], launch: LaunchOptions, *, explain: bool = False
) -> list[PageAudit]:
    return asyncio.run(audit_pages(exams, launch, explain=explain))

"""QA clickthrough: the whole exam library, headless, scripted, checked page by page.

Each page runs as a real recorded session (the learner's own machinery) in a context of one
shared browser, ``workers`` at a time, and is checked: every declared question collected, the key
found by the strategy the index names (or none for a keyless page), the stored score equal to an
expectation computed apart from the recorder's own marking of the page, the page's own displayed
score equal to ours, and the record saved exactly once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from queue import Empty, Queue
from typing import Literal

from .audit import index_problems
from .autoplay import Strategy
from .browser import ExamPage, LaunchOptions, RunningBrowser, start_browser
from .catalog import Exam
from .catalog import select_exams as select_exams  # where tests and old callers look
from .catalog import shard as shard
from .errors import RecorderError, SessionError
from .page_faults import explained_difference
from .practice import PracticeOptions, practice_async
from .protocol import AnswerValue
from .record import PracticeRecord
from .recording import PracticeResult
from .scoring import LENIENT, MarkingRules, mark_attempt, marking_rules, spread_from
from .session import Session
from .store import Store

TraceMode = Literal["off", "on", "retain-on-failure"]
ShotMode = Literal["off", "on", "only-on-failure"]


@dataclass(frozen=True)
class ClickOptions:
    strategy: Strategy
    db: Path
    workers: int = 1
    trace: TraceMode = "off"
    screenshot: ShotMode = "off"
    artifacts: Path = Path("test-artifacts/clickthrough")
    connect: str | None = None
    browser_path: str | None = None
    headless: bool = True
    processes: int = 1  # the workers spread over this many processes, each with its own browser
    verbose: bool = False  # keep what the recorder saw on each page (explain lines)
    marking: str = "lenient"  # the contested marking rules (scoring.MarkingRules)


@dataclass
class PageResult:
    exam: Exam
    problems: list[str] = field(default_factory=list)
    found: int = 0
    key_source: str | None = None
    expected: int | None = None
    score: int | None = None
    total: int = 0
    page_score: float | None = None
    seconds: float = 0.0
    record_id: str | None = None
    trace: Path | None = None
    screenshot: Path | None = None
    #: With ``verbose``: what the recorder saw on the page once it was ready, in plain words.
    explained: list[str] = field(default_factory=list)
    #: The records stored (one per test on a page holding several).
    records: int = 0
    #: What is worth knowing and is no failure (a page's known scoring fault).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_score(
    strategy: Strategy, result: PracticeResult, rules: MarkingRules = LENIENT
) -> int | None:
    """What the stored score must be, computed apart from the recorder's marking of the page:
    full marks for ``key``, zero for ``blank``, and for ``random`` / ``answers`` the marking of
    what the scripted learner typed (not what the page reported) against the page's key."""
    saved = result.session
    if saved is None or saved.answerKey is None:
        return None
    if strategy.name == "key":
        return full_marks(result.record)
    if strategy.name == "blank":
        return 0
    planned: dict[str, AnswerValue] = dict(result.planned or {})
    marking = mark_attempt(
        planned, saved.answerKey, saved.questionIds, saved.questionTypes,
        word_limits=saved.wordLimits, groups=saved.questionGroups, rules=rules,
    )  # fmt: skip
    return marking.score


def full_marks(record: PracticeRecord) -> int:
    """The score of an attempt that gives the key's answer everywhere: one mark per question of
    the key (a question the page has and the key lacks can earn nothing)."""
    return sum(1 for answer in record.answers if answer.isCorrect is not None)


def collected(record: PracticeRecord) -> list[str]:
    """The questions the collectors found: the record also lists questions of the key that
    never reached the screen."""
    return [answer.questionId for answer in record.answers if answer.reason != "unseen"]


def record_problems(exam: Exam, strategy: Strategy, record: PracticeRecord) -> list[str]:
    """What the record itself shows to be wrong. It can be judged before the record is stored,
    while the page is still open, which is when it decides on screenshots and traces."""
    found_key = record.metadata.keySource
    problems = index_problems(exam, ids=collected(record), key_source=found_key)
    if exam.keySource == "none" and record.score is not None:
        problems.append(f"a keyless page was given a score ({record.score})")
    return problems + marking_problems(strategy, record)


def marking_problems(strategy: Strategy, record: PracticeRecord) -> list[str]:
    """What a record shows to be wrong with its completion and marking (a page's record, or
    one test's of a page holding several)."""
    found_key = record.metadata.keySource
    problems = []
    if record.status != "completed":
        problems.append(f"the session did not complete: {record.metadata.interruptionReason}")
    if found_key is not None:
        missing = [a.questionId for a in record.answers if a.isCorrect is None]
        if missing:
            problems.append(f"question(s) {', '.join(missing)} not in the answer key")
    # key and blank need no planning to know the expected score; random and answers do (check).
    expected = {"key": full_marks(record), "blank": 0}.get(strategy.name)
    if expected is not None and record.score is not None and record.score != expected:
        problems.append(f"stored score {record.score}, expected {expected}")
    page = record.metadata.pageScore
    if page is not None and record.score is not None and page != record.score:
        if explained_difference(record, page, record.metadata.pageTotal) is None:
            problems.append(f"the page shows {page:g}, the recorder stored {record.score}")
    return problems


def page_notes(record: PracticeRecord) -> list[str]:
    """Why the page's own score differs from ours, where a known page fault explains it."""
    page = record.metadata.pageScore
    if page is None or record.score is None or page == record.score:
        return []
    fault = explained_difference(record, page, record.metadata.pageTotal)
    if fault is None:
        return []
    return [f"the page shows {page:g}, we stored {record.score}: {fault.name} ({fault.why})"]


def check(
    exam: Exam, strategy: Strategy, result: PracticeResult, store: Store, expected: int | None
) -> list[str]:
    """Everything wrong with one page's recorded session, in words a QA engineer can act on.
    ``expected`` is :func:`expected_score` of the result."""
    record: PracticeRecord = result.record
    problems = record_problems(exam, strategy, record)
    if strategy.name in ("random", "answers"):
        if expected is not None and record.score != expected:
            problems.append(f"stored score {record.score}, expected {expected}")
    if result.planned is not None:
        for answer in record.answers:
            qid = answer.questionId
            if qid not in result.planned:  # 11b of a "choose THREE" ticked under 11
                qid = spread_from(qid) or qid
            typed = result.planned.get(qid)
            if _norm(typed) != _norm(answer.userAnswer):
                problems.append(
                    f"question {answer.questionId}: typed {typed!r}, recorded {answer.userAnswer!r}"
                )
    for stored in result.records or [record]:
        if stored is not record:  # each test of a page holding several
            problems += [f"{stored.title}: {p}" for p in marking_problems(strategy, stored)]
        copies = store.copies(stored.sessionId)
        if not copies:
            problems.append(f"the record {stored.id} was not saved")
        elif len(copies) > 1:
            problems.append(f"the record {stored.id} was saved {len(copies)} times")
    return problems


class _Explained:
    """Keeps what the recorder saw on a page (``-v``) in its result; says nothing live."""

    def __init__(self, outcome: PageResult) -> None:
        self.outcome = outcome

    def status(self, message: str) -> None:
        pass

    def progress(self, session: Session, last_saved: float | None) -> None:
        pass

    def explained(self, lines: list[str]) -> None:
        self.outcome.explained = list(lines)


def _norm(value: AnswerValue) -> object:
    if isinstance(value, list):
        return sorted(value) or None
    return value or None


async def run_pages(
    exams: Sequence[Exam],
    options: ClickOptions,
    on_result: Callable[[PageResult], None] | None = None,
    *,
    maintain_store: bool = True,
) -> list[PageResult]:
    """Run and check every page, ``options.workers`` at a time, in one shared browser."""
    store = Store(options.db).start_run() if maintain_store else Store(options.db)
    launch = LaunchOptions(
        headless=options.headless, browser_path=options.browser_path, connect=options.connect
    )
    limit = asyncio.Semaphore(max(1, options.workers))
    async with start_browser(launch) as browser:

        async def one(exam: Exam) -> PageResult:
            async with limit:
                outcome = await run_page(exam, options, browser, store)
            if on_result is not None:
                on_result(outcome)
            return outcome

        ordered = await asyncio.gather(*(one(exam) for exam in exams))
    return list(ordered)


async def run_page(
    exam: Exam, options: ClickOptions, browser: RunningBrowser, store: Store
) -> PageResult:
    outcome = PageResult(exam)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", exam.label).strip("-")

    async def keep_artifacts(page: ExamPage, record: PracticeRecord) -> None:
        # Judged on the record as it stands, while the page is still open to photograph.
        failing = bool(record_problems(exam, options.strategy, record))
        if options.screenshot == "on" or (options.screenshot == "only-on-failure" and failing):
            outcome.screenshot = options.artifacts / f"{slug}.png"
            await page.screenshot(outcome.screenshot)
        if options.trace == "on" or (options.trace == "retain-on-failure" and failing):
            outcome.trace = options.artifacts / f"{slug}-trace.zip"
            await page.save_trace(outcome.trace)

    settings = PracticeOptions(
        headless=options.headless,
        autoplay=options.strategy,
        data_dir=options.db,
        handle_signals=False,
        maintain_store=False,  # done once for the whole run (Store.start_run)
        trace=options.trace != "off",
        on_finished=keep_artifacts
        if (options.trace, options.screenshot) != ("off", "off")
        else None,
        verbose=options.verbose,
        marking=options.marking,
    )
    started = time.perf_counter()
    try:
        result = await practice_async(exam, settings, _Explained(outcome), browser=browser)
    except RecorderError as exc:
        outcome.problems.append(f"{type(exc).__name__}: {exc}")
        outcome.seconds = time.perf_counter() - started
        return outcome
    outcome.seconds = time.perf_counter() - started
    record = result.record
    outcome.found = len(collected(record))
    outcome.key_source = record.metadata.keySource
    outcome.score, outcome.total = record.score, record.totalQuestions
    outcome.page_score = record.metadata.pageScore
    outcome.notes = [n for r in result.records or [record] for n in page_notes(r)]
    outcome.record_id = record.id
    outcome.records = len(result.records)
    outcome.expected = expected_score(options.strategy, result, marking_rules(options.marking))
    outcome.problems = check(exam, options.strategy, result, store, outcome.expected)
    return outcome


def run_clickthrough(
    exams: Sequence[Exam],
    options: ClickOptions,
    on_result: Callable[[PageResult], None] | None = None,
) -> list[PageResult]:
    """Every page run and checked, in the order given: in this process, or with
    ``options.processes`` > 1 spread over that many processes (see :func:`_run_in_processes`)."""
    processes = min(options.processes, options.workers, len(exams))
    if processes <= 1:
        return asyncio.run(run_pages(exams, options, on_result))
    return _run_in_processes(exams, options, processes, on_result)


def _run_in_processes(
    exams: Sequence[Exam],
    options: ClickOptions,
    processes: int,
    on_result: Callable[[PageResult], None] | None,
) -> list[PageResult]:
    """Each process runs one slice of the pages (as ``--shard``) in a browser of its own, with
    its share of the workers, and writes to the same database (the store locks across
    processes). A page's result comes back as soon as it is checked, so progress stays live.

    Processes are for machines with more cores than one browser and one event loop can use: on
    2 cores one process ran the library at 2 workers faster (9.3 s against 9.8 s for two)."""
    Store(options.db).start_run()
    slices = [shard(exams, f"{n}/{processes}") for n in range(1, processes + 1)]
    shares = [
        options.workers // processes + (n < options.workers % processes) for n in range(processes)
    ]
    context = multiprocessing.get_context("spawn")  # no fork of a running event loop or thread
    arrived: dict[str, list[PageResult]] = {}
    with context.Manager() as manager, ProcessPoolExecutor(processes, mp_context=context) as pool:
        results: Queue[PageResult] = manager.Queue()
        running = [
            pool.submit(_run_slice, part, replace(options, workers=share, processes=1), results)
            for part, share in zip(slices, shares, strict=True)
        ]
        for _ in exams:
            outcome = _next_result(results, running)
            arrived.setdefault(outcome.exam.location(), []).append(outcome)
            if on_result is not None:
                on_result(outcome)
    return [arrived[exam.location()].pop(0) for exam in exams]


def _next_result(results: Queue[PageResult], running: list[Future[None]]) -> PageResult:
    while True:
        try:
            return results.get(timeout=0.2)
        except Empty:
            for future in running:
                error = future.exception() if future.done() else None
                if error is not None:
                    raise SessionError(
                        f"a clickthrough process failed: {type(error).__name__}: {error}"
                    ) from error
            if all(future.done() for future in running) and results.empty():
                raise SessionError(
                    "the clickthrough processes ended with pages not reported"
                ) from None


def _run_slice(exams: Sequence[Exam], options: ClickOptions, results: Queue[PageResult]) -> None:
    """One process's part of a clickthrough: its pages in a browser of its own."""
    asyncio.run(run_pages(exams, options, results.put, maintain_store=False))

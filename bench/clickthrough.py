"""Pages per minute: the recorder's clickthrough against a plain Playwright script.

The plain script makes the same clicks on the same pages with nothing of the recorder: no
enhancer, no binding, no store, no checks. It opens each page in a new context of one shared
browser, opens the page's popups, gives the same answers (check, fill, select_option, typing,
drag and drop) in the same frames, presses submit and waits for the page's own score where it
shows one. The answers are planned once beforehand (untimed) by the recorder.

Both are timed as whole scripts, from starting Playwright to closing the browser, in pairs of
runs back to back; the overhead is the median of the pairs' own ratios. Rows: 1 worker, 2 workers
(contexts of one browser), and the recorder's 2 workers in 2 processes (`--processes 2`).

Run: .venv/bin/python -m bench.clickthrough [PAIRS] [ROUNDS]
"""

from __future__ import annotations

import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from bench.common import drag_pages, late_pages
from recorder.autoplay import Step, Strategy, plan, play
from recorder.browser import (
    QUIET_ARGS,
    ExamPage,
    LaunchOptions,
    exam_frames,
    find_browser,
    start_browser,
)
from recorder.catalog import Catalog, Exam
from recorder.clickthrough import ClickOptions, run_clickthrough, run_pages

STRATEGY = Strategy.parse("key")


@dataclass
class Plan:
    """What the scripted learner does on one page: open its popups, give its answers, submit."""

    popups: list[str]
    steps: list[Step]
    submit: tuple[int, str]
    score_frame: int | None  # the frame whose #score the page fills when it has marked itself
    frames: int  # how many frames of the exam there are once it has loaded (popups included)


async def planned(exams: list[Exam]) -> dict[str, Plan]:
    """Found with the recorder beforehand (not timed)."""
    from recorder.practice import PracticeOptions, practice_async

    plans: dict[str, Plan] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with start_browser(LaunchOptions()) as browser:
            for exam in exams:

                async def grab(page, exam=exam):  # type: ignore[no-untyped-def]
                    survey = await page.survey()
                    key = survey.key or exam.qa_answers()
                    scored = await page.evaluate_in_frames(
                        "() => !!document.querySelector('#score')"
                    )
                    plans[exam.id] = Plan(
                        popups=list(survey.popups),
                        steps=plan(list(survey.controls), STRATEGY, key),
                        submit=survey.submit or (0, "#submit"),
                        score_frame=next((i for i, has in scored if has), None),
                        frames=len(scored),
                    )

                options = PracticeOptions(
                    autoplay=STRATEGY, data_dir=Path(tmp), after_answers=grab, handle_signals=False
                )
                await practice_async(exam, options, browser=browser)
    return plans


async def plain_page(
    browser: Browser,
    exam: Exam,
    todo: Plan,
    prepare: Callable[[BrowserContext], Awaitable[None]] | None = None,
    loaded: Callable[[Page], Awaitable[None]] | None = None,
) -> None:
    """The same input actions through the same driving code (autoplay.play on an ExamPage,
    which is plain Playwright), on a context with no enhancer, no binding and no store.
    (``prepare`` and ``loaded`` add parts of the recorder back: bench.page_overhead.)"""
    context = await browser.new_context()
    if prepare is not None:
        await prepare(context)
    page = await context.new_page()
    await page.goto(exam.location(), wait_until="domcontentloaded")
    if loaded is not None:
        await loaded(page)
    for selector in todo.popups:
        async with page.expect_popup() as info:
            await page.locator(selector).click()
        await (await info.value).wait_for_load_state("domcontentloaded")
    driven = ExamPage(page)
    while driven.frames() < todo.frames:  # a frame still loading: the recorder waits for it too
        await page.wait_for_timeout(5)
    await play(driven, todo.steps, submit=False)
    await driven.submit(todo.submit)
    if todo.score_frame is not None:
        await exam_frames(page)[todo.score_frame].wait_for_function(
            "() => /\\d/.test(document.querySelector('#score').textContent)"
        )
    await context.close()


async def plain(exams: list[Exam], plans: dict[str, Plan], workers: int) -> float:
    """Seconds for the whole script: starting Playwright and the browser, the pages, closing;
    as for the recorder, whose run_pages starts and closes its own."""
    limit = asyncio.Semaphore(workers)
    executable = str(find_browser())
    started = time.perf_counter()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=list(QUIET_ARGS))

        async def one(exam: Exam) -> None:
            async with limit:
                await plain_page(browser, exam, plans[exam.id])

        await asyncio.gather(*(one(e) for e in exams))
        await browser.close()
    return time.perf_counter() - started


async def recorder(exams: list[Exam], workers: int, processes: int = 1) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        options = ClickOptions(
            strategy=STRATEGY, db=Path(tmp), workers=workers, processes=processes
        )
        started = time.perf_counter()
        if processes > 1:  # each process runs its own event loop
            results = await asyncio.to_thread(run_clickthrough, exams, options)
        else:
            results = await run_pages(exams, options)
        elapsed = time.perf_counter() - started
    failed = [r.exam.id for r in results if not r.ok]
    assert not failed, f"clickthrough failed on {failed}"
    return elapsed


def cpu_seconds() -> float:
    """CPU used so far by this process and by its children that have exited (the Playwright
    driver, and the browser processes it reaped): each run starts and closes its own browser."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Coroutine[Any, Any, float], pages: int) -> tuple[float, float]:
    """(pages per minute, CPU milliseconds per page) of one run."""
    before = cpu_seconds()
    elapsed = asyncio.run(run)
    return 60 * pages / elapsed, 1000 * (cpu_seconds() - before) / pages


@dataclass
class Pairs:
    """Runs of the plain script and the recorder on the same pages, taken in pairs."""

    plain: list[float]  # pages per minute
    recorder: list[float]
    plain_cpu: list[float]  # CPU ms per page
    recorder_cpu: list[float]

    def overhead(self) -> list[float]:
        """Per pair: how much longer the recorder took than the plain script, in percent."""
        return sorted(100 * (p / r - 1) for p, r in zip(self.plain, self.recorder, strict=True))

    def cpu_overhead(self) -> list[float]:
        return sorted(
            100 * (r / p - 1) for p, r in zip(self.plain_cpu, self.recorder_cpu, strict=True)
        )


def paired(
    exams: list[Exam], plans: dict[str, Plan], workers: int, count: int, processes: int = 1
) -> Pairs:
    """``count`` pairs, each a plain run and a recorder run back to back, in an order drawn at
    random per pair: the machine's drift (on a shared VM, +-15% within minutes) hits both runs
    of a pair alike, and neither always goes first."""
    order = random.Random(workers)  # the same order every time the bench is run
    asyncio.run(plain(exams, plans, workers))  # warm the OS caches the same way for both
    asyncio.run(recorder(exams, workers, processes))
    pairs = Pairs([], [], [], [])
    for _ in range(count):
        runs = [
            ("plain", plain(exams, plans, workers)),
            ("recorder", recorder(exams, workers, processes)),
        ]
        order.shuffle(runs)
        for name, run in runs:
            rate, cpu = timed(run, len(exams))
            getattr(pairs, name).append(rate)
            getattr(pairs, f"{name}_cpu").append(cpu)
    return pairs


def spread(values: list[float]) -> str:
    """median (lower quartile to upper quartile)"""
    q1, q2, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{q2:+.1f}% ({q1:+.0f} to {q3:+.0f})"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    # our library, and real-page shapes: rendered late from data files, drag-heavy
    library = [*Catalog().exams, *late_pages(), *drag_pages()]
    exams = library * rounds
    plans = asyncio.run(planned(library))
    print(
        f"{len(exams)} pages a run ({len(library)} exams x {rounds}), strategy key; {count} pairs"
    )
    print("of runs (plain script, recorder) back to back in random order; medians, and for the")
    print("overhead the median of the pairs' own ratios with its quartiles")
    print(
        f"{'workers':>7} | {'plain pg/min':>16} | {'recorder pg/min':>16} | {'overhead':>21}"
        f" | {'CPU ms/page plain, recorder':>27} | CPU overhead"
    )
    # The last row: the recorder's 2 workers in 2 processes (two browsers), the plain script's
    # in one.
    for workers, processes, label in ((1, 1, "1"), (2, 1, "2"), (2, 2, "2 in 2 p")):
        pairs = paired(exams, plans, workers, count, processes)
        p, r = pairs.plain, pairs.recorder
        print(
            f"{label:>7} | {statistics.median(p):>5.1f} ({min(p):.0f}-{max(p):.0f}) | "
            f"{statistics.median(r):>5.1f} ({min(r):.0f}-{max(r):.0f}) | "
            f"{spread(pairs.overhead()):>21} | "
            f"{statistics.median(pairs.plain_cpu):>13.0f}, {statistics.median(pairs.recorder_cpu):.0f}"
            f" | {spread(pairs.cpu_overhead())}"
        )


if __name__ == "__main__":
    main()

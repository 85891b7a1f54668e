"""Pages per minute: the recorder's clickthrough against a plain Playwright script.

The plain script makes the same clicks on the same pages with nothing of the recorder: no
enhancer, no binding, no store, no checks. It opens each page in a new context of one shared
browser, gives the same answers with check / fill / select_option, presses submit and waits
for the page's own score. The answers are planned once beforehand (untimed) by the recorder.

Run: .venv/bin/python -m bench.clickthrough [ROUNDS]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from recorder.autoplay import Step, Strategy, plan
from recorder.browser import QUIET_ARGS, LaunchOptions, find_browser, start_browser
from recorder.catalog import Catalog, Exam
from recorder.clickthrough import ClickOptions, run_pages

STRATEGY = Strategy.parse("key")


async def planned_steps(exams: list[Exam]) -> dict[str, list[Step]]:
    """What the scripted learner does on each page (found with the recorder, not timed)."""
    from recorder.practice import PracticeOptions, practice_async

    steps: dict[str, list[Step]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with start_browser(LaunchOptions()) as browser:
            for exam in exams:

                async def grab(page, _record, exam=exam):  # type: ignore[no-untyped-def]
                    survey = await page.survey()
                    steps[exam.id] = plan(list(survey.controls), STRATEGY, survey.key)

                options = PracticeOptions(
                    autoplay=STRATEGY, data_dir=Path(tmp), on_finished=grab, handle_signals=False
                )
                await practice_async(exam, options, browser=browser)
    return steps


async def plain_page(browser: Browser, exam: Exam, steps: list[Step]) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(exam.location(), wait_until="domcontentloaded")
    for step in steps:
        target = page.locator(step.selector)
        if step.action == "check":
            await target.check()
        elif step.action == "select":
            await target.select_option(step.value)
        else:
            await target.fill(step.value)
    await page.locator("#submit").click()
    await page.wait_for_function("() => /\\d/.test(document.querySelector('#score').textContent)")
    await context.close()


async def plain(exams: list[Exam], steps: dict[str, list[Step]], workers: int) -> float:
    limit = asyncio.Semaphore(workers)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(find_browser()), args=list(QUIET_ARGS)
        )
        started = time.perf_counter()

        async def one(exam: Exam) -> None:
            async with limit:
                await plain_page(browser, exam, steps[exam.id])

        await asyncio.gather(*(one(e) for e in exams))
        elapsed = time.perf_counter() - started
        await browser.close()
    return elapsed


async def recorder(exams: list[Exam], workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        options = ClickOptions(strategy=STRATEGY, db=Path(tmp), workers=workers)
        started = time.perf_counter()
        results = await run_pages(exams, options)
        elapsed = time.perf_counter() - started
    failed = [r.exam.id for r in results if not r.ok]
    assert not failed, f"clickthrough failed on {failed}"
    return elapsed


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    library = list(Catalog().exams)
    exams = library * rounds
    steps = asyncio.run(planned_steps(library))
    print(f"{len(exams)} pages ({len(library)} exams x {rounds} rounds), strategy key;")
    print(f"plain and recorder runs interleaved, {repeats} of each; medians (min-max)")
    print(f"{'workers':>7} | {'plain Playwright':>26} | {'recorder':>26} | overhead")
    for workers in (1, 2):
        asyncio.run(plain(library, steps, workers))  # warm caches the same way for both
        base, ours = [], []
        for _ in range(repeats):  # interleaved, so drift in the machine hits both alike
            base.append(60 * len(exams) / asyncio.run(plain(exams, steps, workers)))
            ours.append(60 * len(exams) / asyncio.run(recorder(exams, workers)))
        b, o = statistics.median(base), statistics.median(ours)
        print(
            f"{workers:>7} | {b:>6.1f} pg/min ({min(base):.0f}-{max(base):.0f}) | "
            f"{o:>6.1f} pg/min ({min(ours):.0f}-{max(ours):.0f}) | {100 * (b / o - 1):+.0f}%"
        )


if __name__ == "__main__":
    main()

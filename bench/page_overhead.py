"""Where the recorder's time goes on one page: the plain script, then the recorder in stages.

Every exam of the library is run in turn by four scripts, in an order drawn at random per page,
on one browser, one page at a time; the figure for a stage is its time minus the plain script's on
the same page in the same round, so the machine's drift cancels out:

- plain:    bench.clickthrough's plain script (no enhancer, no binding, no store);
- present:  the same, on a context with the enhancer's init script and the binding (whose handler
            does nothing), the page never greeted: the cost of being there;
- greeted:  the same, greeted with INIT_SESSION and surveyed as the recorder does, so the page
            sends every message of a session to a handler that does nothing;
- recorder: the clickthrough on the page (session, bridge, fsynced store, checks).

Run: .venv/bin/python -m bench.page_overhead [ROUNDS]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import BrowserContext, Page

from bench.clickthrough import STRATEGY, Plan, plain_page, planned
from recorder.browser import (
    ExamPage,
    LaunchOptions,
    RunningBrowser,
    start_browser,
)
from recorder.catalog import Catalog, Exam
from recorder.clickthrough import ClickOptions, PageResult, run_page
from recorder.enhancer import BINDING, enhancer_script
from recorder.protocol import init_session
from recorder.store import Store

STAGES = ("plain", "present", "greeted", "recorder")


async def with_enhancer(context: BrowserContext) -> None:
    def nothing(*_args: object) -> None:
        return None

    await asyncio.gather(
        context.add_init_script(script=enhancer_script({"version": "bench"})),
        context.expose_binding(BINDING, nothing),
    )


def greeter(exam: Exam) -> Callable[[Page], Awaitable[None]]:
    message = init_session(
        session_id="bench", exam_id=exam.id, parent_origin="recorder",
        timestamp_ms=int(time.time() * 1000), seq=1,
    ).model_dump_json()  # fmt: skip

    async def greet(page: Page) -> None:
        await ExamPage(page).greet(message)

    return greet


def scripts(
    exam: Exam, todo: Plan, running: RunningBrowser, options: ClickOptions, store: Store
) -> dict[str, Callable[[], Awaitable[object]]]:
    """The four ways of doing one page, by stage."""
    browser = running.browser
    return {
        "plain": lambda: plain_page(browser, exam, todo),
        "present": lambda: plain_page(browser, exam, todo, with_enhancer),
        "greeted": lambda: plain_page(browser, exam, todo, with_enhancer, greeter(exam)),
        "recorder": lambda: checked(run_page(exam, options, running, store)),
    }


async def checked(run: Awaitable[PageResult]) -> None:
    result = await run
    assert result.ok, f"{result.exam.id}: {result.problems}"  # a failed page is no figure


async def measure(rounds: int) -> dict[str, list[float]]:
    library = list(Catalog().exams)
    plans: dict[str, Plan] = await planned(library)
    extra: dict[str, list[float]] = {stage: [] for stage in STAGES}
    order = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        options = ClickOptions(strategy=STRATEGY, db=Path(tmp))
        async with start_browser(LaunchOptions()) as running:
            for _ in range(rounds):
                for exam in library:
                    runs = scripts(exam, plans[exam.id], running, options, store)
                    stages = list(STAGES)
                    order.shuffle(stages)
                    took: dict[str, float] = {}
                    for stage in stages:
                        started = time.perf_counter()
                        await runs[stage]()
                        took[stage] = 1000 * (time.perf_counter() - started)
                    extra["plain"].append(took["plain"])
                    for stage in STAGES[1:]:
                        extra[stage].append(took[stage] - took["plain"])
    return extra


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    extra = asyncio.run(measure(rounds))
    plain = statistics.mean(extra["plain"])
    pages = len(extra["plain"])
    print(f"{pages} pages ({rounds} rounds of the library), each run by all four scripts")
    print(f"plain script: {plain:.0f} ms/page (mean)")
    print(f"{'stage':>9} | {'extra ms/page: mean (s.e.)':>27} | median | of the plain time")
    for stage in STAGES[1:]:
        values = extra[stage]
        mean = statistics.mean(values)
        error = statistics.stdev(values) / len(values) ** 0.5
        print(
            f"{stage:>9} | {mean:>19.1f} ({error:4.1f}) | {statistics.median(values):>6.1f}"
            f" | {100 * mean / plain:+.1f}%"
        )


if __name__ == "__main__":
    main()

"""From a page's questions existing to the recorder knowing of them (SESSION_READY).

Pages that render their questions after load (the manifest library's renderer, which draws an
exam 200-1,200 ms after DOMContentLoaded, and the multi-test listening page, 300 ms after) are
opened in turn, each greeted with INIT_SESSION as soon as it has loaded, as the recorder does.
A script installed before the page's own (bench/first_control.js) notes when the first answer
control appears; the time stamp of the first SESSION_READY that lists questions is compared with
it, both on the page's clock. Nothing else of the recorder runs (no store, no session).

Run: .venv/bin/python -m bench.ready_latency [ROUNDS]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import TEST_DATA, late_pages
from recorder.browser import ExamPage, LaunchOptions, start_browser
from recorder.catalog import Exam
from recorder.enhancer import BINDING, enhancer_script
from recorder.exam import adhoc_exam
from recorder.protocol import init_session

FIRST_CONTROL = (Path(__file__).parent / "first_control.js").read_text(encoding="utf-8")


def pages() -> list[Exam]:
    return [*late_pages(), adhoc_exam((TEST_DATA / "pages" / "listening-sets.html").as_uri())]


async def one(page: Any, exam: Exam, ready: asyncio.Future[int]) -> float:
    await page.goto(exam.location(), wait_until="domcontentloaded")
    message = init_session(
        session_id="bench", exam_id=exam.id, parent_origin="recorder",
        timestamp_ms=int(time.time() * 1000), seq=1,
    ).model_dump_json()  # fmt: skip
    await ExamPage(page).greet(message)
    ready_ts = await asyncio.wait_for(ready, 15)
    first = await page.evaluate("() => window.__benchFirstControlAt")
    return float(ready_ts - first)


async def measure(rounds: int) -> list[float]:
    exams = pages()
    gaps: list[float] = []
    async with start_browser(LaunchOptions()) as running:
        for _ in range(rounds):
            for exam in exams:
                context = await running.browser.new_context()
                ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()

                def on_message(
                    _source: object,
                    _doc: str,
                    raw: str,
                    _proof: object = None,
                    ready: asyncio.Future[int] = ready,
                ) -> None:
                    message = json.loads(raw)
                    data = message.get("data") or {}
                    if message.get("type") == "SESSION_READY" and data.get("questionIds"):
                        if not ready.done():
                            ready.set_result(int(message["ts"]))

                await context.expose_binding(BINDING, on_message)
                await context.add_init_script(script=FIRST_CONTROL)
                await context.add_init_script(script=enhancer_script({"version": "bench"}))
                page = await context.new_page()
                gaps.append(await one(page, exam, ready))
                await context.close()
    return gaps


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    gaps = sorted(asyncio.run(measure(rounds)))
    p99 = gaps[min(len(gaps) - 1, round(0.99 * (len(gaps) - 1)))]
    print(f"{len(gaps)} page loads ({rounds} rounds of {len(gaps) // rounds} late-rendering pages)")
    print("questions exist -> SESSION_READY, ms (page clock):")
    print(
        f"  median {statistics.median(gaps):.0f}, p99 {p99:.0f}, "
        f"min {gaps[0]:.0f}, max {gaps[-1]:.0f}"
    )


if __name__ == "__main__":
    main()

"""The greeting's parts on each exam of the library: what INIT_SESSION and the survey cost.

For every exam, in a fresh context with the enhancer and a binding that does nothing, the page is
opened and greeted as the recorder greets it (``ExamPage.greet``), with the context's secret and
without one (the benchmarks' way: nothing signed). Printed, in ms:

- round trip: the greeting as Python waits for it (Playwright's first evaluate in the page's
  main world included);
- in page: the enhancer's own work, timed in the page (performance.now around greet);
- the signing's share: in page with a secret minus in page without, same exam, same round.

Run: .venv/bin/python -m bench.greeting [ROUNDS]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from recorder.browser import BINDING, LaunchOptions, RunningBrowser, sign, start_browser
from recorder.catalog import Catalog, Exam
from recorder.enhancer import enhancer_script
from recorder.protocol import init_session

SECRET = "5e" * 16  # a context's secret has this shape: 32 hex characters

TIMED_GREET = """([message, proof]) => {
  const started = performance.now();
  const survey = window.__ieltsRecorder.greet(message, proof);
  return [performance.now() - started, survey !== null];
}"""


async def greet_once(running: RunningBrowser, exam: Exam, secret: str) -> tuple[float, float]:
    """(round trip, in page) in ms of one greeting of ``exam`` in a fresh context."""
    context = await running.browser.new_context()
    await asyncio.gather(
        context.add_init_script(script=enhancer_script({"version": "bench", "secret": secret})),
        context.expose_binding(BINDING, lambda *_args: None),
    )
    page = await context.new_page()
    await page.goto(exam.location(), wait_until="domcontentloaded")
    message = init_session(
        session_id="bench", exam_id=exam.id, parent_origin="recorder",
        timestamp_ms=int(time.time() * 1000), seq=1,
    ).model_dump_json()  # fmt: skip
    started = time.perf_counter()
    in_page, greeted = await page.evaluate(TIMED_GREET, [message, sign(secret, message)])
    trip = 1000 * (time.perf_counter() - started)
    await context.close()
    assert greeted, f"{exam.id}: the enhancer did not take the greeting"
    return trip, float(in_page)


async def measure(rounds: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"trip": [], "signed": [], "unsigned": [], "signing": []}
    async with start_browser(LaunchOptions()) as running:
        for _ in range(rounds):
            for exam in Catalog().exams:
                trip, signed = await greet_once(running, exam, SECRET)
                _, unsigned = await greet_once(running, exam, "")
                figures["trip"].append(trip)
                figures["signed"].append(signed)
                figures["unsigned"].append(unsigned)
                figures["signing"].append(signed - unsigned)
    return figures


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    figures = asyncio.run(measure(rounds))
    print(f"{len(figures['trip'])} greetings of each kind ({rounds} rounds of the library)")
    labels = {
        "trip": "round trip (signed)",
        "signed": "in page, signed",
        "unsigned": "in page, unsigned",
        "signing": "the signing's share",
    }
    for name, label in labels.items():
        values = figures[name]
        print(
            f"{label:>22}: median {statistics.median(values):6.1f} ms,"
            f" mean {statistics.mean(values):6.1f} ms"
        )


if __name__ == "__main__":
    main()

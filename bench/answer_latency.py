"""Input event to fsynced: how long an answer takes to reach disk, and how many writes it costs.

A real Chromium runs the reading exam; a scripted learner changes answers (typing into the
completion boxes and ticking radio buttons, through real input events) in one of three rhythms:

- ``pace``:  a learner's pace, one change every 150-450 ms;
- ``burst``: bursts of 10 changes as fast as the driver goes, each followed by 1 s of quiet;
- ``fast``:  one change every 20 ms, without pause.

and from one of two places:

- ``apart`` (the default): the learner is a process of its own, driving the recorder's browser
  over the DevTools protocol, as a person's keyboard and mouse do: nothing of the learner runs in
  the recorder's process. The recorder launches its browser as in a real session (with a DevTools
  port open for the learner), so the answers take the path they take for a person.
- ``shared``: the learner's actions go through the recorder's own driver and event loop (as
  ``--autoplay`` does), so its traffic competes with the answers it produces.

For every batch of changes the page sends, the time from its first input event (the event's own
time stamp) to the moment the store has fdatasync'd those answers is measured; the session's
writes are counted, journal lines and whole-session checkpoints alike (group commit: a change
after a quiet moment is written at once, the changes of a burst go together).

Run: .venv/bin/python -m bench.answer_latency [CHANGES] [pace|burst|fast] [apart|shared]
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.common import summary
from recorder import browser as browser_module
from recorder.autoplay import Strategy
from recorder.browser import QUIET_ARGS, ExamPage
from recorder.catalog import Catalog
from recorder.practice import PracticeOptions, practice
from recorder.record import ActiveSession
from recorder.store import Store

WORDS = ("river", "market", "seven", "library", "energy", "north", "winter", "glass", "bands")
BURST = 10


def plan(controls: list[Any], changes: int) -> list[tuple[str, str, str]]:
    """(fill|check, selector, value) for every change, the same for both places."""
    rng = random.Random(1)
    texts = [c for c in controls if c.kind == "text"]
    radios = [c for c in controls if c.kind == "radio"]
    assert all(c.frame == 0 for c in texts + radios), "the bench page has one frame"
    steps = []
    for n in range(changes):
        if n % 2:
            control = rng.choice(texts)
            steps.append(("fill", control.options[0][0], rng.choice(WORDS) + str(n)))
        else:
            control = rng.choice(radios)
            steps.append(("check", rng.choice(control.options)[0], ""))
    return steps


async def pause(rhythm: str, n: int, rng: random.Random) -> None:
    if rhythm == "pace":
        await asyncio.sleep(rng.uniform(0.15, 0.45))
    elif rhythm == "burst":
        if n % BURST == BURST - 1:
            await asyncio.sleep(1.0)
    else:
        await asyncio.sleep(0.02)


async def play(
    steps: list[tuple[str, str, str]],
    rhythm: str,
    fill: Callable[[str, str], Awaitable[None]],
    check: Callable[[str], Awaitable[None]],
) -> None:
    rng = random.Random(2)
    for n, (action, selector, value) in enumerate(steps):
        await (fill(selector, value) if action == "fill" else check(selector))
        await pause(rhythm, n, rng)


async def learner_apart(cdp: str, url: str, steps_file: str, rhythm: str) -> None:
    """The learner's own process: find the exam's page in the browser and answer."""
    from playwright.async_api import async_playwright  # the learner's own driver

    steps = json.loads(Path(steps_file).read_text())
    async with async_playwright() as pw:
        browser = await pw.chromium.connect_over_cdp(cdp)
        [page] = [p for c in browser.contexts for p in c.pages if p.url.split("#")[0] == url]
        await play(steps, rhythm, page.fill, page.check)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    changes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rhythm = sys.argv[2] if len(sys.argv) > 2 else "pace"
    place = sys.argv[3] if len(sys.argv) > 3 else "apart"
    writes = 0
    real_line, real_whole = Store.journal_change, Store.checkpoint

    def line(self: Store, session: ActiveSession) -> bool:
        nonlocal writes
        written = real_line(self, session)
        writes += written
        return written

    def whole(self: Store, session: ActiveSession) -> None:
        nonlocal writes
        writes += 1
        real_whole(self, session)

    # A write is a journal line or the whole session (a checkpoint, every 200 lines or 30 s).
    Store.journal_change, Store.checkpoint = line, whole  # type: ignore[method-assign]
    exam = Catalog().get("academic-reef-soundscapes")
    cdp_port = free_port()

    async def learner(page: ExamPage) -> None:
        nonlocal writes
        steps = plan(list(await page.describe()), changes)
        writes = 0
        if place == "shared":
            await play(steps, rhythm, lambda s, v: page.fill(0, s, v), lambda s: page.check(0, s))
            return
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
            json.dump(steps, out)
        cdp = f"http://127.0.0.1:{cdp_port}"
        apart = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.answer_latency", "--learner", cdp, exam.location(),
            out.name, rhythm,
        )  # fmt: skip
        assert await apart.wait() == 0, "the learner's process failed"

    if place == "apart":
        # The recorder launches its browser as always, with a DevTools port the learner's
        # process connects to: the answers take the path they take in a real session (page,
        # Chromium, the recorder's own driver), and nothing relays them on the way.
        browser_module.QUIET_ARGS = (*QUIET_ARGS, f"--remote-debugging-port={cdp_port}")
    with tempfile.TemporaryDirectory() as tmp:
        result = practice(
            exam,
            PracticeOptions(
                headless=True, autoplay=Strategy.parse("blank"), data_dir=Path(tmp) / "data",
                after_answers=learner,
            ),
        )  # fmt: skip
    latencies = result.save_latencies_ms
    print(f"rhythm: {rhythm}; learner: {place}; answer changes made: {changes}; "
          f"batches saved: {len(latencies)}")  # fmt: skip
    print(f"input event -> fsynced: {summary(latencies)}")
    per = f"{writes / (changes / BURST):.1f} per burst of {BURST}" if rhythm == "burst" else ""
    print(f"session writes (journal lines and checkpoints): {writes} "
          f"({writes / changes:.2f} per change) {per}")  # fmt: skip
    print(f"record status: {result.record.status}, refused messages: {result.stats.refused}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--learner"]:
        asyncio.run(learner_apart(*sys.argv[2:6]))
    else:
        main()

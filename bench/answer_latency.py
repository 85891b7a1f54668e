"""Input event to fsynced: how long an answer takes to reach disk, and how many writes it costs.

A real Chromium runs the reading exam; a scripted learner changes answers (typing into the
completion boxes and ticking radio buttons, through real input events) in one of three rhythms:

- ``pace``:  a learner's pace, one change every 150-450 ms;
- ``burst``: bursts of 10 changes as fast as the driver goes, each followed by 1 s of quiet;
- ``fast``:  one change every 20 ms, without pause.

For every batch of changes the page sends, the time from its first input event (the event's own
time stamp) to the moment the active-session store has fsynced those answers is measured; the
writes of the session file are counted (group commit: a change after a quiet moment is written
at once, the changes that come during a write go together into the next one).

Run: .venv/bin/python -m bench.answer_latency [CHANGES] [pace|burst|fast]
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from pathlib import Path

from bench.common import summary
from recorder.autoplay import Strategy
from recorder.browser import ExamPage
from recorder.catalog import Catalog
from recorder.practice import PracticeOptions, practice
from recorder.store import Store

WORDS = ("river", "market", "seven", "library", "energy", "north", "winter", "glass", "bands")
BURST = 10


def main() -> None:
    changes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rhythm = sys.argv[2] if len(sys.argv) > 2 else "pace"
    rng = random.Random(1)
    writes = 0
    real_save = Store.save_active

    def counted(self: Store, session: object) -> None:
        nonlocal writes
        writes += 1
        real_save(self, session)  # type: ignore[arg-type]

    Store.save_active = counted  # type: ignore[method-assign]

    async def pause(n: int) -> None:
        if rhythm == "pace":
            await asyncio.sleep(rng.uniform(0.15, 0.45))
        elif rhythm == "burst":
            if n % BURST == BURST - 1:
                await asyncio.sleep(1.0)
        else:
            await asyncio.sleep(0.02)

    async def learner(page: ExamPage) -> None:
        nonlocal writes
        controls = await page.describe()
        texts = [c for c in controls if c.kind == "text"]
        radios = [c for c in controls if c.kind == "radio"]
        writes = 0
        for n in range(changes):
            if n % 2:
                control = rng.choice(texts)
                await page.fill(control.frame, control.options[0][0], rng.choice(WORDS) + str(n))
            else:
                control = rng.choice(radios)
                await page.check(control.frame, rng.choice(control.options)[0])
            await pause(n)

    with tempfile.TemporaryDirectory() as tmp:
        result = practice(
            Catalog().get("academic-reef-soundscapes"),
            PracticeOptions(
                headless=True,
                autoplay=Strategy.parse("blank"),
                data_dir=Path(tmp),
                after_answers=learner,
            ),
        )
    latencies = result.save_latencies_ms
    print(f"rhythm: {rhythm}; answer changes made: {changes}; batches saved: {len(latencies)}")
    print(f"input event -> fsynced: {summary(latencies)}")
    per = f"{writes / (changes / BURST):.1f} per burst of {BURST}" if rhythm == "burst" else ""
    print(f"session file writes: {writes} ({writes / changes:.2f} per change) {per}")
    print(f"record status: {result.record.status}, refused messages: {result.stats.refused}")


if __name__ == "__main__":
    main()

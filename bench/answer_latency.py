"""Input event to fsynced: how long an answer takes to reach disk, over 1,000 answer changes.

A real Chromium runs the reading exam; a scripted learner changes answers 1,000 times (typing
into the completion boxes and ticking radio buttons, through real input events). For every batch
of changes the page sends, the time from its first input event (the event's own time stamp) to
the moment the active-session store has fsynced those answers is measured.

Run: .venv/bin/python -m bench.answer_latency [CHANGES]
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

WORDS = ("river", "market", "seven", "library", "energy", "north", "winter", "glass", "bands")


def main() -> None:
    changes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(1)

    async def learner(page: ExamPage) -> None:
        controls = await page.describe()
        texts = [c for c in controls if c.kind == "text"]
        radios = [c for c in controls if c.kind == "radio"]
        for n in range(changes):
            if n % 2:
                control = rng.choice(texts)
                await page.fill(control.frame, control.options[0][0], rng.choice(WORDS) + str(n))
            else:
                control = rng.choice(radios)
                await page.check(control.frame, rng.choice(control.options)[0])
            await asyncio.sleep(0.02)  # a fast learner, still far faster than a real one

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
    print(f"answer changes made: {changes}; batches saved: {len(latencies)}")
    print(f"input event -> fsynced: {summary(latencies)}")
    print(f"record status: {result.record.status}, refused messages: {result.stats.refused}")


if __name__ == "__main__":
    main()

"""`ielts history` with 10,000 records in history: the whole command, and the library call.

Run: .venv/bin/python -m bench.history_read [RECORDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import fill_history
from recorder.history import HistoryFilter, history
from recorder.store import Store

RUNS = 5


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fill_history(root, count)
        library = []
        for _ in range(RUNS):
            start = time.perf_counter()
            found = history(Store(root).summaries(), HistoryFilter(limit=20))
            library.append((time.perf_counter() - start) * 1000)
        assert len(found.completed) == 20
        command = []
        env = {**os.environ, "COLUMNS": "120"}
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "recorder", "history", "--data-dir", str(root)],
                check=True, capture_output=True, env=env,
            )  # fmt: skip
            command.append((time.perf_counter() - start) * 1000)
    print(f"records in history: {count:,}")
    print(f"history() in the library: median {statistics.median(library):.0f} ms over {RUNS} runs")
    print(
        f"'ielts history' end to end: median {statistics.median(command):.0f} ms over {RUNS} runs"
    )


if __name__ == "__main__":
    main()

"""How long an `ielts` command takes from start to exit, against Python doing nothing.

Each command runs in a new process as ``python -m recorder ...`` (what the ``ielts`` entry point
runs; the package is taken from the current directory, so an older checkout can be measured
the same way), 10 times after one warm-up run, interleaved with `python -c pass` so both see the same machine; the
figures are medians. Also shown: which of Playwright and matplotlib each command loaded (none of
these commands should load either).

Run: .venv/bin/python -m bench.cli_latency [RUNS]
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

IELTS = [sys.executable, "-m", "recorder"]
HEAVY = "import sys, runpy; sys.argv = ['ielts', *sys.argv[1:]]\n" + (
    "try:\n    runpy.run_module('recorder', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print(','.join(m for m in ('playwright', 'matplotlib') if m in sys.modules) or '-',"
    " file=sys.stderr)"
)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return (time.perf_counter() - start) * 1000


def loaded(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", HEAVY, *args], capture_output=True, text=True, env=env, check=False
    )
    return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty", Path(tmp) / "full"
        fill_history(full, 10_000)
        # Bytecode is cached, as on a learner's machine (this workplace's shells set
        # PYTHONDONTWRITEBYTECODE, which makes every start compile ~30 modules again).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["COLUMNS"] = "120"
        cases = [
            ("ielts --help", ["--help"]),
            ("ielts exams --json", ["exams", "--json", "--data-dir", str(empty)]),
            ("ielts history --json (empty store)", ["history", "--json", "--data-dir", str(empty)]),
            (
                "ielts history --json (10,000 records)",
                ["history", "--json", "--data-dir", str(full)],
            ),
        ]
        baseline: list[float] = []
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        for _, args in cases:  # warm-up: caches, and the store's first open
            timed([*IELTS, *args], env)
        for _ in range(runs):
            baseline.append(timed([sys.executable, "-c", "pass"], env))
            for name, args in cases:
                times[name].append(timed([*IELTS, *args], env))
        print(f"python -c pass: median {statistics.median(baseline):.0f} ms over {runs} runs")
        for name, args in cases:
            median = statistics.median(times[name])
            print(
                f"{name}: median {median:.0f} ms "
                f"(+{median - statistics.median(baseline):.0f} ms over Python), "
                f"loaded: {loaded(args, env)}"
            )


if __name__ == "__main__":
    main()

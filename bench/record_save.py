"""Record save time with 100, 10,000 and 100,000 records in history, ours vs TinyDB's default.

Run: .venv/bin/python -m bench.record_save
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tinydb import TinyDB  # the baseline: TinyDB as it comes

from bench.common import fill_default_tinydb, fill_history, sample_record
from recorder.store import Store

SIZES = (100, 10_000, 100_000)
OURS_SAVES = 50
DEFAULT_SAVES = {100: 20, 10_000: 5, 100_000: 2}


def ours(size: int) -> tuple[float, float]:
    """(first save in a fresh process, median of later saves), in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fill_history(root, size)
        store = Store(root)
        start = time.perf_counter()
        store.save_record(
            sample_record(size).model_copy(update={"sessionId": "first", "id": "record_first"})
        )
        first = (time.perf_counter() - start) * 1000
        times = []
        for n in range(OURS_SAVES):
            rec = sample_record(size + n).model_copy(
                update={"sessionId": f"new-{n}", "id": f"record_new-{n}"}
            )
            start = time.perf_counter()
            store.save_record(rec)
            times.append((time.perf_counter() - start) * 1000)
        assert store.count_records() == size + OURS_SAVES + 1
        return first, statistics.median(times)


def default(size: int) -> float:
    """Median ms of one insert into TinyDB's default JSONStorage file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.json"
        fill_default_tinydb(path, size)
        times = []
        for n in range(DEFAULT_SAVES[size]):
            doc = sample_record(size + n).model_dump(mode="json")
            start = time.perf_counter()
            with TinyDB(path) as db:
                db.insert(doc)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    print(
        f"{'history':>9} | {'ours: save':>11} | {'ours: 1st save':>14} | {'TinyDB default':>14} | ratio"
    )
    base = None
    for size in sizes:
        first, steady = ours(size)
        baseline = default(size)
        base = base or steady
        print(
            f"{size:>9,} | {steady:>8.2f} ms | {first:>11.1f} ms | {baseline:>11.1f} ms | "
            f"default/ours {baseline / steady:>7.1f}x | ours vs at {sizes[0]:,}: {steady / base:.2f}x"
        )


if __name__ == "__main__":
    main()

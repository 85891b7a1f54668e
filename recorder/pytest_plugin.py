"""A pytest plugin for QA engineers (registered through the ``pytest11`` entry point).

- ``recorded_session``: a fixture that runs a real recorded session and returns its record::

      def test_reading_full_marks(recorded_session):
          record = recorded_session("academic-reef-soundscapes", "key")
          assert record.score == record.totalQuestions

- ``library()``: parameters over the exam library with readable ids::

      @pytest.mark.parametrize("exam", library(type="listening"))
      def test_every_listening_page(recorded_session, exam): ...

It respects pytest-playwright's ``--headed``, ``--tracing`` and ``--output`` where that plugin is
installed, and offers the same options itself where it is not. Sessions go to a database under
the test's own temporary folder unless ``--recorder-db`` names one.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .autoplay import Strategy
from .browser import ExamPage, has_display
from .catalog import Catalog, Exam
from .practice import PracticeOptions, practice
from .record import PracticeRecord

RecordedSession = Callable[..., PracticeRecord]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ielts-recorder", "IELTS practice recorder")
    shared: list[tuple[str, dict[str, Any]]] = [
        ("--headed", {"action": "store_true", "default": False, "help": "Show the browser."}),
        (
            "--tracing",
            {"default": "off", "choices": ["on", "off", "retain-on-failure"],
             "help": "Keep Playwright traces of recorded sessions."},
        ),
        ("--output", {"default": "test-results", "help": "Where traces are kept."}),
    ]  # fmt: skip
    for name, spec in shared:
        try:
            group.addoption(name, **spec)
        except ValueError:
            pass  # pytest-playwright defines it already: its value is the one used
    group.addoption("--recorder-db", default=None, help="Database for recorded sessions.")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Kept on the item so the fixture can tell, at teardown, whether the test failed.
    report = yield
    setattr(item, f"_ielts_rep_{report.when}", report)
    return report


def library(*, type: str | None = None, scored: bool | None = None) -> list[Any]:
    """``pytest.param`` per bundled exam, with the exam id as the test id. ``scored=True`` keeps
    the pages with an answer key, ``scored=False`` the keyless ones."""
    return [
        pytest.param(exam, id=exam.id)
        for exam in Catalog().filter(type=type)
        if scored is None or scored == (exam.keySource != "none")
    ]


@pytest.fixture
def recorded_session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordedSession]:
    config = request.config
    headed = bool(config.getoption("--headed")) and has_display()
    tracing = str(config.getoption("--tracing"))
    db_option = config.getoption("--recorder-db")
    db = Path(db_option) if db_option else tmp_path / "ielts-recorder"
    traces: list[Path] = []
    catalog = Catalog()

    def start(exam: str | Exam, strategy: str = "key", **options: Any) -> PracticeRecord:
        chosen = catalog.resolve(exam) if isinstance(exam, str) else exam

        async def keep_trace(page: ExamPage, _record: PracticeRecord) -> None:
            target = tmp_path / f"trace-{len(traces) + 1}.zip"
            await page.save_trace(target)
            traces.append(target)

        settings = PracticeOptions(
            headless=not headed,
            autoplay=Strategy.parse(strategy),
            data_dir=db,
            trace=tracing != "off",
            on_finished=keep_trace if tracing != "off" else None,
            **options,
        )
        return practice(chosen, settings).record

    yield start
    failed = getattr(request.node, "_ielts_rep_call", None)
    keep = tracing == "on" or (
        tracing == "retain-on-failure" and failed is not None and failed.failed
    )
    if keep and traces:
        folder = Path(str(config.getoption("--output"))) / re.sub(
            r"[^\w.-]+", "-", request.node.nodeid
        )
        folder.mkdir(parents=True, exist_ok=True)
        for trace in traces:
            if trace.is_file():
                shutil.copy2(trace, folder / trace.name)

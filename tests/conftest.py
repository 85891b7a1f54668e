from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from recorder.autoplay import Strategy
from recorder.catalog import Catalog, Exam
from recorder.practice import PracticeOptions, PracticeResult, practice

CATALOG = Catalog()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return CATALOG


Play = Callable[..., PracticeResult]


@pytest.fixture
def play(data_dir: Path) -> Play:
    """Run a real, headless, recorded session with a scripted learner."""

    def run(exam: Exam | str, strategy: str, **options: object) -> PracticeResult:
        chosen = CATALOG.resolve(exam) if isinstance(exam, str) else exam
        settings = PracticeOptions(
            headless=True,
            autoplay=Strategy.parse(strategy),
            data_dir=data_dir,
            **options,  # type: ignore[arg-type]
        )
        return practice(chosen, settings)

    return run


pytest_plugins = ["pytester"]

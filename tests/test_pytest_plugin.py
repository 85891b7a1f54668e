"""The pytest plugin, used the way a QA engineer would: in a test file of their own."""

from __future__ import annotations

import pytest

QA_TESTS = """
import pytest
from recorder.pytest_plugin import library


@pytest.mark.parametrize("exam", library(type="listening", scored=True))
def test_full_marks_everywhere(recorded_session, exam):
    record = recorded_session(exam, "key")
    assert record.status == "completed"
    assert record.score == record.totalQuestions == exam.questions


def test_blank_scores_zero(recorded_session):
    record = recorded_session("listening-community-centre", "blank")
    assert record.score == 0


def test_a_failing_check(recorded_session):
    record = recorded_session("academic-reef-soundscapes", "blank")
    assert record.score == 13
"""


def test_the_plugin_gives_fixtures_ids_and_traces(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_qa=QA_TESTS)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-v", "--tracing", "retain-on-failure"
    )
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_full_marks_everywhere?listening-community-centre? PASSED*",
            "*test_full_marks_everywhere?listening-cooling-cities? PASSED*",
        ]
    )
    kept = sorted(p.name for p in (pytester.path / "test-results").rglob("*.zip"))
    assert kept == ["trace-1.zip"]  # only the failing test's trace is retained
    assert "test_a_failing_check" in str(next((pytester.path / "test-results").iterdir()))


def test_the_plugin_offers_its_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--headed*", "*--tracing*", "*--recorder-db*"])

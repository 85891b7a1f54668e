"""ielts-practice-recorder: record, score and keep every IELTS practice attempt."""

from __future__ import annotations

__version__ = "0.1.0"

from .catalog import Catalog, Exam  # noqa: E402
from .errors import RecorderError  # noqa: E402
from .record import PracticeRecord  # noqa: E402

__all__ = ["Catalog", "Exam", "PracticeRecord", "RecorderError", "__version__"]

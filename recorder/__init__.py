"""ielts-practice-recorder: record, score and keep every IELTS practice attempt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .catalog import Catalog, Exam
    from .errors import RecorderError
    from .record import PracticeRecord

__all__ = ["Catalog", "Exam", "PracticeRecord", "RecorderError", "__version__"]

#: Where each public name lives. They are imported on first use (PEP 562), so importing any
#: module of the package (every `ielts` command does) does not load the catalog and pydantic.
_LAZY = {
    "Catalog": "catalog",
    "Exam": "catalog",
    "PracticeRecord": "record",
    "RecorderError": "errors",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'recorder' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)

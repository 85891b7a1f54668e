"""The recorder's errors: one tree, so the CLI can catch the base and print a clean message.

RecorderError
├── ExamNotFound        an exam id, path or URL that names no practice page
├── CatalogError        the exam index is missing or invalid
├── BrowserNotFound     no Chromium or Chrome could be found to drive
├── BrowserError        the browser failed to start or the page failed to load
├── ProtocolError       a message from the page broke the protocol
├── RecordNotFound      no stored record has that id
├── ImportFailed        a file to import (or a format to export) is not usable
├── SessionError        a session could not start or finish
├── UsageError          a command-line value the command cannot use (exit 2)
├── LrsError            a Learning Record Store could not be reached or refused statements
└── StoreError          the database could not be read or written
    └── CorruptDatabase a database file is not valid JSON
"""

from __future__ import annotations


class RecorderError(Exception):
    """Base class of every error the recorder raises on purpose."""


class ExamNotFound(RecorderError):
    """An exam id, path or URL that names no practice page."""


class CatalogError(RecorderError):
    """The exam index is missing or invalid."""


class BrowserNotFound(RecorderError):
    """No Chromium or Chrome could be found to drive."""


class BrowserError(RecorderError):
    """The browser failed to start or the page failed to load."""


class ProtocolError(RecorderError):
    """A message from the page broke the protocol."""


class RecordNotFound(RecorderError):
    """No stored record has that id."""


class ImportFailed(RecorderError):
    """A file to import cannot be read as records."""


class SessionError(RecorderError):
    """A session could not start or finish."""


class UsageError(RecorderError):
    """A command-line value the command cannot use: said with the usage line, exit 2."""


class LrsError(RecorderError):
    """A Learning Record Store could not be reached, or refused what was sent.

    ``kind`` is the failure class: ``config``, ``unreachable``, ``unauthorized``, ``rejected``
    or ``server``; only ``unreachable`` and ``server`` are worth a retry.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class StoreError(RecorderError):
    """The database could not be read or written."""


class CorruptDatabase(StoreError):
    """A database file is not valid JSON."""

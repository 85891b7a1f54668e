"""Which frames belong to an exam: the origin a frame must share with the exam page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse


@lru_cache(maxsize=1024)  # asked for every message a page sends, of the same few URLs
def origin_of(url: str) -> str:
    """The origin a frame must share with the exam: scheme and host, or for files the folder."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return "file://" + str(PurePosixPath(unquote(parsed.path)).parent)
    if parsed.scheme in ("http", "https"):
        return f"{parsed.scheme}://{parsed.netloc}"
    return parsed.scheme + ":"

"""Which frames and scripts belong to an exam: the origin they must share with the exam page."""

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


def own_script(url: str, page_url: str) -> bool:
    """A script of the page's own: of its origin, or for a file page, in its folder or below
    (a data folder beside the page); never any other file of the machine."""
    if urlparse(url).scheme != "file" or urlparse(page_url).scheme != "file":
        return origin_of(url) == origin_of(page_url)
    folder = origin_of(page_url)
    return origin_of(url) == folder or origin_of(url).startswith(folder.rstrip("/") + "/")

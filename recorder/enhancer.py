"""The enhancer as the recorder injects it into every document: its files in order, the name
of the binding it speaks through, and the init script made of them."""

from __future__ import annotations

import json
from typing import Any

from .config import ENHANCER_DIR

BINDING = "__ieltsRecorderSend"
#: The frame around the files: the prelude and the files take the place of its marker line.
FRAME_FILE = "document.js"
FRAME_MARKER = "/* ENHANCER FILES */"
ENHANCER_FILES = (
    "core.js",
    "fetched.js",
    "ids.js",
    "widgets.js",
    "picks.js",
    "collect.js",
    "multitest.js",
    "literal.js",
    "answertext.js",
    "key.js",
    "explain.js",
    "submit.js",
    "windows.js",
    "enhancer.js",
    "opener.js",
)


def enhancer_script(config: dict[str, Any]) -> str:
    """The init script: a one-line JSON prelude (data, never templated code), then the files,
    in the frame of document.js (which leaves a new tab's first, empty document alone)."""
    prelude = f"window.__IELTS_RECORDER_CONFIG__ = {json.dumps(config)};\n"
    parts = [prelude]
    for name in ENHANCER_FILES:
        parts.append((ENHANCER_DIR / name).read_text(encoding="utf-8"))
    before, marker, after = (
        (ENHANCER_DIR / FRAME_FILE).read_text(encoding="utf-8").partition(FRAME_MARKER)
    )
    if not marker:
        raise RuntimeError(f"{FRAME_FILE} has lost its marker line {FRAME_MARKER!r}")
    return before + "\n".join(parts) + after

"""The enhancer as the recorder injects it into every document: its files in order, the name
of the binding it speaks through, and the init script made of them."""

from __future__ import annotations

import json
from typing import Any

from .config import ENHANCER_DIR

BINDING = "__ieltsRecorderSend"
ENHANCER_FILES = (
    "core.js",
    "ids.js",
    "widgets.js",
    "collect.js",
    "multitest.js",
    "key.js",
    "explain.js",
    "submit.js",
    "windows.js",
    "enhancer.js",
    "opener.js",
)


def enhancer_script(config: dict[str, Any]) -> str:
    """The init script: a one-line JSON prelude (data, never templated code), then the files."""
    prelude = f"window.__IELTS_RECORDER_CONFIG__ = {json.dumps(config)};\n"
    parts = [prelude]
    for name in ENHANCER_FILES:
        parts.append((ENHANCER_DIR / name).read_text(encoding="utf-8"))
    return "\n".join(parts)

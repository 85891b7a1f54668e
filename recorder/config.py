"""Where the recorder keeps its data, and the package's own paths."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable that overrides the data directory (``--data-dir`` wins over it).
DATA_DIR_ENV = "IELTS_RECORDER_DATA"

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent
ENHANCER_DIR = REPO_ROOT / "enhancer_js"
EXAMS_DIR = REPO_ROOT / "exams"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``override``, else ``$IELTS_RECORDER_DATA``, else the platform's."""
    if override:
        chosen = Path(override)
    elif os.environ.get(DATA_DIR_ENV):
        chosen = Path(os.environ[DATA_DIR_ENV])
    else:
        chosen = Path(platformdirs.user_data_dir("ielts-practice-recorder", appauthor=False))
    return chosen.expanduser().resolve()

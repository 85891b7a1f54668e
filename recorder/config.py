"""Where the recorder keeps its data, the package's own paths, and the defaults the command
line shows (kept here, where --help can read them without loading the modules that use them)."""

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

#: Attempts a question needs before item analysis flags it (recorder/items.py).
MIN_ATTEMPTS = 5
#: The deck the Anki cards of mistakes go to (recorder/mistakes.py).
ANKI_DECK = "IELTS mistakes"
#: Statements per POST: large enough that a sync of a year of practice is a few hundred
#: requests, small enough that one refused batch is quick to resend one by one (recorder/sync.py).
BATCH = 200
#: The home page of a learner's xAPI account when none is given (recorder/settings.py).
DEFAULT_HOME_PAGE = "http://localhost/ielts-practice-recorder"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``override``, else ``$IELTS_RECORDER_DATA``, else the platform's."""
    if override:
        chosen = Path(override)
    elif os.environ.get(DATA_DIR_ENV):
        chosen = Path(os.environ[DATA_DIR_ENV])
    else:
        chosen = Path(platformdirs.user_data_dir("ielts-practice-recorder", appauthor=False))
    return chosen.expanduser().resolve()

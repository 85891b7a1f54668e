"""The learner's settings, kept in the data directory as ``settings.json``.

The libraries the recorder was pointed at (``ielts exams --library PATH``), to which
``$IELTS_RECORDER_LIBRARIES`` (paths separated by the platform's path separator) adds more; and the
marking a teacher chose (``"marking": "strict"``; ``--marking`` on a command overrides it).
A settings file that cannot be read is reported, never overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import CatalogError

LIBRARIES_ENV = "IELTS_RECORDER_LIBRARIES"
FILE_NAME = "settings.json"


class Settings(BaseModel):
    model_config = ConfigDict(extra="allow")  # a newer recorder's entries are kept

    libraries: list[str] = []
    #: The contested marking rules (recorder/scoring.py MarkingRules): lenient or strict.
    marking: str | None = None


def load(data_dir: Path) -> Settings:
    path = data_dir / FILE_NAME
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, ValidationError) as exc:
        raise CatalogError(
            f"the settings file {path} is unreadable ({exc}); fix or remove it"
        ) from None


def save(data_dir: Path, settings: Settings) -> None:
    """Write the settings atomically (a temporary file, then a rename)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILE_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(settings.model_dump(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def library_paths(data_dir: Path) -> list[Path]:
    """The libraries remembered in the settings, then those of ``$IELTS_RECORDER_LIBRARIES``."""
    paths = [Path(p) for p in load(data_dir).libraries]
    extra = os.environ.get(LIBRARIES_ENV, "")
    paths += [Path(p).expanduser() for p in extra.split(os.pathsep) if p.strip()]
    unique: list[Path] = []
    for path in paths:
        if path.resolve() not in [p.resolve() for p in unique]:
            unique.append(path)
    return unique


def marking_of(data_dir: Path, chosen: str | None = None) -> str:
    """The marking to use: ``chosen`` (a command's ``--marking``), else the settings', else
    lenient."""
    return chosen or load(data_dir).marking or "lenient"


def remember_library(data_dir: Path, path: Path) -> bool:
    """Add a library to the settings; False when it was there already."""
    settings = load(data_dir)
    resolved = str(path.expanduser().resolve())
    if resolved in settings.libraries:
        return False
    settings.libraries.append(resolved)
    save(data_dir, settings)
    return True

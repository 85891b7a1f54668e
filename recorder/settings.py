"""The learner's settings, kept in the data directory as ``settings.json``.

The libraries the recorder was pointed at (``ielts exams --library PATH``), to which
``$IELTS_RECORDER_LIBRARIES`` (paths separated by the platform's path separator) adds more; and the
marking a teacher chose (``"marking": "strict"``; ``--marking`` on a command overrides it); who the
learner is in xAPI statements (``"actor"``) and the Learning Record Store records go to (``"lrs"``:
its xAPI base URL and HTTP Basic credentials; ``$IELTS_LRS_URL``, ``$IELTS_LRS_USERNAME`` and
``$IELTS_LRS_PASSWORD`` take precedence). The file is written readable by its owner only.
A settings file that cannot be read is reported, never overwritten.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .config import DEFAULT_HOME_PAGE
from .errors import CatalogError

LIBRARIES_ENV = "IELTS_RECORDER_LIBRARIES"
FILE_NAME = "settings.json"


LRS_ENV = ("IELTS_LRS_URL", "IELTS_LRS_USERNAME", "IELTS_LRS_PASSWORD")


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    homePage: str = Field(pattern=r"^https?://\S+$")
    name: str = Field(min_length=1, max_length=200)


class Actor(BaseModel):
    """The learner as an xAPI Agent (xAPI 1.0.3 part two, 2.4.2.1): one inverse functional
    identifier, an ``mbox`` or an ``account``, and an optional display name."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str | None = Field(default=None, max_length=200)
    mbox: str | None = None
    account: Account | None = None

    @field_validator("mbox")
    @classmethod
    def _mailto(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"mailto:[^@\s]+@[^@\s]+", value):
            raise ValueError(f"{value!r} is not an e-mail address such as mailto:ann@example.org")
        return value

    @model_validator(mode="after")
    def _one_identifier(self) -> Actor:
        if (self.mbox is None) == (self.account is None):
            raise ValueError("an actor has exactly one of mbox or account")
        return self

    def as_xapi(self) -> dict[str, Any]:
        return {"objectType": "Agent", **self.model_dump(exclude_none=True)}


class Lrs(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    url: str | None = None
    username: str | None = None
    password: str | None = None


class Settings(BaseModel):
    # A newer recorder's entries are kept.
    model_config = ConfigDict(extra="allow", defer_build=True)

    libraries: list[str] = []
    #: The contested marking rules (recorder/scoring.py MarkingRules): lenient or strict.
    marking: str | None = None
    actor: Actor | None = None
    lrs: Lrs = Field(default_factory=Lrs)


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
    text = json.dumps(settings.model_dump(exclude_none=True), indent=2) + "\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it may hold a password
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def actor_of(data_dir: Path) -> dict[str, Any]:
    """The learner in xAPI statements: the settings' actor, else an account named after the
    computer's user."""
    actor = load(data_dir).actor
    if actor is None:
        name = getpass.getuser() or "learner"
        actor = Actor(name=name, account=Account(homePage=DEFAULT_HOME_PAGE, name=name))
    return actor.as_xapi()


def lrs_of(data_dir: Path, url: str | None = None) -> Lrs:
    """Where records go: ``url`` (``--lrs``), else the environment, else the settings."""
    stored = load(data_dir).lrs
    env = [os.environ.get(name) or None for name in LRS_ENV]
    return Lrs(
        url=url or env[0] or stored.url,
        username=env[1] or stored.username,
        password=env[2] or stored.password,
    )


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


def configure_lrs(
    data_dir: Path,
    *,
    url: str | None = None,
    username: str | None = None,
    password: str | None = None,
    mbox: str | None = None,
    account: str | None = None,
    home_page: str = DEFAULT_HOME_PAGE,
    name: str | None = None,
) -> bool:
    """Change what is given; True when something changed. Raises ValueError with the reason
    when an actor is not valid xAPI."""
    settings = load(data_dir)
    changed = False
    if url is not None or username is not None or password is not None:
        settings.lrs = settings.lrs.model_copy(
            update={
                key: value
                for key, value in {"url": url, "username": username, "password": password}.items()
                if value is not None
            }
        )
        changed = True
    if mbox is not None or account is not None or name is not None:
        if mbox is not None and not mbox.startswith("mailto:"):
            mbox = f"mailto:{mbox}"
        try:
            if mbox is None and account is None:
                old = settings.actor
                if old is None:
                    raise ValueError("give --mbox or --account with --name")
                settings.actor = old.model_copy(update={"name": name})
            else:
                who = Account(homePage=home_page, name=account) if account is not None else None
                settings.actor = Actor(name=name, mbox=mbox, account=who)
        except ValidationError as exc:
            raise ValueError(
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                or str(exc)
            ) from None
        changed = True
    if changed:
        save(data_dir, settings)
    return changed

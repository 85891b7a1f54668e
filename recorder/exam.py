"""What an exam is: one practice page (or a whole test of several), and pages met ad hoc.

A page outside every library (a path or a URL) is described from its ``<meta name="ielts:...">``
tags and ``<title>`` where it has them; its id is stable across runs and machines (it comes from
the page's own name and query, never from the host, port or absolute folder), and its title is
what the page shows once rendered unless a meta tag names it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import EXAMS_DIR
from .errors import CatalogError, ExamNotFound

ExamType = Literal["reading", "listening"]
#: Which band table applies: IELTS converts Listening, Academic Reading and General Training
#: Reading raw scores with different tables.
Module = Literal["listening", "academic", "general"]


class _Entry(BaseModel):
    """What the index says of every entry, a page or a whole test."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200)
    title: str = Field(min_length=1)
    type: ExamType
    module: Module


class Exam(_Entry):
    """One practice page and what the recorder needs to know about it."""

    part: str = ""
    questions: int | None = Field(default=None, gt=0, le=200, description="None: not declared")
    #: The number printed on the page's first question (Passage 2 starts at 14).
    firstQuestion: int | None = Field(default=None, gt=0, le=200)
    timeLimit: int | None = Field(default=None, gt=0, description="minutes")
    file: str | None = None
    url: str | None = None
    keySource: str = "unknown"
    frequency: str = ""
    scope: Literal["part", "full"] = "part"
    #: For QA on a page whose key the recorder cannot read before submit (or at all): a JSON file
    #: of question number → answer that ``--autoplay key`` gives. It never marks an attempt.
    answers: str | None = None
    #: The title is a stand-in (a file name): the record takes the one the page shows.
    titleFromPage: bool = False
    #: Data files of the exam (URLs) whose text the recorder offers the page for its key.
    scripts: tuple[str, ...] = ()
    #: The library the exam comes from (empty: ours).
    library: str = ""

    @field_validator("file", "answers")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in Path(value).parts):
            raise ValueError("must be a path inside exams/")
        return value

    def qa_answers(self, exams_dir: Path = EXAMS_DIR) -> dict[str, Any] | None:
        """The answers file's question → answer, or None when the exam has none."""
        if self.answers is None:
            return None
        path = exams_dir / self.answers
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CatalogError(f"exam {self.id!r}: answers file {path} unreadable: {exc}") from None
        if not isinstance(data, dict):
            raise CatalogError(f"exam {self.id!r}: answers file {path} is not a JSON object")
        return {str(k): v for k, v in data.items()}

    @property
    def label(self) -> str:
        """The exam id, plus the file name for a page outside the library (copies share ids)."""
        if self.url is None:
            return self.id
        return f"{self.id} [{self.url.rstrip('/').rsplit('/', 1)[-1]}]"

    def location(self, exams_dir: Path = EXAMS_DIR) -> str:
        """The URL the browser opens for this exam."""
        if self.url:
            return self.url
        if self.file is None:
            raise CatalogError(f"exam {self.id!r} has neither a file nor a url")
        return (exams_dir / self.file).resolve().as_uri()


class Suite(_Entry):
    """A whole test: its parts (library exams) taken in order in one window, one countdown."""

    parts: tuple[str, ...] = Field(min_length=1)
    timeLimit: int = Field(gt=0, description="minutes, for all the parts together")


def is_fragment(path: Path) -> bool:
    """A page that is only part of another (a frame's content, a popup): ``ielts:part-of``."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return 'name="ielts:part-of"' in head


def _read_meta(html: str | None) -> tuple[dict[str, str], str]:
    """The ``ielts:`` meta tags of a page and its title."""
    from html.parser import HTMLParser  # only for a page outside every library

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.meta: dict[str, str] = {}
            self.title = ""
            self._in_title = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {k: v or "" for k, v in attrs}
            if tag == "meta" and values.get("name", "").startswith("ielts:"):
                self.meta[values["name"][6:]] = values.get("content", "")
            self._in_title = tag == "title"

        def handle_endtag(self, tag: str) -> None:
            if tag == "title":
                self._in_title = False

        def handle_data(self, data: str) -> None:
            if self._in_title:
                self.title += data

    reader = Reader()
    if html is not None:
        reader.feed(html)
    return reader.meta, reader.title


def standin_exam(exam_id: str, title: str, url: str) -> Exam:
    """The exam a saved session was on, when its page is no longer where it was: recorded under
    the id, title and address the session kept."""
    found = adhoc_exam(url)
    return found.model_copy(update={"id": exam_id, "title": title or found.title,
                                    "titleFromPage": False})  # fmt: skip


def adhoc_exam(url: str, html: str | None = None) -> Exam:
    """An exam for a page outside every library, from its address and (where it is a file)
    its text: meta tags name it; otherwise its title is what it shows once rendered."""
    import hashlib  # here, not above: its OpenSSL costs every command 7 ms at start

    parsed = urlparse(url)
    path = Path(unquote(parsed.path))
    if html is None and parsed.scheme == "file" and path.is_file():
        html = path.read_text(encoding="utf-8", errors="replace")
    meta, page_title = _read_meta(html)
    # Stable across runs and machines: the page's folder and file name and its query, never the
    # host, the port or the folders above.
    identity = "/".join(path.parts[-2:]) + ("?" + parsed.query if parsed.query else "")
    digest = hashlib.sha1(identity.encode()).hexdigest()[:8]
    stem = path.stem if path.name else parsed.netloc
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "page"
    exam_type = meta.get("type", "reading")
    static_title = meta.get("title") or page_title.strip()
    try:
        return Exam(
            id=meta.get("id") or f"adhoc-{slug}-{digest}",
            title=static_title or stem or url,
            titleFromPage=not meta.get("title"),
            type=exam_type,
            module=meta.get("module") or ("listening" if exam_type == "listening" else "academic"),
            part=meta.get("part", ""),
            questions=int(meta["questions"]) if meta.get("questions") else None,
            firstQuestion=int(meta["first-question"]) if meta.get("first-question") else None,
            timeLimit=int(meta["time-limit"]) if meta.get("time-limit") else None,
            url=url,
        )
    except (ValidationError, ValueError) as exc:
        detail = readable(exc) if isinstance(exc, ValidationError) else str(exc)
        raise ExamNotFound(f"{url}: its ielts: meta tags are invalid:\n{detail}") from exc


def readable(exc: ValidationError) -> str:
    return "\n".join(
        f"  {'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
        for err in exc.errors()
    )

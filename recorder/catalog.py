"""The exam library: which practice pages exist and what they are.

Bundled exams are listed in ``exams/index.json``. A page outside the library (a path or a URL) is
described from its ``<meta name="ielts:...">`` tags and ``<title>`` where it has them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Sequence
from html.parser import HTMLParser
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

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
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


class _Index(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    exams: list[Exam]
    tests: list[Suite] = []


class Catalog:
    """The bundled exam library, loaded from ``index.json``."""

    def __init__(self, exams_dir: Path = EXAMS_DIR) -> None:
        self.exams_dir = exams_dir
        index_path = exams_dir / "index.json"
        try:
            raw = json.loads(index_path.read_text(encoding="utf-8"))
            index = _Index.model_validate(raw)
        except FileNotFoundError as exc:
            raise CatalogError(f"no exam index at {index_path}") from exc
        except json.JSONDecodeError as exc:
            raise CatalogError(f"{index_path} is not valid JSON: {exc}") from exc
        except ValidationError as exc:
            raise CatalogError(f"{index_path} is invalid:\n{_readable(exc)}") from exc
        seen: set[str] = set()
        for exam in index.exams:
            if exam.id in seen:
                raise CatalogError(f"{index_path}: exam id {exam.id!r} appears twice")
            seen.add(exam.id)
            if exam.questions is None:
                raise CatalogError(f"{index_path}: exam {exam.id!r} must declare its questions")
            if exam.file and not (exams_dir / exam.file).is_file():
                raise CatalogError(f"{index_path}: exam {exam.id!r} names missing file {exam.file}")
        self.exams: tuple[Exam, ...] = tuple(index.exams)
        for suite in index.tests:
            if suite.id in seen:
                raise CatalogError(f"{index_path}: id {suite.id!r} appears twice")
            seen.add(suite.id)
            for part in suite.parts:
                if part not in self.ids():
                    raise CatalogError(f"{index_path}: test {suite.id!r} names unknown exam {part}")
        self.suites: tuple[Suite, ...] = tuple(index.tests)

    def suite(self, suite_id: str) -> Suite:
        """A whole test by id; an unknown id lists the tests that exist."""
        for suite in self.suites:
            if suite.id == suite_id:
                return suite
        known = [s.id for s in self.suites]
        raise ExamNotFound(
            f"no test {suite_id!r}. Known tests: {', '.join(known) or 'none'}"
            " (single exams are run without --suite)"
        )

    def parts_of(self, suite: Suite) -> list[Exam]:
        return [self.get(part) for part in suite.parts]

    def ids(self) -> list[str]:
        return [exam.id for exam in self.exams]

    def get(self, exam_id: str) -> Exam:
        for exam in self.exams:
            if exam.id == exam_id:
                return exam
        raise ExamNotFound(unknown_exam_message(exam_id, self.ids()))

    def filter(self, *, type: str | None = None, module: str | None = None) -> list[Exam]:
        return [
            exam
            for exam in self.exams
            if (type is None or exam.type == type) and (module is None or exam.module == module)
        ]

    def resolve(self, target: str) -> Exam:
        """An exam from an id in the library, a path to an HTML file, or a URL."""
        if target in self.ids():
            return self.get(target)
        parsed = urlparse(target)
        if parsed.scheme in ("http", "https"):
            return _adhoc_exam(target, html=None, fallback_title=parsed.path.rsplit("/", 1)[-1])
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
        else:
            path = Path(target).expanduser()
        if path.suffix.lower() in (".html", ".htm") or path.exists():
            if not path.is_file():
                raise ExamNotFound(f"no practice page at {path}")
            html = path.read_text(encoding="utf-8", errors="replace")
            return _adhoc_exam(path.resolve().as_uri(), html=html, fallback_title=path.stem)
        raise ExamNotFound(unknown_exam_message(target, self.ids()))


def is_fragment(path: Path) -> bool:
    """A page that is only part of another (a frame's content, a popup): ``ielts:part-of``."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return 'name="ielts:part-of"' in head


def unknown_exam_message(wanted: str, known: Sequence[str]) -> str:
    """'no exam X' followed by the ids that exist, the closest first."""
    # An id that contains what was typed is the likeliest meaning, then the closest spellings.
    containing = [k for k in known if wanted.lower() in k.lower()]
    close = [
        k for k in difflib.get_close_matches(wanted, known, n=5, cutoff=0.4) if k not in containing
    ]
    rest = sorted(k for k in known if k not in close and k not in containing)
    ordered = containing + close + rest
    hint = "; give a path or URL to open a page outside the library"
    return f"no exam {wanted!r}. Known exams: {', '.join(ordered)}{hint}"


class _MetaReader(HTMLParser):
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


def _adhoc_exam(url: str, *, html: str | None, fallback_title: str) -> Exam:
    reader = _MetaReader()
    if html is not None:
        reader.feed(html)
    meta = reader.meta
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    slug = re.sub(r"[^a-z0-9]+", "-", fallback_title.lower()).strip("-") or "page"
    exam_type = meta.get("type", "reading")
    try:
        return Exam(
            id=meta.get("id") or f"adhoc-{slug}-{digest}",
            title=meta.get("title") or reader.title.strip() or fallback_title or url,
            type=exam_type,
            module=meta.get("module") or ("listening" if exam_type == "listening" else "academic"),
            part=meta.get("part", ""),
            questions=int(meta["questions"]) if meta.get("questions") else None,
            firstQuestion=int(meta["first-question"]) if meta.get("first-question") else None,
            timeLimit=int(meta["time-limit"]) if meta.get("time-limit") else None,
            url=url,
        )
    except (ValidationError, ValueError) as exc:
        detail = _readable(exc) if isinstance(exc, ValidationError) else str(exc)
        raise ExamNotFound(f"{url}: its ielts: meta tags are invalid:\n{detail}") from exc


def _readable(exc: ValidationError) -> str:
    return "\n".join(
        f"  {'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
        for err in exc.errors()
    )
